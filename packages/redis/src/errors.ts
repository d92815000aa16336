/**
 * The mapping from ioredis and Redis errors to the store's error codes. Redis replies
 * start with an upper-case error code (`LOADING`, `OOM`, `NOPERM`...); only that code
 * goes into our message, because the rest of a reply can quote the command's values.
 */
import { TokenStoreError } from '@tokenstore/core';

/** Error codes of replies that mean "not now": the server is busy, loading or out of a resource. */
const BUSY_REPLIES: ReadonlySet<string> = new Set([
  'LOADING',
  'BUSY',
  'OOM',
  'MISCONF',
  'MASTERDOWN',
  'TRYAGAIN',
  'CLUSTERDOWN',
]);

/** Error codes of replies that mean a key contains data of a form the store did not write. */
const DATA_REPLIES: ReadonlySet<string> = new Set(['WRONGTYPE']);

/**
 * Error codes of replies that reject the client's credentials: a wrong user name or
 * password (`WRONGPASS`), or none where the server requires one (`NOAUTH`).
 */
const CREDENTIALS_REPLIES: ReadonlySet<string> = new Set(['WRONGPASS', 'NOAUTH']);

/** Node's codes for a connection that failed, broke or timed out. */
const CONNECTION_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/**
 * Messages of ioredis's own errors for a call that could not be sent or got no reply:
 * no connection (the offline queue is off), a closed connection, a command timeout, a
 * reconnect that dropped the commands in flight, a failed ready check.
 */
const CLIENT_MESSAGES = [
  "Stream isn't writeable",
  'Connection is closed',
  'Command timed out',
  'Reached the max retries per request limit',
  'Command aborted due to connection close',
  'Ready check failed',
  'connect ETIMEDOUT',
  'max number of clients reached',
];

/**
 * Maps an error of ioredis or Redis to a `TokenStoreError`, or returns `undefined` so
 * that the core reports it as `BACKEND` with its code:
 * - no connection, a lost connection, a timeout, too many clients, a server that is
 *   loading, busy with a script or out of memory: `UNAVAILABLE`;
 * - a key of the store that holds another type of value: `CORRUPT`;
 * - rejected credentials, a refused command (read-only replica, missing ACL
 *   permission) and anything else: `BACKEND`, with the reply's code in the message.
 */
export function classifyRedisError(error: unknown): TokenStoreError | undefined {
  if (!(error instanceof Error)) {
    return undefined;
  }
  const fail = (code: 'UNAVAILABLE' | 'CORRUPT' | 'BACKEND', detail: string): TokenStoreError =>
    new TokenStoreError(code, detail, { cause: error });

  const systemCode = (error as { code?: unknown }).code;
  if (typeof systemCode === 'string' && CONNECTION_CODES.has(systemCode)) {
    return fail('UNAVAILABLE', `cannot reach Redis (${systemCode})`);
  }
  if (CLIENT_MESSAGES.some((message) => error.message.includes(message))) {
    return fail('UNAVAILABLE', 'cannot reach Redis: no connection, or no reply in time');
  }

  const reply = replyCode(error);
  if (reply === undefined) {
    return undefined;
  }
  if (CREDENTIALS_REPLIES.has(reply)) {
    return fail('BACKEND', credentialsDetail(reply));
  }
  if (BUSY_REPLIES.has(reply)) {
    return fail('UNAVAILABLE', `Redis cannot serve the call now (${reply})`);
  }
  if (DATA_REPLIES.has(reply)) {
    return fail('CORRUPT', `a key of the store holds a value of another type (${reply})`);
  }
  return fail('BACKEND', `Redis refused the command (${reply})`);
}

/**
 * Returns the `BACKEND` error for a server that rejected the client's credentials
 * while it connected, or `undefined` when `error` is no such rejection. The message
 * names the reply's code only: the password never appears in it.
 */
export function credentialsError(error: Error): TokenStoreError | undefined {
  const reply = replyCode(error);
  if (reply === undefined || !CREDENTIALS_REPLIES.has(reply)) {
    return undefined;
  }
  return new TokenStoreError('BACKEND', credentialsDetail(reply), { cause: error });
}

/**
 * Returns a short name for a connection error that is safe to log or put in a
 * message: Node's code (`ECONNREFUSED`), the code of a Redis reply, or the error's name.
 */
export function connectionErrorName(error: Error): string {
  const systemCode = (error as { code?: unknown }).code;
  if (typeof systemCode === 'string') {
    return systemCode;
  }
  return replyCode(error) ?? error.name;
}

function credentialsDetail(reply: string): string {
  return (
    `the Redis server rejected the credentials (${reply}). ` +
    'Check the user name and password in the url or client'
  );
}

// ioredis gives server error replies the class name ReplyError.
function replyCode(error: Error): string | undefined {
  if (error.name !== 'ReplyError') {
    return undefined;
  }
  return /^([A-Z][A-Z_-]{1,31})\b/.exec(error.message)?.[1];
}
