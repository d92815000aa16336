/**
 * The tokenstore-zoho command, run as a user runs it: `node bin/tokenstore-zoho.js` in a
 * child process, on token files in a temporary folder, into SQLite and file stores.
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
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

  it('exits 1 on a stored value conflict', async () => {
    const target = join(temporaryFolder(), 'tokens.db');
    const seed = createSqliteStore({ path: target });
    const mallory = await seed.saveToken({
      userName: 'mallory@example.test',
      refreshToken: CAROL.refreshToken,
    });
    await seed.close();
    const from = writeTokenFile([
      tsLine(ALICE),
      tsLine(zohoRow(2, 'bob')),
      tsLine(CAROL),
      tsLine(zohoRow(4, 'dave')),
    ]);

    const run = await runCommand(['import', '--from', from, '--to', `sqlite:${target}`]);

    expect(run.code).toBe(1);
    expect(run.stdout).toBe(
      `Read 4 records from ${from}: 4 tokens, 0 malformed.\n` +
        'Nothing was written, because line 4 holds the refreshToken of another record ' +
        `that the store already has (id ${mallory.id}).\n` +
        'Delete that record from the store or correct line 4, then run again.\n',
    );
    expect(run.stderr).toBe('');
    expect(await sqliteContent(target)).toEqual([mallory]);
  });

  it('reports an unreadable target store', async () => {
    const from = writeTokenFile([tsLine(ALICE)]);
    const folder = temporaryFolder();
    // A regular file where the database's folder would be.
    writeFileSync(join(folder, 'data'), 'not a folder');
    const target = join(folder, 'data', 'tokens.db');

    const run = await runCommand(['import', '--from', from, '--to', `sqlite:${target}`]);

    expect(run.code).toBe(1);
    expect(run.stdout).toBe(`Read 1 record from ${from}: 1 token, 0 malformed.\n`);
    expect(run.stderr).toMatch(
      /^tokenstore-zoho: the target store cannot be read: \[tokenstore\/sqlite\] getTokens failed: /,
    );
    expect(run.stderr).not.toContain('saved');
  });

  it('exits 1 on a kept id conflict', async () => {
    const target = join(temporaryFolder(), 'tokens.db');
    const seed = createSqliteStore({ path: target });
    await seed.saveToken({ id: '1', userName: 'zed@example.test', grantToken: 'ZEDGRANT' });
    await seed.close();
    const from = writeTokenFile([tsLine(zohoRow(2, 'bob')), tsLine(ALICE)]);

    const run = await runCommand([
      'import',
      '--from',
      from,
      '--to',
      `sqlite:${target}`,
      '--keep-ids',
    ]);

    expect(run.code).toBe(1);
    expect(run.stdout).toBe(
      `Read 2 records from ${from}: 2 tokens, 0 malformed.\n` +
        'Nothing was written, because the store already holds the id of line 3 (id 1) for another user.\n' +
        'Run again without --keep-ids to give the tokens new ids.\n',
    );
    const tokens = await sqliteContent(target);
    expect(tokens).toEqual([{ id: '1', userName: 'zed@example.test', grantToken: 'ZEDGRANT' }]);
  });

  it('keeps Zoho ids with --keep-ids into an empty store', async () => {
    const target = join(temporaryFolder(), 'tokens.db');
    const from = writeTokenFile([tsLine(zohoRow(7, 'alice')), tsLine(zohoRow(9, 'bob'))]);

    const run = await runCommand([
      'import',
      '--from',
      from,
      '--to',
      `sqlite:${target}`,
      '--keep-ids',
    ]);

    expect(run.code).toBe(0);
    expect((await sqliteContent(target)).map((token) => token.id).sort()).toEqual(['7', '9']);
  });

  it('counts one token in the singular while it saves', async () => {
    const from = writeTokenFile([tsLine(ALICE)]);
    const target = join(temporaryFolder(), 'tokens.db');

    const run = await runCommand(['import', '--from', from, '--to', `sqlite:${target}`]);

    expect(run.code).toBe(0);
    expect(run.stderr).toBe('saved 0 of 1 token (0%)\nsaved 1 of 1 token (100%)\n');
    expect(run.stdout).toContain('Wrote 1 token to');
  });

  it.each([
    [
      'no other token',
      [tsLine(zohoRow(4, 'dave', { redirectUrl: 'https://app.example.test/cb?scope=a,b' }))],
      'Fix it and run again.\n',
    ],
    [
      'one other token',
      [
        tsLine(ALICE),
        tsLine(zohoRow(4, 'dave', { redirectUrl: 'https://app.example.test/cb?scope=a,b' })),
      ],
      'Fix it, or run again with --skip-malformed to import the 1 other token.\n',
    ],
    [
      'two malformed records and no other token',
      [
        tsLine(zohoRow(4, 'dave', { redirectUrl: 'https://app.example.test/cb?scope=a,b' })),
        tsLine(zohoRow(5, 'erin', { redirectUrl: 'https://app.example.test/cb?scope=a,b' })),
      ],
      'Fix them and run again.\n',
    ],
  ])('ends the malformed summary for %s', async (_name, lines, ending) => {
    const from = writeTokenFile(lines);
    const target = join(temporaryFolder(), 'tokens.db');

    const run = await runCommand(['import', '--from', from, '--to', `sqlite:${target}`]);

    expect(run.code).toBe(1);
    expect(run.stdout.endsWith(ending)).toBe(true);
  });

  it('exits 1 for a non-token file', async () => {
    const from = join(temporaryFolder(), 'notes.csv');
    writeFileSync(from, 'name,value\nx,1\n');
    const target = join(temporaryFolder(), 'tokens.db');

    const run = await runCommand(['import', '--from', from, '--to', `sqlite:${target}`]);

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

  it.each([
    [
      'an in-memory SQLite target',
      ['import', '--from', 'a.csv', '--to', 'sqlite::memory:'],
      'an in-memory SQLite database would be lost when the command ends',
    ],
    [
      'an extra argument',
      ['import', 'extra', '--from', 'a.csv', '--to', 'sqlite:b.db'],
      'unexpected argument "extra"',
    ],
    [
      'an unknown option',
      ['import', '--from', 'a.csv', '--to', 'sqlite:b.db', '--bogus'],
      'unknown option --bogus',
    ],
    [
      'a repeated --from',
      ['import', '--from', 'a.csv', '--from', 'b.csv', '--to', 'sqlite:b.db'],
      '--from may be given only once',
    ],
    [
      'a repeated --to',
      ['import', '--from', 'a.csv', '--to', 'sqlite:b.db', '--to', 'sqlite:c.db'],
      '--to may be given only once',
    ],
    [
      'a repeated --table',
      [
        'import',
        '--from',
        'mysql://u:p@127.0.0.1/db',
        '--table',
        'a',
        '--table',
        'b',
        '--to',
        'sqlite:b.db',
      ],
      '--table may be given only once',
    ],
    [
      'a --from without its value',
      ['import', '--from', '--to', 'sqlite:b.db'],
      '--from needs a value',
    ],
    [
      'a value given to a flag',
      ['import', '--from', 'a.csv', '--to', 'sqlite:b.db', '--keep-ids=yes'],
      '--keep-ids takes no value',
    ],
    [
      'a table name that would need quoting',
      ['import', '--from', 'mysql://u:p@127.0.0.1/db', '--table', 'x`y', '--to', 'sqlite:b.db'],
      '--table must be a letter or _ followed by letters, digits or _, at most 64 characters',
    ],
    [
      'an unknown target',
      ['import', '--from', 'a.csv', '--to', 'postgres://127.0.0.1/db'],
      '--to must be sqlite:PATH, file:PATH, a file:// URL, or a mysql://, mariadb://, ' +
        'redis://, rediss://, mongodb:// or mongodb+srv:// URL',
    ],
    [
      'a file URL with a host',
      ['import', '--from', 'a.csv', '--to', 'file://files.example.test/tokens.json'],
      '--to is not a valid file:// URL',
    ],
  ])('rejects %s as a usage error', async (_name, args, message) => {
    const run = await runCommand(args);

    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^tokenstore-zoho: /);
    expect(run.stderr).toContain(message);
    expect(run.stderr).not.toContain("'");
    expect(run.stdout).toBe('');
  });

  it.each([
    [
      '--from',
      'a password with an unencoded @, : and /',
      'mysql://root:hunter2@sec:re/t@127.0.0.1/db',
    ],
    ['--from', 'a port that is not a number', 'mysql://root:hunter2secret@127.0.0.1:port/db'],
    [
      '--to',
      'a password with an unencoded @, : and /',
      'mysql://root:hunter2@sec:re/t@127.0.0.1/db',
    ],
    ['--to', 'a port that is not a number', 'mariadb://root:hunter2secret@127.0.0.1:port/db'],
  ])('rejects a %s URL with %s before connecting', async (option, _name, url) => {
    const args =
      option === '--from'
        ? ['import', '--from', url, '--to', 'sqlite:b.db']
        : ['import', '--from', 'a.csv', '--to', url];

    const run = await runCommand(args);

    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`tokenstore-zoho: ${option} is not a valid URL`);
    expect(run.stderr).not.toContain('hunter2');
  });

  it.each([
    [
      '--from',
      ['import', '--from', 'mysql://u:hunter2@127.0.0.1:1/db?ssl=bogus', '--to', 'sqlite:b.db'],
    ],
    ['--to', ['import', '--from', 'a.csv', '--to', 'mysql://u:hunter2@127.0.0.1:1/db?ssl=bogus']],
  ])('rejects an ssl parameter that mysql2 cannot use in %s', async (option, args) => {
    const run = await runCommand(args);

    expect(run.code).toBe(2);
    expect(run.stderr).toContain(
      `tokenstore-zoho: the ssl parameter of ${option} must be a JSON object of TLS options`,
    );
    expect(run.stderr).not.toContain('hunter2');
  });

  it('prints the version of the package', async () => {
    const { version } = JSON.parse(
      readFileSync(new URL('../package.json', import.meta.url), 'utf8'),
    ) as { version: string };

    const run = await runCommand(['--version']);

    expect(run.code).toBe(0);
    expect(run.stdout).toBe(`${version}\n`);
  });

  it('prints the help and exits 0', async () => {
    const run = await runCommand(['--help']);

    expect(run.code).toBe(0);
    expect(run.stdout).toContain('--skip-malformed');
    expect(run.stdout).toContain('Exit status: 0');
    for (const form of ['mariadb://', 'rediss://', 'mongodb+srv://', 'file://', '--version']) {
      expect(run.stdout).toContain(form);
    }
  });

  it('masks the password of a source URL it cannot reach', async () => {
    const run = await runCommand([
      'import',
      '--from',
      'mysql://root:hunter2secret@127.0.0.1:1/zohooauth',
      '--to',
      `sqlite:${join(temporaryFolder(), 'tokens.db')}`,
    ]);

    expect(run.code).toBe(1);
    expect(run.stderr).toContain('cannot reach the server');
    expect(`${run.stdout}${run.stderr}`).not.toContain('hunter2secret');
  });
});
