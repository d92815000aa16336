import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

import type { OAuthToken, TokenStore } from '@tokenstore/core';
import { describe, expect, it } from 'vitest';

import {
  importZohoTokens,
  parseZohoTokenFile,
  readZohoTokenFile,
  type ZohoRecord,
} from '../../src/import/index.js';
import {
  STORE_KINDS,
  TS_HEADER,
  expectedToken,
  openStore,
  pythonLine,
  temporaryFolder,
  tsLine,
  withoutId,
  zohoRow,
} from './support.js';

/**
 * Returns `store` with another writer that saves `token` just before the import's
 * save number `saveNumber` (1-based) reaches the store.
 */
function withWriterBeforeSave(store: TokenStore, saveNumber: number, token: OAuthToken) {
  let saves = 0;
  return {
    ...store,
    saveToken: async (input: Parameters<TokenStore['saveToken']>[0]) => {
      saves += 1;
      if (saves === saveNumber) await store.saveToken(token);
      return store.saveToken(input);
    },
  };
}

const REDIRECT_WITH_COMMA = 'https://app.example.test/cb?scope=a,b';

// The file has the TypeScript SDK's unquoted layout, so alice's redirect URL adds a field.
// Bob is quoted as the Python SDK writes him, and carol's line ends with Windows' \r\n.
const ALICE = zohoRow(1, 'alice', { redirectUrl: REDIRECT_WITH_COMMA });
const BOB = zohoRow(2, 'bob', { redirectUrl: REDIRECT_WITH_COMMA });
const CAROL = zohoRow(3, 'carol');
const MIXED_FILE = `${TS_HEADER}\n${tsLine(ALICE)}\n${pythonLine(BOB)}\n${tsLine(CAROL)}\r\n`;

async function writeMixedFile(): Promise<ZohoRecord[]> {
  const path = join(temporaryFolder(), 'zoho_tokens.csv');
  writeFileSync(path, MIXED_FILE);
  return readZohoTokenFile(path);
}

