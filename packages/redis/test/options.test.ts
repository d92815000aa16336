/**
 * The factory's checks, which need no server, and what the store does with the
 * connection it is given or creates: lazy connecting, ownership, ending the process.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';

import { createRedisStore, type RedisStoreOptions } from '../src/index.js';
import { ALICE, rejectionOf } from './helpers.js';
import { openStore, server, serverUrl, skipNote, uniquePrefix } from './server.js';

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

// net.connect opens its TCP handle synchronously, so a client that connected at
// construction would show up here at once.
function openSockets(): number {
  return process.getActiveResourcesInfo().filter((name) => name === 'TCPSocketWrap').length;
}

describe('createRedisStore options', () => {
  const lazyClient = new Redis({ lazyConnect: true });
  const invalid: Array<[string, RedisStoreOptions]> = [
    ['an empty prefix', { prefix: '' }],
    ['a prefix with braces', { prefix: 'a{b}:' }],
    ['a prefix with a glob character', { prefix: 'tokens*' }],
    ['a prefix of 65 characters', { prefix: 'p'.repeat(65) }],
    ['a timeout of 0', { timeoutMs: 0 }],
    ['a fractional timeout', { timeoutMs: 1.5 }],
    ['an http URL', { url: 'http://127.0.0.1:6379' }],
    ['both url and client', { url: 'redis://127.0.0.1:6379', client: lazyClient }],
    ['a client that is not ioredis', { client: {} as Redis }],
    [
      'a cluster client',
      {
        client: {
          ...lazyClient,
          callBuffer: () => undefined,
          options: {},
          isCluster: true,
        } as unknown as Redis,
      },
    ],
    ['a client with keyPrefix', { client: new Redis({ lazyConnect: true, keyPrefix: 'app:' }) }],
    ['a misspelt option', { keyPrefix: 'app:' } as RedisStoreOptions],
    [
      'a URL that turns the offline queue on',
      { url: 'redis://127.0.0.1:6379/?enableOfflineQueue=true' },
    ],
  ];

  for (const [name, options] of invalid) {
    it(`rejects ${name}`, () => {
      let thrown: unknown;
      try {
        createRedisStore(options);
      } catch (error) {
        thrown = error;
      }
      expect((thrown as { code?: string } | undefined)?.code).toBe('INVALID_OPTIONS');
    });
  }

  it('connects only on first use', async () => {
    const port = await closedPort();
    const socketsBefore = openSockets();
    const store = createRedisStore({ url: `redis://127.0.0.1:${port}`, timeoutMs: 500 });
    expect(openSockets()).toBe(socketsBefore);

    const started = performance.now();
    const error = await rejectionOf(store.findToken({ userName: ALICE.userName }));
    const elapsed = performance.now() - started;
    await store.close();

    expect(error.code).toBe('UNAVAILABLE');
    expect(elapsed).toBeLessThan(1500);
  });
});

describe.skipIf(server === undefined)(`redis store connections${skipNote}`, () => {
  it('leaves a given client open and warns about its options', async () => {
    const client = new Redis(serverUrl());
    const warnings: string[] = [];
    const store = openStore({ client, logger: { warn: (message) => warnings.push(message) } });

    await store.saveToken(ALICE);
    await store.close();

    expect(warnings.join('\n')).toMatch(/enableOfflineQueue on.*autoResendUnfulfilledCommands on/);
    expect(client.status).toBe('ready');
    expect(await client.ping()).toBe('PONG');
    client.disconnect();
  });

  it('lets the process end after close', async () => {
    const script = fileURLToPath(new URL('./fixtures/save-and-close.mjs', import.meta.url));
    const child = spawn(process.execPath, [script, serverUrl(), uniquePrefix()], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const [firstChunk] = (await once(child.stdout, 'data')) as [Buffer];
    const closedAt = performance.now();

    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    const [code, signal] = (await once(child, 'exit')) as [number | null, string | null];
    clearTimeout(timer);

    expect(firstChunk.toString()).toBe('closed\n');
    expect(signal).toBeNull();
    expect(code).toBe(0);
    expect(performance.now() - closedAt).toBeLessThan(2000);
  });
});
