/**
 * A network that stops delivering, a paused server and writes that reach Redis late.
 * Store S1 talks to Redis through a proxy on 127.0.0.1 that can hold bytes; store S2
 * connects directly. Calls must fail with UNAVAILABLE within the timeout plus 1 s, and
 * a write reported as failed must never land later over a newer one.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

import type { TokenStore } from '@tokenstore/core';
import { afterEach, describe, expect, it } from 'vitest';

import { SCRIPTS } from '../src/scripts.js';
import { ALICE, fixtureUser, rejectionOf } from './helpers.js';
import { startProxy, type Proxy } from './proxy.js';
import { openStore, server, serverUrl, skipNote, uniquePrefix } from './server.js';

const TIMEOUT_MS = 2000;
const BOUND_MS = TIMEOUT_MS + 1000;

let proxy: Proxy | undefined;
afterEach(async () => {
  await proxy?.close();
  proxy = undefined;
});

async function openPair(
  timeoutMs = TIMEOUT_MS,
): Promise<{ s1: TokenStore; s2: TokenStore; prefix: string }> {
  proxy = await startProxy(serverUrl());
  const prefix = uniquePrefix();
  const s1 = openStore({ url: proxy.url, prefix, timeoutMs });
  const s2 = openStore({ prefix, timeoutMs });
  return { s1, s2, prefix };
}

async function timed<T>(
  call: Promise<T>,
): Promise<{ error: Error & { code?: string }; ms: number }> {
  const started = performance.now();
  const error = await rejectionOf(call);
  return { error, ms: performance.now() - started };
}

// Polls a real call until it succeeds: the store reconnects on its own schedule.
async function untilFound(store: TokenStore, userName: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      if ((await store.findToken({ userName })) !== null) return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
    }
  }
}

describe.skipIf(server === undefined)(`redis store under faults${skipNote}`, () => {
  it('rejects calls cut off and never applies them later', async () => {
    const { s1, s2, prefix } = await openPair();
    const alice = await s1.saveToken(ALICE);

    proxy!.cut();
    const save = await timed(s1.saveToken({ ...ALICE, accessToken: '1000.at.alice.0002' }));
    const remove = await timed(s1.deleteToken(alice.id));
    await s2.saveToken({ ...ALICE, accessToken: '1000.at.alice.0003' });
    await proxy!.restore();
    await untilFound(s1, ALICE.userName);

    for (const { error, ms } of [save, remove]) {
      expect(error.code).toBe('UNAVAILABLE');
      expect(ms).toBeLessThan(BOUND_MS);
    }
    const fresh = openStore({ prefix });
    for (const store of [s1, s2, fresh]) {
      const found = await store.findToken({ userName: ALICE.userName });
      expect(found?.id).toBe(alice.id);
      expect(found?.accessToken).toBe('1000.at.alice.0003');
    }
  });

  it('never applies a save that reached Redis after its timeout', async () => {
    const { s1, s2 } = await openPair();
    const alice = await s1.saveToken(ALICE);

    proxy!.holdFromClientAfter(SCRIPTS.save.sha);
    const save = await timed(s1.saveToken({ ...ALICE, accessToken: '1000.at.alice.0002' }));
    await proxy!.restore();

    expect(save.error.code).toBe('UNAVAILABLE');
    expect(save.ms).toBeLessThan(BOUND_MS);
    expect(await s2.findTokenById(alice.id)).toEqual(alice);
  });

  it('never lets a late save overwrite a newer one', async () => {
    const { s1, s2 } = await openPair(10_000);
    const alice = await s1.saveToken(ALICE);

    proxy!.holdFromClientAfter(SCRIPTS.save.sha);
    const late = s1.saveToken({ ...ALICE, accessToken: '1000.at.alice.0002' });
    await untilHeld(proxy!);
    proxy!.dropClients();
    const save = await timed(late);
    await s2.saveToken({ ...ALICE, accessToken: '1000.at.alice.0003' });
    const started = performance.now();
    await proxy!.restore();

    // The held save ran well before its fence, so only the revision check stopped it.
    expect(performance.now() - started).toBeLessThan(5000);
    expect(save.error.code).toBe('UNAVAILABLE');
    expect((await s2.findTokenById(alice.id))?.accessToken).toBe('1000.at.alice.0003');
    expect(await s2.getTokens()).toHaveLength(1);
  });

  it('never lets a late delete remove a newer save', async () => {
    const { s1, s2 } = await openPair(10_000);
    const alice = await s1.saveToken(ALICE);
    // Deleting another record loads the delete script, so the held call is an EVALSHA.
    await s1.saveToken(fixtureUser('bob'));
    await s1.deleteToken((await s1.findToken({ userName: 'bob@example.test' }))!.id);

    proxy!.holdFromClientAfter(SCRIPTS.delete.sha);
    const late = s1.deleteToken(alice.id);
    await untilHeld(proxy!);
    proxy!.dropClients();
    const remove = await timed(late);
    await s2.saveToken({ ...ALICE, accessToken: '1000.at.alice.0003' });
    await proxy!.restore();

    expect(remove.error.code).toBe('UNAVAILABLE');
    expect((await s2.findTokenById(alice.id))?.accessToken).toBe('1000.at.alice.0003');
  });

  it.skipIf(!server?.managed)('rejects calls while Redis is paused and works after', async () => {
    const { s1 } = await openPair();
    await s1.saveToken(ALICE);

    await server!.pause();
    const find = await timed(s1.findToken({ userName: ALICE.userName })).finally(() =>
      server!.unpause(),
    );

    expect(find.error.code).toBe('UNAVAILABLE');
    expect(find.ms).toBeLessThan(BOUND_MS);
    await untilFound(s1, ALICE.userName);
  });

  it('keeps the heap flat over 10,000 saves cut off', async () => {
    const { s1 } = await openPair();
    await s1.saveToken(ALICE);
    const collectGarbage = exposeGc();
    proxy!.cut();

    const heapAfterRound: number[] = [];
    let slowest = 0;
    for (let round = 0; round < 5; round += 1) {
      const calls = Array.from({ length: 2000 }, (_, i) =>
        timed(s1.saveToken({ ...fixtureUser(`cut${round}-${i}`) })),
      );
      for (const { error, ms } of await Promise.all(calls)) {
        expect(error.code).toBe('UNAVAILABLE');
        slowest = Math.max(slowest, ms);
      }
      collectGarbage();
      heapAfterRound.push(process.memoryUsage().heapUsed);
    }

    expect(slowest).toBeLessThan(BOUND_MS);
    const growthMb = (heapAfterRound.at(-1)! - heapAfterRound[0]!) / 2 ** 20;
    expect(growthMb).toBeLessThan(5);
  }, 60_000);
});

// Resolves once the proxy holds bytes from a client: the marked command was sent.
async function untilHeld(target: Proxy): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!target.holding()) {
    if (Date.now() > deadline) throw new Error('the proxy never saw the marked command');
    await new Promise((resolve) => setImmediate(resolve));
  }
}

function exposeGc(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}
