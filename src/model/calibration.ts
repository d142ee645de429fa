import { availableParallelism } from 'node:os';
import { BertTokenizer } from '@huggingface/transformers';
import * as ort from 'onnxruntime-node';
import type { LayerActivationRanges } from './bert-to-onnx.js';

/**
 * What activation ranges are measured on: the kinds of text the model embeds here, from one-word
 * lookups to abstract-length passages. Short texts matter most: with few tokens, a single outlier
 * channel sets the whole tensor's quantization scale. (Disjoint from the sentences the parity test
 * checks, so that test measures agreement on text the calibration never saw.)
 */
export const CALIBRATION_TEXTS = [
  'I',
  'GPT-4',
  'Unitree G1',
  'sim-to-real transfer',
  'Here is one more short sentence',
  'Pack my box with five dozen liquor jugs.',
  'Why do language models hallucinate?',
  'What are the side effects of long-term corticosteroid treatment in children?',
  'contrastive pretraining for tactile sensing',
  'Which methods detect exoplanets from transit light curves?',
  'Ça va ? Grüße aus München — 日本語のテキスト',
  'Diffusion Policy: Visuomotor Policy Learning via Action Diffusion',
  'Attention Is All You Need',
  'Scaling laws for neural language models',
  'graph neural networks for molecule property prediction',
  'The effect of dietary sodium on blood pressure in adults with hypertension: a randomized trial.',
  'We propose a transformer-based policy for dexterous manipulation with tactile sensing trained in simulation and transferred to a real Allegro hand.',
  'Large language models can follow instructions, but they still fail on multi-step arithmetic; we study why and propose a verifier that checks each intermediate step.',
  'We present a method for learning humanoid locomotion from human motion capture. A teacher policy with privileged information is trained with reinforcement learning in a massively parallel simulator and distilled into a student that uses only proprioception. The student walks, turns and recovers from pushes on a real robot without fine-tuning, and outperforms model-based controllers on rough terrain. We analyse which parts of the reward and the domain randomisation matter most and release code and trained policies.',
  'Background: Chronic kidney disease affects one in ten adults worldwide. Methods: We followed 4,213 patients for a median of 6.2 years and measured the association between serum phosphate and cardiovascular events using Cox regression adjusted for age, sex, diabetes and estimated glomerular filtration rate. Results: Each 1 mg/dL increase in phosphate was associated with a hazard ratio of 1.35 (95% CI 1.12-1.62). Conclusions: Phosphate is an independent risk factor and a candidate target for intervention.',
  'Self-supervised learning of visual representations has closed much of the gap to supervised pretraining. We revisit masked image modelling and show that predicting features of a momentum encoder, rather than pixels, yields representations that transfer better to detection and segmentation, while training three times faster. Ablations show the masking ratio and the depth of the decoder are the most important choices.',
  'We study the thermal conductivity of two-dimensional materials using first-principles calculations and molecular dynamics. Strain engineering changes phonon lifetimes by up to an order of magnitude, suggesting a route to tunable heat management in nanoscale devices.',
];

/**
 * Runs the calibration graph (see `calibrationGraph`) over `CALIBRATION_TEXTS`, one text at a time so
 * no padding enters the ranges, and returns each layer's largest absolute activation per channel.
 */
export async function measureActivationRanges(
  graph: Uint8Array,
  tokenizerJson: object,
  tokenizerConfig: object,
  layers: number,
): Promise<LayerActivationRanges[]> {
  const tokenizer = new BertTokenizer(tokenizerJson, tokenizerConfig);
  const session = await ort.InferenceSession.create(graph, { intraOpNumThreads: availableParallelism(), logSeverityLevel: 3 });
  const ranges: Array<Partial<Record<keyof LayerActivationRanges, Float32Array>>> = Array.from({ length: layers }, () => ({}));
  for (const text of CALIBRATION_TEXTS) {
    const encoded = tokenizer(text, { truncation: true });
    const feeds = Object.fromEntries(
      (['input_ids', 'attention_mask', 'token_type_ids'] as const).map((name) => {
        const tensor = encoded[name] as { data: BigInt64Array; dims: number[] };
        return [name, new ort.Tensor('int64', tensor.data, tensor.dims)];
      }),
    );
    const outputs = await session.run(feeds);
    for (let layer = 0; layer < layers; layer++) {
      for (const kind of ['context', 'intermediate'] as const) {
        const output = outputs[`${kind}.${layer}`]!;
        const channels = output.dims.at(-1)!;
        const data = output.data as Float32Array;
        const range = ranges[layer]![kind] ?? new Float32Array(channels);
        ranges[layer]![kind] = range;
        for (let i = 0; i < data.length; i++) range[i % channels] = Math.max(range[i % channels]!, Math.abs(data[i]!));
      }
    }
  }
  await session.release();
  return ranges.map((range) => ({ context: range.context!, intermediate: range.intermediate! }));
}
