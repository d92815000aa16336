/**
 * The mapping from mysql2's and the server's errors to the store's error codes. Server
 * messages can quote stored values ("Duplicate entry '…'"), so a message of ours names
 * only the error code; the server's error stays the `cause`.
 */
import { TokenStoreError, conflictError, type UniqueField } from '@tokenstore/core';

import { FIELD_OF_HASH_COLUMN } from './schema.js';

interface MysqlError {
  code?: unknown;
  errno?: unknown;
  fatal?: unknown;
  sqlMessage?: unknown;
}

/** The server's error numbers the store acts on. */
export const ER = {
  DUP_ENTRY: 1062,
  LOCK_WAIT_TIMEOUT: 1205,
  LOCK_DEADLOCK: 1213,
  MAX_PREPARED_STMT_COUNT_REACHED: 1461,
} as const;

// The server is out of a resource, shutting down, or dropped the connection: a retry
// later may work.
const UNAVAILABLE_ERRNOS: ReadonlyMap<number, string> = new Map([
  [1021, 'the server disk is full'],
  [1037, 'the server is out of memory'],
  [1038, 'the server is out of sort memory'],
  [1040, 'the server has too many connections'],
  [1041, 'the server is out of memory'],
  [1053, 'the server is shutting down'],
  [1114, 'the table is full'],
  [1135, 'the server cannot create a thread'],
  [1203, 'the user has too many connections'],
  [ER.LOCK_WAIT_TIMEOUT, 'a lock wait timed out'],
  [ER.LOCK_DEADLOCK, 'a deadlock persisted through every retry'],
  [1226, 'a resource limit of the user is exceeded'],
  [1317, 'the statement was interrupted'],
  [ER.MAX_PREPARED_STMT_COUNT_REACHED, 'the server reached max_prepared_stmt_count'],
  [1927, 'the connection was killed'],
  [1969, 'the statement timed out'],
  [2013, 'the connection to the server was lost'],
  [3024, 'the statement timed out'],
  [4031, 'the server closed the idle connection'],
]);

// Errors of the client side of the connection (Node's socket, mysql2's protocol).
const CONNECTION_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EHOSTDOWN',
  'ENOTFOUND',
  'EAI_AGAIN',
  'PROTOCOL_CONNECTION_LOST',
  'PROTOCOL_SEQUENCE_TIMEOUT',
]);

// Server error numbers start at 1000; Node's socket errors carry negative errnos.
const SERVER_ERRNO_MIN = 1000;

// Server errors that mean the connection is gone, so nothing more was done through it.
const CONNECTION_LOST_ERRNOS: ReadonlySet<number> = new Set([1053, 1927, 2013, 4031]);

/**
 * Maps an error of mysql2 or the server to a `TokenStoreError`, or returns `undefined`
 * so that the core reports it as `BACKEND` with its code:
 * - connection loss, time-outs, too many connections, lock-wait time-outs, deadlocks
 *   left after the retries, and exhausted server resources: `UNAVAILABLE`;
 * - a duplicate value in a unique column: `CONFLICT` naming the field;
 * - a missing privilege, a trigger's SIGNAL, a read-only server: `BACKEND`.
 */
export function classifyMysqlError(error: unknown): TokenStoreError | undefined {
  if (error instanceof TokenStoreError) {
    return error;
  }
  const { code, errno } = describe(error);
  const reason = errno === undefined ? undefined : UNAVAILABLE_ERRNOS.get(errno);
  if (reason !== undefined) {
    return new TokenStoreError('UNAVAILABLE', `${reason} (${code ?? errno})`, { cause: error });
  }
  if (errno === ER.DUP_ENTRY) {
    return conflictError(duplicateField(error) ?? 'lookup value', error);
  }
  const refusal = errno === undefined ? undefined : REFUSALS.get(errno);
  if (refusal !== undefined) {
    return new TokenStoreError('BACKEND', `${refusal} (${code ?? errno})`, { cause: error });
  }
  if (isConnectionLost(error)) {
    return new TokenStoreError(
      'UNAVAILABLE',
      `cannot reach the server or lost the connection (${code ?? 'connection closed'})`,
      { cause: error },
    );
  }
  return undefined;
}

const REFUSALS: ReadonlyMap<number, string> = new Map([
  [1044, 'the database user has no access to the database'],
  [1045, 'the server rejected the user name or password'],
  [1049, 'the database does not exist'],
  [1142, 'the database user lacks a privilege on the table'],
  [1143, 'the database user lacks a privilege on a column'],
  [1153, 'the record is larger than the server allows in one packet (max_allowed_packet)'],
  [1227, 'the database user lacks a privilege'],
  [1290, 'the server runs with an option that rejects the statement, such as read_only'],
  [1644, 'the server rejected the write: a trigger or procedure raised an error'],
  [1836, 'the server is in read-only mode'],
]);

/**
 * Tells whether the connection of a failed statement is gone: a socket error, a lost
 * or killed connection, a server shutdown, or mysql2 refusing a closed connection.
 */
export function isConnectionLost(error: unknown): boolean {
  if (error instanceof TokenStoreError) {
    return false;
  }
  const { code, errno, fatal } = describe(error);
  if (code !== undefined && CONNECTION_CODES.has(code)) return true;
  if (errno !== undefined && errno >= SERVER_ERRNO_MIN) {
    return CONNECTION_LOST_ERRNOS.has(errno);
  }
  // mysql2 marks socket and protocol failures as fatal. Its refusal to use a connection
  // that is already closed is fatal too, and has neither a code nor an errno.
  return fatal;
}

/** Returns the server's error number of `error`, if it has one. */
export function errnoOf(error: unknown): number | undefined {
  return describe(error).errno;
}

/**
 * Returns the unique field whose index rejected a duplicate value, or `'id'` for the
 * primary key. It reads the index name at the end of ER_DUP_ENTRY's message: "… for
 * key 'user_name_hash'" on MariaDB, "… for key 'oauthtoken.user_name_hash'" on MySQL
 * 8.0.19 and later, which put the table name first.
 */
export function duplicateField(error: unknown): UniqueField | 'id' | undefined {
  const { sqlMessage } = error as MysqlError;
  if (typeof sqlMessage !== 'string') {
    return undefined;
  }
  const key = /for key '([^']*)'$/.exec(sqlMessage)?.[1];
  const indexName = key?.slice(key.lastIndexOf('.') + 1);
  if (indexName === 'PRIMARY') {
    return 'id';
  }
  return indexName === undefined ? undefined : FIELD_OF_HASH_COLUMN.get(indexName);
}

function describe(error: unknown): {
  code: string | undefined;
  errno: number | undefined;
  fatal: boolean;
} {
  const { code, errno, fatal } = (error ?? {}) as MysqlError;
  return {
    code: typeof code === 'string' ? code : undefined,
    errno: typeof errno === 'number' ? errno : undefined,
    fatal: fatal === true,
  };
}

/**
 * Returns `error` as a `TokenStoreError` that names the store and `operation`, for calls
 * that run outside a `TokenStore` (which does this itself), such as the upgrade.
 */
export function toStoreError(error: unknown, operation: string): TokenStoreError {
  const classified = classifyMysqlError(error);
  if (classified !== undefined) {
    return classified.withContext('mysql', operation);
  }
  const { code } = describe(error);
  const detail = code === undefined ? 'backend error' : `backend error (${code})`;
  return new TokenStoreError('BACKEND', detail, { store: 'mysql', operation, cause: error });
}
