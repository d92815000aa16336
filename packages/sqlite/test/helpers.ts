/**
 * Shared test helpers: the fixture users, temporary folders that are removed after
 * each test, and stores that are closed after each test.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { OAuthToken, TokenStore } from '@tokenstore/core';
import type BetterSqlite3 from 'better-sqlite3';
import { onTestFinished } from 'vitest';

import { createSqliteStore, type SqliteStoreOptions } from '../src/index.js';

/** better-sqlite3, loaded the way the store loads it, so that both share one module. */
export const Database = createRequire(import.meta.url)('better-sqlite3') as typeof BetterSqlite3;

/** 2026-01-01T00:00:00Z in epoch milliseconds. */
export const EXPIRES_AT = 1_767_225_600_000;

/** A fixture user with every field but the id and the grant token. */
export interface FixtureUser extends OAuthToken {
  userName: string;
  accessToken: string;
  refreshToken: string;
}

/** Returns the fixture user `name` with its own token values, such as `1000.at.alice.0001`. */
export function fixtureUser(name: string): FixtureUser {
  return {
    userName: `${name}@example.test`,
    clientId: '1000.CLIENTIDAAAA',
    clientSecret: 'client-secret-a',
    refreshToken: `1000.rt.${name}.0001`,
    accessToken: `1000.at.${name}.0001`,
    expiresAt: EXPIRES_AT,
    redirectUrl: 'https://app.example.test/oauth/callback',
    apiDomain: 'https://www.zohoapis.com',
  };
}

export const ALICE = fixtureUser('alice');
export const BOB = fixtureUser('bob');
export const CAROL = fixtureUser('carol');

const BASE64URL_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** Returns `length` characters cycling through the base64url alphabet from `A`. */
export function longToken(length: number): string {
  return BASE64URL_ALPHABET.repeat(Math.ceil(length / BASE64URL_ALPHABET.length)).slice(0, length);
}

/** Returns a 4096-character access token that starts with `label`, unique per label. */
export function labelledLongToken(label: string): string {
  return `${label}.${longToken(4096 - label.length - 1)}`;
}

/** Opens a raw better-sqlite3 connection, closed when the test finishes. */
export function openRawDatabase(
  path: string,
  options: BetterSqlite3.Options = {},
): BetterSqlite3.Database {
  const db = new Database(path, options);
  onTestFinished(() => {
    if (db.open) db.close();
  });
  return db;
}

/** Returns the names of the tables in a database file. */
export function tableNames(path: string): string[] {
  const db = openRawDatabase(path, { readonly: true });
  const names = db
    .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name")
    .pluck()
    .all();
  db.close();
  return names as string[];
}

/** Creates an empty folder under the system temp folder, removed when the test finishes. */
export function temporaryFolder(): string {
  const folder = mkdtempSync(join(tmpdir(), 'tokenstore-sqlite-'));
  onTestFinished(() => rmSync(folder, { recursive: true, force: true }));
  return folder;
}

/** Creates a store that is closed when the test finishes. */
export function openStore(options: SqliteStoreOptions): TokenStore {
  const store = createSqliteStore(options);
  onTestFinished(() => store.close());
  return store;
}

/** Returns the record without its id, to compare with a fixture. */
export function withoutId(record: OAuthToken | null): OAuthToken | null {
  if (record === null) return null;
  const copy = { ...record };
  delete copy.id;
  return copy;
}
