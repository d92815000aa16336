/**
 * Server faults on a server that this test process runs in a container: a stopped
 * server, a restart in the middle of a test, and a paused server that keeps its
 * connections open but stops replying. Every call must settle within the store's
 * timeout plus one second, and the same store object must work again afterwards.
 */
import { createFixtures } from '@tokenstore/conformance';
import { provideServer } from '@tokenstore/conformance/servers';
import { isTokenStoreError } from '@tokenstore/core';
import { afterAll, describe, expect, it } from 'vitest';

import { TEST_DATABASE, openStore, randomName, rawCollection, timed } from './helpers.js';

const provided = await provideServer('mongodb');
const server = provided.available ? provided.server : undefined;
if (server !== undefined) console.log(`mongodb store tests run on ${server.description}`);
const url = server?.url ?? '';

const TIMEOUT_MS = 2000;
const BOUND_MS = TIMEOUT_MS + 1000;

function skipReason(): string {
  if (!provided.available) return ` (skipped: ${provided.reason})`;
  return provided.server.managed ? '' : ' (skipped: the server was given by URL, not started here)';
}

describe.skipIf(server?.managed !== true)(`mongodb store with server faults${skipReason()}`, () => {
  it('rejects a save while the server is down', async () => {
    const collection = randomName('down');
    const store = openStore({ url, database: TEST_DATABASE, collection, timeoutMs: TIMEOUT_MS });
    const { alice } = createFixtures();
    await store.getTokens();

    await server!.stop();
    const { elapsedMs, outcome } = await timed(store.saveToken(alice.record));
    await server!.start();

    expect(outcome.status).toBe('rejected');
    const error = outcome.status === 'rejected' ? (outcome.reason as Error) : undefined;
    expect(isTokenStoreError(error, 'UNAVAILABLE')).toBe(true);
    expect(error?.cause).toBeInstanceOf(Error);
    expect(elapsedMs).toBeLessThan(BOUND_MS);
    await rawCollection(url, collection);
    const fresh = openStore({ url, database: TEST_DATABASE, collection });
    expect(await fresh.findToken({ userName: alice.userName })).toBeNull();
  });

  it('connects once the server is up', async () => {
    const collection = randomName('late_start');
    await server!.stop();
    const store = openStore({ url, database: TEST_DATABASE, collection, timeoutMs: TIMEOUT_MS });
    const { alice } = createFixtures();

    const { elapsedMs, outcome } = await timed(store.getTokens());
    await server!.start();
    await rawCollection(url, collection);

    expect(outcome.status).toBe('rejected');
    expect(elapsedMs).toBeLessThan(BOUND_MS);
    const saved = await store.saveToken(alice.record);
    expect(await store.findTokenById(saved.id)).toEqual(saved);
  });

  it('survives a server restart', async () => {
    const collection = randomName('restart');
    await rawCollection(url, collection);
    const store = openStore({ url, database: TEST_DATABASE, collection });
    const { alice, bob } = createFixtures();
    const savedAlice = await store.saveToken(alice.record);

    await server!.restart();

    expect(await store.findToken({ userName: alice.userName })).toEqual(savedAlice);
    const updated = await store.saveToken({
      userName: alice.userName,
      accessToken: alice.accessToken(2),
    });
    const savedBob = await store.saveToken(bob.record);
    expect(updated.accessToken).toBe(alice.accessToken(2));
    expect(await store.getTokens()).toHaveLength(2);
    expect(await store.findTokenById(savedBob.id)).toEqual(savedBob);
  });

  it('saves first after a server restart', async () => {
    const collection = randomName('restart_save');
    await rawCollection(url, collection);
    const store = openStore({ url, database: TEST_DATABASE, collection });
    const { alice } = createFixtures();
    const saved = await store.saveToken(alice.record);

    await server!.restart();

    const updated = await store.saveToken({
      userName: alice.userName,
      accessToken: alice.accessToken(2),
    });
    expect(updated).toEqual({ ...saved, accessToken: alice.accessToken(2) });
  });

  it('times out calls to a paused server', async () => {
    const collection = randomName('paused');
    await rawCollection(url, collection);
    const store = openStore({ url, database: TEST_DATABASE, collection, timeoutMs: TIMEOUT_MS });
    const { alice } = createFixtures();
    const saved = await store.saveToken(alice.record);

    await server!.pause();
    let save: Awaited<ReturnType<typeof timed>>;
    let find: Awaited<ReturnType<typeof timed>>;
    try {
      save = await timed(
        store.saveToken({ userName: alice.userName, accessToken: alice.accessToken(2) }),
      );
      find = await timed(store.findTokenById(saved.id));
    } finally {
      await server!.unpause();
    }

    for (const { elapsedMs, outcome } of [save, find]) {
      expect(outcome.status).toBe('rejected');
      const reason = outcome.status === 'rejected' ? outcome.reason : undefined;
      expect(isTokenStoreError(reason, 'UNAVAILABLE')).toBe(true);
      expect(elapsedMs).toBeGreaterThan(TIMEOUT_MS - 100);
      expect(elapsedMs).toBeLessThan(BOUND_MS);
    }
    const newer = await store.saveToken({
      userName: alice.userName,
      accessToken: alice.accessToken(3),
    });
    expect(await store.findTokenById(saved.id)).toEqual(newer);
  });
});

afterAll(() => server?.close());
