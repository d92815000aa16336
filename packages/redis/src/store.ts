/**
 * `createRedisStore`: a token store on Redis through ioredis. Records are hashes,
 * each user name and token value has an index key, and scripts keep both consistent
 * (see keys.ts and scripts.ts). Every operation is bounded by `timeoutMs`.
 */
import {
  TokenStoreError,
  createTokenStore,
  type LookupKey,
  type OAuthToken,
  type StoredToken,
  type TokenStore,
  type TokenStoreBackend,
} from '@tokenstore/core';

import { withTimeout, type OperationBudget } from './budget.js';
import {
  findRecord,
  readRecords,
  scanKeys,
  sweepIndexKeys,
  type StoreContext,
} from './commands.js';
import { Connection } from './connection.js';
import { classifyRedisError } from './errors.js';
import { KeyLayout } from './keys.js';
import { resolveOptions, type RedisStoreOptions } from './options.js';
import type { StoredRecord } from './records.js';
import { MAX_ATTEMPTS, deleteStored, deleteToken, saveToken } from './upsert.js';

/**
 * Creates a token store on Redis. Nothing connects until the first call.
 *
 * @throws TokenStoreError `INVALID_OPTIONS` when an option is invalid.
 */
export function createRedisStore(options: RedisStoreOptions = {}): TokenStore {
  const settings = resolveOptions(options);
  const connection =
    settings.client === undefined
      ? Connection.fromUrl(settings.url, settings.timeoutMs, settings.logger)
      : Connection.fromClient(settings.client, settings.logger);
  const context: StoreContext = { connection, keys: new KeyLayout(settings.prefix) };
  return createTokenStore('redis', new RedisBackend(context, settings.timeoutMs));
}

class RedisBackend implements TokenStoreBackend {
  readonly #context: StoreContext;
  readonly #timeoutMs: number;

  constructor(context: StoreContext, timeoutMs: number) {
    this.#context = context;
    this.#timeoutMs = timeoutMs;
  }

  // Runs one operation within the timeout. A timeout while there is no connection
  // names the connection's last error, such as ECONNREFUSED.
  #run<T>(body: (budget: OperationBudget) => Promise<T>): Promise<T> {
    const { connection } = this.#context;
    return withTimeout(this.#timeoutMs, body, () => connection.lastError);
  }

  find(key: LookupKey): Promise<StoredToken | null> {
    return this.#run(async (budget) => {
      const { value } = await findRecord(this.#context, budget, key);
      return value?.record ?? null;
    });
  }

  save(token: OAuthToken, key: LookupKey | null): Promise<StoredToken> {
    return this.#run((budget) => saveToken(this.#context, budget, token, key));
  }

  delete(id: string): Promise<void> {
    return this.#run((budget) => deleteToken(this.#context, budget, id));
  }

  list(): Promise<StoredToken[]> {
    return this.#run(async (budget) => {
      const recordKeys = await scanKeys(this.#context, budget, this.#context.keys.recordPattern);
      const { value } = await readRecords(this.#context, budget, [...recordKeys]);
      return value.filter((stored) => stored !== null).map((stored) => stored.record);
    });
  }

  // Deletes record by record, each with its index keys and its revision check, so that
  // a save running meanwhile leaves either a whole record or none. Index keys left
  // behind by records that something else removed go last.
  clear(): Promise<void> {
    return this.#run(async (budget) => {
      const { keys } = this.#context;
      const storeKeys = await scanKeys(this.#context, budget, keys.storePattern);
      let pending = [...storeKeys].filter((key) => keys.isRecordKey(key));

      for (let attempt = 1; pending.length > 0 && attempt <= MAX_ATTEMPTS; attempt += 1) {
        const { value: records, fence } = await readRecords(this.#context, budget, pending);
        const present = records.filter((stored): stored is StoredRecord => stored !== null);
        const outcomes = await Promise.all(
          present.map((stored) => deleteStored(this.#context, budget, stored, fence)),
        );
        pending = present
          .filter((_, index) => outcomes[index] === 'stale')
          .map((stored) => keys.recordKey(stored.record.id));
      }
      if (pending.length > 0) {
        throw new TokenStoreError(
          'UNAVAILABLE',
          `records changed on each of ${MAX_ATTEMPTS} attempts to delete them`,
        );
      }

      const indexKeys = [...storeKeys].filter((key) => keys.isIndexKey(key));
      await sweepIndexKeys(this.#context, budget, indexKeys);
    });
  }

  close(): Promise<void> {
    return this.#context.connection.close();
  }

  classifyError(error: unknown): TokenStoreError | undefined {
    return classifyRedisError(error);
  }
}
