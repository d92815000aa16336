/**
 * The mapping from mysql2's and the server's errors to error codes, for the reader of
 * Zoho token tables. Server messages can quote values, so a message of ours names only
 * the error code; the server's error stays the `cause`.
 */
import { TokenStoreError, isTokenStoreError } from '@tokenstore/core';

// Errors of the connection itself (Node's socket, mysql2's protocol): a retry later may work.
const CONNECTION_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'PROTOCOL_CONNECTION_LOST',
  'PROTOCOL_SEQUENCE_TIMEOUT',
]);

// Server errors that mean the URL or the table name is wrong, by error number.
const OPTION_ERRORS: ReadonlyMap<number, string> = new Map([
  [1044, 'the database user has no access to the database'],
  [1045, 'the server rejected the user name or password'],
  [1049, 'the database does not exist'],
  [1146, 'the table does not exist'],
]);

// Server errors that a retry later may cure, by error number.
const UNAVAILABLE_ERRORS: ReadonlyMap<number, string> = new Map([
  [1040, 'the server has too many connections'],
  [1053, 'the server is shutting down'],
  [1203, 'the user has too many connections'],
  [2013, 'the connection to the server was lost'],
  [3024, 'the query timed out'],
  [1969, 'the query timed out'],
]);

/**
 * Maps an error met while reading `table` to a `TokenStoreError` of `operation`:
 * rejected credentials and missing databases or tables are `INVALID_OPTIONS`, a server
 * that cannot be reached or timed out is `UNAVAILABLE`, anything else `BACKEND`.
 */
export function classifyTableError(
  error: unknown,
  table: string | undefined,
  operation: string,
): TokenStoreError {
  if (isTokenStoreError(error)) {
    return error;
  }
  const { code, errno, fatal } = describe(error);
  const label = code ?? (errno === undefined ? 'no error code' : String(errno));
  const subject = table === undefined ? 'connecting to the server' : `reading the table ${table}`;
  const context = { operation, cause: error };

  const optionReason = errno === undefined ? undefined : OPTION_ERRORS.get(errno);
  if (optionReason !== undefined) {
    return new TokenStoreError('INVALID_OPTIONS', `${optionReason} (${label})`, context);
  }
  const unavailableReason = errno === undefined ? undefined : UNAVAILABLE_ERRORS.get(errno);
  if (unavailableReason !== undefined) {
    return new TokenStoreError('UNAVAILABLE', `${unavailableReason} (${label})`, context);
  }
  if ((code !== undefined && CONNECTION_CODES.has(code)) || fatal) {
    return new TokenStoreError(
      'UNAVAILABLE',
      `${subject} failed: cannot reach the server or lost the connection (${label})`,
      context,
    );
  }
  return new TokenStoreError('BACKEND', `${subject} failed (${label})`, context);
}

function describe(error: unknown): { code?: string; errno?: number; fatal: boolean } {
  const candidate = (error ?? {}) as { code?: unknown; errno?: unknown; fatal?: unknown };
  return {
    ...(typeof candidate.code === 'string' ? { code: candidate.code } : {}),
    ...(typeof candidate.errno === 'number' ? { errno: candidate.errno } : {}),
    fatal: candidate.fatal === true,
  };
}
