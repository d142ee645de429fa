import { readdir, readFile, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { readJsonLines } from './jsonl.js';
import { paperId } from './id.js';
import { parseSeedText } from './seed-text.js';
import type { CorpusReadResult, Paper, SkippedLine } from './types.js';

const SEED_TEXT_EXT = '.txt';
const JSON_LINES_EXT = '.jsonl';
const CORPUS_EXTS = new Set([SEED_TEXT_EXT, JSON_LINES_EXT]);

/**
 * Reads papers from files and folders (a folder contributes its `.txt` seed dumps and
 * `.jsonl` files, sorted by name, non-recursively) and merges records sharing an id, keeping
 * the first. Every input path is checked before any file is read, so a typo fails fast.
 */
export async function readCorpus(
  inputs: string[],
  onSkip?: (skipped: SkippedLine) => void,
): Promise<CorpusReadResult> {
  const sources = await resolveInputs(inputs);
  const papers = new Map<string, Paper>();
  const skipped: SkippedLine[] = [];
  let recordsRead = 0;

  const addPaper = (paper: Paper) => {
    recordsRead += 1;
    if (!papers.has(paper.id)) papers.set(paper.id, paper);
  };
  const addSkipped = (line: SkippedLine) => {
    skipped.push(line);
    onSkip?.(line);
  };

  for (const source of sources) {
    if (extensionOf(source) === SEED_TEXT_EXT) {
      const parsed = parseSeedText(await readFile(source, 'utf8'), source);
      parsed.skipped.forEach(addSkipped);
      for (const { title, abstract } of parsed.records) addPaper({ id: paperId(title), title, abstract });
    } else {
      for await (const result of readJsonLines(source)) {
        if ('paper' in result) addPaper(result.paper);
        else addSkipped(result.skipped);
      }
    }
  }

  return {
    papers: [...papers.values()],
    recordsRead,
    duplicatesMerged: recordsRead - papers.size,
    skipped,
    sources,
  };
}

async function resolveInputs(inputs: string[]): Promise<string[]> {
  const files: string[] = [];
  for (const input of inputs) {
    const info = await stat(input).catch(() => undefined);
    if (!info) throw new Error(`Corpus input not found: ${input}`);
    if (info.isDirectory()) {
      files.push(...(await corpusFilesIn(input)));
    } else if (CORPUS_EXTS.has(extensionOf(input))) {
      files.push(input);
    } else {
      throw new Error(
        `Unsupported corpus file ${input}: expected ${SEED_TEXT_EXT} (seed text dump) or ${JSON_LINES_EXT} (JSON Lines)`,
      );
    }
  }
  return files;
}

async function corpusFilesIn(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile() && CORPUS_EXTS.has(extensionOf(entry.name)))
    .map((entry) => entry.name)
    // Code-unit order, not localeCompare, so the reading order is the same on every machine.
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    .map((name) => join(folder, name));
}

function extensionOf(path: string): string {
  return extname(path).toLowerCase();
}
