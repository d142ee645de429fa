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

/** Largest absolute value per channel of the inputs to a layer's attention-output and FFN-output projections. */
export interface LayerActivationRanges {
  context: Float32Array;
  intermediate: Float32Array;
}

export interface ConversionOptions {
  /**
   * int8 only: activation ranges measured on calibration text (see `calibrationGraph`). With them the
   * attention-output and FFN-output projections are quantized too, after SmoothQuant moves their
   * inputs' outlier channels into the weights; without them those two stay fp32.
   */
  activationRanges?: LayerActivationRanges[];
}

/**
 * SmoothQuant's migration strength (0.5 would split the difficulty evenly between activations and
 * weights). Chosen by sweeping 0.3 / 0.5 / 0.7 / 0.85 for the worst-case cosine to fp32 on short
 * sentences: 0.77 / 0.982 / 0.992 / 0.973.
 */
const SMOOTHING_ALPHA = 0.7;

const OPSET = 17;

/**
 * Builds an ONNX graph of a BERT encoder (inputs input_ids / attention_mask / token_type_ids,
 * output last_hidden_state) from its safetensors weights.
 *
 * The encoder layers use ONNX Runtime's fused kernels directly (MultiHeadAttention,
 * SkipLayerNormalization, BiasGelu) instead of hoping the runtime recognises the unfused pattern:
 * that is what makes a hand-built graph as fast as an exported-then-optimised one.
 * With `int8`, projections use weights quantized per output channel (symmetric) through
 * DynamicQuantizeMatMul, which quantizes its input with one scale per tensor.
 */
export function bertToOnnx(
  weights: Map<string, Tensor>,
  config: BertConfig,
  format: WeightFormat,
  options: ConversionOptions = {},
): Uint8Array {
  return buildBert(weights, config, format, options.activationRanges, false);
}

/**
 * The fp32 graph with one more output per layer and projection input (`context.<layer>`,
 * `intermediate.<layer>`, each [batch, tokens, channels]), to measure activation ranges on.
 */
export function calibrationGraph(weights: Map<string, Tensor>, config: BertConfig): Uint8Array {
  return buildBert(weights, config, 'fp32', undefined, true);
}

