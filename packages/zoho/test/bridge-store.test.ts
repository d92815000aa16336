/**
 * The bridge's side of the SDK's token store contract, with the SDK's own token objects
 * over an in-memory store: what each operation returns, fills in and rejects.
 */
import { isTokenStoreError, type TokenStore } from '@tokenstore/core';
import { createMemoryStore } from '@tokenstore/memory';
import zohoSdk from '@zohocrm/typescript-sdk-8.0';
import { beforeEach, describe, expect, it } from 'vitest';

import { createZohoSdkStore, type ZohoSdkStore } from '../src/index.js';

const { OAuthToken, UserSignature } = zohoSdk;
type SdkToken = InstanceType<typeof OAuthToken>;

const ALICE = {
  userName: 'alice@example.test',
  clientId: '1000.CLIENTIDAAAA',
  clientSecret: 'client-secret-a',
  refreshToken: '1000.rt.alice.0001',
  accessToken: '1000.at.alice.0001',
  expiresAt: 1767225600000,
  redirectUrl: 'https://app.example.test/oauth/callback',
  apiDomain: 'https://www.zohoapis.com',
};

function sdkToken(fields: {
  userName?: string;
  clientId?: string;
  clientSecret?: string;
  refreshToken?: string;
  accessToken?: string;
  grantToken?: string;
  id?: string;
  expiresIn?: string;
}): SdkToken {
  const token = new OAuthToken(
    fields.clientId ?? null,
    fields.clientSecret ?? null,
    fields.grantToken ?? null,
    fields.refreshToken ?? null,
    null,
    fields.id ?? null,
    fields.accessToken ?? null,
    fields.userName === undefined ? null : new UserSignature(fields.userName),
  );
  if (fields.expiresIn !== undefined) token.setExpiresIn(fields.expiresIn);
  return token;
}

let store: TokenStore;
let bridge: ZohoSdkStore;

beforeEach(() => {
  store = createMemoryStore();
  bridge = createZohoSdkStore(store);
});

describe('findTokenById', () => {
  it('returns null for unknown ids, header names included', async () => {
    await store.saveToken(ALICE);
    for (const id of ['999', '', 'id', 'user_name']) {
      expect(await bridge.findTokenById(id)).toBeNull();
    }
  });

  it('returns an SDK token with every field', async () => {
    const saved = await store.saveToken(ALICE);
    const token = await bridge.findTokenById(saved.id);
    expect(token).toBeInstanceOf(OAuthToken);
    expect(token?.getId()).toBe(saved.id);
    expect(token?.getUserSignature()?.getName()).toBe(ALICE.userName);
    expect(token?.getClientId()).toBe(ALICE.clientId);
    expect(token?.getClientSecret()).toBe(ALICE.clientSecret);
    expect(token?.getRefreshToken()).toBe(ALICE.refreshToken);
    expect(token?.getAccessToken()).toBe(ALICE.accessToken);
    expect(token?.getGrantToken()).toBeNull();
    expect(token?.getExpiresIn()).toBe('1767225600000');
    expect(token?.getRedirectURL()).toBe(ALICE.redirectUrl);
    expect(token?.getAPIDomain()).toBe(ALICE.apiDomain);
  });
});

