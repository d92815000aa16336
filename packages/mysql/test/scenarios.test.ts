/**
 * Scenarios on a real server: quotes and injection text as plain data, delete-all that
 * commits, an empty table that stays usable, stores that keep to their own table and
 * database, long tokens, emoji and exact byte-for-byte matching.
 */
import { afterAll, describe, expect, it } from 'vitest';

import { createMysqlSchema, createMysqlStore } from '../src/index.js';
import { hashValue } from '../src/rows.js';
import {
  ALICE,
  BOB,
  CAROL,
  admin,
  closeAdmin,
  countRows,
  longToken,
  openStore,
  provided,
  serverUrl,
  skipNote,
  tableNames,
  temporaryTable,
  uniqueName,
  withoutId,
} from './helpers.js';

if (provided.available) {
  console.log(`mysql scenarios run on ${provided.server.description}`);
}

afterAll(async () => {
  await closeAdmin();
  if (provided.available) await provided.server.close();
});

describe.skipIf(!provided.available)(`mysql store scenarios${skipNote}`, () => {
  describe('quotes and injection text', () => {
    it("saves and updates a user named o'brien", async () => {
      const table = temporaryTable();
      const store = openStore({ table });
      const obrien = {
        ...ALICE,
        userName: "o'brien@example.test",
        redirectUrl: "https://app.example.test/cb?next='home'",
      };

      const first = await store.saveToken(obrien);
      const second = await store.saveToken({
        userName: obrien.userName,
        accessToken: '1000.at.alice.0002',
      });

      expect(second.id).toBe(first.id);
      expect(await countRows(table)).toBe(1);
      expect(withoutId(await store.findToken({ userName: obrien.userName }))).toEqual({
        ...obrien,
        accessToken: '1000.at.alice.0002',
      });
      expect(await store.findToken({ userName: "nobody' OR '1'='1" })).toBeNull();
    });

    it('matches and deletes nothing with crafted values', async () => {
      const table = temporaryTable();
      const store = openStore({ table });
      await store.saveToken(ALICE);
      await store.saveToken(BOB);

      expect(await store.findToken({ userName: "nobody' OR '1'='1" })).toBeNull();
      expect(await store.findToken({ accessToken: "x' OR 1=1 -- " })).toBeNull();
      expect(await store.findTokenById("' OR ''='")).toBeNull();
      await store.deleteToken('1 OR 1=1');
      await store.deleteToken("' OR ''='");
      const carol = await store.saveToken({ ...CAROL, userName: "o'brien@example.test" });

      expect(await countRows(table)).toBe(3);
      expect(await store.findToken({ userName: ALICE.userName })).not.toBeNull();
      expect(await store.findToken({ userName: BOB.userName })).not.toBeNull();
      expect(await store.findToken({ userName: "o'brien@example.test" })).toEqual(carol);
    });
  });

  describe('deleteTokens', () => {
    it('commits, as another connection sees', async () => {
      const table = temporaryTable();
      const store = openStore({ table });
      for (const user of [ALICE, BOB, CAROL]) await store.saveToken(user);

      await store.deleteTokens();

      expect(await countRows(table)).toBe(0);
      expect(await openStore({ table }).getTokens()).toEqual([]);
      const again = await store.saveToken(ALICE);
      expect(await countRows(table)).toBe(1);
      expect(await store.findTokenById(again.id)).toEqual(again);
    });
  });

  describe('an empty table', () => {
    it('stays usable for a new store', async () => {
      const table = temporaryTable();
      const first = openStore({ table });
      const alice = await first.saveToken(ALICE);
      await first.deleteToken(alice.id);
      await first.close();

      const fresh = openStore({ table });
      expect(await fresh.getTokens()).toEqual([]);
      const bob = await fresh.saveToken(BOB);

      expect(await fresh.findToken({ userName: BOB.userName })).toEqual(bob);
      expect(await createMysqlSchema({ url: serverUrl(), table })).toEqual({
        table,
        created: false,
      });
    });
  });

  describe('separate tables and databases', () => {
    it('keeps each store to its own table', async () => {
      const database = uniqueName('zt_test');
      await admin().query(`CREATE DATABASE \`${database}\``);
      try {
        const url = serverUrl({ database });
        const a = createMysqlStore({ url, table: 'oauthtoken_a' });
        const b = createMysqlStore({ url, table: 'oauthtoken_b' });
        try {
          const alice = await a.saveToken(ALICE);
          const bob = await b.saveToken(BOB);

          const freshA = createMysqlStore({ url, table: 'oauthtoken_a' });
          expect(await freshA.getTokens()).toEqual([alice]);
          await freshA.close();
          expect(await b.getTokens()).toEqual([bob]);
          expect(await b.findToken({ userName: ALICE.userName })).toBeNull();

          await a.deleteTokens();
          expect(await a.getTokens()).toEqual([]);
          expect(await b.getTokens()).toEqual([bob]);
          expect(await tableNames(database)).toEqual(['oauthtoken_a', 'oauthtoken_b']);
        } finally {
          await a.close();
          await b.close();
        }
      } finally {
        await admin().query(`DROP DATABASE \`${database}\``);
      }
    });
  });

  describe('long tokens', () => {
    it('finds 4096-character and 16 KiB access tokens', async () => {
      const table = temporaryTable();
      const input = {
        ...ALICE,
        accessToken: longToken(4096),
        refreshToken: longToken(2048),
        redirectUrl: `https://app.example.test/cb?state=${longToken(1500)}`,
      };
      const saved = await openStore({ table }).saveToken(input);
      const sixteenKiB = `16k.${longToken(16 * 1024 - 4)}`;
      const bob = await openStore({ table }).saveToken({ ...BOB, accessToken: sixteenKiB });

      const fresh = openStore({ table });
      const byUser = await fresh.findToken({ userName: ALICE.userName });
      const byAccessToken = await fresh.findToken({ accessToken: longToken(4096) });
      const bySixteenKiB = await fresh.findToken({ accessToken: sixteenKiB });

      expect(byUser).toEqual(saved);
      expect(byAccessToken).toEqual(saved);
      expect(byAccessToken?.accessToken).toHaveLength(4096);
      expect(byAccessToken?.accessToken?.endsWith('456789-_')).toBe(true);
      expect(byAccessToken?.refreshToken).toBe(longToken(2048));
      expect(byAccessToken?.redirectUrl).toBe(input.redirectUrl);
      expect(bySixteenKiB).toEqual(bob);
      expect(bySixteenKiB?.accessToken).toHaveLength(16 * 1024);

      await fresh.saveToken({ ...input, expiresAt: input.expiresAt + 1000 });
      expect(await countRows(table)).toBe(2);
      expect((await fresh.findTokenById(saved.id))?.expiresAt).toBe(input.expiresAt + 1000);
    });

    it('stores the whole token and its 32-byte hash', async () => {
      const table = temporaryTable();
      const saved = await openStore({ table }).saveToken({
        ...ALICE,
        accessToken: longToken(4096),
      });

      const [rows] = await admin().query(
        `SELECT LENGTH(access_token) AS tokenBytes, access_token_hash AS hash FROM \`${table}\` WHERE id = ?`,
        [Buffer.from(saved.id)],
      );
      const [row] = rows as { tokenBytes: number; hash: Buffer }[];

      expect(Number(row?.tokenBytes)).toBe(4096);
      expect(row?.hash.equals(hashValue(longToken(4096)))).toBe(true);
    });
  });

  describe('value sizes', () => {
    it('rejects values longer than their columns', async () => {
      const table = temporaryTable();
      const store = openStore({ table });

      await expect(store.saveToken({ ...ALICE, id: 'x'.repeat(256) })).rejects.toMatchObject({
        code: 'INVALID_TOKEN',
      });
      await expect(
        store.saveToken({ ...ALICE, clientSecret: 'x'.repeat(16_777_216) }),
      ).rejects.toMatchObject({ code: 'INVALID_TOKEN' });
      expect(await countRows(table)).toBe(0);

      const longest = await store.saveToken({ ...ALICE, id: 'é'.repeat(127) + 'x' });
      expect(await store.findTokenById(longest.id)).toEqual(longest);
    });
  });

  describe('exact matching', () => {
    it('round-trips an emoji user name', async () => {
      const table = temporaryTable();
      const userName = 'zoë.😀@example.test';
      const redirectUrl = 'https://app.example.test/ciudad/señal?x=ü';
      expect(Buffer.byteLength(userName)).toBe(22);
      const saved = await openStore({ table }).saveToken({ ...ALICE, userName, redirectUrl });

      const fresh = openStore({ table });
      const found = await fresh.findToken({ userName });

      expect(found).toEqual(saved);
      expect(found?.userName).toBe(userName);
      expect(found?.redirectUrl).toBe(redirectUrl);
      expect(await fresh.getTokens()).toEqual([saved]);
      expect(await fresh.findToken({ userName: 'zoe\u0308.😀@example.test' })).toBeNull();

      const [rows] = await admin().query(`SELECT user_name AS bytes FROM \`${table}\``);
      expect((rows as { bytes: Buffer }[])[0]?.bytes.equals(Buffer.from(userName))).toBe(true);
    });

    it('finds nothing for trailing spaces or another case', async () => {
      const store = openStore();
      const saved = await store.saveToken(ALICE);

      expect(await store.findToken({ userName: `${ALICE.userName} ` })).toBeNull();
      expect(await store.findToken({ userName: ALICE.userName.toUpperCase() })).toBeNull();
      expect(await store.findToken({ accessToken: `${ALICE.accessToken} ` })).toBeNull();
      expect(await store.findTokenById(`${saved.id} `)).toBeNull();
      expect(await store.findTokenById(saved.id.toUpperCase())).toBeNull();
      expect(await store.findToken({ userName: ALICE.userName })).toEqual(saved);
    });

    it('keeps records apart that differ by a trailing space', async () => {
      const table = temporaryTable();
      const store = openStore({ table });
      const plain = await store.saveToken({ ...ALICE, id: 'tok-alice' });
      const spaced = await store.saveToken({
        ...BOB,
        id: 'tok-alice ',
        userName: `${ALICE.userName} `,
      });

      expect(spaced.id).not.toBe(plain.id);
      expect(await countRows(table)).toBe(2);
      expect(await store.findTokenById('tok-alice ')).toEqual(spaced);
      expect(await store.findToken({ userName: `${ALICE.userName} ` })).toEqual(spaced);
      expect(await store.findToken({ userName: ALICE.userName })).toEqual(plain);
    });
  });
});
