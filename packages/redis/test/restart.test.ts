/**
 * The same store object across a server restart, a stopped server and connections
 * killed from the server side. The test server runs with AOF on, so acknowledged
 * writes survive the restart.
 */
import { describe, expect, it } from 'vitest';

import { SCRIPTS } from '../src/scripts.js';
import { ALICE, BOB, CAROL, fixtureUser, rejectionOf, withoutId } from './helpers.js';
import { adminClient, openStore, server, skipNote } from './server.js';

const TIMEOUT_MS = 2000;

// Calls made right after the server is back may still find the connection down:
// the store reconnects on its own schedule, within its timeout.
async function eventually<T>(call: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      return await call();
    } catch (error) {
      if (Date.now() > deadline) throw error;
    }
  }
}

// Kills every normal client connection but the admin client's own.
async function killStoreConnections(): Promise<number> {
  return (await adminClient().call('CLIENT', 'KILL', 'TYPE', 'normal', 'SKIPME', 'yes')) as number;
}

describe.skipIf(!server?.managed)(`redis store across restarts${skipNote}`, () => {
  it('survives a server restart', async () => {
    const store = openStore({ timeoutMs: TIMEOUT_MS });
    const alice = await store.saveToken(ALICE);

    await server!.restart();

    expect(await eventually(() => store.findToken({ userName: ALICE.userName }))).toEqual(alice);
    expect(await adminClient().script('EXISTS', SCRIPTS.save.sha)).toEqual([0]);
    const bob = await store.saveToken(BOB);
    await store.saveToken({ ...ALICE, accessToken: '1000.at.alice.0002' });
    expect(await store.findTokenById(bob.id)).toEqual(bob);
    expect((await store.findTokenById(alice.id))?.accessToken).toBe('1000.at.alice.0002');
  });

  it('rejects calls while the server is stopped', async () => {
    const store = openStore({ timeoutMs: TIMEOUT_MS });
    await store.saveToken(ALICE);

    await server!.stop();
    const started = performance.now();
    const error = await rejectionOf(store.saveToken(BOB));
    const elapsed = performance.now() - started;
    await server!.start();

    expect(error.code).toBe('UNAVAILABLE');
    expect(elapsed).toBeLessThan(TIMEOUT_MS + 1000);
    const saved = await eventually(() => store.saveToken(CAROL));
    expect(withoutId(saved)).toEqual(CAROL);
    expect(await store.findToken({ userName: BOB.userName })).toBeNull();
  });

  it('survives CLIENT KILL of its connections', async () => {
    const store = openStore({ timeoutMs: TIMEOUT_MS });
    const alice = await store.saveToken(ALICE);

    expect(await killStoreConnections()).toBeGreaterThan(0);

    expect(await eventually(() => store.findToken({ userName: ALICE.userName }))).toEqual(alice);
    expect(withoutId(await store.saveToken(BOB))).toEqual(BOB);
  });

  it('keeps one record per user when connections die mid-save', async () => {
    const store = openStore({ timeoutMs: TIMEOUT_MS });
    const users = Array.from({ length: 10 }, (_, i) => fixtureUser(`kill${i}`));
    await store.saveToken(ALICE);

    const saves = users.flatMap((user) =>
      Array.from({ length: 10 }, (_, k) =>
        store.saveToken({ ...user, accessToken: `${user.accessToken}.${k}` }),
      ),
    );
    await killStoreConnections();
    const outcomes = await Promise.allSettled(saves);

    for (const outcome of outcomes) {
      if (outcome.status === 'rejected') {
        expect((outcome.reason as { code?: string }).code).toBe('UNAVAILABLE');
      }
    }
    await eventually(() => store.getTokens());
    for (const user of users) await store.saveToken(user);
    const records = await store.getTokens();
    expect(records).toHaveLength(11);
    expect(new Set(records.map((record) => record.userName)).size).toBe(11);
  });
});
