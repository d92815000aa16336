/** The state the demo's steps share: the server, the client, the open store and the saved records. */
import type { StoredToken, TokenStore } from '@tokenstore/core';

import type { OAuthClient } from './client.js';
import type { AuthorizationServer } from './server/http.js';
import { check } from './checks.js';

/** The two users the demo signs in. */
export const DEMO_USER_NAMES = ['alice@example.test', 'bob@example.test'] as const;

/** The store and the server of a session. */
export interface DemoSessionSetup {
  /** The store's name as the output shows it, such as `sqlite`. */
  storeName: string;
  /** The store's file. */
  storePath: string;
  /** Opens a new store object on `storePath`. */
  openStore(): Promise<TokenStore>;
  /** Starts the authorization server, or returns one that the caller started. */
  startServer(): Promise<AuthorizationServer>;
}

/** The state of one run of the demo, filled in step by step. */
export class DemoSession {
  readonly setup: DemoSessionSetup;
  /** The record each user should have in the store after the last save. */
  readonly expected = new Map<string, StoredToken>();
  /** Alice's refresh token from before the rotation. */
  replacedRefreshToken: string | undefined;
  #server: AuthorizationServer | undefined;
  #client: OAuthClient | undefined;
  #store: TokenStore | undefined;

  constructor(setup: DemoSessionSetup) {
    this.setup = setup;
  }

  get server(): AuthorizationServer {
    check(this.#server !== undefined, 'the authorization server is not running');
    return this.#server;
  }

  get client(): OAuthClient {
    check(this.#client !== undefined, 'the OAuth client is not set up');
    return this.#client;
  }

  get store(): TokenStore {
    check(this.#store !== undefined, 'the store is not open');
    return this.#store;
  }

  /** Records the server started and the client registered at it. */
  connect(server: AuthorizationServer, client: OAuthClient): void {
    this.#server = server;
    this.#client = client;
  }

  /** Opens a new store object on the store's path. */
  async openStore(): Promise<TokenStore> {
    this.#store = await this.setup.openStore();
    return this.#store;
  }

  /** Closes the open store, if any; the session then has none until `openStore`. */
  async closeStore(): Promise<void> {
    const store = this.#store;
    this.#store = undefined;
    await store?.close();
  }

  /** Returns the record the store finds for `userName`, failing the step when there is none. */
  async findUser(userName: string): Promise<StoredToken> {
    const record = await this.store.findToken({ userName });
    check(record !== null, `the store finds no record for ${userName}`);
    return record;
  }

  /** Returns the record the session expects for `userName`. */
  expectedRecord(userName: string): StoredToken {
    const record = this.expected.get(userName);
    check(record !== undefined, `no record was saved for ${userName}`);
    return record;
  }
}
