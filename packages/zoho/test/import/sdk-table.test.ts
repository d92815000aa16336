/**
 * A DBStore table of 300 rows on a real MySQL-compatible server: the first rows written
 * by the Zoho SDK's own DBStore, the rest inserted in the form Zoho's schema stores them, then
 * read and imported into a SQLite store.
 */
import { randomBytes } from 'node:crypto';

import type { OAuthToken } from '@tokenstore/core';
import { provideServer } from '@tokenstore/conformance/servers';
import { DBBuilder, OAuthToken as SdkOAuthToken, UserSignature } from '@zohocrm/typescript-sdk-8.0';
import mysql, { type Pool } from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { describePosition, importZohoTokens, readZohoTokenTable } from '../../src/import/index.js';
import { EXPIRES_AT, longToken, openStore, withoutId } from './support.js';

const provided = await provideServer('mysql');
const skipNote = provided.available ? '' : ` (skipped: ${provided.reason})`;

const TOKEN_COUNT = 300;
const SDK_ROWS = 10;

// Zoho's documented schema for the DBStore.
const ZOHO_SCHEMA = (table: string, withApiDomain = true): string =>
  `CREATE TABLE ${table} (id varchar(10) NOT NULL, user_name varchar(255), client_id varchar(255),
  client_secret varchar(255), refresh_token varchar(255), access_token varchar(255), grant_token
  varchar(255), expiry_time varchar(20), redirect_url varchar(255)${withApiDomain ? ', api_domain varchar(255)' : ''},
  primary key (id))`;

const COLUMNS =
  'id, user_name, client_id, client_secret, refresh_token, access_token, grant_token, expiry_time, redirect_url, api_domain';

/** Returns the fields of token `n`, varied so that every shape occurs, with values that fit varchar(255). */
function tokenInput(n: number): OAuthToken {
  const input: OAuthToken = {
    clientId: `1000.CLIENT${n % 3}`,
    clientSecret: `secret-${n % 3}.a=b-c`,
    redirectUrl: `https://app.example.test/cb/${n}?state=x=y.z`,
  };
  if (n % 5 !== 0)
    input.userName = n % 13 === 0 ? `zoë.😀+${n}@example.test` : `user${n}@example.test`;
  if (n % 7 === 0) {
    input.grantToken = `1000.gt.${n}.a=b-c`;
    return input;
  }
  input.refreshToken = n % 11 === 0 ? longToken(`1000.rt.${n}.`, 250) : `1000.rt.${n}.a=b-c`;
  input.accessToken = n % 11 === 0 ? longToken(`1000.at.${n}.`, 250) : `1000.at.${n}.x-y=z`;
  input.expiresAt = EXPIRES_AT + n * 1000;
  if (n % 4 !== 0) input.apiDomain = 'https://www.zohoapis.eu';
  return input;
}

// A missing value as Zoho's writers leave it: NULL, an empty string, or the text 'null'.
function cell(value: string | number | undefined, n: number): string | null {
  if (value !== undefined) return String(value);
  return [null, '', 'null'][n % 3]!;
}

function toSdkToken(input: OAuthToken): SdkOAuthToken {
  const token = new SdkOAuthToken(
    input.clientId ?? null,
    input.clientSecret ?? null,
    input.grantToken ?? null,
    input.refreshToken ?? null,
    input.redirectUrl ?? null,
    null,
    input.accessToken ?? null,
    new UserSignature(input.userName!),
  );
  if (input.expiresAt !== undefined) token.setExpiresIn(String(input.expiresAt));
  if (input.apiDomain !== undefined) token.setAPIDomain(input.apiDomain);
  return token;
}