describe.each(STORE_KINDS)('importZohoTokens into %s', (kind) => {
  it('writes nothing in stop mode when a line has shifted fields', async () => {
    const store = openStore(kind);
    const records = await writeMixedFile();

    const result = await importZohoTokens(records, store);

    expect(result.outcome).toBe('malformed');
    expect(result.read).toBe(3);
    expect(result.written).toEqual([]);
    expect(result.malformed).toEqual([
      { kind: 'malformed', position: { line: 2 }, reason: 'has 11 fields, the header has 10' },
    ]);
    expect(result.notWritten).toEqual([{ line: 3 }, { line: 4 }]);
    expect(await store.getTokens()).toEqual([]);
  });

  it('writes bob and carol exactly in skip mode and lists alice', async () => {
    const store = openStore(kind);
    const records = await writeMixedFile();

    const result = await importZohoTokens(records, store, { onMalformed: 'skip' });

    expect(result.outcome).toBe('imported');
    expect(result.malformed.map((record) => record.position)).toEqual([{ line: 2 }]);
    expect(result.written.map((token) => token.position)).toEqual([{ line: 3 }, { line: 4 }]);
    const [bobId, carolId] = result.written.map((token) => token.id);
    expect(withoutId(await store.findTokenById(bobId!))).toEqual(expectedToken(BOB));
    expect(withoutId(await store.findTokenById(carolId!))).toEqual(expectedToken(CAROL));
    expect((await store.findTokenById(carolId!))?.apiDomain).toBe('https://www.zohoapis.com');
    expect(await store.findToken({ userName: 'alice@example.test' })).toBeNull();
    expect(await store.getTokens()).toHaveLength(2);
  });

  it('stops at a save that fails and lists the rest as not written', async () => {
    const store = openStore(kind);
    const rows = [1, 2, 3, 4, 5].map((id) => zohoRow(id, `user${id}`));
    // Another writer gives the third token's refresh token to another user during the
    // import, after the check before the first save.
    const raced = withWriterBeforeSave(store, 3, {
      userName: 'mallory@example.test',
      refreshToken: rows[2]!.refreshToken,
    });
    const records = parseZohoTokenFile([TS_HEADER, ...rows.map(tsLine)].join('\n'));

    const result = await importZohoTokens(records, raced);

    expect(result.outcome).toBe('failed');
    expect(result.written.map((token) => token.position)).toEqual([{ line: 2 }, { line: 3 }]);
    expect(result.failed).toMatchObject({ position: { line: 4 }, code: 'CONFLICT' });
    expect(result.failed?.message).toContain('refreshToken');
    expect(result.failed?.message).not.toContain(rows[2]!.refreshToken);
    expect(result.notWritten).toEqual([{ line: 5 }, { line: 6 }]);
    const names = (await store.getTokens()).map((token) => token.userName).sort();
    expect(names).toEqual(['mallory@example.test', 'user1@example.test', 'user2@example.test']);
  });

  it('writes nothing when a token holds a value of another held record', async () => {
    const store = openStore(kind);
    const rows = [1, 2, 3, 4].map((id) => zohoRow(id, `user${id}`));
    const mallory = await store.saveToken({
      userName: 'mallory@example.test',
      refreshToken: rows[2]!.refreshToken,
    });
    const records = parseZohoTokenFile([TS_HEADER, ...rows.map(tsLine)].join('\n'));

    const result = await importZohoTokens(records, store);

    expect(result.outcome).toBe('conflict');
    expect(result.written).toEqual([]);
    expect(result.failed).toMatchObject({
      position: { line: 4 },
      code: 'CONFLICT',
      field: 'refreshToken',
      holderId: mallory.id,
    });
    expect(result.failed?.holderPosition).toBeUndefined();
    expect(result.failed?.message).toBe(
      'importZohoTokens: line 4 holds the refreshToken of another record that the store ' +
        `already has (id ${mallory.id}); delete that record or correct line 4, then import again`,
    );
    expect(result.notWritten).toEqual([{ line: 2 }, { line: 3 }, { line: 4 }, { line: 5 }]);
    expect(await store.getTokens()).toEqual([mallory]);
  });

  it('lets a token take a value that an earlier token frees', async () => {
    const store = openStore(kind);
    await store.saveToken({ userName: 'alice@example.test', accessToken: '1000.at.old.0001' });
    // Alice's new access token replaces the old one, which bob's line then holds.
    const alice = zohoRow(1, 'alice');
    const bob = zohoRow(2, 'bob', { accessToken: '1000.at.old.0001' });
    const records = parseZohoTokenFile([TS_HEADER, tsLine(alice), tsLine(bob)].join('\n'));

    const result = await importZohoTokens(records, store);

    expect(result.outcome).toBe('imported');
    expect(result.written.map((token) => token.updated)).toEqual([true, false]);
    const bobRecord = await store.findToken({ userName: 'bob@example.test' });
    expect(bobRecord?.accessToken).toBe('1000.at.old.0001');
    expect((await store.findToken({ userName: 'alice@example.test' }))?.accessToken).toBe(
      alice.accessToken,
    );
  });

  it('finds a conflict with a value that an earlier token keeps', async () => {
    const store = openStore(kind);
    const held = await store.saveToken({
      userName: 'alice@example.test',
      refreshToken: '1000.rt.kept.0001',
    });
    // Alice's line has no refresh token, so her record keeps the held one.
    const alice = zohoRow(1, 'alice', { refreshToken: '' });
    const bob = zohoRow(2, 'bob', { refreshToken: '1000.rt.kept.0001' });
    const records = parseZohoTokenFile([TS_HEADER, tsLine(alice), tsLine(bob)].join('\n'));

    const result = await importZohoTokens(records, store);

    expect(result.outcome).toBe('conflict');
    expect(result.failed).toMatchObject({
      position: { line: 3 },
      field: 'refreshToken',
      holderId: held.id,
    });
    expect(await store.getTokens()).toEqual([held]);
  });
});

describe.each(STORE_KINDS)('importZohoTokens with keepIds into %s', (kind) => {
  it('writes nothing when the store holds an id for another user', async () => {
    const store = openStore(kind);
    await store.saveToken({ id: '1', userName: 'zed@example.test', grantToken: 'ZEDGRANT' });
    const before = await store.getTokens();
    const rows = [zohoRow(2, 'bob'), zohoRow(1, 'alice'), zohoRow(3, 'carol')];
    const records = parseZohoTokenFile([TS_HEADER, ...rows.map(tsLine)].join('\n'));

    const result = await importZohoTokens(records, store, { keepIds: true });

    expect(result.outcome).toBe('conflict');
    expect(result.written).toEqual([]);
    expect(result.failed).toMatchObject({ position: { line: 3 }, code: 'CONFLICT' });
    expect(result.failed?.message).toContain('line 3 (id 1)');
    expect(result.failed?.message).not.toContain('ZEDGRANT');
    expect(result.failed?.message).not.toContain('alice');
    expect(result.notWritten).toEqual([{ line: 2 }, { line: 3 }, { line: 4 }]);
    expect(await store.getTokens()).toEqual(before);
  });

  it('updates a held id of the same user', async () => {
    const store = openStore(kind);
    await store.saveToken({ id: '1', userName: 'alice@example.test', accessToken: 'old' });
    const records = parseZohoTokenFile(`${TS_HEADER}\n${tsLine(zohoRow(1, 'alice'))}`);

    const result = await importZohoTokens(records, store, { keepIds: true });

    expect(result.outcome).toBe('imported');
    expect(result.written).toEqual([{ position: { line: 2 }, id: '1', updated: true }]);
    expect(withoutId(await store.findTokenById('1'))).toEqual(expectedToken(zohoRow(1, 'alice')));
  });
});

