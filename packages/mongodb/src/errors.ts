/**
 * The mapping from the driver's and the server's errors to the store's error codes.
 * Errors are recognised by their class name and numeric code, never by `instanceof`,
 * so that errors of another copy of the driver (a client the caller passed) are
 * classified the same way.
 */
import { TokenStoreError } from '@tokenstore/core';

/** MongoDB's code for a duplicate key in a unique index. */
export const DUPLICATE_KEY = 11000;

// Driver errors raised when the server cannot be reached or stopped replying.
const UNREACHABLE_ERRORS: ReadonlySet<string> = new Set([
  'MongoNetworkError',
  'MongoNetworkTimeoutError',
  'MongoServerSelectionError',
  'MongoPoolClearedError',
  'PoolClearedOnNetworkError',
  'MongoWaitQueueTimeoutError',
  'MongoServerClosedError',
  'MongoOperationTimeoutError',
]);

// Server codes for a server that is shutting down, stepping down, out of a resource or
// past a time limit: a later retry may work.
const TRANSIENT_SERVER_CODES: ReadonlySet<number> = new Set([
  6, // HostUnreachable
  7, // HostNotFound
  24, // LockTimeout
  46, // LockBusy
  50, // MaxTimeMSExpired
  89, // NetworkTimeout
  91, // ShutdownInProgress
  112, // WriteConflict
  146, // ExceededMemoryLimit
  189, // PrimarySteppedDown
  262, // ExceededTimeLimit
  264, // TooManyFilesOpen
  9001, // SocketException
  10107, // NotWritablePrimary
  11600, // InterruptedAtShutdown
  11602, // InterruptedDueToReplStateChange
  13435, // NotPrimaryNoSecondaryOk
  13436, // NotPrimaryOrSecondary
]);

// Server codes for a permanent rejection that the user has to fix.
const REJECTION_MESSAGES: ReadonlyMap<number, string> = new Map([
  [
    13,
    'the server rejected the command because the user lacks a privilege (Unauthorized): grant it the readWrite role on the database',
  ],
  [
    18,
    'the server rejected the credentials (AuthenticationFailed): check the user and password of the connection string',
  ],
  [121, 'the server rejected the document because it fails the collection validator'],
  [238, 'the server does not implement a command or option the store needs (NotImplemented)'],
]);

/**
 * Maps an error of the driver or the server to a `TokenStoreError`, or returns
 * `undefined` for the core to report as `BACKEND`:
 * - the server unreachable, a lost connection, a timeout, a full connection pool, a
 *   shutting-down, stepping-down or overloaded server, a lock, memory, open-file or
 *   time limit: `UNAVAILABLE`;
 * - a missing privilege, rejected credentials, a validator, a missing feature, a client
 *   closed by the caller: `BACKEND` with a message that names it;
 * - any other server error: `BACKEND` naming its code name and number;
 * - a duplicate key that the upsert did not resolve: `CONFLICT`.
 */
export function classifyMongoError(error: unknown): TokenStoreError | undefined {
  const { name, code, codeName } = describeError(error);
  if (name !== undefined && UNREACHABLE_ERRORS.has(name)) {
    return new TokenStoreError('UNAVAILABLE', `cannot reach the MongoDB server (${name})`, {
      cause: error,
    });
  }
  if (name === 'MongoTopologyClosedError' || name === 'MongoClientClosedError') {
    return new TokenStoreError(
      'BACKEND',
      'the MongoDB client is closed: the client passed to the store must stay open while the store is used',
      { cause: error },
    );
  }
  if (hasErrorLabel(error, 'SystemOverloadedError')) {
    return new TokenStoreError('UNAVAILABLE', 'the MongoDB server is overloaded', {
      cause: error,
    });
  }
  if (code === undefined) {
    return undefined;
  }
  if (isDuplicateKeyError(error)) {
    return new TokenStoreError(
      'CONFLICT',
      'a unique index rejected the write: another record has one of its lookup values',
      {
        cause: error,
      },
    );
  }
  if (TRANSIENT_SERVER_CODES.has(code)) {
    return new TokenStoreError(
      'UNAVAILABLE',
      `the MongoDB server cannot serve the command now (${codeName ?? 'code'} ${code})`,
      { cause: error },
    );
  }
  const rejection = REJECTION_MESSAGES.get(code);
  return new TokenStoreError(
    'BACKEND',
    rejection ?? `the MongoDB server rejected the command (${codeName ?? 'code'} ${code})`,
    { cause: error },
  );
}

/**
 * Tells whether a write failed on a unique index. MongoDB and FerretDB report code
 * 11000, except FerretDB 1.24 when an update (not an insert) breaks a unique index:
 * it passes on SQLite's error as an internal error (code 1) whose message contains
 * "UNIQUE constraint failed".
 */
export function isDuplicateKeyError(error: unknown): boolean {
  const { code, message } = describeError(error);
  if (code === DUPLICATE_KEY) {
    return true;
  }
  return code === 1 && message.includes('UNIQUE constraint failed');
}

function hasErrorLabel(error: unknown, label: string): boolean {
  const labels = (error as { errorLabels?: unknown } | null)?.errorLabels;
  return Array.isArray(labels) && labels.includes(label);
}

interface ErrorFacts {
  name: string | undefined;
  code: number | undefined;
  codeName: string | undefined;
  message: string;
}

function describeError(error: unknown): ErrorFacts {
  if (typeof error !== 'object' || error === null) {
    return { name: undefined, code: undefined, codeName: undefined, message: '' };
  }
  const { name, code, codeName, message } = error as Record<string, unknown>;
  return {
    name: typeof name === 'string' ? name : undefined,
    code: typeof code === 'number' ? code : undefined,
    codeName: typeof codeName === 'string' && /^\w{1,64}$/.test(codeName) ? codeName : undefined,
    message: typeof message === 'string' ? message : '',
  };
}
