/**
 * Shared helpers of the file store's tests: temporary folders, the store's file, and
 * child processes that run the fixtures in `fixtures/` against the built package.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

import { onTestFinished } from 'vitest';

import type { TokenStore } from '@tokenstore/core';

import { createFileStore, type FileStoreOptions } from '../src/index.js';

export {
  ALICE,
  BOB,
  CAROL,
  longToken,
  numberedAccessToken,
  numberedUserName,
} from './fixtures/values.mjs';

/** The header line of every store file. */
export const HEADER_LINE = '{"format":"tokenstore-file","version":1}';

/** Creates an empty folder in the system's temporary folder, removed after the test. */
export async function useTempFolder(): Promise<string> {
  const folder = await mkdtemp(join(tmpdir(), 'tokenstore-file-test-'));
  onTestFinished(() => rm(folder, { recursive: true, force: true }));
  return folder;
}

/** Opens a file store that is closed after the test. */
export function openStore(path: string, options: Omit<FileStoreOptions, 'path'> = {}): TokenStore {
  const store = createFileStore({ ...options, path });
  onTestFinished(() => store.close());
  return store;
}

/** Returns the names in a folder, sorted. */
export async function listFolder(folder: string): Promise<string[]> {
  return (await readdir(folder)).sort();
}

/** Awaits a promise that must reject, and returns what it rejected with. */
export async function rejectionOf(
  promise: Promise<unknown>,
): Promise<Error & Record<string, unknown>> {
  try {
    await promise;
  } catch (error) {
    return error as Error & Record<string, unknown>;
  }
  throw new Error('expected the promise to reject, but it resolved');
}

/** How a child process ended. */
export interface ChildExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** A running fixture script in a child process. */
export class Fixture {
  readonly child: ChildProcess;
  /** Settles when the process has exited and its output is read. */
  readonly exited: Promise<ChildExit>;
  #stdout = '';
  #stderr = '';
  readonly #lineListeners = new Set<(line: string) => void>();

  constructor(name: string, args: string[]) {
    const script = fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
    this.child = spawn(process.execPath, [script, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stderr?.on('data', (chunk: Buffer) => (this.#stderr += chunk.toString()));
    createInterface({ input: this.child.stdout! }).on('line', (line) => {
      this.#stdout += `${line}\n`;
      for (const listener of this.#lineListeners) listener(line);
    });
    this.exited = new Promise((resolve, reject) => {
      this.child.once('error', reject);
      this.child.once('close', (code, signal) =>
        resolve({ code, signal, stdout: this.#stdout, stderr: this.#stderr }),
      );
    });
  }

  /** Calls `listener` with every line the child writes to stdout from now on. */
  onLine(listener: (line: string) => void): void {
    this.#lineListeners.add(listener);
  }

  /** Waits until the child writes this line to stdout; rejects if it exits first. */
  waitForLine(expected: string): Promise<void> {
    if (this.#stdout.split('\n').includes(expected)) {
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      this.onLine((line) => {
        if (line === expected) resolve();
      });
      void this.exited.then((exit) =>
        reject(new Error(`the fixture exited before writing "${expected}": ${describeExit(exit)}`)),
      );
    });
  }
}

/** Starts a fixture and kills it after the test if it still runs. */
export function startFixture(name: string, args: string[]): Fixture {
  const fixture = new Fixture(name, args);
  onTestFinished(async () => {
    if (fixture.child.exitCode === null && fixture.child.signalCode === null) {
      fixture.child.kill('SIGKILL');
      await fixture.exited;
    }
  });
  return fixture;
}

/** Runs a fixture to its end; rejects unless it exits with code 0. */
export async function runFixture(name: string, args: string[]): Promise<ChildExit> {
  const exit = await startFixture(name, args).exited;
  if (exit.code !== 0) {
    throw new Error(`the fixture ${name} failed: ${describeExit(exit)}`);
  }
  return exit;
}

function describeExit(exit: ChildExit): string {
  const ending = exit.signal === null ? `exit code ${exit.code}` : `signal ${exit.signal}`;
  return `${ending}, stderr: ${exit.stderr.trim() || '(empty)'}`;
}
