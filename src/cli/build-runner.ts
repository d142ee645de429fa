import cliProgress from 'cli-progress';
import type { Settings } from '../config/index.js';
import { buildIndex, type BuildPlan, type BuildSummary, type LibraryChange } from '../index/index.js';
import type { Embedder } from '../model/index.js';
import { confirm } from './confirm.js';
import { shownPath } from './engine.js';
import { say } from './main.js';

export interface BuildRequest {
  inputs: string[];
  replace?: boolean;
  /** Write even when the build would empty the index or drop most of it (otherwise a terminal asks). */
  allowShrink?: boolean;
  /** Rebuild the whole index rather than apply the change. */
  full?: boolean;
}

/**
 * Runs the offline job with visible progress: a bar with rate and ETA on a terminal, plain periodic
 * lines otherwise (CI logs), and a summary of what changed in the library.
 */
export async function runBuild(settings: Settings, request: BuildRequest, embedder: Embedder): Promise<BuildSummary> {
  say(
    `Building the index in ${settings.indexDir}${request.inputs.length ? ` with ${request.inputs.join(', ')}` : ''} (${embedder.info.name}, ${embedder.info.precision})`,
  );
  const reporter = process.stderr.isTTY ? new BarReporter() : new LineReporter();
  const summary = await buildIndex({
    inputs: request.inputs,
    replace: request.replace,
    full: request.full,
    outDir: settings.indexDir,
    embedder,
    confirmShrink: async (change) => request.allowShrink === true || (await confirm(`${shrinkQuestion(change)} Write it anyway?`)),
    progress: {
      onSkip: (line) => say(`skipped ${line.source}:${line.line}: ${line.reason}`),
      onNote: say,
      onEmbedStart: (total) => reporter.start(total),
      onEmbedProgress: (done) => reporter.advance(done),
    },
  }).finally(() => reporter.stop());
  sayPerSource(summary.perSource);
  say(describe(summary));
  return summary;
}

function sayPerSource(perSource: BuildSummary['perSource']): void {
  for (const { source, format, records, skipped } of perSource)
    say(`  ${shownPath(source)} (${format}): ${records} records${skipped ? `, ${skipped} skipped` : ''}`);
}

/** What a dry run found: per source, then what the index would become. Nothing was embedded or written. */
export function describePlan(plan: BuildPlan): string {
  sayPerSource(plan.corpus.perSource);
  const { added, removed, updated, after } = plan.change;
  const { recordsRead, duplicatesMerged, idCollisions, skipped, titleOnly } = plan.corpus;
  return (
    `Dry run: the index would hold ${after} papers (+${added}, −${removed}${updated ? `, ${updated} updated` : ''}) from ${recordsRead} records, ` +
    `${duplicatesMerged} duplicates merged${idCollisions ? `, ${idCollisions} id collisions kept under suffixed ids` : ''}, ${skipped.length} skipped${titleOnly ? `, ${titleOnly} with no abstract (indexed by title only)` : ''}.` +
    `${plan.shrinks ? ' Writing it would need --allow-shrink (it empties the index or drops most of it).' : ''} Nothing was embedded or written.`
  );
}

function shrinkQuestion(change: LibraryChange): string {
  if (change.after === 0) return `This build would leave the index empty (it has ${change.before} papers).`;
  return `This build would drop ${change.removed} of the index's ${change.before} papers, leaving ${change.after}.`;
}

/** "+5 papers, −0, 35 in the index", then where the papers came from and what was embedded. */
export function describe(s: BuildSummary): string {
  const { added, removed, updated, after } = s.change;
  const changed = `+${added} ${added === 1 ? 'paper' : 'papers'}, −${removed}${updated ? `, ${updated} updated` : ''}, ${after} in the index`;
  const read = `${s.recordsRead} records read from ${s.inputs.length} ${s.inputs.length === 1 ? 'input' : 'inputs'}, ${s.duplicatesMerged} duplicates merged, ${s.skipped} lines skipped`;
  const vectors =
    s.embedded > 0
      ? `${s.embedded} embedded (${s.papersPerSecond.toFixed(1)} papers/s), ${s.reused} from the vector cache`
      : s.reused > 0
        ? `every vector from the vector cache`
        : 'nothing to embed';
  const collisions = s.idCollisions
    ? ` ${s.idCollisions} ${s.idCollisions === 1 ? 'paper shares its id with a different paper and was' : 'papers share their id with a different paper and were'} kept under a suffixed id (-2, -3, ...).`
    : '';
  const titleOnly = s.titleOnly
    ? ` ${s.titleOnly} ${s.titleOnly === 1 ? 'paper has' : 'papers have'} no abstract and ${s.titleOnly === 1 ? 'is' : 'are'} indexed by title only.`
    : '';
  const written = s.written
    ? ` Generation ${s.manifest.generation} written (${s.incremental ? 'the change applied to the previous one' : 'the whole index built'}, ${s.manifest.model.dimensions}-dim vectors).`
    : '';
  return `Done in ${s.seconds.toFixed(1)} s: ${changed} (${read}); ${vectors}.${collisions}${titleOnly}${written}`;
}

interface Reporter {
  start(total: number): void;
  advance(by: number): void;
  stop(): void;
}

class BarReporter implements Reporter {
  private readonly bar = new cliProgress.SingleBar(
    { format: 'embedding {bar} {value}/{total} papers | {rate}/s | ETA {eta_formatted}', hideCursor: true, stream: process.stderr },
    cliProgress.Presets.shades_classic,
  );
  private started = 0;
  private done = 0;

  start(total: number): void {
    if (total === 0) return;
    this.started = performance.now();
    this.bar.start(total, 0, { rate: '-' });
  }

  advance(by: number): void {
    this.done += by;
    const rate = this.done / ((performance.now() - this.started) / 1000);
    this.bar.update(this.done, { rate: rate.toFixed(1) });
  }

  stop(): void {
    if (this.started) this.bar.stop();
    this.started = 0;
  }
}

class LineReporter implements Reporter {
  private total = 0;
  private done = 0;
  private started = 0;
  private lastLine = 0;

  start(total: number): void {
    this.total = total;
    this.started = this.lastLine = performance.now();
    if (total > 0) say(`embedding ${total} papers`);
  }

  advance(by: number): void {
    this.done += by;
    const now = performance.now();
    if (now - this.lastLine < 5000 && this.done < this.total) return;
    this.lastLine = now;
    const rate = this.done / ((now - this.started) / 1000);
    const eta = rate > 0 ? Math.round((this.total - this.done) / rate) : 0;
    say(`embedding ${this.done}/${this.total} papers (${Math.round((100 * this.done) / this.total)}%), ${rate.toFixed(1)}/s, ETA ${eta} s`);
  }

  stop(): void {}
}
