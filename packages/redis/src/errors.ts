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
 * - a refused command (read-only replica, missing ACL permission, wrong password) and
 *   anything else: `BACKEND`, with the reply's code in the message.
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
  if (BUSY_REPLIES.has(reply)) {
    return fail('UNAVAILABLE', `Redis cannot serve the call now (${reply})`);
  }
  if (DATA_REPLIES.has(reply)) {
    return fail('CORRUPT', `a key of the store holds a value of another type (${reply})`);
  }
  return fail('BACKEND', `Redis refused the command (${reply})`);
}

// ioredis gives server error replies the class name ReplyError.
function replyCode(error: Error): string | undefined {
  if (error.name !== 'ReplyError') {
    return undefined;
  }
  return /^([A-Z][A-Z_-]{1,31})\b/.exec(error.message)?.[1];
}
