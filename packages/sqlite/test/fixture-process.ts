/**
 * Runs the scripts under test/fixtures in child processes: they import the built
 * package, write one line per event to stdout, and read commands from stdin.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

import { onTestFinished } from 'vitest';

const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));

/** How a child process ended. */
export interface ExitStatus {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** A running fixture script. */
export interface FixtureProcess {
  child: ChildProcess;
  /** Resolves with the next line from stdout; rejects when the child ends first or after `timeoutMs`. */
  nextLine(timeoutMs?: number): Promise<string>;
  /** Writes a line to the child's stdin. */
  send(line: string): void;
  /** Resolves when the child has ended. */
  exited: Promise<ExitStatus>;
  /** Everything the child wrote to stderr so far. */
  stderr(): string;
}

/** Options of `startFixture`. */
export interface StartOptions {
  /** The umask the child starts with, such as `'022'`; the parent's own is never changed. */
  umask?: string;
  /** The child's environment. @default the parent's */
  env?: NodeJS.ProcessEnv;
}

/** Starts `test/fixtures/<script>` with `args`; the child is killed if the test ends first. */
export function startFixture(
  script: string,
  args: string[],
  options: StartOptions = {},
): FixtureProcess {
  const scriptPath = FIXTURES + script;
  const spawnOptions = { stdio: 'pipe', env: options.env } as const;
  // The shell sets the umask before Node starts, so the child runs under it from the start.
  const child =
    options.umask === undefined
      ? spawn(process.execPath, [scriptPath, ...args], spawnOptions)
      : spawn(
          '/bin/sh',
          ['-c', `umask ${options.umask} && exec "$0" "$@"`, process.execPath, scriptPath, ...args],
          spawnOptions,
        );

  let errorOutput = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (errorOutput += chunk));

  const exited = new Promise<ExitStatus>((resolve) => {
    child.on('exit', (code, signal) => resolve({ code, signal }));
  });
  onTestFinished(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });

  const lines: string[] = [];
  const waiting: Array<(line: string | undefined) => void> = [];
  let ended = false;
  const reader = createInterface({ input: child.stdout! });
  reader.on('line', (line) => {
    const waiter = waiting.shift();
    if (waiter === undefined) lines.push(line);
    else waiter(line);
  });
  reader.on('close', () => {
    ended = true;
    for (const waiter of waiting.splice(0)) waiter(undefined);
  });

  function nextLine(timeoutMs = 20_000): Promise<string> {
    const buffered = lines.shift();
    if (buffered !== undefined) return Promise.resolve(buffered);
    if (ended) return Promise.reject(endedError());

    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        waiting.splice(waiting.indexOf(receive), 1);
        reject(new Error(`${script} wrote no line within ${timeoutMs} ms. stderr: ${errorOutput}`));
      }, timeoutMs);
      const receive = (line: string | undefined): void => {
        clearTimeout(timer);
        if (line === undefined) reject(endedError());
        else resolve(line);
      };
      waiting.push(receive);
    });
  }

  function endedError(): Error {
    return new Error(`${script} ended before writing the expected line. stderr: ${errorOutput}`);
  }

  return {
    child,
    nextLine,
    send: (line) => child.stdin?.write(`${line}\n`),
    exited,
    stderr: () => errorOutput,
  };
}

/** Reads the next line of a fixture as JSON. */
export async function nextJson<T>(fixture: FixtureProcess, timeoutMs?: number): Promise<T> {
  return JSON.parse(await fixture.nextLine(timeoutMs)) as T;
}
