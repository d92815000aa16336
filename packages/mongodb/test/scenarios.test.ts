/**
 * Scenarios on a real server: records without a user name or grant token, operator
 * injection, isolated collections, and a store started on an emptied collection.
 */
import { createFixtures } from '@tokenstore/conformance';
import { provideServer } from '@tokenstore/conformance/servers';
import { MongoClient, type CommandStartedEvent, type Document } from 'mongodb';
import { afterAll, describe, expect, it, onTestFinished } from 'vitest';

import {
  TEST_DATABASE,
  connectRawClient,
  expectStoreError,
  openStore,
  randomName,
  rawCollection,
} from './helpers.js';

const provided = await provideServer('mongodb');
const server = provided.available ? provided.server : undefined;
if (server !== undefined) console.log(`mongodb store tests run on ${server.description}`);
const url = server?.url ?? '';

// Field names that the store's filters may name; every value must come as { $eq: string }.
const FILTER_FIELDS = new Set([
  '_id',
  'revision',
  'slot',
  'user_name_key',
  'access_token_key',
  'refresh_token_key',
  'grant_token_key',
]);

describe.skipIf(server === undefined)(
  `mongodb store scenarios${provided.available ? '' : ` (skipped: ${provided.reason})`}`,
  () => {
    it('keeps records without user name', async () => {
      const collection = randomName('anonymous');
      const raw = await rawCollection(url, collection);
      const store = openStore({ url, database: TEST_DATABASE, collection });
      const { alice, bob, tag } = createFixtures();

      const anonymous = [];
      for (let number = 1; number <= 3; number += 1) {
        anonymous.push(await store.saveToken({ accessToken: `at-${tag}-${number}` }));
      }
      const named = [await store.saveToken(alice.record), await store.saveToken(bob.record)];

      expect(await store.getTokens()).toHaveLength(5);
      for (const record of [...anonymous, ...named]) {
        expect(await store.findTokenById(record.id)).toEqual(record);
      }
      for (const record of anonymous) {
        const document = await raw.findOne({ _id: { $eq: record.id } as never });
        expect(document).not.toHaveProperty('user_name');
        expect(document).not.toHaveProperty('grant_token');
        expect(document?.user_name_key).toBe(`none:${record.id}`);
        expect(document?.grant_token_key).toBe(`none:${record.id}`);
      }
      expect(await raw.countDocuments({ user_name: null })).toBe(3);
      expect(await raw.countDocuments({ user_name: { $type: 'null' } })).toBe(0);
    });

    it('rejects operator objects as INVALID_TOKEN', async () => {
      const commands = await monitoredClient();
      const collection = randomName('injection');
      await rawCollection(url, collection);
      const store = openStore({ client: commands.client, database: TEST_DATABASE, collection });
      const { alice, bob, carol } = createFixtures();
      await store.saveToken(alice.record);
      await store.saveToken(bob.record);
      const sentBefore = commands.started.length;

      await expectStoreError(store.findToken({ userName: { $ne: '' } } as never), 'INVALID_TOKEN');
      await expectStoreError(store.findToken({ userName: { $gt: '' } } as never), 'INVALID_TOKEN');
      await expectStoreError(store.findTokenById({ $ne: null } as never), 'INVALID_TOKEN');
      await expectStoreError(store.deleteToken({ $ne: null } as never), 'INVALID_TOKEN');
      await expectStoreError(
        store.saveToken({ ...carol.record, accessToken: { $ne: null } } as never),
        'INVALID_TOKEN',
      );

      expect(commands.started.slice(sentBefore)).toEqual([]);
      expect(await store.getTokens()).toHaveLength(2);
    });

    it('round-trips operator-like strings', async () => {
      const collection = randomName('operators');
      await rawCollection(url, collection);
      const store = openStore({ url, database: TEST_DATABASE, collection });
      const { alice, bob, carol, dave } = createFixtures();
      await store.saveToken(alice.record);
      await store.saveToken(bob.record);

      const where = await store.saveToken({ ...carol.record, userName: '$where' });
      const notEqual = await store.saveToken({ ...dave.record, userName: '{"$ne": null}' });
      const dotted = await store.saveToken({ accessToken: 'a.b.$c', id: '$gt' });

      expect(await store.findToken({ userName: '$where' })).toEqual(where);
      expect(await store.findToken({ userName: '{"$ne": null}' })).toEqual(notEqual);
      expect(await store.findTokenById('$gt')).toEqual(dotted);
      expect(await store.findToken({ userName: '$ne' })).toBeNull();
      expect(await store.findToken({ userName: '{"$gt": ""}' })).toBeNull();
      await store.deleteToken('{"$ne": null}');
      expect(await store.getTokens()).toHaveLength(5);
    });

    it('filters only with $eq on fixed fields', async () => {
      const commands = await monitoredClient();
      const collection = randomName('filters');
      await rawCollection(url, collection);
      const store = openStore({ client: commands.client, database: TEST_DATABASE, collection });
      const { alice, bob } = createFixtures();

      const saved = await store.saveToken(alice.record);
      await store.saveToken({ userName: alice.userName, accessToken: alice.accessToken(2) });
      await expectStoreError(
        store.saveToken({ ...bob.record, accessToken: alice.accessToken(2) }),
        'CONFLICT',
      );
      await store.findToken({ accessToken: alice.accessToken(2) });
      await store.findToken({ ...alice.record, userName: undefined, accessToken: undefined });
      await store.findTokenById(saved.id);
      await store.getTokens();
      await store.deleteToken(saved.id);
      await store.deleteTokens();

      const filters = commands.started.flatMap(filtersOf);
      expect(filters.length).toBeGreaterThan(8);
      for (const filter of filters) {
        expect(isPlainEqualityFilter(filter), JSON.stringify(filter)).toBe(true);
      }
    });

    it('keeps collections tokens_a and tokens_b apart', async () => {
      const database = randomName('isolation');
      const client = await connectRawClient(url);
      onTestFinished(async () => {
        await client.db(database).dropDatabase();
      });
      const { alice, bob } = createFixtures();
      const first = openStore({ url, database, collection: 'tokens_a' });
      const second = openStore({ url, database, collection: 'tokens_b' });

      const savedAlice = await first.saveToken(alice.record);
      const savedBob = await second.saveToken(bob.record);
      const reopened = openStore({ url, database, collection: 'tokens_a' });

      expect(await first.getTokens()).toEqual([savedAlice]);
      expect(await second.getTokens()).toEqual([savedBob]);
      expect(await second.findToken({ userName: alice.userName })).toBeNull();
      expect(await reopened.findToken({ userName: alice.userName })).toEqual(savedAlice);
      await first.deleteTokens();
      expect(await first.getTokens()).toEqual([]);
      expect(await second.getTokens()).toEqual([savedBob]);
      const names = (await client.db(database).listCollections().toArray()).map((c) => c.name);
      expect(names.sort()).toEqual(['tokens_a', 'tokens_a_claims', 'tokens_b', 'tokens_b_claims']);
    });

    it('keeps records in the database its url names', async () => {
      const database = randomName('from_url');
      const client = await connectRawClient(url);
      onTestFinished(async () => {
        await client.db(database).dropDatabase();
      });
      const { alice } = createFixtures();
      const store = openStore({ url: new URL(database, url).toString() });

      const saved = await store.saveToken(alice.record);

      const stored = await client.db(database).collection('oauthtoken').find().toArray();
      expect(stored.map((document) => document._id)).toEqual([saved.id]);
    });

    it('restarts on an emptied collection', async () => {
      const collection = randomName('emptied');
      const raw = await rawCollection(url, collection);
      const { alice, bob } = createFixtures();
      const first = openStore({ url, database: TEST_DATABASE, collection });
      const saved = await first.saveToken(alice.record);
      await first.deleteToken(saved.id);
      await first.close();

      const fresh = openStore({ url, database: TEST_DATABASE, collection });

      expect(await fresh.getTokens()).toEqual([]);
      const savedBob = await fresh.saveToken(bob.record);
      expect(await fresh.findToken({ userName: bob.userName })).toEqual(savedBob);
      const indexes = (await raw.listIndexes().toArray()).map((index: Document) => index.name);
      expect(indexes.sort()).toEqual([
        '_id_',
        'access_token_key_unique',
        'grant_token_key_unique',
        'refresh_token_key_unique',
        'user_name_key_unique',
      ]);
    });
  },
);

