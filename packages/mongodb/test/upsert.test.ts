/**
 * The upsert on a real server: the update path through `findOneAndReplace` and the
 * shape of its result, and the revision condition. Also the claims that let one writer
 * at a time update a revision, conflicts found by the unique indexes, and the stored
 * document.
 */
import { createFixtures } from '@tokenstore/conformance';
import { provideServer } from '@tokenstore/conformance/servers';
import { MongoClient } from 'mongodb';
import { afterAll, describe, expect, it, onTestFinished } from 'vitest';

import { CLAIMS_SUFFIX, slotOf } from '../src/claims.js';
import { revisionFilter, toDocument } from '../src/documents.js';
import { createMongoStore } from '../src/index.js';
import { readModifiedDocument } from '../src/upsert.js';
import {
  TEST_DATABASE,
  expectStoreError,
  openStore,
  randomName,
  rawCollection,
} from './helpers.js';

const provided = await provideServer('mongodb');
const server = provided.available ? provided.server : undefined;
if (server !== undefined) console.log(`mongodb store tests run on ${server.description}`);
const url = server?.url ?? '';

const MERGE_ROUNDS = 20;

describe.skipIf(server === undefined)(
  `mongodb store upsert${provided.available ? '' : ` (skipped: ${provided.reason})`}`,
  () => {
    it('updates and reads back through every method', async () => {
      const collection = randomName('update');
      await rawCollection(url, collection);
      const store = openStore({ url, database: TEST_DATABASE, collection });
      const { alice } = createFixtures();

      const saved = await store.saveToken(alice.record);
      const updated = await store.saveToken({
        ...alice.record,
        accessToken: alice.accessToken(2),
        refreshToken: null,
      });

      expect(updated).toEqual({ ...saved, accessToken: alice.accessToken(2) });
      expect(await store.findToken({ userName: alice.userName })).toEqual(updated);
      expect(await store.findTokenById(saved.id)).toEqual(updated);
      expect(await store.getTokens()).toEqual([updated]);
      await expect(store.deleteToken(saved.id)).resolves.toBeUndefined();
      await expect(store.deleteToken(saved.id)).resolves.toBeUndefined();
      expect(await store.findTokenById(saved.id)).toBeNull();
      await expect(store.deleteTokens()).resolves.toBeUndefined();
      expect(await store.getTokens()).toEqual([]);
    });

    it('gets the document from findOneAndReplace', async () => {
      const raw = await rawCollection(url, randomName('result_shape'));
      const record = { id: 'tok-1', userName: 'alice@example.test', accessToken: 'at-1' };
      await raw.insertOne(toDocument(record, 'rev-1') as never);
      const replacement = toDocument({ ...record, accessToken: 'at-2' }, 'rev-2');

      const result: unknown = await raw.findOneAndReplace(
        revisionFilter('tok-1', 'rev-1') as never,
        replacement,
        { returnDocument: 'after', includeResultMetadata: false },
      );
      const missed: unknown = await raw.findOneAndReplace(
        revisionFilter('tok-1', 'rev-1') as never,
        replacement,
        { returnDocument: 'after', includeResultMetadata: false },
      );

      expect(result).toEqual(replacement);
      expect(result).not.toHaveProperty('value');
      expect(readModifiedDocument(result, 'findOneAndReplace')).toEqual(replacement);
      expect(missed).toBeNull();
      expect(readModifiedDocument(missed, 'findOneAndReplace')).toBeNull();
    });

    it('ignores a write with a stale revision', async () => {
      const collection = randomName('stale');
      const raw = await rawCollection(url, collection);
      const store = openStore({ url, database: TEST_DATABASE, collection });
      const { alice } = createFixtures();
      const saved = await store.saveToken(alice.record);
      const readBefore = await raw.findOne({ _id: { $eq: saved.id } as never });

      const newer = await store.saveToken({
        userName: alice.userName,
        accessToken: alice.accessToken(2),
      });
      // The write that a timed-out save sent, landing after the newer one.
      const late: unknown = await raw.findOneAndReplace(
        revisionFilter(saved.id, String(readBefore?.revision)) as never,
        toDocument({ ...saved, accessToken: alice.accessToken(3) }, 'late-revision'),
      );

      expect(late).toBeNull();
      expect(await store.findTokenById(saved.id)).toEqual(newer);
    });

    // Without the claims, FerretDB 1.24 lost a field within a few rounds: it runs
    // findAndModify as a query and a separate UPDATE, so both saves could replace one
    // revision.
    it('merges racing saves of one record', async () => {
      const collection = randomName('merge_race');
      await rawCollection(url, collection);
      const first = openStore({ url, database: TEST_DATABASE, collection });
      const second = openStore({ url, database: TEST_DATABASE, collection });
      const { alice } = createFixtures();
      await first.saveToken(alice.record);

      for (let round = 1; round <= MERGE_ROUNDS; round += 1) {
        const apiDomain = `https://api-${round}.example.test`;
        const redirectUrl = `https://app.example.test/callback/${round}`;

        await Promise.all([
          first.saveToken({ userName: alice.userName, apiDomain }),
          second.saveToken({ userName: alice.userName, redirectUrl }),
        ]);

        const record = await first.findToken({ userName: alice.userName });
        expect(record?.apiDomain, `round ${round}`).toBe(apiDomain);
        expect(record?.redirectUrl, `round ${round}`).toBe(redirectUrl);
      }
      const claims = await rawCollection(url, collection + CLAIMS_SUFFIX);
      expect(await claims.countDocuments()).toBe(0);
    });

    it('takes over a stale claim', async () => {
      const collection = randomName('stale_claim');
      const raw = await rawCollection(url, collection);
      const claims = await rawCollection(url, collection + CLAIMS_SUFFIX);
      const store = openStore({ url, database: TEST_DATABASE, collection, timeoutMs: 2000 });
      const { alice } = createFixtures();
      const saved = await store.saveToken(alice.record);
      const document = await raw.findOne({ _id: { $eq: saved.id } as never });
      // Its deadline passed a minute ago, longer than the grace of one timeoutMs.
      await claims.insertOne({
        _id: 'dead-writer' as never,
        slot: slotOf(saved.id, String(document?.revision)),
        deadline: Date.now() - 60_000,
      });

      const updated = await store.saveToken({
        userName: alice.userName,
        accessToken: alice.accessToken(2),
      });

      expect(updated).toEqual({ ...saved, accessToken: alice.accessToken(2) });
      expect(await store.findTokenById(saved.id)).toEqual(updated);
      expect(await claims.countDocuments()).toBe(0);
    });

    it('waits for a held claim, then merges', async () => {
      const collection = randomName('held_claim');
      const raw = await rawCollection(url, collection);
      const claims = await rawCollection(url, collection + CLAIMS_SUFFIX);
      const commands = await monitoredClient();
      const store = openStore({ client: commands.client, database: TEST_DATABASE, collection });
      const { alice } = createFixtures();
      const saved = await store.saveToken(alice.record);
      const before = await raw.findOne({ _id: { $eq: saved.id } as never });
      const revision = String(before?.revision);
      await claims.insertOne({
        _id: 'other-writer' as never,
        slot: slotOf(saved.id, revision),
        deadline: Date.now() + 60_000,
      });
      const apiDomain = 'https://api-waiting.example.test';
      const redirectUrl = 'https://app.example.test/callback/holder';

      const waiting = store.saveToken({ userName: alice.userName, apiDomain });
      // A save that did not wait for the claim settles first, and the holder's write
      // below then finds a newer revision.
      await Promise.race([commands.claimFound(collection + CLAIMS_SUFFIX), waiting]);
      // The holder writes the next revision, then releases its claim.
      const holderWrite = await raw.findOneAndReplace(
        revisionFilter(saved.id, revision) as never,
        toDocument({ ...saved, redirectUrl }, 'holder-revision'),
      );
      await claims.deleteOne({ _id: { $eq: 'other-writer' } as never });
      const merged = await waiting;

      expect(holderWrite).not.toBeNull();
      expect(merged).toEqual({ ...saved, redirectUrl, apiDomain });
      expect(await store.findTokenById(saved.id)).toEqual(merged);
      expect(await claims.countDocuments()).toBe(0);
    });

    it('rejects an update that takes another value', async () => {
      const collection = randomName('conflict');
      const raw = await rawCollection(url, collection);
      const store = openStore({ url, database: TEST_DATABASE, collection });
      const { alice, bob } = createFixtures();
      const savedAlice = await store.saveToken(alice.record);
      const savedBob = await store.saveToken(bob.record);
      const bobBefore = await raw.findOne({ _id: { $eq: savedBob.id } as never });

      const error = await expectStoreError(
        store.saveToken({ userName: bob.userName, refreshToken: alice.refreshToken(1) }),
        'CONFLICT',
      );

      expect(error.message).toContain('refreshToken');
      for (const secret of [...alice.secrets, ...bob.secrets]) {
        expect(error.message).not.toContain(secret);
      }
      expect(await raw.findOne({ _id: { $eq: savedBob.id } as never })).toEqual(bobBefore);
      expect(await store.getTokens()).toHaveLength(2);
      expect(await store.findTokenById(savedAlice.id)).toEqual(savedAlice);
    });

    it('rejects an insert that takes another value', async () => {
      const collection = randomName('conflict_insert');
      await rawCollection(url, collection);
      const store = openStore({ url, database: TEST_DATABASE, collection });
      const { alice, bob } = createFixtures();
      await store.saveToken(alice.record);

      const error = await expectStoreError(
        store.saveToken({ ...bob.record, accessToken: alice.accessToken(1) }),
        'CONFLICT',
      );

      expect(error.message).toContain('accessToken');
      expect(await store.findToken({ userName: bob.userName })).toBeNull();
      expect(await store.getTokens()).toHaveLength(1);
    });

    it('stores the documented document layout', async () => {
      const collection = randomName('layout');
      const raw = await rawCollection(url, collection);
      const store = openStore({ url, database: TEST_DATABASE, collection });
      const { alice } = createFixtures();

      const saved = await store.saveToken({ ...alice.record, grantToken: alice.grantToken(1) });
      const document = await raw.findOne({ _id: { $eq: saved.id } as never });

      expect(document).toEqual({
        _id: saved.id,
        revision: expect.any(String),
        user_name: alice.userName,
        client_id: alice.record.clientId,
        client_secret: alice.record.clientSecret,
        refresh_token: alice.refreshToken(1),
        access_token: alice.accessToken(1),
        grant_token: alice.grantToken(1),
        expiry_time: alice.record.expiresAt,
        redirect_url: alice.record.redirectUrl,
        api_domain: alice.record.apiDomain,
        user_name_key: `v:${alice.userName}`,
        access_token_key: `v:${alice.accessToken(1)}`,
        refresh_token_key: `v:${alice.refreshToken(1)}`,
        grant_token_key: `v:${alice.grantToken(1)}`,
      });
    });

    it('leaves a passed client open on close', async () => {
      const collection = randomName('own_client');
      await rawCollection(url, collection);
      const client = new MongoClient(url);
      onTestFinished(() => client.close());
      const store = createMongoStore({ client, database: TEST_DATABASE, collection });
      const { alice } = createFixtures();
      const saved = await store.saveToken(alice.record);

      await store.close();

      const stillOpen = await client
        .db(TEST_DATABASE)
        .collection(collection)
        .findOne({ _id: { $eq: saved.id } as never });
      expect(stillOpen?.user_name).toBe(alice.userName);
      await expectStoreError(store.findTokenById(saved.id), 'CLOSED');
    });
  },
);

afterAll(() => server?.close());

/**
 * Creates a client that reports when a save has found the slot it wants held by
 * another writer (it then looks the holder up in the claims collection).
 */
async function monitoredClient(): Promise<{
  client: MongoClient;
  claimFound(claimsCollection: string): Promise<void>;
}> {
  const client = new MongoClient(url, { monitorCommands: true });
  onTestFinished(() => client.close());
  const claimFound = (claimsCollection: string): Promise<void> =>
    new Promise((resolve) => {
      client.on('commandStarted', (event) => {
        if (event.commandName === 'find' && event.command.find === claimsCollection) {
          resolve();
        }
      });
    });
  return { client, claimFound };
}
