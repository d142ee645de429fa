import { parseArgs, type ParseArgsConfig } from 'node:util';

/**
 * Runs a command-line entry point: any failure becomes one line on stderr and exit code 1 —
 * a person gets what went wrong and how to fix it, not a stack trace (set DEBUG=1 for one).
 */
export function runMain(main: () => Promise<void>): void {
  main().catch((error: unknown) => {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`error: ${message.split('\n')[0]}\n`);
    if (process.env.DEBUG && error instanceof Error) process.stderr.write(`${error.stack}\n`);
    process.exit(1);
  });
}

/** node:util parseArgs with strict checking, for the measurement tools; an unknown flag is reported with the tool's usage. */
export function parseCommandLine<T extends NonNullable<ParseArgsConfig['options']>>(options: T, usage: string, allowPositionals = false) {
  try {
    return parseArgs({ options, allowPositionals, strict: true });
  } catch (error) {
    throw new Error(`${(error as Error).message}. Usage: ${usage}`);
  }
}

/** Human progress and chatter: always stderr, so stdout carries only what a command is asked for (e.g. --json). */
export function say(line: string): void {
  process.stderr.write(`${line}\n`);
}