describe('saveToken', () => {
  it('sets the assigned id on the SDK token', async () => {
    const token = sdkToken({ ...ALICE, expiresIn: '1767225600000' });
    await bridge.saveToken(token);

    const [record] = await store.getTokens();
    expect(token.getId()).toBe(record?.id);
    expect(record?.expiresAt).toBe(1767225600000);
    expect(record?.userName).toBe(ALICE.userName);
  });

  it('keeps a refresh token the save leaves out', async () => {
    await store.saveToken(ALICE);
    const token = sdkToken({ userName: ALICE.userName, accessToken: '1000.at.alice.0002' });
    await bridge.saveToken(token);

    const [record] = await store.getTokens();
    expect(record).toMatchObject({
      accessToken: '1000.at.alice.0002',
      refreshToken: ALICE.refreshToken,
    });
    expect(token.getRefreshToken()).toBe(ALICE.refreshToken);
  });

  it('rejects an expiry that is not milliseconds', async () => {
    const token = sdkToken({ ...ALICE, expiresIn: 'soon' });
    const error: unknown = await bridge.saveToken(token).catch((caught: unknown) => caught);

    expect(isTokenStoreError(error, 'INVALID_TOKEN')).toBe(true);
    expect(String((error as Error).message)).not.toContain(ALICE.accessToken);
    expect(String((error as Error).message)).not.toContain('soon');
    expect(await store.getTokens()).toEqual([]);
  });

  it('fills an empty-string id with the assigned one', async () => {
    const token = sdkToken({ ...ALICE, id: '' });
    await bridge.saveToken(token);

    const [record] = await store.getTokens();
    expect(record?.id).toMatch(/.+/);
    expect(token.getId()).toBe(record?.id);
  });

  it('keeps an expiry before 1970 as a negative number', async () => {
    await bridge.saveToken(sdkToken({ ...ALICE, expiresIn: '-5' }));
    const [record] = await store.getTokens();
    expect(record?.expiresAt).toBe(-5);
  });

  it('rejects an object that is not an SDK token', async () => {
    const error: unknown = await bridge
      .saveToken({ ...ALICE } as never)
      .catch((caught: unknown) => caught);
    expect(isTokenStoreError(error, 'INVALID_TOKEN')).toBe(true);
    expect(await store.getTokens()).toEqual([]);
  });

  it("passes on CONFLICT for another user's refresh token", async () => {
    await store.saveToken(ALICE);
    const token = sdkToken({ userName: 'bob@example.test', refreshToken: ALICE.refreshToken });
    const error: unknown = await bridge.saveToken(token).catch((caught: unknown) => caught);

    expect(isTokenStoreError(error, 'CONFLICT')).toBe(true);
    expect(await store.getTokens()).toHaveLength(1);
  });
});

describe('findToken', () => {
  it('fills in only empty fields of the same token', async () => {
    const saved = await store.saveToken(ALICE);
    const token = sdkToken({ userName: ALICE.userName, clientSecret: 'client-secret-new' });

    const found = await bridge.findToken(token);
    expect(found).toBe(token);
    expect(token.getId()).toBe(saved.id);
    expect(token.getClientSecret()).toBe('client-secret-new');
    expect(token.getClientId()).toBe(ALICE.clientId);
    expect(token.getAccessToken()).toBe(ALICE.accessToken);
    expect(token.getExpiresIn()).toBe(String(ALICE.expiresAt));
  });

  it('finds by refresh token with client credentials', async () => {
    const saved = await store.saveToken(ALICE);
    const token = sdkToken({
      clientId: ALICE.clientId,
      clientSecret: ALICE.clientSecret,
      refreshToken: ALICE.refreshToken,
    });
    expect((await bridge.findToken(token))?.getId()).toBe(saved.id);
  });

  it('returns null and leaves the token when nothing matches', async () => {
    await store.saveToken(ALICE);
    const token = sdkToken({ userName: 'carol@example.test', refreshToken: '1000.rt.carol.0001' });

    expect(await bridge.findToken(token)).toBeNull();
    expect(token.getId()).toBeNull();
    expect(token.getAccessToken()).toBeNull();
  });
});

describe('getTokens, deleteToken and deleteTokens', () => {
  it('lists, deletes one and deletes all', async () => {
    const alice = await store.saveToken(ALICE);
    await store.saveToken({ userName: 'bob@example.test', refreshToken: '1000.rt.bob.0001' });

    const tokens = await bridge.getTokens();
    expect(tokens.map((token) => token.getUserSignature()?.getName()).sort()).toEqual([
      'alice@example.test',
      'bob@example.test',
    ]);
    expect(tokens.every((token) => token instanceof OAuthToken)).toBe(true);

    await bridge.deleteToken('no-such-id');
    await bridge.deleteToken(alice.id);
    expect(await store.findTokenById(alice.id)).toBeNull();
    expect(await store.getTokens()).toHaveLength(1);

    await bridge.deleteTokens();
    expect(await bridge.getTokens()).toEqual([]);
  });
});
