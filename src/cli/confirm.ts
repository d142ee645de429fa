import { createInterface } from 'node:readline/promises';

/**
 * Asks a yes/no question on the terminal (default no). Without a terminal — a script, CI, a pipe —
 * nobody can answer, so the answer is no and the caller's message says how to go ahead.
 */
export async function confirm(question: string): Promise<boolean> {
  if (!process.stdin.isTTY || !process.stderr.isTTY) return false;
  const prompt = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^y(es)?$/i.test((await prompt.question(`${question} [y/N] `)).trim());
  } finally {
    prompt.close();
  }
}
