import cliProgress from 'cli-progress';
import type { Settings } from '../config/index.js';
import { buildIndex, type BuildSummary } from '../index/index.js';
import { Embedder } from '../model/index.js';

const log = (line: string) => process.stderr.write(`${line}\n`);

export async function loadEmbedder(settings: Settings): Promise<Embedder> {
  return Embedder.load({ modelsDir: settings.modelsDir, model: settings.model, precision: settings.precision, threads: settings.threads });
}

/**
 * Runs the offline job with visible progress: a bar with rate and ETA on a terminal,
 * plain periodic lines otherwise (CI logs), and a one-paragraph summary at the end.
 */
export async function runBuild(settings: Settings, inputs: string[], embedder?: Embedder): Promise<BuildSummary> {
  const model = embedder ?? (await loadEmbedder(settings));
  log(`Building index in ${settings.indexDir} from ${inputs.join(', ')} with ${model.info.name} (${model.info.precision})`);
  const reporter = process.stderr.isTTY ? new BarReporter() : new LineReporter();
  const summary = await buildIndex({
    inputs,
    outDir: settings.indexDir,
    embedder: model,
    progress: {
      onSkip: (line) => log(`skipped ${line.source}:${line.line}: ${line.reason}`),
      onNote: log,
      onEmbedStart: (total) => reporter.start(total),
      onEmbedProgress: (done) => reporter.advance(done),
    },
  });
  reporter.stop();
  log(describe(summary));
  return summary;
}

function describe(s: BuildSummary): string {
  const rate = s.embedded > 0 ? `, ${s.papersPerSecond.toFixed(1)} papers/s embedding` : '';
  const reuse = s.embedded === 0 && s.papers > 0 ? ' (every vector reused)' : '';
  return `Done in ${s.seconds.toFixed(1)} s: ${s.recordsRead} records read, ${s.duplicatesMerged} duplicates merged, `
    + `${s.skipped} skipped, ${s.papers} papers; ${s.embedded} embedded, ${s.reused} reused${reuse}${rate}.`
    + (s.written ? ` Index written (${s.manifest.model.dimensions}-dim vectors).` : '');
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
    if (total > 0) log(`embedding ${total} papers`);
  }

  advance(by: number): void {
    this.done += by;
    const now = performance.now();
    if (now - this.lastLine < 5000 && this.done < this.total) return;
    this.lastLine = now;
    const rate = this.done / ((now - this.started) / 1000);
    const eta = rate > 0 ? Math.round((this.total - this.done) / rate) : 0;
    log(`embedding ${this.done}/${this.total} papers (${Math.round((100 * this.done) / this.total)}%), ${rate.toFixed(1)}/s, ETA ${eta} s`);
  }

  stop(): void {}
}
