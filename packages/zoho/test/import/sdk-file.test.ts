/**
 * A token file of 300 tokens written by the Zoho SDK's own FileStore, imported into
 * every kind of store and compared field by field with what the SDK reads back.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { OAuthToken } from '@tokenstore/core';
import { FileStore, OAuthToken as SdkOAuthToken, UserSignature } from '@zohocrm/typescript-sdk-8.0';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { importZohoTokens, readZohoTokenFile, type ZohoRecord } from '../../src/import/index.js';
import {
  EXPIRES_AT,
  STORE_KINDS,
  fromSdkToken,
  longToken,
  openStore,
  withoutId,
  type SdkToken,
} from './support.js';

const TOKEN_COUNT = 300;

/** Returns the fields given to the SDK for token `n`, varied so that every shape occurs. */
function sdkInput(n: number): OAuthToken {
  const grantOnly = n % 7 === 0;
  const withoutUser = n % 5 === 0;
  const long = n % 11 === 0;
  const input: OAuthToken = {
    clientId: `1000.CLIENT${n % 3}`,
    clientSecret: `secret-${n % 3}.a=b-c`,
    redirectUrl: `https://app.example.test/cb/${n}?state=x=y.z-${n}`,
  };
  if (!withoutUser)
    input.userName = n % 13 === 0 ? `zoë.😀+${n}@example.test` : `user${n}@example.test`;
  if (grantOnly) {
    input.grantToken = `1000.gt.${n}.a=b-c`;
    return input;
  }
  input.refreshToken = long ? longToken(`1000.rt.${n}.`, 1000) : `1000.rt.${n}.a=b-c`;
  input.accessToken = long ? longToken(`1000.at.${n}.`, 1000) : `1000.at.${n}.x-y=z`;
  input.expiresAt = EXPIRES_AT + n * 1000;
  if (n % 4 !== 0)
    input.apiDomain = n % 2 === 0 ? 'https://www.zohoapis.eu' : 'https://www.zohoapis.com';
  return input;
}

function toSdkToken(input: OAuthToken): SdkOAuthToken {
  const token = new SdkOAuthToken(
    input.clientId ?? null,
    input.clientSecret ?? null,
    input.grantToken ?? null,
    input.refreshToken ?? null,
    input.redirectUrl ?? null,
    null,
    input.accessToken ?? null,
    input.userName === undefined ? null : new UserSignature(input.userName),
  );
  if (input.expiresAt !== undefined) token.setExpiresIn(String(input.expiresAt));
  if (input.apiDomain !== undefined) token.setAPIDomain(input.apiDomain);
  return token;
}

const inputs = Array.from({ length: TOKEN_COUNT }, (_, index) => sdkInput(index + 1));
let folder = '';
let records: ZohoRecord[] = [];
let readBack: OAuthToken[] = [];
let zohoIds: string[] = [];

beforeAll(async () => {
  folder = mkdtempSync(join(tmpdir(), 'zoho-sdk-file-'));
  const path = join(folder, 'zoho_sdk_tokens.csv');
  const sdkStore = new FileStore(path);
  for (const input of inputs) {
    await sdkStore.saveToken(toSdkToken(input));
  }
  const sdkTokens = ((await sdkStore.getTokens()) ?? []) as unknown as SdkToken[];
  readBack = sdkTokens.map(fromSdkToken);
  zohoIds = sdkTokens.map((token) => String(token.getId()));
  records = await readZohoTokenFile(path);
});

afterAll(() => {
  rmSync(folder, { recursive: true, force: true });
});

describe('a token file written by the Zoho SDK', () => {
  it('holds what the SDK was given, as the SDK reads it back', () => {
    expect(readBack).toEqual(inputs);
    expect(new Set(zohoIds).size).toBe(TOKEN_COUNT);
  });

  it('reads as 300 tokens with nothing malformed', () => {
    expect(records.filter((record) => record.kind === 'malformed')).toEqual([]);
    expect(records).toHaveLength(TOKEN_COUNT);
  });

  it.each(STORE_KINDS)('imports into %s with every field as the SDK reads it', async (kind) => {
    const store = openStore(kind);

    const result = await importZohoTokens(records, store);

    expect(result.outcome).toBe('imported');
    expect(result.written).toHaveLength(TOKEN_COUNT);
    for (const [index, written] of result.written.entries()) {
      expect(withoutId(await store.findTokenById(written.id))).toEqual(readBack[index]);
    }
    const ids = result.written.map((written) => written.id);
    expect(new Set(ids).size).toBe(TOKEN_COUNT);
    expect(ids.filter((id) => zohoIds.includes(id))).toEqual([]);
    expect(await store.getTokens()).toHaveLength(TOKEN_COUNT);
  });
});
