/**
 * Tables made by a Zoho SDK's DBStore: the store detects and refuses them, and
 * `upgradeMysqlTable` converts them, or stops with a report and changes nothing.
 */
import { isTokenStoreError } from '@tokenstore/core';
import { afterAll, describe, expect, it } from 'vitest';

import { createMysqlStore, upgradeMysqlTable } from '../src/index.js';
import {
  admin,
  closeAdmin,
  openStore,
  provided,
  server,
  serverUrl,
  skipNote,
  tableNames,
  temporaryTable,
  temporaryUser,
} from './helpers.js';

if (provided.available) {
  console.log(`mysql upgrade tests run on ${provided.server.description}`);
}

afterAll(async () => {
  await closeAdmin();
  if (provided.available) await provided.server.close();
});

/** Returns the CREATE TABLE of a Zoho SDK's DBStore, as Zoho documents it. */
function zohoTableSql(table: string, charset = 'utf8mb4'): string {
  return (
    `CREATE TABLE \`${table}\` (id varchar(10) NOT NULL, user_name varchar(255), ` +
    'client_id varchar(255), client_secret varchar(255), refresh_token varchar(255), ' +
    'access_token varchar(255), grant_token varchar(255), expiry_time varchar(20), ' +
    `redirect_url varchar(255), api_domain varchar(255), primary key (id)) DEFAULT CHARSET=${charset}`
  );
}

type ZohoRow = (string | null)[];

