/**
 * The tokenstore-zoho command with a DBStore table on a real MySQL-compatible server as
 * its source, run in a child process.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { provideServer } from '@tokenstore/conformance/servers';
import { createSqliteStore } from '@tokenstore/sqlite';
import mysql, { type Pool } from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';

import { expectedToken, temporaryFolder, withoutId, zohoRow } from './import/support.js';

const provided = await provideServer('mysql');
const skipNote = provided.available ? '' : ` (skipped: ${provided.reason})`;

const BIN = fileURLToPath(new URL('../bin/tokenstore-zoho.js', import.meta.url));

function runCommand(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
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

describe.skipIf(!provided.available)(`tokenstore-zoho import from MySQL${skipNote}`, () => {
  const database = `zoho_${randomBytes(4).toString('hex')}`;
  const rows = [
    zohoRow(1, 'alice'),
    zohoRow(2, 'bob', { clientSecret: 'null' }),
    zohoRow(3, 'carol'),
  ];
  let admin: Pool;
  let databaseUrl: URL;

  beforeAll(async () => {
    if (!provided.available) return;
    admin = mysql.createPool({ uri: provided.server.url, connectionLimit: 1, charset: 'utf8mb4' });
    await admin.query(`CREATE DATABASE ${database} CHARACTER SET utf8mb4`);
    await admin.query(
      `CREATE TABLE ${database}.zoho_tokens (id varchar(10) NOT NULL, user_name varchar(255),
      client_id varchar(255), client_secret varchar(255), refresh_token varchar(255),
      access_token varchar(255), grant_token varchar(255), expiry_time varchar(20),
      redirect_url varchar(255), api_domain varchar(255), primary key (id))`,
    );
    await admin.query(`INSERT INTO ${database}.zoho_tokens VALUES ?`, [
      rows.map((row) => [
        row.id,
        row.user,
        row.clientId,
        row.clientSecret,
        row.refreshToken,
        row.accessToken,
        row.grantToken,
        row.expiry,
        row.redirectUrl,
        row.apiDomain,
      ]),
    ]);
    databaseUrl = new URL(provided.server.url);
    databaseUrl.pathname = `/${database}`;
  });

  afterAll(async () => {
    await admin?.query(`DROP DATABASE IF EXISTS ${database}`);
    await admin?.end();
  });

  it('imports a table into SQLite and masks the password in the summary', async () => {
    const target = join(temporaryFolder(), 'tokens.db');

    const run = await runCommand([
      'import',
      '--from',
      databaseUrl.toString(),
      '--table',
      'zoho_tokens',
      '--to',
      `sqlite:${target}`,
    ]);

    expect(run.code).toBe(0);
    const masked = new URL(databaseUrl);
    masked.password = '***';
    expect(run.stdout).toBe(
      `Read 3 records from the table zoho_tokens of ${masked.toString()}: 3 tokens, 0 malformed.\n` +
        `Wrote 3 tokens to sqlite:${target}.\n`,
    );
    expect(`${run.stdout}${run.stderr}`).not.toContain(decodeURIComponent(databaseUrl.password));
    const store = createSqliteStore({ path: target });
    onTestFinished(() => store.close());
    const tokens = await store.getTokens();
    expect(tokens.map(withoutId).sort((a, b) => a!.userName!.localeCompare(b!.userName!))).toEqual(
      rows.map(expectedToken),
    );
  });

  it('masks a password given as a query parameter of the source', async () => {
    const password = decodeURIComponent(databaseUrl.password);
    const queryUrl = new URL(databaseUrl);
    queryUrl.password = '';
    // mysql2 3.x skips a `password` parameter (the URL's own password field wins, even
    // when empty), but takes `password1`, the first factor of a multi-factor login.
    queryUrl.searchParams.set('password1', password);
    const target = join(temporaryFolder(), 'tokens.db');

    const run = await runCommand([
      'import',
      '--from',
      queryUrl.toString(),
      '--table',
      'zoho_tokens',
      '--to',
      `sqlite:${target}`,
    ]);

    expect(run.code).toBe(0);
    const masked = queryUrl.toString().replace(/password1=[^&]*/, 'password1=***');
    expect(run.stdout).toContain(`Read 3 records from the table zoho_tokens of ${masked}: `);
    expect(`${run.stdout}${run.stderr}`).not.toContain(password);
  });

  it('exits 1 for a table that does not exist', async () => {
    const run = await runCommand([
      'import',
      '--from',
      databaseUrl.toString(),
      '--table',
      'missing',
      '--to',
      `sqlite:${join(temporaryFolder(), 'tokens.db')}`,
    ]);

    expect(run.code).toBe(1);
    expect(run.stderr).toContain('the table missing does not exist');
  });
});
