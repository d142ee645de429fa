import { readFileSync } from 'node:fs';
import { loadSettings, settingFlags } from '../config/index.js';
import { loadIndex } from '../index/index.js';
import { MODES, SearchEngine, type Mode, type SearchAnswer } from '../search/index.js';
import { loadEmbedder } from './build-runner.js';
import { parseCommandLine, runMain } from './main.js';

const USAGE = 'npm run search -- "<question>" | --similar <file|-> [-k <n>] [--mode hybrid|dense|lexical] [--json]';

/** Terminal rendering: rank, score and title, then the snippet wrapped and indented under it. */
export function formatAnswer(answer: SearchAnswer, width = 100): string {
  const lines = [`${answer.results.length} ${answer.results.length === 1 ? 'result' : 'results'} for "${truncate(answer.query, 80)}" (${answer.mode}, ${answer.took_ms} ms)`];
  if (answer.confidence === 'low') lines.push('Low confidence: the corpus may not cover this query; these are only the closest papers.');
  answer.results.forEach((result, i) => {
    lines.push('', `${String(i + 1).padStart(2)}. [${result.score.toFixed(3)}] ${result.title}`, ...wrap(result.snippet, width - 6).map((line) => `      ${line}`), `      id: ${result.id}`);
  });
  return lines.join('\n');
}

function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line && line.length + word.length + 1 > width) {
      lines.push(line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  if (line) lines.push(line);
  return lines;
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function parseK(raw: string | undefined): number {
  if (raw === undefined) return 10;
  const k = Number(raw);
  if (!Number.isInteger(k) || k < 1 || k > 100) throw new Error(`-k must be a whole number from 1 to 100, got "${raw}"`);
  return k;
}

function parseMode(raw: string | undefined): Mode {
  if (raw === undefined) return 'hybrid';
  if (!(MODES as readonly string[]).includes(raw)) throw new Error(`--mode must be one of ${MODES.join(', ')}, got "${raw}"`);
  return raw as Mode;
}

runMain(async () => {
  const { values, positionals } = parseCommandLine({
    ...settingFlags(),
    k: { type: 'string', short: 'k' },
    mode: { type: 'string' },
    json: { type: 'boolean' },
    similar: { type: 'string' },
  }, USAGE, true);
  const { k: rawK, mode: rawMode, json, similar, ...flags } = values as Record<string, string | undefined> & { json?: boolean };
  const request = { k: parseK(rawK), mode: parseMode(rawMode) };
  const query = positionals.join(' ').trim();
  if (!similar && !query) throw new Error(`nothing to search for. Usage: ${USAGE}`);

  const settings = loadSettings(flags as Record<string, string>);
  const engine = new SearchEngine(loadIndex(settings.indexDir), await loadEmbedder(settings));
  const passage = similar ? readFileSync(similar === '-' ? 0 : similar, 'utf8').trim() : '';
  if (similar && !passage) throw new Error(`nothing to search for: ${similar === '-' ? 'standard input' : similar} is empty`);
  const answer = await engine.search(similar ? passage : query, request);
  process.stdout.write(json ? `${JSON.stringify(answer, null, 2)}\n` : `${formatAnswer(answer)}\n`);
});
