import { availableParallelism } from 'node:os';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { env, pipeline, LogLevel, type FeatureExtractionPipeline } from '@huggingface/transformers';
import { splitSentences } from '../text/index.js';
import { BatchQueue } from './batch-queue.js';
import { DEFAULT_MODEL, prepareDefaultModel, requireModelsFolder } from './prepare.js';
import { DEFAULT_PRECISION, type Precision } from '../contract/values.js';
import { hashFile } from '../storage/index.js';

export interface EmbedderOptions {
  /** Folder holding Hugging Face–layout model folders (`<name>/config.json`, `<name>/onnx/model.onnx`, ...). */
  modelsDir: string;
  /** A folder name under `modelsDir`; the default is converted automatically on first use. */
  model?: string;
  precision?: Precision;
  /** Most texts per forward pass; texts are sorted by length first, so padding stays small. */
  batchSize?: number;
  /**
   * Most (padded) tokens per forward pass, estimated from text length. Small passes keep activations
   * in cache: on this 2-core machine one 256-token abstract per pass embeds 5–15% faster than
   * 8 or 32 per pass, while short texts still share a pass.
   */
  batchTokens?: number;
  /** ONNX Runtime intra-op threads; defaults to every core. */
  threads?: number;
  /** Texts that may wait for the model in `embedLong` before it answers BusyError. */
  maxWaiting?: number;
}

/** What the index manifest records, so an index is never searched with vectors of another model. */
export interface ModelInfo {
  name: string;
  precision: Precision;
  /** sha256 of the ONNX file that computes the vectors. */
  checksum: string;
  dimensions: number;
  maxTokens: number;
}

const ONNX_FILE: Record<Precision, string> = { fp32: 'model.onnx', int8: 'model_quantized.onnx' };
const TRANSFORMERS_DTYPE: Record<Precision, 'fp32' | 'q8'> = { fp32: 'fp32', int8: 'q8' };

/**
 * Sentence embeddings (mean-pooled, L2-normalized) from a local ONNX model through transformers.js.
 *
 * ```ts
 * const embedder = await Embedder.load({ modelsDir: 'models' });
 * const [vector] = await embedder.embed(['how do robots learn from demonstrations?']);
 * ```
 */
export class Embedder {
  private readonly queue: BatchQueue<Float32Array>;

  private constructor(
    private readonly extractor: FeatureExtractionPipeline,
    readonly info: ModelInfo,
    private readonly batchSize: number,
    private readonly batchTokens: number,
    maxWaiting: number,
  ) {
    this.queue = new BatchQueue((texts) => this.embed(texts), maxWaiting, batchSize);
  }

  static async load(options: EmbedderOptions): Promise<Embedder> {
    const name = options.model ?? DEFAULT_MODEL;
    const precision = options.precision ?? DEFAULT_PRECISION;
    requireModelsFolder(options.modelsDir);
    if (name === DEFAULT_MODEL) await prepareDefaultModel(options.modelsDir);
    const onnxPath = join(options.modelsDir, name, 'onnx', ONNX_FILE[precision]);
    if (!existsSync(onnxPath)) {
      throw new Error(
        `model "${name}" (${precision}) not found: expected ${onnxPath}; put a Hugging Face–layout ONNX model folder in ${options.modelsDir}/`,
      );
    }

    env.allowRemoteModels = false;
    env.allowLocalModels = true;
    env.localModelPath = `${options.modelsDir}/`;
    env.logLevel = LogLevel.ERROR;
    const extractor = await pipeline('feature-extraction', name, {
      dtype: TRANSFORMERS_DTYPE[precision],
      session_options: { intraOpNumThreads: options.threads ?? availableParallelism(), logSeverityLevel: 3 },
    });
    const maxTokens = Math.min(extractor.tokenizer.model_max_length, 512);
    const probe = await extractor('probe', { pooling: 'mean', normalize: true });
    const info: ModelInfo = {
      name,
      precision,
      checksum: hashFile(onnxPath, 'sha256').digest,
      dimensions: probe.dims.at(-1)!,
      maxTokens,
    };
    return new Embedder(extractor, info, options.batchSize ?? 32, options.batchTokens ?? 256, options.maxWaiting ?? 256);
  }

  /**
   * Embeds texts (each truncated to the model's token limit, as sentence-transformers does).
   * Batches are formed from length-sorted texts, so padding to the longest text in a batch costs
   * little, and hold at most `batchSize` texts and about `batchTokens` tokens. An int8 model gets one
   * text per pass: it quantizes activations with one scale per pass, so texts sharing a pass would
   * shift each other's vectors (and padding would too).
   */
  async embed(texts: string[], onBatch?: (done: number) => void): Promise<Float32Array[]> {
    const order = texts.map((_, i) => i).sort((a, b) => texts[a]!.length - texts[b]!.length);
    const vectors = new Array<Float32Array>(texts.length);
    const textsPerPass = this.info.precision === 'int8' ? 1 : this.batchSize;
    for (let start = 0; start < order.length; ) {
      // Sorted ascending, so the text being added is the batch's longest: it sets the padded width.
      let end = start + 1;
      while (
        end < order.length &&
        end - start < textsPerPass &&
        (end - start + 1) * this.estimateTokens(texts[order[end]!]!) <= this.batchTokens
      )
        end++;
      const batch = order.slice(start, end);
      start = end;
      const output = await this.extractor(
        batch.map((i) => texts[i]!),
        { pooling: 'mean', normalize: true },
      );
      const data = output.data as Float32Array;
      const dims = this.info.dimensions;
      batch.forEach((textIndex, row) => {
        vectors[textIndex] = data.slice(row * dims, (row + 1) * dims);
      });
      onBatch?.(batch.length);
    }
    return vectors;
  }

