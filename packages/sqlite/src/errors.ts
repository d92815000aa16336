/** The mapping from SQLite's error codes to the store's error codes. */
import { TokenStoreError, conflictError, type TokenStoreErrorCode } from '@tokenstore/core';

import { UNIQUE_COLUMNS } from './schema.js';

/**
 * Maps an error of better-sqlite3 to a `TokenStoreError`, or returns `undefined` so
 * that the core reports it as `BACKEND` with its code:
 * - a lock held past the busy timeout, or no memory or disk space: `UNAVAILABLE`;
 * - a damaged file or one that is not a database: `CORRUPT`;
 * - a read-only database and refused permissions: `BACKEND` with a message naming the cause;
 * - a unique index violation: `CONFLICT` naming the field.
 */
export function classifySqliteError(
  error: unknown,
  timeoutMs: number,
  path: string,
): TokenStoreError | undefined {
  const code = sqliteCode(error);
  if (code === undefined) {
    return undefined;
  }
  const fail = (kind: TokenStoreErrorCode, detail: string): TokenStoreError =>
    new TokenStoreError(kind, `${detail} (${code})`, { cause: error });

  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
    return fail(
      'UNAVAILABLE',
      `the database is locked by another connection; gave up after ${timeoutMs} ms`,
    );
  }
  if (code.startsWith('SQLITE_FULL') || code.startsWith('SQLITE_NOMEM')) {
    return fail('UNAVAILABLE', 'SQLite ran out of disk space or memory');
  }
  if (code.startsWith('SQLITE_CORRUPT') || code.startsWith('SQLITE_NOTADB')) {
    return fail('CORRUPT', 'the database file is damaged or is not a SQLite database');
  }
  if (code.startsWith('SQLITE_READONLY')) {
    return fail(
      'BACKEND',
      'the database is read-only: it was opened read-only, or its file or folder cannot be written',
    );
  }
  if (
    code.startsWith('SQLITE_CANTOPEN') ||
    code.startsWith('SQLITE_PERM') ||
    code.startsWith('SQLITE_AUTH')
  ) {
    return fail(
      'BACKEND',
      `cannot open or access the database file ${path}: check that it is a file, ` +
        'that its folder exists, and their permissions',
    );
  }
  return conflictFromConstraint(error);
}

/**
 * Returns the `CONFLICT` error for a unique index violation, naming the field whose
 * value another record holds, or `undefined` for any other error.
 */
export function conflictFromConstraint(error: unknown): TokenStoreError | undefined {
  const code = sqliteCode(error);
  if (code !== 'SQLITE_CONSTRAINT_UNIQUE' && code !== 'SQLITE_CONSTRAINT_PRIMARYKEY') {
    return undefined;
  }
  // SQLite names the columns of the violated index: "UNIQUE constraint failed: oauthtoken.user_name".
  const message = (error as Error).message;
  const column = /\.(\w+)$/.exec(message)?.[1];
  const field = column === undefined ? undefined : UNIQUE_COLUMNS.get(column);
  return conflictError(field ?? column ?? 'lookup value', error);
}

function sqliteCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('SQLITE_') ? code : undefined;
}

/**
 * Returns `error` as a `TokenStoreError` that names the store and `operation`, for code
 * that runs outside a `TokenStore` (which does this itself).
 */
export function toStoreError(
  error: unknown,
  operation: string,
  timeoutMs: number,
  path: string,
): TokenStoreError {
  if (error instanceof TokenStoreError) {
    return error.withContext('sqlite', operation);
  }
  const classified = classifySqliteError(error, timeoutMs, path);
  if (classified !== undefined) {
    return classified.withContext('sqlite', operation);
  }
  const code = sqliteCode(error);
  return new TokenStoreError(
    'BACKEND',
    code === undefined ? 'backend error' : `backend error (${code})`,
    {
      store: 'sqlite',
      operation,
      cause: error,
    },
  );
}
