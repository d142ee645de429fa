import { open, readdir, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { FORMATS, formatForFile, formatsForExtension } from './formats/index.js';
import { PaperMerger } from './merge.js';
import type { CorpusReadResult, PaperFormat, SkippedLine } from './types.js';

const HEAD_BYTES = 4096;

/**
 * Reads papers from files and folders (a folder contributes its files of every known format, sorted
 * by name, non-recursively) and merges records of the same paper across files and formats. Every
 * input path is checked before any file is read, so a typo fails fast; a file whose content does not
 * match its extension is reported and skipped, never guessed at.
 */
export async function readCorpus(inputs: string[], onSkip?: (skipped: SkippedLine) => void): Promise<CorpusReadResult> {
  const sources = await resolveInputs(inputs);
  const merger = new PaperMerger();
  const skipped: SkippedLine[] = [];
  const perSource: CorpusReadResult['perSource'] = [];
  let recordsRead = 0;
  const addSkipped = (line: SkippedLine) => {
    skipped.push(line);
    onSkip?.(line);
  };

  for (const source of sources) {
    const extension = extensionOf(source);
    const head = await headOf(source);
    // Several formats may claim one extension; the file's content picks among them.
    const format = formatForFile(extension, head);
    const counts = { source, format: format?.name ?? formatNames(formatsForExtension(extension)), records: 0, skipped: 0 };
    perSource.push(counts);
    if (!format) {
      counts.skipped++;
      addSkipped({ source, line: 1, reason: contentMismatch(formatsForExtension(extension), head) });
      continue;
    }
    for await (const result of format.read(source)) {
      if ('record' in result) {
        recordsRead++;
        counts.records++;
        merger.add({ ...result.record, source: result.record.source ?? source });
      } else {
        counts.skipped++;
        addSkipped(result.skipped);
      }
    }
  }

  const papers = merger.result();
  return {
    papers,
    recordsRead,
    duplicatesMerged: merger.merged,
    idCollisions: merger.idCollisions,
    skipped,
    sources,
    perSource,
    titleOnly: papers.filter((paper) => paper.abstract === '').length,
  };
}

/** Why a file is none of the formats its extension claims, naming what it looks like instead. */
function contentMismatch(claimants: PaperFormat[], head: string): string {
  const expected = formatNames(claimants);
  // Browsers save XHTML pages with an XML declaration first.
  if (/^\uFEFF?\s*(<\?xml[^>]*>\s*)?<(!doctype html|html)/i.test(head))
    return `file is an HTML page, not ${expected}; save the export itself, not the page that offers it`;
  const other = FORMATS.find(
    (candidate) => !claimants.includes(candidate) && candidate.looksLike(head) && candidate.extensions[0] !== '.txt',
  );
  return other ? `file looks like ${other.name}, not ${expected}; rename it to ${other.extensions[0]}` : `file is not ${expected}`;
}

function formatNames(formats: PaperFormat[]): string {
  return formats.map((format) => format.name).join(' or ');
}

async function headOf(file: string): Promise<string> {
  const handle = await open(file, 'r');
  try {
    const buffer = Buffer.alloc(HEAD_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, HEAD_BYTES, 0);
    return buffer.subarray(0, bytesRead).toString('utf8');
  } finally {
    await handle.close();
  }
}

async function resolveInputs(inputs: string[]): Promise<string[]> {
  const files: string[] = [];
  for (const input of inputs) {
    const info = await stat(input).catch(() => undefined);
    if (!info) throw new Error(`Corpus input not found: ${input}`);
    if (info.isDirectory()) {
      files.push(...(await corpusFilesIn(input)));
    } else if (formatsForExtension(extensionOf(input)).length > 0) {
      files.push(input);
    } else {
      const known = FORMATS.map((format) => `${format.extensions.join('/')} (${format.name})`).join(', ');
      throw new Error(`Unsupported corpus file ${input}: expected ${known}`);
    }
  }
  return files;
}

async function corpusFilesIn(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { withFileTypes: true });
  return (
    entries
      .filter((entry) => entry.isFile() && formatsForExtension(extensionOf(entry.name)).length > 0)
      .map((entry) => entry.name)
      // Code-unit order, not localeCompare, so the reading order is the same on every machine.
      .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
      .map((name) => join(folder, name))
  );
}

function extensionOf(path: string): string {
  return extname(path).toLowerCase();
}
