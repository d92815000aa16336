/**
 * The tokenstore-conformance command, run as a child process on small modules that
 * export a subject.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

import { describe, expect, it } from 'vitest';

import { conformanceCases } from '../src/index.js';
import { createMapSubject } from './fixtures/map-store.mjs';

const run = promisify(execFile);
const packageRoot = fileURLToPath(new URL('..', import.meta.url));
const caseCount = conformanceCases(createMapSubject()).length;

interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

async function runCommand(...args: string[]): Promise<CommandResult> {
  try {
    const { stdout, stderr } = await run(
      process.execPath,
      ['bin/tokenstore-conformance.js', ...args],
      {
        cwd: packageRoot,
      },
    );
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout: string; stderr: string };
    return { code: failed.code ?? -1, stdout: failed.stdout, stderr: failed.stderr };
  }
}

function lastLine(output: string): string {
  return output.trimEnd().split('\n').at(-1) ?? '';
}

describe.concurrent('tokenstore-conformance', () => {
  it('passes every case of a correct store', async () => {
    const result = await runCommand('test/fixtures/map-store.mjs');

    expect(result.stderr).toBe('');
    expect(lastLine(result.stdout)).toBe(`${caseCount} passed, 0 failed`);
    expect(result.stdout).toContain('pass  lookup: finds a record by its id\n');
    expect(result.code).toBe(0);
  });

  it('fails with the message of a broken case', async () => {
    const result = await runCommand('test/fixtures/overwriting-store.mjs');

    expect(lastLine(result.stdout)).toMatch(/^\d+ passed, [1-9]\d* failed$/);
    expect(result.stdout).toMatch(
      /^fail {2}upsert: keeps the refresh token when an update omits it: record after the update: the record differs$/m,
    );
    expect(result.code).toBe(1);
  });

  it('counts skipped cases', async () => {
    const result = await runCommand('test/fixtures/memory-only-store.mjs');

    expect(lastLine(result.stdout)).toMatch(/^\d+ passed, 0 failed, [1-9]\d* skipped$/);
    expect(result.stdout).toContain(
      'skip  storage: gives back every acknowledged write after reopening (the store is not durable)',
    );
    expect(result.code).toBe(0);
  });

  it('fails a case that leaves a rejection unhandled', async () => {
    const result = await runCommand('test/fixtures/unhandled-rejection-store.mjs');

    expect(result.stdout).toMatch(
      /^fail {2}lifecycle: deletes one record by id: 1 promise rejection\(s\) went unhandled: Error: the driver callback failed after the delete$/m,
    );
    expect(lastLine(result.stdout)).toMatch(/^\d+ passed, [1-9]\d* failed, \d+ skipped$/);
    expect(result.code).toBe(1);
  });

  it('rejects a module without a subject', async () => {
    const result = await runCommand('test/fixtures/no-subject.mjs');

    expect(result.stderr).toContain('exports no subject');
    expect(result.code).toBe(1);
  });

  it('rejects a module that does not exist', async () => {
    const result = await runCommand('test/fixtures/missing.mjs');

    expect(result.stderr).toContain('cannot load test/fixtures/missing.mjs');
    expect(result.code).toBe(1);
  });

  it('prints usage for --help', async () => {
    const result = await runCommand('--help');

    expect(result.stdout).toContain('Usage: tokenstore-conformance <module>');
    expect(result.code).toBe(0);
  });

  it('prints usage without a module', async () => {
    const result = await runCommand();

    expect(result.stderr).toContain('missing <module>');
    expect(result.code).toBe(2);
  });
});