/** Creates a Zoho table holding `rows` (ten cells each, in the Zoho column order). */
async function zohoTable(rows: ZohoRow[], charset?: string): Promise<string> {
  const table = temporaryTable('zoho');
  await admin().query(zohoTableSql(table, charset));
  for (const row of rows) {
    await admin().query(`INSERT INTO \`${table}\` VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, row);
  }
  return table;
}

/** Returns the table's columns and rows as the server shows them, to check nothing changed. */
async function snapshot(table: string): Promise<unknown> {
  const [created] = await admin().query(`SHOW CREATE TABLE \`${table}\``);
  const [rows] = await admin().query(`SELECT * FROM \`${table}\` ORDER BY id`);
  return { created, rows };
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
  return promise.then(
    () => {
      throw new Error('the call resolved');
    },
    (error: unknown) => error as Error,
  );
}

function databaseName(): string {
  return new URL(server().url).pathname.slice(1);
}

const ALICE_ROW: ZohoRow = [
  '1',
  'alice@example.test',
  '1000.CLIENTIDAAAA',
  'client-secret-a',
  '1000.rt.alice.0001',
  '1000.at.alice.0001',
  'null',
  '1767225600000',
  'https://app.example.test/oauth/callback',
  'https://www.zohoapis.com',
];
const BOB_ROW: ZohoRow = [
  '2',
  'bob@example.test',
  '1000.CLIENTIDAAAA',
  '',
  '1000.rt.bob.0001',
  '1000.at.bob.0001',
  null,
  '',
  'null',
  'https://www.zohoapis.eu',
];

describe.skipIf(!provided.available)(`mysql upgrade of Zoho tables${skipNote}`, () => {
  it('refuses a Zoho table and names the upgrade', async () => {
    const table = await zohoTable([ALICE_ROW]);
    const before = await snapshot(table);

    for (const createSchema of [true, false]) {
      const store = createMysqlStore({ url: server().url, table, createSchema });
      const error = await rejection(store.getTokens());
      const saveError = await rejection(
        store.saveToken({ userName: 'x@example.test', accessToken: 'x' }),
      );
      await store.close();

      expect(isTokenStoreError(error, 'BACKEND')).toBe(true);
      expect(error.message).toContain('upgradeMysqlTable');
      expect(error.message).toContain('varchar(10)');
      expect(isTokenStoreError(saveError, 'BACKEND')).toBe(true);
    }
    expect(await snapshot(table)).toEqual(before);
  });

  it('converts a Zoho table for the store', async () => {
    const table = await zohoTable([ALICE_ROW, BOB_ROW]);

    const result = await upgradeMysqlTable({ url: server().url, table });

    expect(result).toEqual({ table, upgraded: true, records: 2, emptiedCells: 4, generatedIds: 0 });
    const store = openStore({ table });
    expect(await store.findToken({ userName: 'alice@example.test' })).toEqual({
      id: '1',
      userName: 'alice@example.test',
      clientId: '1000.CLIENTIDAAAA',
      clientSecret: 'client-secret-a',
      refreshToken: '1000.rt.alice.0001',
      accessToken: '1000.at.alice.0001',
      expiresAt: 1_767_225_600_000,
      redirectUrl: 'https://app.example.test/oauth/callback',
      apiDomain: 'https://www.zohoapis.com',
    });
    expect(await store.findToken({ accessToken: '1000.at.bob.0001' })).toEqual({
      id: '2',
      userName: 'bob@example.test',
      clientId: '1000.CLIENTIDAAAA',
      refreshToken: '1000.rt.bob.0001',
      accessToken: '1000.at.bob.0001',
      apiDomain: 'https://www.zohoapis.eu',
    });
    const carol = await store.saveToken({
      userName: 'carol@example.test',
      accessToken: '1000.at.carol.0001',
    });
    expect(await store.findTokenById(carol.id)).toEqual(carol);
    await expect(
      store.saveToken({ userName: 'dave@example.test', accessToken: '1000.at.alice.0001' }),
    ).rejects.toMatchObject({ code: 'CONFLICT' });
    expect((await tableNames(databaseName())).filter((name) => name.startsWith(table))).toEqual([
      table,
    ]);

    expect(await upgradeMysqlTable({ url: server().url, table })).toEqual({
      table,
      upgraded: false,
      records: 3,
      emptiedCells: 0,
      generatedIds: 0,
    });
  });

  it('keeps latin1 text exact', async () => {
    const table = await zohoTable(
      [
        [
          ...ALICE_ROW.slice(0, 8),
          'https://app.example.test/señal?x=ü',
          'https://www.zohoapis.com',
        ],
      ],
      'latin1',
    );

    await upgradeMysqlTable({ url: server().url, table });

    const record = await openStore({ table }).findTokenById('1');
    expect(record?.redirectUrl).toBe('https://app.example.test/señal?x=ü');
  });

  it('reports duplicates and changes nothing', async () => {
    const table = await zohoTable([
      ALICE_ROW,
      ['2', 'alice@example.test', 'c', 's', 'rt-2', '1000.at.shared', null, null, null, null],
      ['3', 'carol@example.test', 'c', 's', 'rt-3', '1000.at.shared', null, null, null, null],
      ['4', 'dave@example.test', 'c', 's', 'rt-4', '1000.at.shared', null, null, null, null],
    ]);
    const before = await snapshot(table);

    const error = await rejection(upgradeMysqlTable({ url: server().url, table }));

    expect(isTokenStoreError(error, 'CONFLICT')).toBe(true);
    expect(error.message).toContain('2 records share a value in user_name');
    expect(error.message).toContain('3 records share a value in access_token');
    expect(error.message).toContain('Nothing was changed');
    expect(error.message).not.toContain('alice@example.test');
    expect(error.message).not.toContain('1000.at.shared');
    expect(await snapshot(table)).toEqual(before);
    expect((await tableNames(databaseName())).filter((name) => name.startsWith(table))).toEqual([
      table,
    ]);
  });

  it('reports expiries that are not numbers', async () => {
    const table = await zohoTable([[...ALICE_ROW.slice(0, 7), 'tomorrow', null, null]]);
    const before = await snapshot(table);

    const error = await rejection(upgradeMysqlTable({ url: server().url, table }));

    expect(isTokenStoreError(error, 'CORRUPT')).toBe(true);
    expect(error.message).toContain('1 record holds an expiry_time');
    expect(await snapshot(table)).toEqual(before);
  });

  it('leaves the old table when the swap fails', async () => {
    const table = await zohoTable([ALICE_ROW, BOB_ROW]);
    const before = await snapshot(table);
    // RENAME TABLE needs ALTER on the old table, which this user lacks.
    const user = await temporaryUser('SELECT, INSERT, CREATE, DROP');

    const error = await rejection(
      upgradeMysqlTable({ url: serverUrl({ user: user.user, password: user.password }), table }),
    );

    expect(isTokenStoreError(error, 'BACKEND')).toBe(true);
    expect(await snapshot(table)).toEqual(before);
    expect((await tableNames(databaseName())).filter((name) => name.startsWith(table))).toEqual([
      table,
    ]);
  });

  it('rejects missing tables and other tables', async () => {
    const missing = temporaryTable();
    const other = temporaryTable();
    await admin().query(`CREATE TABLE \`${other}\` (id INT PRIMARY KEY, name TEXT)`);

    const missingError = await rejection(upgradeMysqlTable({ url: server().url, table: missing }));
    const otherError = await rejection(upgradeMysqlTable({ url: server().url, table: other }));
    const store = createMysqlStore({ url: server().url, table: other });
    const storeError = await rejection(store.getTokens());
    await store.close();

    expect(isTokenStoreError(missingError, 'BACKEND')).toBe(true);
    expect(missingError.message).toContain('does not exist');
    expect(isTokenStoreError(otherError, 'BACKEND')).toBe(true);
    expect(otherError.message).toContain('not a token table');
    expect(isTokenStoreError(storeError, 'BACKEND')).toBe(true);
    expect(storeError.message).toContain('Choose another table name');
  });
});
