/**
 * The `TokenStore` contract and `createTokenStore`, which turns a backend's raw
 * operations into a store: it validates input, applies the lookup-key rules, copies
 * records in and out, names the store and operation in every error, and handles
 * `close()`. Adapters write only what their backend does differently.
 */
import { TokenStoreError } from './errors.js';
import { lookupKeyOf, type LookupKey } from './lookup.js';
import { copyToken, type OAuthToken, type StoredToken, type TokenInput } from './token.js';
import { carriesTokenValue, normalizeId, normalizeToken } from './validate.js';

/** A place where OAuth tokens are kept. Every operation is async. */
export interface TokenStore {
  /** Returns the record that the token's lookup key finds, or `null`. */
  findToken(token: TokenInput): Promise<StoredToken | null>;
  /** Inserts the token, or updates the record its lookup key finds; returns the stored record. */
  saveToken(token: TokenInput): Promise<StoredToken>;
  /** Removes the record with this id; an unknown id is not an error. */
  deleteToken(id: string): Promise<void>;
  /** Returns every record of this store. */
  getTokens(): Promise<StoredToken[]>;
  /** Removes every record of this store, and nothing outside it. */
  deleteTokens(): Promise<void>;
  /** Returns the record with this id, or `null`. */
  findTokenById(id: string): Promise<StoredToken | null>;
  /** Waits for calls in flight, then releases the backend. Safe to call twice. */
  close(): Promise<void>;
}

/**
 * The raw operations of one backend. They receive validated input only, and may
 * return records that the caller then copies.
 */
export interface TokenStoreBackend {
  /** Returns the record whose `key.field` holds exactly `key.value`, or `null`. */
  find(key: LookupKey): Promise<StoredToken | null>;
  /**
   * Upserts atomically: finds the record by `key` (none when `key` is `null`), merges
   * with `resolveUpsert`, and writes, throwing `conflictError` when another record holds
   * one of the written unique values.
   */
  save(token: OAuthToken, key: LookupKey | null): Promise<StoredToken>;
  delete(id: string): Promise<void>;
  list(): Promise<StoredToken[]>;
  clear(): Promise<void>;
  /** Releases connections, handles and locks. Called once. */
  close(): Promise<void>;
  /**
   * Maps an error of the backend to a `TokenStoreError` (for example a lost connection
   * to `UNAVAILABLE`), or returns `undefined` to report it as `BACKEND`.
   */
  classifyError?(error: unknown): TokenStoreError | undefined;
}

/** Receives what a store can tell its user, such as a schema it created. Never secrets. */
export interface TokenStoreLogger {
  debug?(message: string): void;
  info?(message: string): void;
  warn?(message: string): void;
}

/** Options every adapter accepts. */
export interface CommonStoreOptions {
  /**
   * How long an operation may wait for a lock or a server, in milliseconds, before it
   * fails with `UNAVAILABLE`. @default 5000
   */
  timeoutMs?: number;
  /** The receiver of what the store did, such as a schema it created. @default no logging */
  logger?: TokenStoreLogger;
}

/** The default of `CommonStoreOptions.timeoutMs`. */
export const DEFAULT_TIMEOUT_MS = 5000;

/**
 * Builds a `TokenStore` named `name` (used in error messages) over a backend. Its
 * methods are bound, so they also work when passed around on their own.
 */
export function createTokenStore(name: string, backend: TokenStoreBackend): TokenStore {
  const store = new ManagedTokenStore(name, backend);
  return {
    findToken: store.findToken.bind(store),
    saveToken: store.saveToken.bind(store),
    deleteToken: store.deleteToken.bind(store),
    getTokens: store.getTokens.bind(store),
    deleteTokens: store.deleteTokens.bind(store),
    findTokenById: store.findTokenById.bind(store),
    close: store.close.bind(store),
  };
}

class ManagedTokenStore implements TokenStore {
  readonly #name: string;
  readonly #backend: TokenStoreBackend;
  readonly #pending = new Set<Promise<unknown>>();
  #closing: Promise<void> | undefined;

  constructor(name: string, backend: TokenStoreBackend) {
    this.#name = name;
    this.#backend = backend;
  }

  findToken(input: TokenInput): Promise<StoredToken | null> {
    return this.#run('findToken', async () => {
      const key = lookupKeyOf(normalizeToken(input));
      return key === null ? null : this.#backend.find(key);
    });
  }

  saveToken(input: TokenInput): Promise<StoredToken> {
    return this.#run('saveToken', async () => {
      const token = normalizeToken(input);
      const key = lookupKeyOf(token);
      if (key === null && !carriesTokenValue(token)) {
        throw new TokenStoreError(
          'INVALID_TOKEN',
          'the token carries no access, refresh or grant token and no lookup key',
        );
      }
      return this.#backend.save(token, key);
    });
  }

  deleteToken(id: string): Promise<void> {
    return this.#run('deleteToken', async () => {
      const validId = normalizeId(id);
      if (validId !== undefined) {
        await this.#backend.delete(validId);
      }
    });
  }

  getTokens(): Promise<StoredToken[]> {
    return this.#run('getTokens', () => this.#backend.list());
  }

  deleteTokens(): Promise<void> {
    return this.#run('deleteTokens', () => this.#backend.clear());
  }

  findTokenById(id: string): Promise<StoredToken | null> {
    return this.#run('findTokenById', async () => {
      const validId = normalizeId(id);
      return validId === undefined ? null : this.#backend.find({ field: 'id', value: validId });
    });
  }

  close(): Promise<void> {
    this.#closing ??= this.#closeBackend();
    return this.#closing;
  }

  async #closeBackend(): Promise<void> {
    await Promise.allSettled([...this.#pending]);
    try {
      await this.#backend.close();
    } catch (error) {
      throw this.#toStoreError(error, 'close');
    }
  }

  #run<T>(operation: string, body: () => Promise<T>): Promise<T> {
    if (this.#closing !== undefined) {
      return Promise.reject(
        new TokenStoreError('CLOSED', 'the store is closed', { store: this.#name, operation }),
      );
    }
    const call = this.#settle(operation, body);
    this.#pending.add(call);
    void call.then(
      () => this.#pending.delete(call),
      () => this.#pending.delete(call),
    );
    return call;
  }

  async #settle<T>(operation: string, body: () => Promise<T>): Promise<T> {
    try {
      return copyResult(await body());
    } catch (error) {
      throw this.#toStoreError(error, operation);
    }
  }

  #toStoreError(error: unknown, operation: string): TokenStoreError {
    if (error instanceof TokenStoreError) {
      return error.withContext(this.#name, operation);
    }
    const classified = this.#backend.classifyError?.(error);
    if (classified !== undefined) {
      return classified.withContext(this.#name, operation);
    }
    return new TokenStoreError('BACKEND', `backend error${describeCode(error)}`, {
      store: this.#name,
      operation,
      cause: error,
    });
  }
}

function copyResult<T>(result: T): T {
  if (Array.isArray(result)) {
    return result.map((record: StoredToken) => copyToken(record)) as T;
  }
  if (typeof result === 'object' && result !== null) {
    return copyToken(result as OAuthToken) as T;
  }
  return result;
}

// Driver messages can quote stored values (MySQL's "Duplicate entry '…'"), so only
// the driver's error code goes into our message; the whole error stays the cause.
function describeCode(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[A-Za-z0-9_.-]{1,64}$/.test(code) ? ` (${code})` : '';
}
