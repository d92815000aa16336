/**
 * Scenarios from failures of other SQL token stores: values pasted into SQL, UPDATE
 * with LIMIT, deletes that were never committed, saves that failed in silence,
 * stores that ignored their configured table, and stale reads between instances.
 */
import { join } from 'node:path';

import { isTokenStoreError } from '@tokenstore/core';
import { describe, expect, it } from 'vitest';

import {
  ALICE,
  BOB,
  CAROL,
  fixtureUser,
  openRawDatabase,
  openStore,
  tableNames,
  temporaryFolder,
  withoutId,
} from './helpers.js';

describe('sqlite store', () => {
  it('saves and finds a user name with a quote', async () => {
    const path = join(temporaryFolder(), 'tokens.db');
    const store = openStore({ path });
    const obrien = {
      ...ALICE,
      userName: "o'brien@example.test",
      redirectUrl: "https://app.example.test/cb?next='home'",
    };

    await store.saveToken(obrien);
    await store.saveToken({ ...obrien, accessToken: '1000.at.alice.0002' });
    const found = await store.findToken({ userName: "o'brien@example.test" });

    expect(await store.getTokens()).toHaveLength(1);
    expect(withoutId(found)).toEqual({ ...obrien, accessToken: '1000.at.alice.0002' });
  });

  it('finds and deletes nothing with injected SQL', async () => {
    const path = join(temporaryFolder(), 'tokens.db');
    const store = openStore({ path });
    await store.saveToken(ALICE);
    await store.saveToken(BOB);
    const obrien = await store.saveToken({ ...CAROL, userName: "o'brien@example.test" });

    const injected = await store.findToken({ userName: "nobody' OR '1'='1" });
    await store.deleteToken('1 OR 1=1');
    await store.deleteToken("' OR ''='");

    expect(injected).toBeNull();
    expect(await store.getTokens()).toHaveLength(3);
    expect(await store.findToken({ userName: "o'brien@example.test" })).toEqual(obrien);
  });

  it('updates one row without UPDATE LIMIT', async () => {
    const path = join(temporaryFolder(), 'tokens.db');
    const store = openStore({ path });

    await store.saveToken(ALICE);
    await store.saveToken({ ...ALICE, accessToken: '1000.at.alice.0002' });
    const found = await store.findToken({ userName: ALICE.userName });

    expect(await store.getTokens()).toHaveLength(1);
    expect(found?.accessToken).toBe('1000.at.alice.0002');
  });

  it('commits deleteTokens for other connections', async () => {
    const path = join(temporaryFolder(), 'tokens.db');
    const store = openStore({ path });
    for (const user of [ALICE, BOB, CAROL]) await store.saveToken(user);

    await store.deleteTokens();
    const fresh = openStore({ path });
    const rawCount = openRawDatabase(path, { readonly: true })
      .prepare('SELECT count(*) FROM oauthtoken')
      .pluck()
      .get();

    expect(await fresh.getTokens()).toEqual([]);
    expect(rawCount).toBe(0);

    const alice = await store.saveToken(ALICE);
    expect(await fresh.getTokens()).toEqual([alice]);
  });

  it('makes every write visible to another connection', async () => {
    const path = join(temporaryFolder(), 'tokens.db');
    const store = openStore({ path });
    const other = openStore({ path });

    const alice = await store.saveToken(ALICE);
    expect(await other.findTokenById(alice.id)).toEqual(alice);
    const updated = await store.saveToken({
      userName: ALICE.userName,
      accessToken: '1000.at.alice.0002',
    });
    expect(await other.findToken({ userName: ALICE.userName })).toEqual(updated);
    await store.deleteToken(alice.id);
    expect(await other.findTokenById(alice.id)).toBeNull();
  });

  it('rejects a save on a read-only database with the cause', async () => {
    const path = join(temporaryFolder(), 'tokens.db');
    await openStore({ path }).getTokens();
    const readonly = openStore({ path, readonly: true });

    const error = await readonly.saveToken(ALICE).catch((caught: unknown) => caught);
    const fresh = openStore({ path });

    expect(isTokenStoreError(error, 'BACKEND')).toBe(true);
    expect((error as Error).cause).toMatchObject({
      code: expect.stringMatching(/^SQLITE_READONLY/),
    });
    expect((error as Error).message).toContain('read-only');
    expect(await fresh.findToken({ userName: ALICE.userName })).toBeNull();
  });

  it('keeps two tables in one file apart', async () => {
    const path = join(temporaryFolder(), 'tokens.db');
    const storeA = openStore({ path, table: 'oauthtoken_a' });
    const storeB = openStore({ path, table: 'oauthtoken_b' });

    const alice = await storeA.saveToken(ALICE);
    const bob = await storeB.saveToken(BOB);

    expect(await storeA.getTokens()).toEqual([alice]);
    expect(await storeB.getTokens()).toEqual([bob]);
    expect(await storeB.findToken({ userName: ALICE.userName })).toBeNull();
    expect(await openStore({ path, table: 'oauthtoken_a' }).getTokens()).toEqual([alice]);

    await storeA.deleteTokens();

    expect(await storeB.getTokens()).toEqual([bob]);
    expect(tableNames(path)).toEqual(['oauthtoken_a', 'oauthtoken_b']);
  });

  it('serves two instances without stale reads', async () => {
    const path = join(temporaryFolder(), 'tokens.db');
    const storeA = openStore({ path });
    const storeB = openStore({ path });
    await storeA.saveToken(ALICE);

    const labels = Array.from({ length: 50 }, (_, i) => i + 1);
    await Promise.all([
      ...labels.map((n) => storeA.saveToken(fixtureUser(`user-a-${n}`))),
      ...labels.map((n) => storeB.saveToken(fixtureUser(`user-b-${n}`))),
    ]);
    const records = await openStore({ path }).getTokens();

    expect(records).toHaveLength(101);
    for (const name of ['alice', ...labels.flatMap((n) => [`user-a-${n}`, `user-b-${n}`])]) {
      const record = records.find((candidate) => candidate.userName === `${name}@example.test`);
      expect(withoutId(record ?? null), name).toEqual(fixtureUser(name));
    }

    await storeA.findToken({ userName: ALICE.userName });
    await storeB.saveToken({ ...ALICE, accessToken: '1000.at.alice.0002' });
    expect((await storeA.findToken({ userName: ALICE.userName }))?.accessToken).toBe(
      '1000.at.alice.0002',
    );

    await storeA.saveToken(BOB);
    const fresh = openStore({ path });
    expect((await storeA.findToken({ userName: ALICE.userName }))?.accessToken).toBe(
      '1000.at.alice.0002',
    );
    expect((await fresh.findToken({ userName: ALICE.userName }))?.accessToken).toBe(
      '1000.at.alice.0002',
    );
  });
});
