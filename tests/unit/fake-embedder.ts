import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import type { Embedder } from '../../src/model/index.js';

export const FAKE_MODEL = { name: 'fake', precision: 'int8', checksum: 'f'.repeat(64), dimensions: 8, maxTokens: 64 } as const;

/** A stand-in for the model: a deterministic unit vector per text, and a count of texts embedded. */
export function fakeEmbedder(): Embedder & { embeddedTexts: string[] } {
  const embeddedTexts: string[] = [];
  const fake = {
    info: FAKE_MODEL,
    embeddedTexts,
    async embed(texts: string[], onProgress?: (done: number) => void): Promise<Float32Array[]> {
      embeddedTexts.push(...texts);
      onProgress?.(texts.length);
      return texts.map(unitVectorOf);
    },
  };
  return fake as unknown as Embedder & { embeddedTexts: string[] };
}

export function unitVectorOf(text: string): Float32Array {
  const digest = createHash('sha256').update(text).digest();
  const vector = Float32Array.from({ length: FAKE_MODEL.dimensions }, (_, i) => digest[i]! - 127.5);
  const norm = Math.hypot(...vector);
  return vector.map((x) => x / norm);
}

/** `count` distinct papers as a JSON Lines file. */
export function writePapers(file: string, count: number, from = 0): void {
  const lines = Array.from({ length: count }, (_, i) => JSON.stringify({ id: `paper-${from + i}`, title: `Paper number ${from + i}`, abstract: `The abstract of paper ${from + i}.` }));
  writeFileSync(file, `${lines.join('\n')}\n`);
}
