/**
 * What a store reports when it cannot get a working connection: a server that rejects
 * its credentials fails the call at once, while a port where nothing listens is waited
 * on until the timeout and named in the error. The credential tests set a password on
 * this file's own container, so they run only on a container the tests started.
 */
import { once } from 'node:events';
import { createServer } from 'node:net';

import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createRedisStore } from '../src/index.js';
import { ALICE, rejectionOf } from './helpers.js';
import { adminClient, openStore, server, serverUrl, skipNote } from './server.js';

const PASSWORD = 'redispw';
const WRONG_PASSWORD = 'wrongpw';

// Long enough that a call which waits for it cannot pass as failing at once.
const TIMEOUT_MS = 5000;

// A reconnect loop retries after 100 ms, then 200 ms, 300 ms...: several attempts fit
// into this window.
const RECONNECT_WINDOW_MS = 800;

// A port on 127.0.0.1 with nothing listening: bound, then closed again.
async function closedPort(): Promise<number> {
  const listener = createServer();
  listener.listen(0, '127.0.0.1');
  await once(listener, 'listening');
  const { port } = listener.address() as { port: number };
  listener.close();
  await once(listener, 'close');
  return port;
}

function urlWithCredentials(username: string, password: string): string {
  const url = new URL(serverUrl());
  url.username = username;
  url.password = password;
  return url.href;
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

describe.skipIf(!server?.managed)(`redis store with rejected credentials${skipNote}`, () => {
  // Counts the connections the server accepted, through a client that logged in
  // before the password was set.
  let observer: Redis;
  async function connectionsReceived(): Promise<number> {
    const stats = await observer.info('stats');
    return Number(/^total_connections_received:(\d+)/m.exec(stats)?.[1]);
  }

  beforeAll(async () => {
    await adminClient().config('SET', 'requirepass', PASSWORD);
    observer = new Redis(urlWithCredentials('', PASSWORD), { maxRetriesPerRequest: 1 });
    await observer.ping();
  });

  afterAll(async () => {
    await observer.config('SET', 'requirepass', '');
    observer.disconnect();
  });

  const rejected: Array<[string, () => string, string]> = [
    ['a wrong password', () => urlWithCredentials('', WRONG_PASSWORD), 'WRONGPASS'],
    ['no password', () => serverUrl(), 'NOAUTH'],
    ['an unknown user', () => urlWithCredentials('nobody', PASSWORD), 'WRONGPASS'],
    [
      'a wrong password for default',
      () => urlWithCredentials('default', WRONG_PASSWORD),
      'WRONGPASS',
    ],
  ];

  it.each(rejected)('fails at once with %s', async (_, url, replyCode) => {
    const store = openStore({ url: url(), timeoutMs: TIMEOUT_MS });

    const started = performance.now();
    const error = await rejectionOf(store.findToken({ userName: ALICE.userName }));
    const elapsed = performance.now() - started;

    expect(error.code).toBe('BACKEND');
    expect(elapsed).toBeLessThan(TIMEOUT_MS / 2);
    expect(error.message).toContain('rejected the credentials');
    expect(error.message).toContain(replyCode);
    expect(error.message).not.toContain(WRONG_PASSWORD);
    expect((error.cause as Error).name).toBe('ReplyError');
    expect((error.cause as Error).message).toMatch(new RegExp(`^${replyCode}\\b`));
  });

  it('fails later calls at once too', async () => {
    const store = openStore({ url: urlWithCredentials('', WRONG_PASSWORD), timeoutMs: TIMEOUT_MS });
    await rejectionOf(store.findToken({ userName: ALICE.userName }));

    const started = performance.now();
    const error = await rejectionOf(store.saveToken(ALICE));
    const elapsed = performance.now() - started;

    expect(error.code).toBe('BACKEND');
    expect(error.message).toContain('WRONGPASS');
    expect(elapsed).toBeLessThan(TIMEOUT_MS / 2);
  });

  it('fails at once through a given client', async () => {
    const client = new Redis(urlWithCredentials('', WRONG_PASSWORD), {
      lazyConnect: true,
      enableOfflineQueue: false,
      commandTimeout: TIMEOUT_MS,
    });
    client.on('error', () => {
      // The client keeps reconnecting with the wrong password until the test ends it.
    });
    const store = openStore({ client, timeoutMs: TIMEOUT_MS });

    try {
      const started = performance.now();
      const error = await rejectionOf(store.findToken({ userName: ALICE.userName }));
      const elapsed = performance.now() - started;

      expect(error.code).toBe('BACKEND');
      expect(error.message).toContain('WRONGPASS');
      expect(elapsed).toBeLessThan(TIMEOUT_MS / 2);
    } finally {
      client.disconnect();
    }
  });

  it('stops reconnecting after a rejection', async () => {
    const warnings: string[] = [];
    const store = createRedisStore({
      url: urlWithCredentials('', WRONG_PASSWORD),
      timeoutMs: TIMEOUT_MS,
      logger: { warn: (message) => warnings.push(message) },
    });

    await rejectionOf(store.findToken({ userName: ALICE.userName }));
    const afterFailure = await connectionsReceived();
    await delay(RECONNECT_WINDOW_MS);
    const beforeClose = await connectionsReceived();
    await store.close();
    await delay(RECONNECT_WINDOW_MS);
    const afterClose = await connectionsReceived();

    expect(beforeClose).toBe(afterFailure);
    expect(afterClose).toBe(afterFailure);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('WRONGPASS');
    expect(warnings[0]).not.toContain(WRONG_PASSWORD);
  });

  it('works with the right password', async () => {
    const store = openStore({ url: urlWithCredentials('', PASSWORD), timeoutMs: TIMEOUT_MS });

    const saved = await store.saveToken(ALICE);

    expect(await store.findToken({ userName: ALICE.userName })).toEqual(saved);
  });
});

describe('redis store without a server', () => {
  it('names the refused connection after the timeout', async () => {
    const timeoutMs = 1000;
    const store = createRedisStore({
      url: `redis://127.0.0.1:${await closedPort()}`,
      timeoutMs,
    });

    try {
      const started = performance.now();
      const error = await rejectionOf(store.findToken({ userName: ALICE.userName }));
      const elapsed = performance.now() - started;

      expect(error.code).toBe('UNAVAILABLE');
      expect(elapsed).toBeGreaterThanOrEqual(timeoutMs - 50);
      expect(error.message).toContain('ECONNREFUSED');
      expect((error.cause as { code?: string }).code).toBe('ECONNREFUSED');
    } finally {
      await store.close();
    }
  });
});
