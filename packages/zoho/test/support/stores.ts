/**
 * The stores the bridge is tested over: in memory, SQLite and a file in a temporary
 * folder, and MySQL, Redis and MongoDB on servers started for the tests (skipped with
 * the reason where no server can be had, which fails the run under CI=true).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { provideServer, type ServerAvailability } from '@tokenstore/conformance/servers';
import type { TokenStore } from '@tokenstore/core';
import { createFileStore } from '@tokenstore/file';
import { createMemoryStore } from '@tokenstore/memory';
import { createMongoStore } from '@tokenstore/mongodb';
import { createMysqlStore } from '@tokenstore/mysql';
import { createRedisStore } from '@tokenstore/redis';
import { createSqliteStore } from '@tokenstore/sqlite';

/**
 * A kind of store under test. `open()` opens the same store every time it is called
 * (a new instance over the same data), so that a test can reopen it as a restarted
 * application would.
 */
export interface StoreKind {
  name: string;
  /** Why the tests over this store are skipped; undefined when they run. */
  skipReason: string | undefined;
  /** Returns a function that opens the store, over data of its own. */
  prepare(): () => TokenStore;
  /** Releases the servers and folders of the kind. */
  release(): Promise<void>;
}

function localKind(name: string, open: (folder: string) => TokenStore): StoreKind {
  const folders: string[] = [];
  return {
    name,
    skipReason: undefined,
    prepare() {
      const folder = mkdtempSync(join(tmpdir(), `tokenstore-zoho-${name}-`));
      folders.push(folder);
      return () => open(folder);
    },
    async release() {
      for (const folder of folders) rmSync(folder, { recursive: true, force: true });
    },
  };
}

function memoryKind(): StoreKind {
  return {
    name: 'memory',
    skipReason: undefined,
    prepare() {
      const store = createMemoryStore();
      // A memory store cannot be reopened: the same store stands for a reopened one.
      return () => store;
    },
    async release() {},
  };
}

function serverKind(
  name: string,
  provided: ServerAvailability,
  open: (url: string, unique: string) => TokenStore,
): StoreKind {
  return {
    name,
    skipReason: provided.available ? undefined : provided.reason,
    prepare() {
      if (!provided.available) throw new Error(`no ${name} server: ${provided.reason}`);
      const unique = `zoho_${randomBytes(6).toString('hex')}`;
      return () => open(provided.server.url, unique);
    },
    async release() {
      if (provided.available) await provided.server.close();
    },
  };
}

/** Returns every kind of store, starting the database servers. */
export async function storeKinds(): Promise<StoreKind[]> {
  const [mysql, redis, mongodb] = await Promise.all([
    provideServer('mysql'),
    provideServer('redis'),
    provideServer('mongodb'),
  ]);
  return [
    memoryKind(),
    localKind('sqlite', (folder) => createSqliteStore({ path: join(folder, 'tokens.db') })),
    localKind('file', (folder) => createFileStore({ path: join(folder, 'tokens.jsonl') })),
    serverKind('mysql', mysql, (url, unique) => createMysqlStore({ url, table: unique })),
    serverKind('redis', redis, (url, unique) => createRedisStore({ url, prefix: `${unique}:` })),
    serverKind('mongodb', mongodb, (url, unique) => createMongoStore({ url, database: unique })),
  ];
}
