/**
 * Shared helpers of the import tests: temporary folders, stores that are closed after
 * each test, Zoho token file lines, and the conversion of the Zoho SDK's own token
 * objects into records to compare with.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { OAuthToken, TokenStore } from '@tokenstore/core';
import { createFileStore } from '@tokenstore/file';
import { createMemoryStore } from '@tokenstore/memory';
import { createSqliteStore } from '@tokenstore/sqlite';
import { onTestFinished } from 'vitest';

/** The header the TypeScript and Node SDKs write. */
export const TS_HEADER =
  'id,user_mail,client_id,client_secret,refresh_token,access_token,grant_token,expiry_time,redirect_url,api_domain';

/** The header the Python SDK writes. */
export const PYTHON_HEADER =
  'id,user_name,client_id,client_secret,refresh_token,access_token,grant_token,expiry_time,redirect_url,api_domain';

/** 2026-01-01T00:00:00Z in epoch milliseconds. */
export const EXPIRES_AT = 1_767_225_600_000;

/** Returns a folder that is removed when the test finishes. */
export function temporaryFolder(): string {
  const folder = mkdtempSync(join(tmpdir(), 'zoho-import-'));
  onTestFinished(() => rmSync(folder, { recursive: true, force: true }));
  return folder;
}

/** The stores an import test runs on. */
export const STORE_KINDS = ['memory', 'sqlite', 'file'] as const;

/** Creates a store of `kind` (files in a temporary folder), closed when the test finishes. */
export function openStore(kind: (typeof STORE_KINDS)[number]): TokenStore {
  let store: TokenStore;
  if (kind === 'memory') {
    store = createMemoryStore();
  } else if (kind === 'sqlite') {
    store = createSqliteStore({ path: join(temporaryFolder(), 'tokens.db') });
  } else {
    store = createFileStore({ path: join(temporaryFolder(), 'tokens.json') });
  }
  onTestFinished(() => store.close());
  return store;
}

/** A Zoho record as the Zoho schema's columns hold it: text, `''` for no value. */
export interface ZohoRow {
  id: string;
  user: string;
  clientId: string;
  clientSecret: string;
  refreshToken: string;
  accessToken: string;
  grantToken: string;
  expiry: string;
  redirectUrl: string;
  apiDomain: string;
}

/** Returns the row of fixture user `name`, with its own token values such as `1000.rt.alice.0001`. */
export function zohoRow(id: number, name: string, change: Partial<ZohoRow> = {}): ZohoRow {
  return {
    id: String(id),
    user: `${name}@example.test`,
    clientId: '1000.CLIENTIDAAAA',
    clientSecret: 'client-secret-a',
    refreshToken: `1000.rt.${name}.0001`,
    accessToken: `1000.at.${name}.0001`,
    grantToken: '',
    expiry: String(EXPIRES_AT),
    redirectUrl: 'https://app.example.test/oauth/callback',
    apiDomain: 'https://www.zohoapis.com',
    ...change,
  };
}

/** Returns the cells of a row in the order of a token file's columns. */
export function cellsOf(row: ZohoRow): string[] {
  return [
    row.id,
    row.user,
    row.clientId,
    row.clientSecret,
    row.refreshToken,
    row.accessToken,
    row.grantToken,
    row.expiry,
    row.redirectUrl,
    row.apiDomain,
  ];
}

/** Returns a row as the TypeScript SDK writes it: joined with commas, no quoting. */
export function tsLine(row: ZohoRow): string {
  return cellsOf(row).join(',');
}

/** Returns a row as Python's `csv` module writes it: quoted where a value needs it. */
export function pythonLine(row: ZohoRow): string {
  return cellsOf(row)
    .map((cell) => (/[",\r\n]/.test(cell) ? `"${cell.replaceAll('"', '""')}"` : cell))
    .join(',');
}

/** Returns the record the import should make of a row, without the id. */
export function expectedToken(row: ZohoRow): OAuthToken {
  const token: Record<string, string | number> = {
    userName: row.user,
    clientId: row.clientId,
    clientSecret: row.clientSecret,
    refreshToken: row.refreshToken,
    accessToken: row.accessToken,
    grantToken: row.grantToken,
    expiresAt: row.expiry === '' ? '' : Number(row.expiry),
    redirectUrl: row.redirectUrl,
    apiDomain: row.apiDomain,
  };
  return Object.fromEntries(
    Object.entries(token).filter(([, value]) => value !== '' && value !== 'null'),
  ) as OAuthToken;
}

/** Returns a record without its id, to compare with an expected token. */
export function withoutId(record: OAuthToken | null | undefined): OAuthToken | undefined {
  if (record === null || record === undefined) return undefined;
  const copy = { ...record };
  delete copy.id;
  return copy;
}

/** The getters of the Zoho SDK's `OAuthToken` that the comparison reads. */
export interface SdkToken {
  getId(): string | null;
  getUserSignature(): { getName(): string } | null | undefined;
  getClientId(): string | null;
  getClientSecret(): string | null;
  getRefreshToken(): string | null;
  getAccessToken(): string | null;
  getGrantToken(): string | null;
  getExpiresIn(): string | null;
  getRedirectURL(): string | null;
  getAPIDomain(): string | null;
}

/**
 * Returns what the Zoho SDK read back as a tokenstore record without the id: null,
 * undefined and `''` (the SDK's file reader turns a missing client id into `''`) are
 * absent, and the expiry is a number.
 */
export function fromSdkToken(token: SdkToken): OAuthToken {
  const expiry = token.getExpiresIn();
  const fields: Record<string, string | number | null | undefined> = {
    userName: token.getUserSignature()?.getName(),
    clientId: token.getClientId(),
    clientSecret: token.getClientSecret(),
    refreshToken: token.getRefreshToken(),
    accessToken: token.getAccessToken(),
    grantToken: token.getGrantToken(),
    expiresAt: expiry === null || expiry === undefined ? undefined : Number(expiry),
    redirectUrl: token.getRedirectURL(),
    apiDomain: token.getAPIDomain(),
  };
  return Object.fromEntries(
    Object.entries(fields).filter(
      ([, value]) => value !== null && value !== undefined && value !== '',
    ),
  ) as OAuthToken;
}

const BASE64URL_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** Returns `length` characters cycling through the base64url alphabet, after `prefix`. */
export function longToken(prefix: string, length: number): string {
  const body = BASE64URL_ALPHABET.repeat(Math.ceil(length / BASE64URL_ALPHABET.length));
  return `${prefix}${body}`.slice(0, length);
}
