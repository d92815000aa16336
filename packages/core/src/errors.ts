/**
 * The one error class that every store throws, with a stable code that callers
 * can branch on.
 */

/**
 * - `INVALID_TOKEN`: the input breaks the contract (a wrong type, no token to save).
 * - `INVALID_OPTIONS`: a store was created with options it cannot use (thrown by the
 *   factory, so that a configuration mistake never reads as a database failure).
 * - `CONFLICT`: a user name or token value that another record holds.
 * - `UNAVAILABLE`: the backend cannot be reached or is out of a resource; a retry later may work.
 * - `CORRUPT`: stored data that cannot be read; it is never overwritten silently.
 * - `CLOSED`: the store was closed.
 * - `BACKEND`: any other backend failure, such as a missing privilege.
 */
export type TokenStoreErrorCode =
  | 'INVALID_TOKEN'
  | 'INVALID_OPTIONS'
  | 'CONFLICT'
  | 'UNAVAILABLE'
  | 'CORRUPT'
  | 'CLOSED'
  | 'BACKEND';

/** The context of an error: the store's name, the operation and the backend's error. */
export interface ErrorContext {
  /** The store's name, such as `sqlite` or `file`. */
  store?: string;
  /** The operation, such as `saveToken`. */
  operation?: string;
  /** The backend's error. */
  cause?: unknown;
}

/**
 * An error of a token store. Its message names the store and the operation and
 * never contains a token value or a client secret; the backend's error is `cause`.
 */
export class TokenStoreError extends Error {
  override readonly name = 'TokenStoreError';
  readonly code: TokenStoreErrorCode;
  /** The store's name, when known. */
  readonly store: string | undefined;
  /** The operation that failed, when known. */
  readonly operation: string | undefined;
  /** The message without the store and operation prefix. */
  readonly detail: string;

  constructor(code: TokenStoreErrorCode, detail: string, context: ErrorContext = {}) {
    super(
      formatMessage(detail, context),
      context.cause === undefined ? {} : { cause: context.cause },
    );
    this.code = code;
    this.detail = detail;
    this.store = context.store;
    this.operation = context.operation;
  }

  /** Returns a copy of this error that names the given store and operation. */
  withContext(store: string, operation: string): TokenStoreError {
    if (this.store !== undefined && this.operation !== undefined) {
      return this;
    }
    const error = new TokenStoreError(this.code, this.detail, {
      store: this.store ?? store,
      operation: this.operation ?? operation,
      cause: this.cause,
    });
    error.stack = this.stack;
    return error;
  }
}

/**
 * Tells whether `error` is a `TokenStoreError`, optionally with the given code. Unlike
 * `instanceof`, it also recognises errors from another copy of this package, as
 * installed when two packages resolve different versions of the core.
 */
export function isTokenStoreError(
  error: unknown,
  code?: TokenStoreErrorCode,
): error is TokenStoreError {
  const isStoreError =
    error instanceof TokenStoreError ||
    (error instanceof Error &&
      error.name === 'TokenStoreError' &&
      typeof (error as { code?: unknown }).code === 'string');
  return isStoreError && (code === undefined || (error as TokenStoreError).code === code);
}

function formatMessage(detail: string, { store, operation }: ErrorContext): string {
  if (store === undefined) {
    return operation === undefined ? detail : `${operation}: ${detail}`;
  }
  return `[tokenstore/${store}] ${operation ?? 'operation'} failed: ${detail}`;
}

/**
 * Builds the `INVALID_OPTIONS` error that a store's factory (the `operation`, such as
 * `createSqliteStore`) throws for an option it cannot use.
 */
export function invalidOptionsError(
  store: string,
  operation: string,
  detail: string,
): TokenStoreError {
  return new TokenStoreError('INVALID_OPTIONS', `invalid options: ${detail}`, { store, operation });
}

/**
 * Throws `INVALID_OPTIONS` when `options` is not an object or names an option outside
 * `known`, so that a misspelt option (`tableName` for `table`) never falls back to a
 * default in silence.
 */
export function checkOptionNames(
  store: string,
  operation: string,
  options: unknown,
  known: readonly string[],
): void {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw invalidOptionsError(store, operation, 'expected an options object');
  }
  const unknown = Object.keys(options).filter((name) => !known.includes(name));
  if (unknown.length > 0) {
    const names = unknown.map((name) => JSON.stringify(name.slice(0, 40))).join(', ');
    throw invalidOptionsError(
      store,
      operation,
      `unknown option ${names}; the options are ${known.join(', ')}`,
    );
  }
}
