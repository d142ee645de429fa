import { relative } from 'node:path';
import { DEFAULT_PRECISION } from '../contract/values.js';
import type { Settings } from '../config/index.js';
import { builtWith, describeModel, loadIndex, readManifest, type Manifest } from '../index/index.js';
import { DEFAULT_MODEL, Embedder } from '../model/index.js';
import { SearchEngine } from '../search/index.js';

/**
 * The model a command runs: the one the user named (flag or variable), else the one the index's
 * manifest says built it, else the default. So an index built in fp32 is searched in fp32 without
 * anyone retyping --precision.
 */
export async function loadEmbedder(settings: Settings, manifest?: Manifest): Promise<Embedder> {
  return Embedder.load({
    modelsDir: settings.modelsDir,
    model: settings.model ?? manifest?.model.name ?? DEFAULT_MODEL,
    precision: settings.precision ?? manifest?.model.precision ?? DEFAULT_PRECISION,
    threads: settings.threads,
  });
}

/** Why an index cannot be searched with this model, and the command that fixes it. */
export function mismatchMessage(settings: Settings, manifest: Manifest, embedder: Embedder): string | undefined {
  if (builtWith(manifest, embedder.info)) return undefined;
  const asked = settings.model !== undefined || settings.precision !== undefined;
  const why = asked
    ? `you asked for ${describeModel(embedder.info)}`
    : `the model files changed since (now ${describeModel(embedder.info)})`;
  const out = shownPath(settings.indexDir);
  return `the index in ${out} was built with ${describeModel(manifest.model)}, but ${why}; rebuild it with "npx paper-search build --out ${out} --model ${embedder.info.name} --precision ${embedder.info.precision}"${asked ? `, or drop ${settings.precision !== undefined ? 'PRECISION/--precision' : 'MODEL/--model'} to search it as built` : ''}`;
}

/** The search engine over the configured index, with the model that built it. */
export async function openEngine(settings: Settings): Promise<SearchEngine> {
  const manifest = readManifest(settings.indexDir);
  const embedder = await loadEmbedder(settings, manifest);
  const mismatch = mismatchMessage(settings, manifest, embedder);
  if (mismatch) throw new Error(mismatch);
  return new SearchEngine(await loadIndex(settings.indexDir), embedder);
}

/** A folder as a person would type it here: relative when inside the current folder, absolute otherwise. */
export function shownPath(path: string): string {
  const inside = relative(process.cwd(), path);
  return inside === '' ? '.' : inside.startsWith('..') ? path : inside;
}