  /** Tokens a text will take, without tokenizing it: English averages about four characters per WordPiece token. */
  private estimateTokens(text: string): number {
    return Math.min(this.info.maxTokens, Math.ceil(text.length / 4) + 2);
  }

  /** Texts waiting for the model in the query queue. */
  get pending(): number {
    return this.queue.pending;
  }

  /**
   * Embeds a query of any length: it is cut into passages that fit the model (whole sentences where
   * the text has them, word boundaries where it does not), and the passage vectors are averaged
   * (weighted by length) — nothing after the token limit is dropped.
   * Concurrent calls share forward passes through a bounded queue (BusyError when it is full).
   */
  async embedLong(text: string): Promise<Float32Array> {
    const passages = this.passages(text);
    const vectors = await Promise.all(passages.map((passage) => this.queue.submit(passage)));
    if (vectors.length === 1) return vectors[0]!;
    const pooled = new Float32Array(this.info.dimensions);
    vectors.forEach((vector, i) => {
      const weight = passages[i]!.length;
      for (let d = 0; d < pooled.length; d++) pooled[d]! += vector[d]! * weight;
    });
    return normalize(pooled);
  }

  /** Tokens the model sees for a text, [CLS] and [SEP] included. */
  countTokens(text: string): number {
    return this.extractor.tokenizer.encode(text).length;
  }

  /**
   * The text cut into passages of at most `maxTokens` tokens each: sentences packed greedily, and a
   * sentence too long for the model (pasted text without sentence ends: lower-case, comma-separated)
   * first cut into pieces that fit, so the model's own truncation never silently drops its tail.
   */
  passages(text: string): string[] {
    const fits = (piece: string) => this.countTokens(piece) <= this.info.maxTokens;
    if (fits(text)) return [text];
    // BERT's pre-tokenizer splits at whitespace, so pieces joined by a space cost the sum of their
    // tokens: each piece is tokenized once (packing by re-tokenizing every candidate passage cost a
    // 20,000-character paste a quarter of a second of blocking work).
    const tokensOf = (piece: string) => this.countTokens(piece) - 2;
    const budget = this.info.maxTokens - 2;
    const passages: string[] = [];
    let current = '';
    let currentTokens = 0;
    for (const piece of splitSentences(text).flatMap((sentence) => this.piecesThatFit(sentence, fits))) {
      const tokens = tokensOf(piece);
      if (current && currentTokens + tokens > budget) {
        passages.push(current);
        current = piece;
        currentTokens = tokens;
      } else {
        current = current ? `${current} ${piece}` : piece;
        currentTokens += tokens;
      }
    }
    if (current) passages.push(current);
    return passages;
  }

  /**
   * Halves a text at the word boundary nearest its middle until every piece fits (tokenizing each
   * level once, so a 100k-character paste costs a few tokenizer passes, not one per word). A single
   * "word" too long for the model (say, a run of comma-joined terms without spaces) is halved by characters.
   */
  private piecesThatFit(text: string, fits: (piece: string) => boolean): string[] {
    if (fits(text)) return [text];
    const middle = text.length >> 1;
    const before = nearestSpace(text, middle, -1);
    const after = nearestSpace(text, middle, 1);
    const cut =
      before > 0 && (after === -1 || middle - before <= after - middle) ? before : after > 0 ? after : codePointBoundary(text, middle);
    return [text.slice(0, cut).trim(), text.slice(cut).trim()]
      .filter((piece) => piece.length > 0)
      .flatMap((piece) => this.piecesThatFit(piece, fits));
  }
}

/** The first whitespace from `index` going in `step`'s direction, or -1. */
function nearestSpace(text: string, index: number, step: 1 | -1): number {
  for (let i = index; i >= 0 && i < text.length; i += step) if (/\s/.test(text[i]!)) return i;
  return -1;
}

/** `index`, moved back off the second half of a surrogate pair, so a cut never splits a character. */
function codePointBoundary(text: string, index: number): number {
  const code = text.charCodeAt(index);
  return code >= 0xdc00 && code <= 0xdfff ? index - 1 : index;
}

export function normalize(vector: Float32Array): Float32Array {
  let norm = 0;
  for (const value of vector) norm += value * value;
  norm = Math.sqrt(norm) || 1;
  for (let d = 0; d < vector.length; d++) vector[d]! /= norm;
  return vector;
}
