import { describe, expect, it } from 'vitest';
import { splitSentences } from '../../src/text/sentences.js';

describe('splitSentences', () => {
  it('splits after . ! or ? followed by whitespace and a capital, digit or opening bracket', () => {
    expect(
      splitSentences('We train robots. It works! Does it scale? 12 tasks say yes. (See below) for more. "Quoted" too. [1] cites it.'),
    ).toEqual([
      'We train robots.',
      'It works!',
      'Does it scale?',
      '12 tasks say yes.',
      '(See below) for more.',
      '"Quoted" too.',
      '[1] cites it.',
    ]);
  });

  it('keeps abbreviations followed by a lower-case word inside their sentence', () => {
    expect(splitSentences('We use priors, e.g. the grasp pose, and losses w.r.t. to the goal. Results follow.')).toEqual([
      'We use priors, e.g. the grasp pose, and losses w.r.t. to the goal.',
      'Results follow.',
    ]);
  });

  it('does not split without whitespace after the stop, as in decimals and versions', () => {
    expect(splitSentences('Accuracy rose by 3.5 points on v2.0.Next is fine.')).toEqual([
      'Accuracy rose by 3.5 points on v2.0.Next is fine.',
    ]);
  });

  it('splits at line breaks too, and trims and drops empty pieces', () => {
    expect(splitSentences('  First line.\n\nSecond line.  ')).toEqual(['First line.', 'Second line.']);
    expect(splitSentences('')).toEqual([]);
    expect(splitSentences(' \n ')).toEqual([]);
    expect(splitSentences('No stop at all')).toEqual(['No stop at all']);
  });

  it('splits before a capital in any script', () => {
    expect(splitSentences('Es geht. Über alles.')).toEqual(['Es geht.', 'Über alles.']);
  });
});