afterAll(() => server?.close());

/** Creates a client that records every command it sends, closed when the test finishes. */
async function monitoredClient(): Promise<{ client: MongoClient; started: CommandStartedEvent[] }> {
  const client = new MongoClient(url, { monitorCommands: true });
  const started: CommandStartedEvent[] = [];
  client.on('commandStarted', (event) => {
    if (!['hello', 'isMaster', 'ismaster', 'endSessions'].includes(event.commandName)) {
      started.push(event);
    }
  });
  onTestFinished(() => client.close());
  return { client, started };
}

function filtersOf(event: CommandStartedEvent): Document[] {
  const { command } = event;
  switch (event.commandName) {
    case 'find':
      return [command.filter ?? {}];
    case 'findAndModify':
      return [command.query];
    case 'delete':
      return (command.deletes as Document[]).map((statement) => statement.q as Document);
    case 'update':
      return (command.updates as Document[]).map((statement) => statement.q as Document);
    default:
      return [];
  }
}

function isPlainEqualityFilter(filter: Document): boolean {
  return Object.entries(filter).every(([name, condition]) => {
    if (name === '$or') {
      return Array.isArray(condition) && condition.every(isPlainEqualityFilter);
    }
    const operators = Object.keys(condition as Document);
    return (
      FILTER_FIELDS.has(name) &&
      operators.length === 1 &&
      operators[0] === '$eq' &&
      typeof (condition as Document).$eq === 'string'
    );
  });
}
