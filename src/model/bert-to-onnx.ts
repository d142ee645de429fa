import type { Tensor } from './safetensors.js';
import { DataType, GraphBuilder, MICROSOFT } from './onnx-graph.js';

export interface BertConfig {
  hidden_size: number;
  num_attention_heads: number;
  num_hidden_layers: number;
  intermediate_size: number;
  layer_norm_eps: number;
  hidden_act: string;
}

export type WeightFormat = 'fp32' | 'int8';

const OPSET = 17;

/**
 * Builds an ONNX graph of a BERT encoder (inputs input_ids / attention_mask / token_type_ids,
 * output last_hidden_state) from its safetensors weights.
 *
 * The encoder layers use ONNX Runtime's fused kernels directly (MultiHeadAttention,
 * SkipLayerNormalization, BiasGelu) instead of hoping the runtime recognises the unfused pattern:
 * that is what makes a hand-built graph as fast as an exported-then-optimised one.
 * With `int8`, the projections of normalized activations (Q/K/V and the FFN input) use weights
 * quantized per output channel (symmetric) through DynamicQuantizeMatMul.
 */
export function bertToOnnx(weights: Map<string, Tensor>, config: BertConfig, format: WeightFormat): Uint8Array {
  if (config.hidden_act !== 'gelu') throw new Error(`converter supports hidden_act "gelu", got "${config.hidden_act}"`);
  const g = new GraphBuilder();
  const hidden = config.hidden_size;
  const epsilon = config.layer_norm_eps;

  const tensor = (name: string): Tensor => {
    const t = weights.get(name);
    if (!t) throw new Error(`weights are missing tensor "${name}"`);
    return t;
  };
  const param = (name: string): string => g.constant(name, tensor(name).data, tensor(name).shape);
  const ints = (name: string, values: number[]): string =>
    g.constant(name, BigInt64Array.from(values.map(BigInt)), [values.length]);

  /**
   * x · Wᵀ for the given Linear weights (stored [out, in]); the bias is left to the consumer's fused kernel.
   * In int8 models only projections of LayerNorm outputs are quantized: the attention context and the
   * GELU output have heavy-tailed activations that per-tensor activation quantization cannot resolve
   * (quantizing them too drops agreement with fp32 below cosine 0.99 on short sentences).
   */
  const project = (x: string, name: string, weight: Tensor, inputIsNormalized: boolean): string => {
    const [outFeatures, inFeatures] = weight.shape as [number, number];
    if (format === 'fp32' || !inputIsNormalized) {
      return g.op('MatMul', [x, g.constant(name, transpose(weight.data, outFeatures, inFeatures), [inFeatures, outFeatures])]);
    }
    const { quantized, scales } = quantizePerOutputChannel(weight.data, outFeatures, inFeatures);
    return g.contribOp('DynamicQuantizeMatMul', [
      x,
      g.constant(`${name}.int8`, quantized, [inFeatures, outFeatures]),
      g.constant(`${name}.scale`, scales, [outFeatures]),
      g.constant(`${name}.zero_point`, new Int8Array(outFeatures), [outFeatures]),
    ]);
  };
  const skipLayerNorm = (x: string, skip: string, bias: string, norm: string): string =>
    g.node('SkipLayerNormalization', [x, skip, param(`${norm}.weight`), param(`${norm}.bias`), param(bias)], { epsilon }, 1, MICROSOFT)[0]!;

  const inputIds = g.input('input_ids', DataType.INT64, ['batch_size', 'sequence_length']);
  const attentionMask = g.input('attention_mask', DataType.INT64, ['batch_size', 'sequence_length']);
  const tokenTypeIds = g.input('token_type_ids', DataType.INT64, ['batch_size', 'sequence_length']);

  // Embeddings: word + position (first sequence_length rows) + token type, then LayerNorm.
  const sequenceLength = g.op('Gather', [g.op('Shape', [inputIds]), ints('one_index', [1])], { axis: 0 });
  const positions = g.op('Slice', [param('embeddings.position_embeddings.weight'), ints('zero_start', [0]), sequenceLength, ints('axis_zero', [0])]);
  const words = g.op('Gather', [param('embeddings.word_embeddings.weight'), inputIds]);
  const types = g.op('Gather', [param('embeddings.token_type_embeddings.weight'), tokenTypeIds]);
  let x = g.op('LayerNormalization', [g.op('Add', [g.op('Add', [words, positions]), types]), param('embeddings.LayerNorm.weight'), param('embeddings.LayerNorm.bias')], { axis: -1, epsilon });

  const keyPaddingMask = g.op('Cast', [attentionMask], { to: DataType.INT32 });

  for (let layer = 0; layer < config.num_hidden_layers; layer++) {
    const p = `encoder.layer.${layer}`;
    const self = (part: 'query' | 'key' | 'value', kind: 'weight' | 'bias') => tensor(`${p}.attention.self.${part}.${kind}`);
    // One packed projection for Q, K and V: a single GEMM three times as wide.
    const qkvWeight = { shape: [3 * hidden, hidden], data: concat([self('query', 'weight'), self('key', 'weight'), self('value', 'weight')]) };
    const qkvBias = g.constant(`${p}.attention.qkv.bias`, concat([self('query', 'bias'), self('key', 'bias'), self('value', 'bias')]), [3 * hidden]);
    const [query, key, value] = g.node('Split', [project(x, `${p}.attention.qkv.weight`, qkvWeight, true), ints(`${p}.qkv_split`, [hidden, hidden, hidden])], { axis: -1 }, 3);
    const context = g.contribOp('MultiHeadAttention', [query!, key!, value!, qkvBias, keyPaddingMask], { num_heads: config.num_attention_heads });
    const attended = skipLayerNorm(project(context, `${p}.attention.output.dense.weight`, tensor(`${p}.attention.output.dense.weight`), false), x, `${p}.attention.output.dense.bias`, `${p}.attention.output.LayerNorm`);

    const intermediate = g.contribOp('BiasGelu', [project(attended, `${p}.intermediate.dense.weight`, tensor(`${p}.intermediate.dense.weight`), true), param(`${p}.intermediate.dense.bias`)]);
    x = skipLayerNorm(project(intermediate, `${p}.output.dense.weight`, tensor(`${p}.output.dense.weight`), false), attended, `${p}.output.dense.bias`, `${p}.output.LayerNorm`);
  }

  g.rename(x, 'last_hidden_state');
  g.output('last_hidden_state', DataType.FLOAT, ['batch_size', 'sequence_length', hidden]);
  return g.encode('bert', OPSET);
}

