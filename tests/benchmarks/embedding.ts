import { fork } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { env, pipeline } from '@huggingface/transformers';
import * as ort from 'onnxruntime-node';
import { Embedder, type ModelInfo } from '../../src/model/index.js';
import { DataType, GraphBuilder } from '../../src/model/onnx-graph.js';
import { median, round } from './stats.js';

export type Precision = ModelInfo['precision'];

/** FLOPs of one all-MiniLM-L6-v2 forward pass over `tokens` tokens: the linear layers plus attention. */
export function miniLmFlops(tokens: number): number {
  const hidden = 384,
    intermediate = 1536,
    layers = 6;
  const linears = 2 * tokens * (hidden * 3 * hidden + hidden * hidden + 2 * hidden * intermediate);
  const attention = 2 * 2 * tokens * tokens * hidden;
  return layers * (linears + attention);
}

/**
 * The machine's matrix-multiply peak as ONNX Runtime reaches it, in GFLOP/s (an int8 multiply-add
 * counts as two operations, like an fp32 one): a chain of FFN-shaped GEMMs inside one graph (so
 * copying results out does not count), on every core. `int8` uses the same kernel as the int8 model
 * (DynamicQuantizeMatMul: activations quantized on the fly, int8 weights per output channel).
 */
async function measureGemmPeak(precision: Precision): Promise<number> {
  const m = 8192,
    k = 384,
    n = 1536,
    depth = 6;
  const g = new GraphBuilder();
  let x = g.input('a', DataType.FLOAT, [m, k]);
  const random = (size: number) => Float32Array.from({ length: size }, () => (Math.random() - 0.5) * 0.05);
  const project = (input: string, name: string, rows: number, cols: number) => {
    if (precision === 'fp32') return g.op('MatMul', [input, g.constant(name, random(rows * cols), [rows, cols])]);
    return g.contribOp('DynamicQuantizeMatMul', [
      input,
      g.constant(
        name,
        Int8Array.from({ length: rows * cols }, () => Math.round((Math.random() - 0.5) * 254)),
        [rows, cols],
      ),
      g.constant(`${name}.scale`, new Float32Array(cols).fill(1e-4), [cols]),
      g.constant(`${name}.zero_point`, new Int8Array(cols), [cols]),
    ]);
  };
  for (let i = 0; i < depth; i++) x = project(project(x, `up${i}`, k, n), `down${i}`, n, k);
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
  precision: Precision;
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

const NAIVE_NAME = 'naive pipeline fp32 (batch 32, unsorted)';
const embedderName = (precision: Precision) => `paper-search ${precision}`;

/** Our embedder (length-sorted batches, ONNX Runtime fused kernels) at each precision. */
async function embedderThroughput(modelsDir: string, precision: Precision, texts: string[]): Promise<ThroughputResult> {
  const embedder = await Embedder.load({ modelsDir, precision });
  return { name: embedderName(precision), precision, papersPerSecond: await papersPerSecond(texts, (batch) => embedder.embed(batch)) };
}

/** The naive way: a transformers.js pipeline over the same fp32 model, batches of 32 in input order. */
async function naiveThroughput(modelsDir: string, texts: string[]): Promise<ThroughputResult> {
  env.allowRemoteModels = false;
  env.localModelPath = `${modelsDir}/`;
  const extractor = await pipeline('feature-extraction', 'all-MiniLM-L6-v2', { dtype: 'fp32' });
  const embed = async (batch: string[]) => {
    for (let i = 0; i < batch.length; i += 32) await extractor(batch.slice(i, i + 32), { pooling: 'mean', normalize: true });
  };
  return { name: NAIVE_NAME, precision: 'fp32', papersPerSecond: await papersPerSecond(texts, embed) };
}

/** Abstract-like texts of at least `tokens` tokens, made by joining real abstracts (the model truncates at 256). */
export function longAbstracts(abstracts: string[], count: number, minChars: number): string[] {
  return Array.from({ length: count }, (_, i) => {
    let text = abstracts[i % abstracts.length]!;
    for (let j = 1; text.length < minChars; j++) text += ` ${abstracts[(i + j * 7) % abstracts.length]}`;
    return text;
  });
}

/** One throughput or peak measurement, described as data so it can run in a process of its own. */
export type EmbeddingTask =
  | { kind: 'gemm-peak'; precision: Precision }
  | { kind: 'naive'; modelsDir: string; texts: string[] }
  | { kind: 'embedder'; modelsDir: string; precision: Precision; texts: string[] };
export type ThroughputTask = Exclude<EmbeddingTask, { kind: 'gemm-peak' }>;

export async function runEmbeddingTask(task: EmbeddingTask): Promise<number | ThroughputResult> {
  if (task.kind === 'gemm-peak') return measureGemmPeak(task.precision);
  if (task.kind === 'naive') return naiveThroughput(task.modelsDir, task.texts);
  return embedderThroughput(task.modelsDir, task.precision, task.texts);
}

/** `npm run bench` bundles embedding-child.ts into .build/tools/bench-embedding-child.js, beside bench.js, the bundle this code runs in. */
const CHILD_ENTRY = fileURLToPath(new URL('./bench-embedding-child.js', import.meta.url));

/** What a task measures, as the report names it. */
export function describeTask(task: EmbeddingTask): string {
  if (task.kind === 'gemm-peak') return `GEMM peak ${task.precision}`;
  if (task.kind === 'naive') return NAIVE_NAME;
  return embedderName(task.precision);
}

/**
 * Runs a measurement in a fresh Node process: ONNX Runtime sessions left alive by earlier
 * measurements keep their thread pools, and on two cores those cost a later measurement up to 25%.
 */
export function isolated(task: Extract<EmbeddingTask, { kind: 'gemm-peak' }>): Promise<number>;
export function isolated(task: ThroughputTask): Promise<ThroughputResult>;
export function isolated(task: EmbeddingTask): Promise<number | ThroughputResult> {
  return new Promise((resolve, reject) => {
    const child = fork(CHILD_ENTRY, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    child.once('message', (result) => resolve(result as number | ThroughputResult));
    child.once('exit', (code) => reject(new Error(`measurement ${task.kind} exited with code ${code} before answering`)));
    child.send(task);
  });
}
