import { beforeAll, describe, expect, it } from 'vitest';
import { Embedder } from '../../src/model/index.js';
import { MODELS_DIR } from '../support/seed-engine.js';

const ROBOTICS = [
  'robot',
  'gripper',
  'imitation learning',
  'demonstrations',
  'policy',
  'manipulation',
  'grasping',
  'trajectory',
  'teleoperation',
  'diffusion policy',
  'camera observations',
  'reward',
  'locomotion',
  'sim to real',
  'actuator',
  'torque control',
];
const COOKING = [
  'sourdough',
  'fermentation',
  'oven temperature',
  'caramelised onions',
  'braising',
  'olive oil',
  'garlic',
  'risotto',
  'pastry',
  'knife skills',
  'stock reduction',
  'seasoning',
  'roast vegetables',
  'butter',
  'yeast',
  'simmering',
];
const ASTRONOMY = [
  'galaxy',
  'redshift',
  'telescope',
  'dark matter',
  'supernova',
  'exoplanet transit',
  'spectroscopy',
  'black hole',
  'cosmic microwave background',
  'nebula',
  'stellar mass',
  'gravitational lensing',
  'pulsar',
  'orbital period',
  'quasar',
  'light curve',
];

/** Lower-case, comma-separated terms and no sentence end: what pasting keywords or a table column gives. */
function commaSeparated(terms: string[], chars: number, seed: number): string {
  const picked: string[] = [];
  for (let i = 0, length = 0; length < chars; i++) {
    const term = terms[(i * 7 + seed) % terms.length]!;
    picked.push(term);
    length += term.length + 2;
  }
  return picked.join(', ');
}

const cosine = (a: Float32Array, b: Float32Array) => a.reduce((dot, value, i) => dot + value * b[i]!, 0);

describe('long text without sentence ends is embedded whole, not truncated at the model limit', () => {
  let embedder: Embedder;
  beforeAll(async () => {
    embedder = await Embedder.load({ modelsDir: MODELS_DIR });
  });

  it('two 2,500-character texts sharing only their first half get different vectors', async () => {
    const shared = commaSeparated(ROBOTICS, 1250, 1);
    const first = `${shared}, ${commaSeparated(COOKING, 1250, 3)}`;
    const second = `${shared}, ${commaSeparated(ASTRONOMY, 1250, 5)}`;
    expect(embedder.countTokens(shared)).toBeGreaterThan(embedder.info.maxTokens);
    const similarity = cosine(await embedder.embedLong(first), await embedder.embedLong(second));
    console.log(
      `texts sharing only their first half: cosine ${similarity.toFixed(6)}, ${embedder.passages(first).length} passages of ${first.length} characters`,
    );
    expect(similarity).toBeLessThan(0.99);
  });

  it('every passage of a long unpunctuated text fits the model, and together they keep every word in order', () => {
    const text = commaSeparated([...ROBOTICS, ...COOKING, ...ASTRONOMY], 20_000, 2).replaceAll(',', '');
    const started = performance.now();
    const passages = embedder.passages(text);
    console.log(
      `${text.length} characters, ${embedder.countTokens(text)} tokens: ${passages.length} passages in ${(performance.now() - started).toFixed(0)} ms`,
    );
    expect(passages.length).toBeGreaterThan(1);
    for (const passage of passages) expect(embedder.countTokens(passage)).toBeLessThanOrEqual(embedder.info.maxTokens);
    expect(passages.join(' ')).toBe(text);
  });

  it('a run of terms without spaces is cut between characters so that it fits', () => {
    const text = 'gripper,'.repeat(1500);
    const passages = embedder.passages(text);
    for (const passage of passages) expect(embedder.countTokens(passage)).toBeLessThanOrEqual(embedder.info.maxTokens);
    // Packing may put a space between two pieces of the run; no character is lost or reordered.
    expect(passages.join('').replaceAll(' ', '')).toBe(text);
  });
});