describe('importZohoTokens with keepIds', () => {
  const NO_USER = { user: '' };

  it.each([
    [
      'a held record without a user name',
      { id: '1', accessToken: '1000.at.alice.0001' },
      zohoRow(1, 'alice'),
    ],
    [
      'a token without a user name',
      { id: '1', userName: 'alice@example.test', accessToken: 'old' },
      zohoRow(1, 'alice', NO_USER),
    ],
    [
      'no user names and no shared token value',
      { id: '1', refreshToken: '1000.rt.zed.0001' },
      zohoRow(1, 'alice', NO_USER),
    ],
  ])('reports a conflict for %s', async (_name, held, row) => {
    const store = openStore('memory');
    await store.saveToken(held);
    const records = parseZohoTokenFile(`${TS_HEADER}\n${tsLine(row)}`);

    const result = await importZohoTokens(records, store, { keepIds: true });

    expect(result.outcome).toBe('conflict');
    expect(result.failed?.code).toBe('CONFLICT');
    expect(await store.getTokens()).toEqual([{ ...held }]);
  });

  it('updates a held id without user names when a token value is shared', async () => {
    const store = openStore('memory');
    await store.saveToken({ id: '1', refreshToken: '1000.rt.alice.0001' });
    const row = zohoRow(1, 'alice', NO_USER);
    const records = parseZohoTokenFile(`${TS_HEADER}\n${tsLine(row)}`);

    const result = await importZohoTokens(records, store, { keepIds: true });

    expect(result.outcome).toBe('imported');
    expect(result.written[0]).toMatchObject({ id: '1', updated: true });
    expect(withoutId(await store.findTokenById('1'))).toEqual(expectedToken(row));
  });

  it('names the row and the id of a table record in the conflict', async () => {
    const store = openStore('memory');
    await store.saveToken({ id: '7', userName: 'zed@example.test', grantToken: 'ZEDGRANT' });
    const records: ZohoRecord[] = [
      {
        kind: 'token',
        position: { row: 1, id: '7' },
        token: { id: '7', userName: 'alice@example.test', accessToken: 'a' },
      },
    ];

    const result = await importZohoTokens(records, store, { keepIds: true });

    expect(result.failed?.message).toBe(
      'importZohoTokens: the store already holds the id of row 1 (id 7) for another user; ' +
        'import without keepIds to give the tokens new ids',
    );
  });
});

describe('importZohoTokens conflict check', () => {
  it('names the earlier token that inserts the holder of a value', async () => {
    const store = openStore('memory');
    // Records built by a caller, without the readers' check for repeated values.
    const records: ZohoRecord[] = [
      { kind: 'token', position: { row: 1 }, token: { userName: 'a', refreshToken: 'R' } },
      { kind: 'token', position: { row: 2 }, token: { userName: 'b', accessToken: 'A' } },
      { kind: 'token', position: { row: 3 }, token: { userName: 'c', refreshToken: 'R' } },
    ];

    const result = await importZohoTokens(records, store);

    expect(result.outcome).toBe('conflict');
    expect(result.failed).toMatchObject({
      position: { row: 3 },
      field: 'refreshToken',
      holderPosition: { row: 1 },
    });
    expect(result.failed?.message).toBe(
      'importZohoTokens: row 3 (no id) holds the refreshToken of the record that row 1 (no id) ' +
        'inserts; correct one of the two, then import again',
    );
    expect(await store.getTokens()).toEqual([]);
  });

  it('checks the id before the values with keepIds', async () => {
    const store = openStore('memory');
    await store.saveToken({ id: '1', userName: 'zed@example.test', accessToken: 'ZED' });
    const rows = [zohoRow(2, 'bob', { accessToken: 'ZED' }), zohoRow(1, 'alice')];
    const records = parseZohoTokenFile([TS_HEADER, ...rows.map(tsLine)].join('\n'));

    const result = await importZohoTokens(records, store, { keepIds: true });

    expect(result.outcome).toBe('conflict');
    expect(result.failed).toMatchObject({ position: { line: 3 }, heldId: '1' });
    expect(result.failed?.field).toBeUndefined();
  });

  it('finds a conflict of a token updated by its held id', async () => {
    const store = openStore('memory');
    await store.saveToken({ id: '1', userName: 'alice@example.test', accessToken: 'old' });
    const other = await store.saveToken({ userName: 'zed@example.test', grantToken: 'G' });
    const row = zohoRow(1, 'alice', { grantToken: 'G' });
    const records = parseZohoTokenFile(`${TS_HEADER}\n${tsLine(row)}`);

    const result = await importZohoTokens(records, store, { keepIds: true });

    expect(result.outcome).toBe('conflict');
    expect(result.failed).toMatchObject({ field: 'grantToken', holderId: other.id });
  });
});

