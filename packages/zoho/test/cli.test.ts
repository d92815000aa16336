/**
 * The tokenstore-zoho command, run as a user runs it: `node bin/tokenstore-zoho.js` in a
 * child process, on token files in a temporary folder, into SQLite and file stores.
 */
import { execFile } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { createFileStore } from '@tokenstore/file';
import { createSqliteStore } from '@tokenstore/sqlite';
import { describe, expect, it, onTestFinished } from 'vitest';

import {
  TS_HEADER,
  expectedToken,
  pythonLine,
  temporaryFolder,
  tsLine,
  withoutId,
  zohoRow,
} from './import/support.js';

const BIN = fileURLToPath(new URL('../bin/tokenstore-zoho.js', import.meta.url));

interface CommandRun {
  code: number;
  stdout: string;
  stderr: string;
}

function runCommand(args: string[]): Promise<CommandRun> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { timeout: 30_000 }, (error, stdout, stderr) => {
      let code = 0;
      if (error !== null) {
        code = typeof error.code === 'number' ? error.code : -1;
      }
      resolve({ code, stdout, stderr });
    });
  });
}

function writeTokenFile(lines: string[]): string {
  const path = join(temporaryFolder(), 'zoho_tokens.csv');
  writeFileSync(path, [TS_HEADER, ...lines].join('\n'));
  return path;
}

async function sqliteContent(path: string) {
  const store = createSqliteStore({ path });
  onTestFinished(() => store.close());
  return store.getTokens();
}

const ALICE = zohoRow(1, 'alice');
const BOB = zohoRow(2, 'bob', { redirectUrl: 'https://app.example.test/cb?scope=a,b' });
const CAROL = zohoRow(3, 'carol');

describe('tokenstore-zoho import', () => {
  it('imports a token file into SQLite and prints a summary', async () => {
    const from = writeTokenFile([tsLine(ALICE), pythonLine(BOB), tsLine(CAROL)]);
    const target = join(temporaryFolder(), 'tokens.db');

    const run = await runCommand(['import', '--from', from, '--to', `sqlite:${target}`]);

    expect(run.code).toBe(0);
    expect(run.stdout).toBe(
      `Read 3 records from ${from}: 3 tokens, 0 malformed.\nWrote 3 tokens to sqlite:${target}.\n`,
    );
    expect(run.stderr).toContain('saved 3 of 3 tokens (100%)');
    const tokens = await sqliteContent(target);
    expect(tokens.map(withoutId).sort((a, b) => a!.userName!.localeCompare(b!.userName!))).toEqual(
      [ALICE, BOB, CAROL].map(expectedToken),
    );
  });

  it('imports into a file store', async () => {
    const from = writeTokenFile([tsLine(ALICE)]);
    const target = join(temporaryFolder(), 'tokens.json');

    const run = await runCommand(['import', '--from', from, '--to', `file:${target}`]);

    expect(run.code).toBe(0);
    const store = createFileStore({ path: target });
    onTestFinished(() => store.close());
    expect((await store.getTokens()).map(withoutId)).toEqual([expectedToken(ALICE)]);
  });

  it('writes nothing and exits 1 for a malformed file', async () => {
    const shifted = zohoRow(4, 'dave', { redirectUrl: 'https://app.example.test/cb?scope=a,b' });
    const from = writeTokenFile([tsLine(ALICE), tsLine(shifted), tsLine(CAROL)]);
    const target = join(temporaryFolder(), 'tokens.db');

    const run = await runCommand(['import', '--from', from, '--to', `sqlite:${target}`]);

    expect(run.code).toBe(1);
    expect(run.stdout).toContain('Nothing was written, because 1 record is malformed:\n');
    expect(run.stdout).toContain('  line 3: has 11 fields, the header has 10\n');
    expect(run.stdout).toContain('--skip-malformed');
    expect(existsSync(target) ? await sqliteContent(target) : []).toEqual([]);
  });

  it('skips malformed lines with --skip-malformed and exits 0', async () => {
    const shifted = zohoRow(4, 'dave', { redirectUrl: 'https://app.example.test/cb?scope=a,b' });
    const from = writeTokenFile([tsLine(ALICE), tsLine(shifted), tsLine(CAROL)]);
    const target = join(temporaryFolder(), 'tokens.db');

    const run = await runCommand([
      'import',
      '--from',
      from,
      '--to',
      `sqlite:${target}`,
      '--skip-malformed',
    ]);

    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Wrote 2 tokens to');
    expect(run.stdout).toContain('Skipped 1 malformed record:\n  line 3: has 11 fields');
    expect((await sqliteContent(target)).map((token) => token.userName).sort()).toEqual([
      'alice@example.test',
      'carol@example.test',
    ]);
  });

  it('exits 1 and lists what was not written when a save fails', async () => {
    const target = join(temporaryFolder(), 'tokens.db');
    const seed = createSqliteStore({ path: target });
    await seed.saveToken({ userName: 'mallory@example.test', refreshToken: CAROL.refreshToken });
    await seed.close();
    const from = writeTokenFile([
      tsLine(ALICE),
      tsLine(zohoRow(2, 'bob')),
      tsLine(CAROL),
      tsLine(zohoRow(4, 'dave')),
    ]);

    const run = await runCommand(['import', '--from', from, '--to', `sqlite:${target}`]);

    expect(run.code).toBe(1);
    expect(run.stdout).toContain('Wrote 2 of 4 tokens to');
    expect(run.stdout).toMatch(/Failed: line 4: CONFLICT: .*refreshToken/);
    expect(run.stdout).toContain('Not written: 1 token (line 5).');
    expect(run.stdout).not.toContain(CAROL.refreshToken);
    expect(await sqliteContent(target)).toHaveLength(3);
  });

  it('exits 1 with a message for a file that is not a token file', async () => {
    const from = join(temporaryFolder(), 'notes.csv');
    writeFileSync(from, 'name,value\nx,1\n');

    const run = await runCommand(['import', '--from', from, '--to', 'sqlite::memory:']);

    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`${from} is not a Zoho token file`);
    expect(run.stdout).toBe('');
  });

  it.each([
    ['no command', []],
    ['an unknown command', ['export', '--from', 'a.csv', '--to', 'sqlite:b.db']],
    ['no --to', ['import', '--from', 'a.csv']],
    ['no --from', ['import', '--to', 'sqlite:b.db']],
    ['an unknown target', ['import', '--from', 'a.csv', '--to', 'postgres://127.0.0.1/db']],
    ['an unknown option', ['import', '--from', 'a.csv', '--to', 'sqlite:b.db', '--force']],
    [
      '--table with a file source',
      ['import', '--from', 'a.csv', '--table', 't', '--to', 'sqlite:b.db'],
    ],
  ])('exits 2 with the usage line for %s', async (_name, args) => {
    const run = await runCommand(args);

    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^tokenstore-zoho: .+\nusage: tokenstore-zoho import --from /);
    expect(run.stdout).toBe('');
  });

  it('prints the help and exits 0', async () => {
    const run = await runCommand(['--help']);

    expect(run.code).toBe(0);
    expect(run.stdout).toContain('--skip-malformed');
    expect(run.stdout).toContain('Exit status: 0');
  });

  it('masks the password of a source URL it cannot reach', async () => {
    const run = await runCommand([
      'import',
      '--from',
      'mysql://root:hunter2secret@127.0.0.1:1/zohooauth',
      '--to',
      'sqlite::memory:',
    ]);

    expect(run.code).toBe(1);
    expect(run.stderr).toContain('cannot reach the server');
    expect(`${run.stdout}${run.stderr}`).not.toContain('hunter2secret');
  });
});
