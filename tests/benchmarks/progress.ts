/** Reports what a long measurement is doing; a full bench runs for many minutes. */
export type Progress = (line: string) => void;

/** `m:ss` (or `h:mm:ss`) since the run started. */
export function formatElapsed(milliseconds: number): string {
  const seconds = Math.floor(milliseconds / 1000);
  const [h, m, s] = [Math.floor(seconds / 3600), Math.floor(seconds / 60) % 60, seconds % 60];
  const pad = (value: number) => String(value).padStart(2, '0');
  return h > 0 ? `${h}:${pad(m)}:${pad(s)}` : `${m}:${pad(s)}`;
}

/** One line per step on stderr (stdout carries the report), stamped with the time since this call. */
export function stderrProgress(): Progress {
  const started = performance.now();
  return (line) => process.stderr.write(`[${formatElapsed(performance.now() - started)}] ${line}\n`);
}
