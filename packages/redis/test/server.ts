/**
 * The Redis server of a test file, started through the conformance kit's provisioning
 * (a container, or the server named by TOKENSTORE_REDIS_URL), and helpers that talk
 * to it directly: an admin client, unique prefixes, and the keys a prefix owns.
 */
import { randomUUID } from 'node:crypto';

import { provideServer } from '@tokenstore/conformance/servers';
import type { TokenStore } from '@tokenstore/core';
import { Redis } from 'ioredis';
import { afterAll, onTestFinished } from 'vitest';

import { createRedisStore, type RedisStoreOptions } from '../src/index.js';

/** The server of this test file, or why there is none. */
export const provided = await provideServer('redis');

/** The server, for tests that run only when it is available. */
export const server = provided.available ? provided.server : undefined;

/** The reason shown in the name of a skipped suite. */
export const skipNote = provided.available ? '' : ` (skipped: ${provided.reason})`;

if (server !== undefined) {
  console.log(`redis store tests run on ${server.description}`);
}

/** A client for the tests' own commands, outside any store. */
export const admin =
  server === undefined ? undefined : new Redis(server.url, { maxRetriesPerRequest: 1 });
admin?.on('error', () => {
  // Tests restart and pause the server; the admin client reconnects by itself.
});

afterAll(async () => {
  admin?.disconnect();
  await server?.close();
});

/** Returns the admin client, for tests that run only when the server is available. */
export function adminClient(): Redis {
  if (admin === undefined) throw new Error('no Redis server for this test file');
  return admin;
}

/** Returns the server's URL, for tests that run only when the server is available. */
export function serverUrl(): string {
  if (server === undefined) throw new Error('no Redis server for this test file');
  return server.url;
}

/** Returns a prefix that no other test uses, such as `t-1f2e...:`. */
export function uniquePrefix(): string {
  return `t-${randomUUID().slice(0, 13)}:`;
}

/** Returns every key whose name starts with `{prefix}`, by SCAN. */
export async function keysOf(prefix: string): Promise<string[]> {
  const keys = new Set<string>();
  let cursor = '0';
  do {
    const [next, batch] = await adminClient().scan(cursor, 'MATCH', `{${prefix}}*`, 'COUNT', 1000);
    for (const key of batch) keys.add(key);
    cursor = next;
  } while (cursor !== '0');
  return [...keys];
}

/** Deletes every key of a prefix. */
export async function removePrefix(prefix: string): Promise<void> {
  const keys = await keysOf(prefix);
  if (keys.length > 0) await adminClient().del(...keys);
}

/**
 * Creates a store on the test server with a unique prefix (unless one is given), closed
 * and emptied when the test finishes.
 */
export function openStore(options: RedisStoreOptions = {}): TokenStore {
  const prefix = options.prefix ?? uniquePrefix();
  const store = createRedisStore({
    ...(options.client === undefined ? { url: serverUrl() } : {}),
    ...options,
    prefix,
  });
  onTestFinished(async () => {
    await store.close();
    await removePrefix(prefix);
  });
  return store;
}
