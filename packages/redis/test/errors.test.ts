/**
 * How the store reports what Redis refuses: a user without write permission, a full
 * server, and keys that hold data the store did not write. Nothing is overwritten,
 * and no stored value appears in a message.
 */
import { randomUUID } from 'node:crypto';

import { describe, expect, it } from 'vitest';

import { KeyLayout } from '../src/keys.js';
import { ALICE, BOB, rejectionOf } from './helpers.js';
import { adminClient, openStore, server, serverUrl, skipNote, uniquePrefix } from './server.js';

describe.skipIf(server === undefined)(`redis store errors${skipNote}`, () => {
  it('rejects saves by a user without write permission', async () => {
    const admin = adminClient();
    const user = `reader-${randomUUID().slice(0, 8)}`;
    await admin.call(
      'ACL',
      'SETUSER',
      user,
      'on',
      '>reader-password',
      '~*',
      '&*',
      '+@read',
      '+@scripting',
      '+@connection',
      '+info',
      '+time',
      '+client',
    );
    const readerUrl = new URL(serverUrl());
    readerUrl.username = user;
    readerUrl.password = 'reader-password';
    const prefix = uniquePrefix();

    try {
      const reader = openStore({ url: readerUrl.href, prefix });
      const error = await rejectionOf(reader.saveToken(ALICE));

      expect(error.code).toBe('BACKEND');
      expect(String((error.cause as Error).message)).toMatch(/can't run this command|NOPERM/);
      expect(await openStore({ prefix }).findToken({ userName: ALICE.userName })).toBeNull();
      expect(await reader.findToken({ userName: ALICE.userName })).toBeNull();
    } finally {
      await admin.call('ACL', 'DELUSER', user);
    }
  });

  it.skipIf(!server?.managed)('reports a server out of memory as UNAVAILABLE', async () => {
    const admin = adminClient();
    const store = openStore();
    const alice = await store.saveToken(ALICE);
    const [, maxmemory] = (await admin.config('GET', 'maxmemory')) as [string, string];

    await admin.config('SET', 'maxmemory', '1');
    let error: Error & { code?: string };
    try {
      error = await rejectionOf(store.saveToken(BOB));
      expect(await store.findTokenById(alice.id)).toEqual(alice);
    } finally {
      await admin.config('SET', 'maxmemory', maxmemory);
    }

    expect(error.code).toBe('UNAVAILABLE');
    expect(await store.findToken({ userName: BOB.userName })).toBeNull();
    expect((await store.saveToken(BOB)).userName).toBe(BOB.userName);
  });

  it('reports a key of another type as CORRUPT', async () => {
    const prefix = uniquePrefix();
    const store = openStore({ prefix });
    const recordKey = new KeyLayout(prefix).recordKey('odd-id');
    await adminClient().set(recordKey, 'not a hash');

    const find = await rejectionOf(store.findTokenById('odd-id'));
    const save = await rejectionOf(
      store.saveToken({ id: 'odd-id', accessToken: '1000.at.odd.0001' }),
    );

    expect(find.code).toBe('CORRUPT');
    expect(save.code).toBe('CORRUPT');
    expect(await adminClient().get(recordKey)).toBe('not a hash');
  });

  it('reports bytes that are not UTF-8 as CORRUPT', async () => {
    const prefix = uniquePrefix();
    const store = openStore({ prefix });
    const recordKey = new KeyLayout(prefix).recordKey('bad-bytes');
    const invalid = Buffer.from([0x61, 0xff, 0xfe, 0x62]);
    await adminClient().hset(recordKey, 'id', 'bad-bytes', 'user_name', invalid, 'revision', 'r1');

    const find = await rejectionOf(store.findTokenById('bad-bytes'));
    const save = await rejectionOf(
      store.saveToken({ id: 'bad-bytes', accessToken: '1000.at.bad.0001' }),
    );

    expect(find.code).toBe('CORRUPT');
    expect(find.message).toContain('user_name');
    expect(save.code).toBe('CORRUPT');
    expect((await adminClient().hgetBuffer(recordKey, 'user_name'))?.equals(invalid)).toBe(true);
    expect(await adminClient().hget(recordKey, 'access_token')).toBeNull();
  });

  it('keeps values out of conflict messages', async () => {
    const store = openStore();
    await store.saveToken(ALICE);

    const error = await rejectionOf(store.saveToken({ ...BOB, refreshToken: ALICE.refreshToken }));

    expect(error.code).toBe('CONFLICT');
    expect(error.message).toContain('refreshToken');
    expect(error.message).not.toContain(ALICE.refreshToken);
    expect(await store.findToken({ userName: BOB.userName })).toBeNull();
  });
});