function buildBert(
  weights: Map<string, Tensor>,
  config: BertConfig,
  format: WeightFormat,
  ranges: LayerActivationRanges[] | undefined,
  exposeActivations: boolean,
): Uint8Array {
  if (config.hidden_act !== 'gelu') throw new Error(`converter supports hidden_act "gelu", got "${config.hidden_act}"`);
  if (ranges && ranges.length !== config.num_hidden_layers)
    throw new Error(`activation ranges cover ${ranges.length} layers, the model has ${config.num_hidden_layers}`);
  // Smoothing exists to help quantization: an fp32 graph keeps its weights exactly as they are.
  const smoothingRanges = format === 'int8' ? ranges : undefined;
  const g = new GraphBuilder();
  const hidden = config.hidden_size;
  const epsilon = config.layer_norm_eps;

  const tensor = (name: string): Tensor => {
    const t = weights.get(name);
    if (!t) throw new Error(`weights are missing tensor "${name}"`);
    return t;
  };
  const param = (name: string): string => g.constant(name, tensor(name).data, tensor(name).shape);
  const ints = (name: string, values: number[]): string => g.constant(name, BigInt64Array.from(values.map(BigInt)), [values.length]);

  /**
   * x · Wᵀ for the given Linear weights (stored [out, in]); the bias is left to the consumer's fused kernel.
   * LayerNorm outputs quantize well as they are. The attention context and the GELU output have a few
   * outlier channels that one scale per tensor cannot resolve (quantizing them plainly drops agreement
   * with fp32 below cosine 0.99 on short sentences), so those projections are quantized only when
   * `smoothing` says how far to scale each input channel down (and its weights up), else kept fp32.
   */
  const project = (x: string, name: string, weight: Tensor, input: 'normalized' | { smoothing?: Float32Array }): string => {
    const [outFeatures, inFeatures] = weight.shape as [number, number];
    if (format === 'fp32' || (input !== 'normalized' && !input.smoothing)) {
      return g.op('MatMul', [x, g.constant(name, transpose(weight.data, outFeatures, inFeatures), [inFeatures, outFeatures])]);
    }
    const smoothing = input === 'normalized' ? undefined : input.smoothing;
    const smoothed = smoothing ? weight.data.map((w, i) => w * smoothing[i % inFeatures]!) : weight.data;
    const { quantized, scales } = quantizePerOutputChannel(smoothed, outFeatures, inFeatures);
    return g.contribOp('DynamicQuantizeMatMul', [
      x,
      g.constant(`${name}.int8`, quantized, [inFeatures, outFeatures]),
      g.constant(`${name}.scale`, scales, [outFeatures]),
      g.constant(`${name}.zero_point`, new Int8Array(outFeatures), [outFeatures]),
    ]);
  };
  const exposeAs = (x: string, name: string, channels: number) => {
    g.rename(g.op('Identity', [x]), name);
    g.output(name, DataType.FLOAT, ['batch_size', 'sequence_length', channels]);
  };
  const skipLayerNorm = (x: string, skip: string, bias: string, norm: string): string =>
    g.node('SkipLayerNormalization', [x, skip, param(`${norm}.weight`), param(`${norm}.bias`), param(bias)], { epsilon }, 1, MICROSOFT)[0]!;

  const inputIds = g.input('input_ids', DataType.INT64, ['batch_size', 'sequence_length']);
  const attentionMask = g.input('attention_mask', DataType.INT64, ['batch_size', 'sequence_length']);
  const tokenTypeIds = g.input('token_type_ids', DataType.INT64, ['batch_size', 'sequence_length']);

  // Embeddings: word + position (first sequence_length rows) + token type, then LayerNorm.
  const sequenceLength = g.op('Gather', [g.op('Shape', [inputIds]), ints('one_index', [1])], { axis: 0 });
  const positions = g.op('Slice', [
    param('embeddings.position_embeddings.weight'),
    ints('zero_start', [0]),
    sequenceLength,
    ints('axis_zero', [0]),
  ]);
  const words = g.op('Gather', [param('embeddings.word_embeddings.weight'), inputIds]);
  const types = g.op('Gather', [param('embeddings.token_type_embeddings.weight'), tokenTypeIds]);
  let x = g.op(
    'LayerNormalization',
    [g.op('Add', [g.op('Add', [words, positions]), types]), param('embeddings.LayerNorm.weight'), param('embeddings.LayerNorm.bias')],
    { axis: -1, epsilon },
  );

  const keyPaddingMask = g.op('Cast', [attentionMask], { to: DataType.INT32 });

  for (let layer = 0; layer < config.num_hidden_layers; layer++) {
    const p = `encoder.layer.${layer}`;
    const self = (part: 'query' | 'key' | 'value', kind: 'weight' | 'bias') => tensor(`${p}.attention.self.${part}.${kind}`);
    // One packed projection for Q, K and V: a single GEMM three times as wide.
    const attentionOutput = tensor(`${p}.attention.output.dense.weight`);
    const ffnOutput = tensor(`${p}.output.dense.weight`);
    const contextSmoothing = smoothingRanges && smoothingFactors(smoothingRanges[layer]!.context, attentionOutput);
    const intermediateSmoothing = smoothingRanges && smoothingFactors(smoothingRanges[layer]!.intermediate, ffnOutput);
    // The context is linear in V, so its smoothing folds into the value projection for free.
    const unsmoothValue = (t: Tensor) => {
      if (!contextSmoothing) return t.data;
      const valuesPerChannel = t.data.length / hidden;
      return t.data.map((v, i) => v / contextSmoothing[Math.floor(i / valuesPerChannel)]!);
    };
    const qkvWeight = {
      shape: [3 * hidden, hidden],
      data: concat([self('query', 'weight').data, self('key', 'weight').data, unsmoothValue(self('value', 'weight'))]),
    };
    const qkvBias = g.constant(
      `${p}.attention.qkv.bias`,
      concat([self('query', 'bias').data, self('key', 'bias').data, unsmoothValue(self('value', 'bias'))]),
      [3 * hidden],
    );
    const [query, key, value] = g.node(
      'Split',
      [project(x, `${p}.attention.qkv.weight`, qkvWeight, 'normalized'), ints(`${p}.qkv_split`, [hidden, hidden, hidden])],
      { axis: -1 },
      3,
    );
    const context = g.contribOp('MultiHeadAttention', [query!, key!, value!, qkvBias, keyPaddingMask], {
      num_heads: config.num_attention_heads,
    });
    const attended = skipLayerNorm(
      project(context, `${p}.attention.output.dense.weight`, attentionOutput, { smoothing: contextSmoothing }),
      x,
      `${p}.attention.output.dense.bias`,
      `${p}.attention.output.LayerNorm`,
    );

    let intermediate = g.contribOp('BiasGelu', [
      project(attended, `${p}.intermediate.dense.weight`, tensor(`${p}.intermediate.dense.weight`), 'normalized'),
      param(`${p}.intermediate.dense.bias`),
    ]);
    if (exposeActivations) {
      exposeAs(context, `context.${layer}`, hidden);
      exposeAs(intermediate, `intermediate.${layer}`, config.intermediate_size);
    }
    if (intermediateSmoothing)
      intermediate = g.op('Mul', [
        intermediate,
        g.constant(
          `${p}.intermediate.unsmooth`,
          intermediateSmoothing.map((s) => 1 / s),
          [config.intermediate_size],
        ),
      ]);
    x = skipLayerNorm(
      project(intermediate, `${p}.output.dense.weight`, ffnOutput, { smoothing: intermediateSmoothing }),
      attended,
      `${p}.output.dense.bias`,
      `${p}.output.LayerNorm`,
    );
  }

  g.rename(x, 'last_hidden_state');
  g.output('last_hidden_state', DataType.FLOAT, ['batch_size', 'sequence_length', hidden]);
  return g.encode('bert', OPSET);
}

