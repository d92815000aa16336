/**
 * Tables made by Zoho's SDKs and samples: the store refuses them, and
 * upgradeSqliteTable converts them or stops with a report, changing nothing.
 */
import { join } from 'node:path';

import { isTokenStoreError } from '@tokenstore/core';
import { describe, expect, it } from 'vitest';

import { upgradeSqliteTable } from '../src/index.js';
import { EXPIRES_AT, longToken, openRawDatabase, openStore, temporaryFolder } from './helpers.js';

// The table as Zoho's SDK documentation and SQLite sample declare it.
const ZOHO_TABLE =
  'CREATE TABLE oauthtoken (id varchar(10) NOT NULL primary key, user_name varchar(255), ' +
  'client_id varchar(255), client_secret varchar(255), refresh_token varchar(255), ' +
  'access_token varchar(255), grant_token varchar(255), expiry_time varchar(20), ' +
  'redirect_url varchar(255), api_domain varchar(255))';

type ZohoRow = [
  id: string | bigint,
  userName: string,
  clientId: string,
  clientSecret: string,
  refreshToken: string,
  accessToken: string,
  grantToken: string,
  expiryTime: string,
  redirectUrl: string,
  apiDomain: string,
];

/** Returns a row as Zoho's Python sample writes it: 'null' in empty cells, the expiry as text. */
function zohoRow(
  id: string | bigint,
  name: string,
  overrides: Partial<Record<number, string>> = {},
): ZohoRow {
  const row: ZohoRow = [
    id,
    `${name}@example.test`,
    '1000.CLIENTIDAAAA',
    'client-secret-a',
    `1000.rt.${name}.0001`,
    `1000.at.${name}.0001`,
    'null',
    String(EXPIRES_AT),
    'https://app.example.test/oauth/callback',
    'https://www.zohoapis.com',
  ];
  for (const [index, value] of Object.entries(overrides)) row[Number(index)] = value as string;
  return row;
}

const GRANT_TOKEN = 6;
const EXPIRY_TIME = 7;
const API_DOMAIN = 9;
const REFRESH_TOKEN = 4;
const USER_NAME = 1;
const ACCESS_TOKEN = 5;

/** Creates a database file with Zoho's table holding `rows`. */
function createZohoDatabase(rows: ZohoRow[]): string {
  const path = join(temporaryFolder(), 'zoho.db');
  const db = openRawDatabase(path);
  db.exec(ZOHO_TABLE);
  const insert = db.prepare('INSERT INTO oauthtoken VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)');
  for (const row of rows) insert.run(...row);
  db.close();
  return path;
}

/** Returns the schema and every row of the database, to compare before and after. */
function dumpDatabase(path: string): unknown {
  const db = openRawDatabase(path, { readonly: true });
  const schema = db.prepare('SELECT type, name, sql FROM sqlite_schema ORDER BY name').all();
  const rows = db.prepare('SELECT * FROM oauthtoken ORDER BY rowid').all();
  db.close();
  return { schema, rows };
}

const ZOHO_ROWS = [
  zohoRow('1', 'alice'),
  zohoRow('2', 'bob', { [GRANT_TOKEN]: '', [API_DOMAIN]: 'null' }),
  // Python binds an int id as an INTEGER, which the varchar column's TEXT affinity turns into '3'.
  zohoRow(3n, 'carol', { [EXPIRY_TIME]: 'null', [ACCESS_TOKEN]: longToken(4096) }),
];