describe.skipIf(!provided.available)(`a Zoho DBStore table${skipNote}`, () => {
  const database = `zoho_${randomBytes(4).toString('hex')}`;
  let admin: Pool;
  let databaseUrl = '';
  // Token n (1-based) is written with id n; the SDK's rows get a user name of their own.
  const inputs = Array.from({ length: TOKEN_COUNT }, (_, index) => tokenInput(index + 1));
  for (const [index, input] of inputs.slice(0, SDK_ROWS + 2).entries()) {
    input.userName ??= `sdk-user${index + 1}@example.test`;
    // The DBStore pastes values into its UPDATE between quotes, and its driver then takes
    // a `?` in a value for a placeholder, so the SDK's rows get URLs without a query.
    input.redirectUrl = `https://app.example.test/cb/${index + 1}`;
  }
  const sdkOutcomes: PromiseSettledResult<unknown>[] = [];

  beforeAll(async () => {
    if (!provided.available) return;
    const serverUrl = new URL(provided.server.url);
    admin = mysql.createPool({ uri: provided.server.url, connectionLimit: 2, charset: 'utf8mb4' });
    await admin.query(`CREATE DATABASE ${database} CHARACTER SET utf8mb4`);
    await admin.query(ZOHO_SCHEMA(`${database}.oauthtoken`));
    serverUrl.pathname = `/${database}`;
    databaseUrl = serverUrl.toString();

    const sdkStore = new DBBuilder()
      .host('127.0.0.1')
      .portNumber(Number(serverUrl.port))
      .userName(decodeURIComponent(serverUrl.username))
      .password(decodeURIComponent(serverUrl.password))
      .databaseName(database)
      .tableName('oauthtoken')
      .build();
    // The DBStore numbers rows with MAX(id) + 1 over a text column, so from the 11th
    // row on it computes an id that exists: those saves are expected to fail.
    for (const input of inputs.slice(0, SDK_ROWS + 2)) {
      const [outcome] = await Promise.allSettled([sdkStore.saveToken(toSdkToken(input))]);
      sdkOutcomes.push(outcome!);
    }

    for (const [index, input] of inputs.entries()) {
      if (index < SDK_ROWS) continue;
      const n = index + 1;
      await admin.query(
        `INSERT INTO ${database}.oauthtoken (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        [
          String(n),
          cell(input.userName, n),
          cell(input.clientId, n),
          cell(input.clientSecret, n),
          cell(input.refreshToken, n),
          cell(input.accessToken, n + 1),
          cell(input.grantToken, n + 2),
          cell(input.expiresAt, n),
          cell(input.redirectUrl, n),
          cell(input.apiDomain, n + 1),
        ],
      );
    }
  });

  afterAll(async () => {
    await admin?.query(`DROP DATABASE IF EXISTS ${database}`);
    await admin?.end();
  });

  it('has ten SDK rows, the eleventh failed', async () => {
    expect(sdkOutcomes.slice(0, SDK_ROWS).map((outcome) => outcome.status)).toEqual(
      Array(SDK_ROWS).fill('fulfilled'),
    );
    expect(sdkOutcomes[SDK_ROWS]?.status).toBe('rejected');
    const [rows] = await admin.query(`SELECT COUNT(*) AS n FROM ${database}.oauthtoken`);
    expect(Number((rows as { n: number }[])[0]?.n)).toBe(TOKEN_COUNT);
  });

  it('reads 300 tokens in id order with nothing malformed', async () => {
    const records = await readZohoTokenTable({ url: databaseUrl });

    expect(records.filter((record) => record.kind === 'malformed')).toEqual([]);
    expect(records.map((record) => record.position)).toEqual(
      inputs.map((_, index) => ({ row: index + 1, id: String(index + 1) })),
    );
    expect(records.map((record) => record.kind === 'token' && withoutId(record.token))).toEqual(
      inputs,
    );
  });

  it('imports every row into a SQLite store field by field', async () => {
    const store = openStore('sqlite');
    const records = await readZohoTokenTable({ url: databaseUrl, table: 'oauthtoken' });

    const result = await importZohoTokens(records, store);

    expect(result.outcome).toBe('imported');
    expect(result.written).toHaveLength(TOKEN_COUNT);
    for (const [index, written] of result.written.entries()) {
      expect(withoutId(await store.findTokenById(written.id))).toEqual(inputs[index]);
    }
    expect(new Set(result.written.map((written) => written.id)).size).toBe(TOKEN_COUNT);
    expect(await store.getTokens()).toHaveLength(TOKEN_COUNT);
  });

  it('reads through a pool, decodes bytes and names malformed rows by id', async () => {
    const table = `${database}.older`;
    await admin.query(
      ZOHO_SCHEMA(table, false).replace(
        'refresh_token varchar(255)',
        'refresh_token varbinary(255)',
      ),
    );
    await admin.query(`INSERT INTO ${table} (id, user_name, refresh_token, expiry_time) VALUES ?`, [
      [
        ['1', 'alice@example.test', Buffer.from('1000.rt.zoë'), '1767225600000'],
        ['2', 'bob@example.test', Buffer.from([0xff, 0xfe]), ''],
        ['3', 'carol@example.test', Buffer.from('1000.rt.carol'), 'tomorrow'],
      ],
    ]);
    const pool = mysql.createPool({ uri: databaseUrl, connectionLimit: 1 });

    const records = await readZohoTokenTable({ pool, table: 'older' });
    await pool.end();

    expect(records[0]).toEqual({
      kind: 'token',
      position: { row: 1, id: '1' },
      token: {
        id: '1',
        userName: 'alice@example.test',
        refreshToken: '1000.rt.zoë',
        expiresAt: 1767225600000,
      },
    });
    expect(
      records
        .slice(1)
        .map(
          (record) =>
            record.kind === 'malformed' && `${describePosition(record.position)}: ${record.reason}`,
        ),
    ).toEqual([
      'row 2 (id 2): refresh_token is not valid UTF-8 text',
      'row 3 (id 3): expiry_time is not a whole number of milliseconds',
    ]);
  });

  it('rejects a missing table and a table without the Zoho columns', async () => {
    await admin.query(`CREATE TABLE ${database}.other (id varchar(10), user_name varchar(255))`);

    await expect(
      readZohoTokenTable({ url: databaseUrl, table: 'nothing_here' }),
    ).rejects.toMatchObject({
      code: 'INVALID_OPTIONS',
      detail: 'invalid options: the table nothing_here does not exist',
    });
    await expect(readZohoTokenTable({ url: databaseUrl, table: 'other' })).rejects.toMatchObject({
      code: 'INVALID_OPTIONS',
      detail: expect.stringContaining(
        'is not a Zoho token table: it has no column client_id, client_secret',
      ),
    });
  });

  it('rejects a table name that would need quoting', async () => {
    await expect(
      readZohoTokenTable({ url: databaseUrl, table: 'x`; DROP TABLE y' }),
    ).rejects.toMatchObject({
      code: 'INVALID_OPTIONS',
    });
  });
});