describe('importZohoTokens', () => {
  it('drops Zoho ids so that the store assigns its own', async () => {
    const store = openStore('sqlite');
    await store.saveToken({ id: '1', userName: 'zed@example.test', accessToken: '1000.at.zed' });
    const records = parseZohoTokenFile(`${TS_HEADER}\n${tsLine(zohoRow(1, 'alice'))}`);

    const result = await importZohoTokens(records, store);

    expect(result.written).toHaveLength(1);
    expect(result.written[0]?.id).not.toBe('1');
    expect(result.written[0]?.updated).toBe(false);
    expect((await store.findTokenById('1'))?.userName).toBe('zed@example.test');
    expect(await store.getTokens()).toHaveLength(2);
  });

  it('keeps Zoho ids on request and reports a repeated id', async () => {
    const store = openStore('memory');
    const rows = [zohoRow(11, 'alice'), zohoRow(12, 'bob'), zohoRow(11, 'carol')];
    const records = parseZohoTokenFile([TS_HEADER, ...rows.map(tsLine)].join('\n'));

    const stopped = await importZohoTokens(records, store, { keepIds: true });
    const result = await importZohoTokens(records, store, { keepIds: true, onMalformed: 'skip' });

    expect(stopped.outcome).toBe('malformed');
    expect(stopped.malformed).toEqual([
      { kind: 'malformed', position: { line: 4 }, reason: 'holds the same id as line 2' },
    ]);
    expect(result.written.map((token) => token.id)).toEqual(['11', '12']);
    expect((await store.findTokenById('11'))?.userName).toBe('alice@example.test');
  });

  it('reports a save that updates a record the store held', async () => {
    const store = openStore('memory');
    const held = await store.saveToken({ userName: 'alice@example.test', accessToken: 'old' });
    const records = parseZohoTokenFile(
      [TS_HEADER, tsLine(zohoRow(1, 'alice')), tsLine(zohoRow(2, 'bob'))].join('\n'),
    );

    const result = await importZohoTokens(records, store);

    expect(result.written.map((token) => [token.id === held.id, token.updated])).toEqual([
      [true, true],
      [false, false],
    ]);
    expect((await store.findTokenById(held.id))?.accessToken).toBe('1000.at.alice.0001');
  });

  it('reports progress before the first save and after each one', async () => {
    const store = openStore('memory');
    const rows = [1, 2, 3].map((id) => zohoRow(id, `user${id}`));
    const records = parseZohoTokenFile([TS_HEADER, ...rows.map(tsLine)].join('\n'));
    const calls: [number, number][] = [];

    await importZohoTokens(records, store, {
      onProgress: (done, total) => calls.push([done, total]),
    });

    expect(calls).toEqual([
      [0, 3],
      [1, 3],
      [2, 3],
      [3, 3],
    ]);
  });

  it('saves each token with exactly one saveToken call, in file order', async () => {
    const store = openStore('memory');
    const saved: (string | null | undefined)[] = [];
    const counting = {
      ...store,
      saveToken: (token: Parameters<typeof store.saveToken>[0]) => {
        saved.push(token.userName);
        return store.saveToken(token);
      },
    };
    const rows = [3, 1, 2].map((id) => zohoRow(id, `user${id}`));
    const records = parseZohoTokenFile([TS_HEADER, ...rows.map(tsLine)].join('\n'));

    await importZohoTokens(records, counting);

    expect(saved).toEqual(['user3@example.test', 'user1@example.test', 'user2@example.test']);
  });
});
