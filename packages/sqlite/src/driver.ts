/**
 * Loads better-sqlite3 on first use, so that importing this package never fails, and
 * turns a missing driver or an unloadable native binding into an error with the command
 * that fixes it.
 */
import { createRequire } from 'node:module';

import { TokenStoreError } from '@tokenstore/core';
import type BetterSqlite3 from 'better-sqlite3';

/** A better-sqlite3 connection. */
export type Database = BetterSqlite3.Database;

/** A prepared better-sqlite3 statement. */
export type Statement = BetterSqlite3.Statement;

/** How to open a connection. */
export interface OpenOptions {
  readonly: boolean;
  /** SQLite's busy timeout: how long a statement waits for another connection's lock. */
  timeoutMs: number;
  /** Fail instead of creating the file when it does not exist. */
  fileMustExist: boolean;
}

type DatabaseConstructor = typeof BetterSqlite3;

const requireFromHere = createRequire(import.meta.url);
let loadedDriver: DatabaseConstructor | undefined;

/**
 * Opens a connection to `path`.
 *
 * @throws TokenStoreError `BACKEND` with an install hint when better-sqlite3 is missing
 *   or its native binding cannot be loaded (built for another Node.js version, or never
 *   built). SQLite's own errors are thrown as they are.
 */
export function openDatabase(path: string, options: OpenOptions): Database {
  const Database = loadDriver();
  try {
    return new Database(path, {
      readonly: options.readonly,
      fileMustExist: options.fileMustExist,
      timeout: options.timeoutMs,
    });
  } catch (error) {
    // better-sqlite3 loads its native binding in the first constructor call, not on require.
    throw isBindingLoadError(error) ? bindingError(error) : error;
  }
}

function loadDriver(): DatabaseConstructor {
  if (loadedDriver !== undefined) {
    return loadedDriver;
  }
  try {
    loadedDriver = requireFromHere('better-sqlite3') as DatabaseConstructor;
    return loadedDriver;
  } catch (error) {
    if (isModuleNotFound(error, 'better-sqlite3')) {
      throw new TokenStoreError(
        'BACKEND',
        'better-sqlite3 is not installed: install it with npm install better-sqlite3',
        { cause: error },
      );
    }
    throw bindingError(error);
  }
}

function isBindingLoadError(error: unknown): boolean {
  const { code, message } = describeError(error);
  if (code?.startsWith('SQLITE_')) {
    return false;
  }
  return (
    code === 'ERR_DLOPEN_FAILED' ||
    code === 'MODULE_NOT_FOUND' ||
    /NODE_MODULE_VERSION|bindings file|\.node\b/.test(message)
  );
}

function bindingError(cause: unknown): TokenStoreError {
  return new TokenStoreError(
    'BACKEND',
    `cannot load the native binding of better-sqlite3 on Node.js ${process.versions.node}: ` +
      'rebuild better-sqlite3 for this Node version: npm rebuild better-sqlite3',
    { cause },
  );
}

function isModuleNotFound(error: unknown, name: string): boolean {
  const { code, message } = describeError(error);
  return code === 'MODULE_NOT_FOUND' && message.includes(`'${name}'`);
}

function describeError(error: unknown): { code: string | undefined; message: string } {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  return {
    code: typeof code === 'string' ? code : undefined,
    message: typeof message === 'string' ? message : '',
  };
}
