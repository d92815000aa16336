import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const packageDir = fileURLToPath(new URL('..', import.meta.url));
const mainPath = join(packageDir, 'dist', 'main.js');

interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}

async function runMain(args: string[]): Promise<Outcome> {
  try {
    const { stdout, stderr } = await run(process.execPath, [mainPath, ...args], {
      timeout: 30_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const { code, stdout, stderr } = error as { code: unknown; stdout: string; stderr: string };
    if (typeof code !== 'number') throw error;
    return { code, stdout, stderr };
  }
}

let dir: string;

// The command runs from dist: build it from the current sources first.
beforeAll(async () => {
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  await run(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: packageDir });
  dir = await mkdtemp(join(tmpdir(), 'tokenstore-demo-main-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('demo command', () => {
  it('prints usage for --help', async () => {
    const outcome = await runMain(['--help']);

    expect(outcome.code).toBe(0);
    expect(outcome.stdout).toMatch(/^Usage: /);
    expect(outcome.stdout).toContain('--store <kind>');
  });

  it('exits 2 on an invalid option', async () => {
    const outcome = await runMain(['--store', 'nope']);

    expect(outcome.code).toBe(2);
    expect(outcome.stderr).toContain('invalid --store "nope"');
    expect(outcome.stdout).toBe('');
  });

  it('exits 0 when every step passed', async () => {
    const storeDir = join(dir, 'passing');

    const outcome = await runMain(['--', '--store', 'file', '--dir', storeDir]);

    expect(outcome.stderr).toBe('');
    expect(outcome.code).toBe(0);
    expect(outcome.stdout).toContain(join(storeDir, 'tokens.json'));
    expect(outcome.stdout.trimEnd().split('\n').at(-1)).toMatch(/^All \d+ steps passed\.$/);
  });

  it('exits 1 and names the failed step', async () => {
    const storeDir = join(dir, 'failing');
    // A folder where the database file belongs: SQLite cannot open it.
    await mkdir(join(storeDir, 'tokens.db'), { recursive: true });

    const outcome = await runMain(['--dir', storeDir]);

    expect(outcome.code).toBe(1);
    expect(outcome.stdout).toContain('[FAIL]  2. Open the store');
    expect(outcome.stdout.trimEnd().split('\n').at(-1)).toMatch(
      /^Step 2 of \d+ failed \(Open the store\)/,
    );
  });
});