function concat(arrays: Float32Array[]): Float32Array {
  const out = new Float32Array(arrays.reduce((n, a) => n + a.length, 0));
  let offset = 0;
  for (const a of arrays) {
    out.set(a, offset);
    offset += a.length;
  }
  return out;
}

/**
 * SmoothQuant: input channel j is divided by s_j and its weights multiplied by it, with
 * s_j = max|x_j|^α / max|W_·j|^(1-α), so that activation outliers shrink to what one scale can hold.
 */
function smoothingFactors(activationRange: Float32Array, weight: Tensor): Float32Array {
  const [outFeatures, inFeatures] = weight.shape as [number, number];
  const weightRange = new Float32Array(inFeatures);
  for (let o = 0; o < outFeatures; o++)
    for (let i = 0; i < inFeatures; i++) weightRange[i] = Math.max(weightRange[i]!, Math.abs(weight.data[o * inFeatures + i]!));
  return activationRange.map((a, i) => {
    const s = Math.max(a, 1e-5) ** SMOOTHING_ALPHA / Math.max(weightRange[i]!, 1e-5) ** (1 - SMOOTHING_ALPHA);
    return Number.isFinite(s) && s > 0 ? s : 1;
  });
}

/** Row-major [rows, cols] → [cols, rows]: safetensors stores Linear weights [out, in], MatMul wants [in, out]. */
function transpose(data: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(data.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = data[r * cols + c]!;
  return out;
}

/** Symmetric int8 per output channel, already in the [in, out] layout the matmul kernel expects. */
function quantizePerOutputChannel(
  weight: Float32Array,
  outFeatures: number,
  inFeatures: number,
): { quantized: Int8Array; scales: Float32Array } {
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