function concat(tensors: Tensor[]): Float32Array {
  const out = new Float32Array(tensors.reduce((n, t) => n + t.data.length, 0));
  let offset = 0;
  for (const t of tensors) {
    out.set(t.data, offset);
    offset += t.data.length;
  }
  return out;
}

/** Row-major [rows, cols] → [cols, rows]: safetensors stores Linear weights [out, in], MatMul wants [in, out]. */
function transpose(data: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(data.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = data[r * cols + c]!;
  return out;
}

/** Symmetric int8 per output channel, already in the [in, out] layout the matmul kernel expects. */
function quantizePerOutputChannel(weight: Float32Array, outFeatures: number, inFeatures: number): { quantized: Int8Array; scales: Float32Array } {
  const quantized = new Int8Array(weight.length);
  const scales = new Float32Array(outFeatures);
  for (let o = 0; o < outFeatures; o++) {
    let maxAbs = 0;
    for (let i = 0; i < inFeatures; i++) maxAbs = Math.max(maxAbs, Math.abs(weight[o * inFeatures + i]!));
    const scale = maxAbs / 127 || 1;
    scales[o] = scale;
    for (let i = 0; i < inFeatures; i++) quantized[i * outFeatures + o] = Math.round(weight[o * inFeatures + i]! / scale);
  }
  return { quantized, scales };
}
