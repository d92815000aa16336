/**
 * A file that is damaged or not a token file at all: every call rejects with CORRUPT,
 * naming the file and the line but no stored value, and the file is never rewritten.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { isTokenStoreError } from '@tokenstore/core';

import {
  ALICE,
  BOB,
  HEADER_LINE,
  listFolder,
  openStore,
  rejectionOf,
  useTempFolder,
} from './helpers.js';

const ALICE_LINE = JSON.stringify({
  id: 'alice-id',
  user_name: ALICE.userName,
  access_token: ALICE.accessToken,
  refresh_token: ALICE.refreshToken,
});
const BOB_LINE = JSON.stringify({
  id: 'bob-id',
  user_name: BOB.userName,
  access_token: BOB.accessToken,
});

// Values from the damaged files below that no message may show.
const SECRET_VALUES = [ALICE.accessToken, ALICE.refreshToken, BOB.accessToken, 'bob-secret'];

interface DamagedFile {
  name: string;
  content: string | Buffer;
  /** The line the message names, if any. */
  line?: number;
}

const DAMAGED_FILES: DamagedFile[] = [
  {
    name: 'a line that is not JSON',
    content: `${HEADER_LINE}\n${ALICE_LINE}\n{"id":"bob-id","access_token":"${BOB.accessToken}",\n`,
    line: 3,
  },
  {
    name: 'a file with no header',
    content: `${ALICE_LINE}\n${BOB_LINE}\n`,
    line: 1,
  },
  {
    name: 'a CSV token file',
    content: `id,user_name,client_secret,access_token\n1,${BOB.userName},bob-secret,${BOB.accessToken}\n`,
    line: 1,
  },
  {
    name: 'an empty file',
    content: '',
  },
  {
    name: 'a newer format version',
    content: `{"format":"tokenstore-file","version":2}\n${ALICE_LINE}\n`,
    line: 1,
  },
  {
    name: 'an expiry written as text',
    content: `${HEADER_LINE}\n${JSON.stringify({ id: 'bob-id', access_token: BOB.accessToken, expiry_time: '1767225600000' })}\n`,
    line: 2,
  },
  {
    name: 'a record without an id',
    content: `${HEADER_LINE}\n${ALICE_LINE}\n${JSON.stringify({ access_token: BOB.accessToken })}\n`,
    line: 3,
  },
  {
    name: 'a null field',
    content: `${HEADER_LINE}\n${JSON.stringify({ id: 'bob-id', access_token: BOB.accessToken, grant_token: null })}\n`,
    line: 2,
  },
  {
    name: 'an unknown field',
    content: `${HEADER_LINE}\n${JSON.stringify({ id: 'bob-id', access_token: BOB.accessToken, [BOB.accessToken!]: 1 })}\n`,
    line: 2,
  },
  {
    name: 'a duplicate user name',
    content: `${HEADER_LINE}\n${ALICE_LINE}\n${JSON.stringify({ id: 'bob-id', user_name: ALICE.userName, access_token: BOB.accessToken })}\n`,
    line: 3,
  },
  {
    name: 'a duplicate id',
    content: `${HEADER_LINE}\n${ALICE_LINE}\n${JSON.stringify({ id: 'alice-id', access_token: BOB.accessToken })}\n`,
    line: 3,
  },
  {
    name: 'bytes that are not UTF-8',
    content: Buffer.concat([
      Buffer.from(`${HEADER_LINE}\n${ALICE_LINE}\n{"id":"bob-id","access_token":"`),
      Buffer.from([0xff, 0xfe]),
      Buffer.from('"}\n'),
    ]),
    line: 3,
  },
];

describe('file store with a damaged file', () => {
  it.each(DAMAGED_FILES)('rejects $name as corrupt', async ({ content, line }) => {
    const folder = await useTempFolder();
    const path = join(folder, 'tokens.jsonl');
    await writeFile(path, content, { mode: 0o600 });
    const bytesBefore = await readFile(path);
    const store = openStore(path);

    const errors = [
      await rejectionOf(store.findToken({ userName: ALICE.userName })),
      await rejectionOf(store.getTokens()),
      await rejectionOf(store.saveToken(BOB)),
      await rejectionOf(store.deleteToken('alice-id')),
      await rejectionOf(store.deleteTokens()),
    ];

    for (const error of errors) {
      expect(isTokenStoreError(error, 'CORRUPT'), error.message).toBe(true);
      expect(error.message).toContain(path);
      if (line !== undefined) {
        expect(error.message).toContain(`line ${line}`);
      }
      for (const value of SECRET_VALUES) {
        expect(error.message).not.toContain(value);
      }
    }
    expect(await readFile(path)).toEqual(bytesBefore);
    expect(await listFolder(folder)).toEqual(['tokens.jsonl']);
  });

  it('works again once the file is fixed', async () => {
    const path = join(await useTempFolder(), 'tokens.jsonl');
    await writeFile(path, `${HEADER_LINE}\n${ALICE_LINE}\n{broken\n`);
    const store = openStore(path);
    await rejectionOf(store.getTokens());

    await writeFile(path, `${HEADER_LINE}\n${ALICE_LINE}\n`);

    expect(await store.findToken({ userName: ALICE.userName })).toMatchObject({ id: 'alice-id' });
    expect(await store.saveToken(BOB)).toMatchObject({ userName: BOB.userName });
    expect(await store.getTokens()).toHaveLength(2);
  });

  it('skips blank lines and reads CRLF endings', async () => {
    const path = join(await useTempFolder(), 'tokens.jsonl');
    await writeFile(path, `${HEADER_LINE}\r\n\r\n${ALICE_LINE}\r\n\n${BOB_LINE}`);

    const records = await openStore(path).getTokens();

    expect(records.map((record) => record.id)).toEqual(['alice-id', 'bob-id']);
    expect(records[0]?.refreshToken).toBe(ALICE.refreshToken);
  });
});
