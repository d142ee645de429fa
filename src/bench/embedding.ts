import { availableParallelism } from 'node:os';
import { env, pipeline } from '@huggingface/transformers';
import * as ort from 'onnxruntime-node';
import { Embedder, type Precision } from '../model/index.js';
import { DataType, GraphBuilder } from '../model/onnx-graph.js';
import { median, round } from './stats.js';

/** FLOPs of one all-MiniLM-L6-v2 forward pass over `tokens` tokens: the linear layers plus attention. */
export function miniLmFlops(tokens: number): number {
  const hidden = 384, intermediate = 1536, layers = 6;
  const linears = 2 * tokens * (hidden * 3 * hidden + hidden * hidden + 2 * hidden * intermediate);
  const attention = 2 * 2 * tokens * tokens * hidden;
  return layers * (linears + attention);
}

/**
 * The machine's fp32 matrix-multiply peak as ONNX Runtime reaches it: a chain of FFN-shaped GEMMs
 * inside one graph (so copying results out does not count), on every core.
 */
export async function measureGemmPeak(): Promise<number> {
  const m = 8192, k = 384, n = 1536, depth = 6;
  const g = new GraphBuilder();
  let x = g.input('a', DataType.FLOAT, [m, k]);
  const random = (size: number) => Float32Array.from({ length: size }, () => (Math.random() - 0.5) * 0.05);
  for (let i = 0; i < depth; i++) {
    const up = g.op('MatMul', [x, g.constant(`up${i}`, random(k * n), [k, n])]);
    x = g.op('MatMul', [up, g.constant(`down${i}`, random(n * k), [n, k])]);
  }
  g.rename(g.op('ReduceSum', [x], { keepdims: 0 }), 'sum');
  g.output('sum', DataType.FLOAT, []);
  const session = await ort.InferenceSession.create(g.encode('gemm', 17), { intraOpNumThreads: availableParallelism() });
  const feeds = { a: new ort.Tensor('float32', random(m * k), [m, k]) };
  await session.run(feeds);
  const seconds: number[] = [];
  for (let i = 0; i < 5; i++) {
    const started = performance.now();
    await session.run(feeds);
    seconds.push((performance.now() - started) / 1000);
  }
  return (2 * m * k * n * 2 * depth) / median(seconds) / 1e9;
}

export interface ThroughputResult {
  name: string;
  papersPerSecond: number;
}

async function papersPerSecond(texts: string[], embed: (batch: string[]) => Promise<unknown>, runs = 3): Promise<number> {
  await embed(texts.slice(0, 8));
  const rates: number[] = [];
  for (let run = 0; run < runs; run++) {
    const started = performance.now();
    await embed(texts);
    rates.push(texts.length / ((performance.now() - started) / 1000));
  }
  return round(median(rates), 1);
}

/** Our embedder (length-sorted batches, ONNX Runtime fused kernels) at each precision. */
export async function embedderThroughput(modelsDir: string, precision: Precision, texts: string[]): Promise<ThroughputResult> {
  const embedder = await Embedder.load({ modelsDir, precision });
  return { name: `paper-search ${precision}`, papersPerSecond: await papersPerSecond(texts, (batch) => embedder.embed(batch)) };
}

/** The naive way: a transformers.js pipeline over the same fp32 model, batches of 32 in input order. */
export async function naiveThroughput(modelsDir: string, texts: string[]): Promise<ThroughputResult> {
  env.allowRemoteModels = false;
  env.localModelPath = `${modelsDir}/`;
  const extractor = await pipeline('feature-extraction', 'all-MiniLM-L6-v2', { dtype: 'fp32' });
  const embed = async (batch: string[]) => {
    for (let i = 0; i < batch.length; i += 32) await extractor(batch.slice(i, i + 32), { pooling: 'mean', normalize: true });
  };
  return { name: 'naive pipeline fp32 (batch 32, unsorted)', papersPerSecond: await papersPerSecond(texts, embed) };
}

/** Abstract-like texts of at least `tokens` tokens, made by joining real abstracts (the model truncates at 256). */
export function longAbstracts(abstracts: string[], count: number, minChars: number): string[] {
  return Array.from({ length: count }, (_, i) => {
    let text = abstracts[i % abstracts.length]!;
    for (let j = 1; text.length < minChars; j++) text += ` ${abstracts[(i + j * 7) % abstracts.length]}`;
    return text;
  });
}

