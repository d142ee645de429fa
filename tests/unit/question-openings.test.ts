import { describe, expect, it } from 'vitest';
import { withoutQuestionWords } from '../../src/search/question.js';

describe('question openings', () => {
  it.each([
    ['how can a robot pick up manipulation skills by watching videos?', 'a robot pick up manipulation skills by watching videos'],
    ['Is there any work on training agents that operate a computer desktop?', 'training agents that operate a computer desktop'],
    ['Which papers build or evaluate game-playing agents in Minecraft?', 'build or evaluate game-playing agents in Minecraft'],
    ['What are methods for offline reinforcement learning', 'offline reinforcement learning'],
    ['Can I improve a behavior-cloned robot policy with RL?', 'improve a behavior-cloned robot policy with RL'],
    ['How do you teach a humanoid robot agile movements?', 'teach a humanoid robot agile movements'],
  ])('"%s" is searched as "%s"', (question, topic) => {
    expect(withoutQuestionWords(question)).toBe(topic);
  });

  it('leaves lookups and statements alone', () => {
    for (const text of [
      'GAIL',
      'diffusion policy',
      'robots that follow spoken natural-language commands',
      'what happens when a model hacks its reward',
    ])
      expect(withoutQuestionWords(text)).toBe(text);
  });

  it('keeps a text that is nothing but a question opening', () => {
    expect(withoutQuestionWords('Is there any work on?')).toBe('Is there any work on?');
  });

  it('strips a long run of question marks in one pass', () => {
    expect(withoutQuestionWords(`how can robots learn${'?'.repeat(100_000)}`)).toBe('robots learn');
  });
});
