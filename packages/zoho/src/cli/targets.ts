/**
 * The stores the command writes to, chosen by `--to`. Each adapter is loaded with a
 * dynamic import when it is used, so that only the one chosen must be installed.
 */
import { fileURLToPath } from 'node:url';

import type { TokenStore } from '@tokenstore/core';

import { maskUrl } from './mask-url.js';
import { checkMysqlUrl } from './mysql-url.js';
import { UsageError } from './usage-error.js';

/** A parsed `--to` value. */
export type ImportTarget =
  | { kind: 'sqlite'; path: string }
  | { kind: 'file'; path: string }
  | { kind: 'mysql'; url: string }
  | { kind: 'redis'; url: string }
  | { kind: 'mongodb'; url: string };

/** The store of a target, and how the summary names it. */
export interface OpenedTarget {
  store: TokenStore;
  /** The target without secrets, such as `sqlite:tokens.db`. */
  description: string;
}

/** A store adapter that is not installed, with the command that installs it. */
export class MissingAdapterError extends Error {
  override readonly name = 'MissingAdapterError';
}

// The packages that `npm install` needs for each kind: the adapter and its driver.
const PACKAGES: Readonly<Record<ImportTarget['kind'], string>> = {
  sqlite: '@tokenstore/sqlite better-sqlite3',
  file: '@tokenstore/file',
  mysql: '@tokenstore/mysql mysql2',
  redis: '@tokenstore/redis ioredis',
  mongodb: '@tokenstore/mongodb mongodb',
};

/** The accepted forms of `--to`, for the usage error. */
const TARGET_FORMS =
  'sqlite:PATH, file:PATH, a file:// URL, or a mysql://, mariadb://, redis://, rediss://, ' +
  'mongodb:// or mongodb+srv:// URL';

/**
 * Parses a `--to` value: `sqlite:PATH`, `file:PATH` (or a `file://` URL), or a
 * `mysql://`, `mariadb://`, `redis://`, `rediss://`, `mongodb://` or `mongodb+srv://`
 * URL. The MongoDB adapter takes the database from a MongoDB URL's path.
 *
 * @throws UsageError for any other value, an in-memory SQLite database (it would be
 *   lost when the command ends), and a MySQL URL that mysql2 cannot use.
 */
export function parseTarget(target: string): ImportTarget {
  if (target.startsWith('file://')) {
    return { kind: 'file', path: filePathOf(target) };
  }
  const pathTarget = /^(sqlite|file):(.+)$/.exec(target);
  if (pathTarget !== null) {
    const [, kind, path] = pathTarget;
    if (kind === 'sqlite' && path === ':memory:') {
      throw new UsageError(
        '--to sqlite::memory: is not a target: an in-memory SQLite database would be lost when the command ends',
      );
    }
    return { kind: kind as 'sqlite' | 'file', path: path! };
  }
  if (/^(mysql|mariadb):\/\/./.test(target)) {
    checkMysqlUrl(target, '--to');
    return { kind: 'mysql', url: target };
  }
  if (/^rediss?:\/\/./.test(target)) {
    return { kind: 'redis', url: target };
  }
  if (/^mongodb(\+srv)?:\/\/./.test(target)) {
    return { kind: 'mongodb', url: target };
  }
  throw new UsageError(`--to must be ${TARGET_FORMS}`);
}

/**
 * Creates the store of a target, with the description the summary shows.
 *
 * @throws MissingAdapterError when the adapter package or its driver is not installed.
 */
export async function openTarget(target: ImportTarget): Promise<OpenedTarget> {
  try {
    switch (target.kind) {
      case 'sqlite': {
        const { createSqliteStore } = await import('@tokenstore/sqlite');
        return opened(createSqliteStore({ path: target.path }), `sqlite:${target.path}`);
      }
      case 'file': {
        const { createFileStore } = await import('@tokenstore/file');
        return opened(createFileStore({ path: target.path }), `file:${target.path}`);
      }
      case 'mysql': {
        const { createMysqlStore } = await import('@tokenstore/mysql');
        return opened(createMysqlStore({ url: target.url }), maskUrl(target.url));
      }
      case 'redis': {
        const { createRedisStore } = await import('@tokenstore/redis');
        return opened(createRedisStore({ url: target.url }), maskUrl(target.url));
      }
      case 'mongodb': {
        const { createMongoStore, DEFAULT_DATABASE } = await import('@tokenstore/mongodb');
        const store = createMongoStore({ url: target.url });
        const database = mongoDatabaseOf(target.url) ?? DEFAULT_DATABASE;
        return opened(store, `${maskUrl(target.url)} (database ${database})`);
      }
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND') {
      throw new MissingAdapterError(
        `writing to ${target.kind} needs packages that are not installed: npm install ${PACKAGES[target.kind]}`,
        { cause: error },
      );
    }
    throw error;
  }
}

function opened(store: TokenStore, description: string): OpenedTarget {
  return { store, description };
}

function filePathOf(url: string): string {
  try {
    return fileURLToPath(url);
  } catch {
    throw new UsageError('--to is not a valid file:// URL: use file:///ABSOLUTE/PATH or file:PATH');
  }
}

// The database the MongoDB adapter takes from a URL's path when no `database` option
// is given: the path's text before the query, percent-decoded. The adapter has already
// rejected a path that does not decode when this runs.
function mongoDatabaseOf(url: string): string | undefined {
  const path = /^mongodb(?:\+srv)?:\/\/[^/?]*\/([^?]*)/.exec(url)?.[1];
  if (path === undefined || path === '') return undefined;
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}