describe('Zoho table', () => {
  it('is refused by the store until upgraded', async () => {
    const path = createZohoDatabase(ZOHO_ROWS);
    const before = dumpDatabase(path);
    const store = openStore({ path });

    const readError = await store.getTokens().catch((caught: unknown) => caught);
    const saveError = await store
      .saveToken({ userName: 'dave@example.test', accessToken: 'x' })
      .catch((caught: unknown) => caught);

    expect(isTokenStoreError(readError, 'BACKEND')).toBe(true);
    expect((readError as Error).message).toContain('upgradeSqliteTable');
    expect((readError as Error).message).toContain('varchar(255)');
    expect(isTokenStoreError(saveError, 'BACKEND')).toBe(true);
    expect(dumpDatabase(path)).toEqual(before);
  });

  it('is converted by the upgrade', async () => {
    const path = createZohoDatabase(ZOHO_ROWS);

    const result = await upgradeSqliteTable({ path });

    expect(result).toEqual({
      table: 'oauthtoken',
      upgraded: true,
      records: 3,
      emptiedCells: 5,
      generatedIds: 0,
    });
    const db = openRawDatabase(path, { readonly: true });
    const types = db.prepare('SELECT name, type FROM pragma_table_info(?)').all('oauthtoken');
    expect(types).toContainEqual({ name: 'id', type: 'TEXT' });
    expect(types).toContainEqual({ name: 'access_token', type: 'TEXT' });
    expect(types).toContainEqual({ name: 'expiry_time', type: 'INTEGER' });
    const cells = db
      .prepare(
        'SELECT id, typeof(id) AS idType, typeof(expiry_time) AS expiryType, grant_token, api_domain FROM oauthtoken ORDER BY id',
      )
      .all();
    expect(cells).toEqual([
      {
        id: '1',
        idType: 'text',
        expiryType: 'integer',
        grant_token: null,
        api_domain: 'https://www.zohoapis.com',
      },
      { id: '2', idType: 'text', expiryType: 'integer', grant_token: null, api_domain: null },
      {
        id: '3',
        idType: 'text',
        expiryType: 'null',
        grant_token: null,
        api_domain: 'https://www.zohoapis.com',
      },
    ]);
  });

  it('is used by the store after the upgrade', async () => {
    const path = createZohoDatabase(ZOHO_ROWS);
    await upgradeSqliteTable({ path });
    const store = openStore({ path });

    const alice = await store.findToken({ userName: 'alice@example.test' });
    const bob = await store.findTokenById('2');
    const carol = await store.findToken({ accessToken: longToken(4096) });

    expect(alice).toEqual({
      id: '1',
      userName: 'alice@example.test',
      clientId: '1000.CLIENTIDAAAA',
      clientSecret: 'client-secret-a',
      refreshToken: '1000.rt.alice.0001',
      accessToken: '1000.at.alice.0001',
      expiresAt: EXPIRES_AT,
      redirectUrl: 'https://app.example.test/oauth/callback',
      apiDomain: 'https://www.zohoapis.com',
    });
    expect(bob).not.toHaveProperty('grantToken');
    expect(bob).not.toHaveProperty('apiDomain');
    expect(carol?.id).toBe('3');
    expect(carol).not.toHaveProperty('expiresAt');

    const conflict = await store
      .saveToken({ userName: 'dave@example.test', refreshToken: '1000.rt.alice.0001' })
      .catch((caught: unknown) => caught);
    expect(isTokenStoreError(conflict, 'CONFLICT')).toBe(true);
    const updated = await store.saveToken({
      userName: 'bob@example.test',
      accessToken: '1000.at.bob.0002',
    });
    expect(updated).toMatchObject({
      id: '2',
      refreshToken: '1000.rt.bob.0001',
      accessToken: '1000.at.bob.0002',
    });
  });

  it('is left unchanged when duplicates would break an index', async () => {
    const path = createZohoDatabase([
      zohoRow('1', 'alice'),
      zohoRow('2', 'alice-again', { [USER_NAME]: 'alice@example.test' }),
      zohoRow('3', 'bob'),
      zohoRow('4', 'bob-copy', { [REFRESH_TOKEN]: '1000.rt.bob.0001' }),
      zohoRow('5', 'bob-copy-2', { [REFRESH_TOKEN]: '1000.rt.bob.0001' }),
      zohoRow('6', 'carol'),
    ]);
    const before = dumpDatabase(path);

    const error = await upgradeSqliteTable({ path }).catch((caught: unknown) => caught);

    expect(isTokenStoreError(error, 'CONFLICT')).toBe(true);
    const message = (error as Error).message;
    expect(message).toContain('2 records share a value in user_name');
    expect(message).toContain('3 records share a value in refresh_token');
    expect(message).toContain('Nothing was changed');
    expect(message).not.toContain('alice@example.test');
    expect(message).not.toContain('1000.rt.bob.0001');
    expect(dumpDatabase(path)).toEqual(before);
  });

  it('is left unchanged when an expiry is not a number', async () => {
    const path = createZohoDatabase([
      zohoRow('1', 'alice', { [EXPIRY_TIME]: 'tomorrow' }),
      zohoRow('2', 'bob'),
    ]);
    const before = dumpDatabase(path);

    const error = await upgradeSqliteTable({ path }).catch((caught: unknown) => caught);

    expect(isTokenStoreError(error, 'CORRUPT')).toBe(true);
    expect((error as Error).message).toContain('1 record holds an expiry_time');
    expect(dumpDatabase(path)).toEqual(before);
  });

  it('gives records without an id a generated one', async () => {
    const path = createZohoDatabase([zohoRow('', 'alice'), zohoRow('2', 'bob')]);

    const result = await upgradeSqliteTable({ path });
    const alice = await openStore({ path }).findToken({ userName: 'alice@example.test' });

    expect(result.generatedIds).toBe(1);
    expect(alice?.id).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('leaves a current table as it is', async () => {
    const path = join(temporaryFolder(), 'tokens.db');
    const store = openStore({ path });
    await store.saveToken({ userName: 'alice@example.test', accessToken: '1000.at.alice.0001' });
    await store.close();
    const before = dumpDatabase(path);

    const result = await upgradeSqliteTable({ path });

    expect(result).toEqual({
      table: 'oauthtoken',
      upgraded: false,
      records: 1,
      emptiedCells: 0,
      generatedIds: 0,
    });
    expect(dumpDatabase(path)).toEqual(before);
  });

  it('upgrades the named table only', async () => {
    const path = createZohoDatabase(ZOHO_ROWS);
    const db = openRawDatabase(path);
    db.exec(ZOHO_TABLE.replace('oauthtoken', 'oauthtoken_other'));
    db.close();

    await upgradeSqliteTable({ path, table: 'oauthtoken_other' });
    const error = await openStore({ path })
      .getTokens()
      .catch((caught: unknown) => caught);

    expect(isTokenStoreError(error, 'BACKEND')).toBe(true);
    expect(await openStore({ path, table: 'oauthtoken_other' }).getTokens()).toEqual([]);
  });

  it('rejects a missing file or table', async () => {
    const folder = temporaryFolder();
    const missingFile = await upgradeSqliteTable({ path: join(folder, 'none.db') }).catch(
      (caught: unknown) => caught,
    );
    const emptyPath = join(folder, 'empty.db');
    openRawDatabase(emptyPath).close();
    const missingTable = await upgradeSqliteTable({ path: emptyPath }).catch(
      (caught: unknown) => caught,
    );

    expect(isTokenStoreError(missingFile, 'BACKEND')).toBe(true);
    expect((missingFile as Error).message).toContain('no database file');
    expect(isTokenStoreError(missingTable, 'BACKEND')).toBe(true);
    expect((missingTable as Error).message).toContain('no table "oauthtoken"');
  });
});
