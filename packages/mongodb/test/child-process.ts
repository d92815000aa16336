/**
 * Runs the scripts under test/fixtures in child processes. They import the built
 * package, write one line per event to stdout and read commands from stdin.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

import { onTestFinished } from 'vitest';

const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));

/** A running fixture script. */
export interface Fixture {
  child: ChildProcess;
  /** Resolves with the next line of stdout; rejects when the child ends first or after `timeoutMs`. */
  nextLine(timeoutMs?: number): Promise<string>;
  /** Writes a line to the child's stdin. */
  send(line: string): void;
  /** Resolves with the exit code once the child has ended. */
  exited: Promise<number | null>;
}

/** Starts `test/fixtures/<script>` with `args`; the child is killed if the test ends first. */
export function startFixture(script: string, args: string[]): Fixture {
  const child = spawn(process.execPath, [FIXTURES + script, ...args], { stdio: 'pipe' });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  onTestFinished(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });

  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  async function nextLine(timeoutMs = 20_000): Promise<string> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(new Error(`${script} wrote no line within ${timeoutMs} ms. stderr: ${stderr}`)),
        timeoutMs,
      );
    });
    try {
      const next = await Promise.race([lines.next(), timeout]);
      if (next.done === true) {
        throw new Error(`${script} ended before writing a line. stderr: ${stderr}`);
      }
      return next.value;
    } finally {
      clearTimeout(timer);
    }
  }

  return { child, nextLine, send: (line) => child.stdin.write(`${line}\n`), exited };
}
