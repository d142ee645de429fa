import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { ModelInfo } from '../model/index.js';
import type { Paper } from '../papers/index.js';
import { hashFile, replaceFileAtomically, writeFileDurably, type FileDigest } from '../storage/index.js';
import { writeHnsw } from './dense.js';
import { Postings } from './lexical/index.js';
import { DATA_FILE, FORMAT_VERSION, MANIFEST, readManifestIfAny, type FileEntry, type HnswParams, type Manifest } from './manifest.js';

export interface IndexContents {
  papers: Paper[];
  vectors: Float32Array[];
  model: ModelInfo;
  hnsw: HnswParams;
  corpusHash: string;
  /** The library's inputs, relative to the index folder (none for an index not built from files). */
  inputs?: string[];
  sources: string[];
}

/**
 * Writes an index so that a crash at any moment leaves the previous one loadable: data files get
 * fresh names and are flushed, and the manifest — replaced atomically, last — is the single commit point.
 */
export function writeIndex(dir: string, contents: IndexContents): Manifest {
  const previous = readManifestIfAny(dir);
  const generation = `${Date.now().toString(36)}-${process.pid.toString(36)}`;
  const names = {
    hnsw: `hnsw-${generation}.bin`,
    papers: `papers-${generation}.jsonl`,
    ids: `ids-${generation}.json`,
    vectors: `vectors-${generation}.f32`,
    lexical: `lexical-${generation}.bin`,
  };
  const entry = (name: string, digest: FileDigest): FileEntry => ({ name, ...digest });

  writeHnsw(join(dir, names.hnsw), contents.vectors, contents.model.dimensions, contents.hnsw);
  const files = {
    hnsw: entry(names.hnsw, hashFile(join(dir, names.hnsw))),
    papers: entry(
      names.papers,
      writeFileDurably(
        join(dir, names.papers),
        contents.papers.map((paper) => `${JSON.stringify(paper)}\n`),
      ),
    ),
    ids: entry(names.ids, writeFileDurably(join(dir, names.ids), [JSON.stringify(contents.papers.map((paper) => paper.id))])),
    vectors: entry(
      names.vectors,
      writeFileDurably(
        join(dir, names.vectors),
        contents.vectors.map((vector) => new Uint8Array(vector.buffer, vector.byteOffset, vector.byteLength)),
      ),
    ),
    lexical: entry(names.lexical, writeFileDurably(join(dir, names.lexical), [Postings.build(contents.papers).serialize()])),
  };

  const manifest: Manifest = {
    formatVersion: FORMAT_VERSION,
    model: {
      name: contents.model.name,
      precision: contents.model.precision,
      checksum: contents.model.checksum,
      dimensions: contents.model.dimensions,
      maxTokens: contents.model.maxTokens,
    },
    paperCount: contents.papers.length,
    corpusHash: contents.corpusHash,
    builtAt: new Date().toISOString(),
    inputs: contents.inputs,
    sources: contents.sources,
    papersPerSource: countBySource(contents.papers),
    hnsw: contents.hnsw,
    files,
  };
  replaceFileAtomically(join(dir, MANIFEST), [`${JSON.stringify(manifest, null, 2)}\n`]);

  // Keep the previous generation too: a server may be reading it right now.
  const keep = new Set([...Object.values(manifest.files), ...Object.values(previous?.files ?? {})].map((file) => file.name));
  for (const name of readdirSync(dir)) {
    if ((DATA_FILE.test(name) && !keep.has(name)) || name.startsWith(`${MANIFEST}.tmp-`)) rmSync(join(dir, name), { force: true });
  }
  return manifest;
}

function countBySource(papers: readonly Paper[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const paper of papers) if (paper.source) counts[paper.source] = (counts[paper.source] ?? 0) + 1;
  return counts;
}
