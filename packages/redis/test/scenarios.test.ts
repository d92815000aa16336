/**
 * Behaviour that is particular to the Redis store: prefixes that keep stores apart,
 * values that stay values (CRLF, NUL, 16 KiB), keys without lifetimes or values in
 * their names, script cache recovery and SCAN replies that repeat keys.
 */
import { randomUUID } from 'node:crypto';

import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';

import { safetyOptions } from '../src/connection.js';
import { KeyLayout } from '../src/keys.js';
import { SCRIPTS } from '../src/scripts.js';
import { ALICE, BOB, CAROL, fixtureUser, longToken, withoutId } from './helpers.js';
import {
  adminClient,
  keysOf,
  openStore,
  removePrefix,
  server,
  serverUrl,
  skipNote,
  uniquePrefix,
} from './server.js';

const KEY_NAME =
  /^\{[^{}]+\}(record|user_name|access_token|refresh_token|grant_token):[0-9a-f]{64}$/;

describe.skipIf(server === undefined)(`redis store scenarios${skipNote}`, () => {
  it('keeps stores with different prefixes apart', async () => {
    const admin = adminClient();
    await Promise.all([removePrefix('zta:'), removePrefix('ztb:')]);
    const unrelated = [
      `zta:plain-${randomUUID()}`,
      `{zta:}other-${randomUUID()}`,
      `unrelated-${randomUUID()}`,
    ];
    for (const key of unrelated) await admin.set(key, 'kept');

    const storeA = openStore({ prefix: 'zta:' });
    const storeB = openStore({ prefix: 'ztb:' });
    await storeA.saveToken(ALICE);
    await storeB.saveToken(BOB);

    expect((await storeA.getTokens()).map(withoutId)).toEqual([ALICE]);
    expect((await storeB.getTokens()).map(withoutId)).toEqual([BOB]);
    expect(await storeB.findToken({ userName: ALICE.userName })).toBeNull();
    const freshA = openStore({ prefix: 'zta:' });
    expect(withoutId(await freshA.findToken({ userName: ALICE.userName }))).toEqual(ALICE);

    await storeA.deleteTokens();

    expect(await storeA.getTokens()).toEqual([]);
    expect((await storeB.getTokens()).map(withoutId)).toEqual([BOB]);
    for (const key of unrelated) expect(await admin.get(key)).toBe('kept');
    expect((await keysOf('zta:')).filter((key) => KEY_NAME.test(key))).toEqual([]);
    expect(await keysOf('tokenstore:')).toEqual([]);
    await admin.del(...unrelated);
  });

  it('keeps a user name with CRLF as one value', async () => {
    const prefix = uniquePrefix();
    const store = openStore({ prefix });
    await store.saveToken(ALICE);
    await store.saveToken(BOB);
    const userName = 'carol\r\nFLUSHALL\r\n@example.test';

    const saved = await store.saveToken({ ...CAROL, userName });

    expect(withoutId(await store.findToken({ userName }))).toEqual({ ...CAROL, userName });
    expect(await store.findToken({ userName: 'carol' })).toBeNull();
    expect(await store.getTokens()).toHaveLength(3);
    expect(await store.findToken({ userName: ALICE.userName })).not.toBeNull();
    const raw = await adminClient().hget(new KeyLayout(prefix).recordKey(saved.id), 'user_name');
    expect(raw).toBe(userName);
  });

  it('sets no expiry on any key', async () => {
    const prefix = uniquePrefix();
    const store = openStore({ prefix });
    const now = Date.now();
    await store.saveToken({ ...ALICE, expiresAt: now - 60_000 });
    await store.saveToken({ ...BOB, expiresAt: now + 1000 });
    await store.saveToken({ ...CAROL, expiresAt: null });
    await store.saveToken({ ...CAROL, expiresAt: '' as unknown as null });

    await new Promise((resolve) => setTimeout(resolve, 1500));

    expect((await store.findToken({ userName: ALICE.userName }))?.refreshToken).toBe(
      ALICE.refreshToken,
    );
    expect((await store.findToken({ userName: BOB.userName }))?.refreshToken).toBe(
      BOB.refreshToken,
    );
    const keys = await keysOf(prefix);
    expect(keys.length).toBeGreaterThanOrEqual(3 * 4);
    for (const key of keys) {
      expect(await adminClient().pttl(key), key).toBe(-1);
    }
  });

  it('round-trips NUL, CRLF, emoji and 16 KiB values', async () => {
    const prefix = uniquePrefix();
    const store = openStore({ prefix });
    const hostile = {
      userName: 'nul\u0000crlf\r\nemoji😀@example.test',
      clientId: 'id\u0000\r\n*?[a]',
      clientSecret: `secret-${longToken(16 * 1024)}`,
      accessToken: `at-${longToken(16 * 1024)}`,
      refreshToken: 'rt\u0000\r\n😀',
      grantToken: 'gt:{tag}*',
      expiresAt: -1,
      redirectUrl: 'https://app.example.test/cb?x=%00&y=\r\n',
      apiDomain: '$1 "quoted" \\ back',
    };

    const saved = await store.saveToken(hostile);

    expect(withoutId(await store.findToken({ userName: hostile.userName }))).toEqual(hostile);
    expect(withoutId(await store.findToken({ accessToken: hostile.accessToken }))).toEqual(hostile);
    const byGrant = {
      clientId: hostile.clientId,
      clientSecret: hostile.clientSecret,
      grantToken: hostile.grantToken,
    };
    expect((await store.findToken(byGrant))?.id).toBe(saved.id);
    const raw = await adminClient().hgetallBuffer(new KeyLayout(prefix).recordKey(saved.id));
    expect(raw.user_name?.equals(Buffer.from(hostile.userName, 'utf8'))).toBe(true);
    expect(raw.access_token?.length).toBe(hostile.accessToken.length);
  });

  it('keeps values out of key names', async () => {
    const prefix = uniquePrefix();
    const store = openStore({ prefix });
    const saved = await store.saveToken({ ...ALICE, grantToken: '1000.gt.alice.0001' });

    const keys = await keysOf(prefix);

    expect(keys).toHaveLength(5);
    for (const key of keys) {
      expect(key).toMatch(KEY_NAME);
      for (const value of [saved.id, ALICE.userName, ALICE.accessToken, ALICE.refreshToken]) {
        expect(key).not.toContain(value);
      }
    }
  });

  it('recovers from SCRIPT FLUSH', async () => {
    const store = openStore();
    const alice = await store.saveToken(ALICE);
    const admin = adminClient();
    await admin.script('FLUSH');
    expect(await admin.script('EXISTS', SCRIPTS.save.sha)).toEqual([0]);

    await store.saveToken({ ...ALICE, accessToken: '1000.at.alice.0002' });
    const users = Array.from({ length: 20 }, (_, i) => fixtureUser(`flush${i}`));
    await admin.script('FLUSH');
    await Promise.all(users.map((user) => store.saveToken(user)));

    expect((await store.findToken({ userName: ALICE.userName }))?.accessToken).toBe(
      '1000.at.alice.0002',
    );
    expect(await store.getTokens()).toHaveLength(21);
    await admin.script('FLUSH');
    await store.deleteToken(alice.id);
    expect(await store.findTokenById(alice.id)).toBeNull();
    expect(await admin.script('EXISTS', SCRIPTS.find.sha, SCRIPTS.delete.sha)).toEqual([1, 1]);
  });

  it('returns each record once when SCAN repeats keys', async () => {
    const client = new Redis(serverUrl(), safetyOptions(5000));
    const repeatedKeys = repeatScanKeys(client);
    const store = openStore({ client });
    const users = Array.from({ length: 30 }, (_, i) => fixtureUser(`scan${i}`));
    for (const user of users) await store.saveToken(user);

    const records = await store.getTokens();

    expect(repeatedKeys()).toBeGreaterThan(0);
    expect(records).toHaveLength(30);
    expect(new Set(records.map((record) => record.userName))).toEqual(
      new Set(users.map((user) => user.userName)),
    );
    client.disconnect();
  });
});

/**
 * Makes the client's SCAN replies repeat every key they return, once in the same reply
 * and once in the next, as Redis may do when its hash table shrinks between two calls.
 * Returns how many keys were repeated so far.
 */
function repeatScanKeys(client: Redis): () => number {
  const scan = client.scan.bind(client) as (...args: unknown[]) => Promise<[string, string[]]>;
  let previous: string[] = [];
  let repeated = 0;
  client.scan = (async (...args: unknown[]) => {
    const [cursor, keys] = await scan(...args);
    const reply = [...previous, ...keys, ...keys];
    repeated += previous.length + keys.length;
    previous = keys;
    return [cursor, reply];
  }) as Redis['scan'];
  return () => repeated;
}
