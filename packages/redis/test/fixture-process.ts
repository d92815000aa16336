/**
 * Runs a script under test/fixtures in a child process: it imports the built package,
 * writes one line per event to stdout, and reads commands from stdin.
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

import { onTestFinished } from 'vitest';

const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));

/** A running fixture script. */
export interface FixtureProcess {
  /** Resolves with the next line from stdout; rejects when the child ends first or after `timeoutMs`. */
  nextLine(timeoutMs?: number): Promise<string>;
  /** Writes a line to the child's stdin. */
  send(line: string): void;
}

/** Starts `test/fixtures/<script>` with `args`; the child is killed if the test ends first. */
export function startFixture(script: string, args: string[]): FixtureProcess {
  const child = spawn(process.execPath, [FIXTURES + script, ...args], { stdio: 'pipe' });
  let errorOutput = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (errorOutput += chunk));
  onTestFinished(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });

  const lines: string[] = [];
  const waiting: Array<(line: string | undefined) => void> = [];
  const reader = createInterface({ input: child.stdout });
  reader.on('line', (line) => {
    const waiter = waiting.shift();
    if (waiter === undefined) lines.push(line);
    else waiter(line);
  });
  reader.on('close', () => {
    for (const waiter of waiting.splice(0)) waiter(undefined);
  });

  function nextLine(timeoutMs = 30_000): Promise<string> {
    const buffered = lines.shift();
    if (buffered !== undefined) return Promise.resolve(buffered);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        waiting.splice(waiting.indexOf(receive), 1);
        reject(new Error(`${script} wrote no line within ${timeoutMs} ms. stderr: ${errorOutput}`));
      }, timeoutMs);
      const receive = (line: string | undefined): void => {
        clearTimeout(timer);
        if (line === undefined) reject(new Error(`${script} ended early. stderr: ${errorOutput}`));
        else resolve(line);
      };
      waiting.push(receive);
    });
  }

  return { nextLine, send: (line) => child.stdin.write(`${line}\n`) };
}
