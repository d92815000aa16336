/**
 * A tokenstore store seen through the token store interface of the Zoho CRM TypeScript
 * SDK, so that the SDK keeps its tokens there.
 */
import type { TokenStore } from '@tokenstore/core';
import type { TokenStore as SdkTokenStore } from '@zohocrm/typescript-sdk-8.0/dist/models/authenticator/store/token_store.js';
import type { Token } from '@zohocrm/typescript-sdk-8.0/dist/models/authenticator/token.js';

import type { SdkToken } from './sdk.js';
import { createSdkToken, fillSdkToken, readSdkToken } from './sdk-token.js';

/**
 * The SDK's `TokenStore` over a tokenstore store. Lookups follow the store's rules,
 * which are the SDK's own: by id, then user name, then access token, grant token or
 * refresh token. Records are written with one `saveToken` each, so a token is never
 * half-written, and errors are the store's `TokenStoreError`s, which the SDK passes on
 * (wrapped in its `SDKException` where it wraps errors).
 */
export class ZohoSdkStore implements SdkTokenStore {
  readonly #store: TokenStore;

  /** Wraps `store`; closing it stays the caller's job. */
  constructor(store: TokenStore) {
    this.#store = store;
  }

  /**
   * Finds the record of the SDK token and fills in the token's empty fields from it, as
   * the SDK expects. Resolves to the same token object, or `null` when no record matches.
   */
  async findToken(token: Token): Promise<SdkToken | null> {
    const record = await this.#store.findToken(readSdkToken(token, 'findToken'));
    if (record === null) {
      return null;
    }
    fillSdkToken(token as SdkToken, record);
    return token as SdkToken;
  }

  /** Resolves to a new SDK token holding the record with this id, or `null` when there is none. */
  async findTokenById(id: string): Promise<SdkToken | null> {
    const record = await this.#store.findTokenById(id);
    return record === null ? null : createSdkToken(record);
  }

  /**
   * Saves the SDK token (an upsert by the lookup rules) and sets the record's id on it,
   * with every field it left empty that the stored record holds.
   */
  async saveToken(token: Token): Promise<void> {
    const record = await this.#store.saveToken(readSdkToken(token, 'saveToken'));
    fillSdkToken(token as SdkToken, record);
  }

  /** Deletes the record with this id; an unknown id is not an error. */
  async deleteToken(id: string): Promise<void> {
    await this.#store.deleteToken(id);
  }

  /** Resolves to every record, each as a new SDK token. */
  async getTokens(): Promise<SdkToken[]> {
    const records = await this.#store.getTokens();
    return records.map(createSdkToken);
  }

  /** Deletes every record. */
  async deleteTokens(): Promise<void> {
    await this.#store.deleteTokens();
  }
}

/**
 * Returns `store` as the token store of the Zoho CRM TypeScript SDK, to pass to
 * `new InitializeBuilder().store(...)`.
 */
export function createZohoSdkStore(store: TokenStore): ZohoSdkStore {
  return new ZohoSdkStore(store);
}
