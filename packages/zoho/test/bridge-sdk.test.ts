/**
 * The bridge driven by the real Zoho CRM TypeScript SDK against a real OAuth server on
 * 127.0.0.1. The SDK exchanges a grant token and saves the tokens through the bridge. It
 * finds them again after a restart, refreshes an expired access token and removes the token.
 */
import type { StoredToken, TokenStore } from '@tokenstore/core';
import zohoSdk from '@zohocrm/typescript-sdk-8.0';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createZohoSdkStore } from '../src/index.js';
import {
  sdkUserName,
  startAccountsServer,
  type AccountsServer,
} from './support/accounts-server.js';
import { storeKinds } from './support/stores.js';

const { Environment, InitializeBuilder, OAuthBuilder, UserSignature } = zohoSdk;

const ALICE = 'alice@example.test';
const BOB = 'bob@example.test';
const kinds = await storeKinds();
let accounts: AccountsServer;

beforeAll(async () => {
  accounts = await startAccountsServer([ALICE, BOB]);
});

afterAll(async () => {
  await accounts?.server.close();
  await Promise.all(kinds.map((kind) => kind.release()));
});

function environment(): InstanceType<typeof Environment> {
  return new Environment(accounts.server.url, accounts.tokenUrl, accounts.server.url);
}

type SdkToken = InstanceType<typeof zohoSdk.OAuthToken>;

/** Returns an SDK token for a grant token, as the application builds it after the consent screen. */
function grantTokenOf(grantToken: string): SdkToken {
  return clientOf(new OAuthBuilder())
    .grantToken(grantToken)
    .redirectURL(accounts.server.client.redirectUri)
    .build();
}

/** Initializes the SDK with the token over a fresh bridge of `store`, as an application start does. */
async function initializeSdk(store: TokenStore, token: SdkToken): Promise<void> {
  await new InitializeBuilder()
    .environment(environment())
    .token(token)
    .store(createZohoSdkStore(store))
    .initialize();
}

function clientOf(builder: InstanceType<typeof OAuthBuilder>): InstanceType<typeof OAuthBuilder> {
  return builder
    .clientId(accounts.server.client.clientId)
    .clientSecret(accounts.server.client.clientSecret);
}

async function onlyRecord(store: TokenStore): Promise<StoredToken> {
  const records = await store.getTokens();
  expect(records).toHaveLength(1);
  return records[0]!;
}

async function refreshGrantAnswer(refreshToken: string): Promise<number> {
  const response = await fetch(accounts.tokenUrl, {
    method: 'POST',
    body: new URLSearchParams({
      grant_type: 'refresh_token',
      refresh_token: refreshToken,
      client_id: accounts.server.client.clientId,
      client_secret: accounts.server.client.clientSecret,
    }),
  });
  await response.body?.cancel();
  return response.status;
}

for (const kind of kinds) {
  const title = `the Zoho CRM SDK over the ${kind.name} store${kind.skipReason === undefined ? '' : ` (skipped: ${kind.skipReason})`}`;

  describe.skipIf(kind.skipReason !== undefined)(title, () => {
    it('keeps tokens through grant, restart, refresh and removal', async () => {
      const open = kind.prepare();
      const userName = sdkUserName(ALICE);

      // 1. A grant token: the SDK exchanges it and saves what the server issued.
      const grantToken = await accounts.grantToken(ALICE);
      const first = grantTokenOf(grantToken);
      const firstStore = open();
      const before = Date.now();
      await initializeSdk(firstStore, first);

      const saved = await onlyRecord(firstStore);
      expect(saved).toMatchObject({
        userName,
        clientId: accounts.server.client.clientId,
        clientSecret: accounts.server.client.clientSecret,
        grantToken,
        redirectUrl: accounts.server.client.redirectUri,
        apiDomain: accounts.server.url,
      });
      expect(accounts.server.issuedValues()).toEqual(
        expect.arrayContaining([saved.accessToken, saved.refreshToken]),
      );
      expect(saved.expiresAt).toBeGreaterThanOrEqual(before + 3_590_000);
      expect(first.getId()).toBe(saved.id);
      expect(first.getAccessToken()).toBe(saved.accessToken);
      if (firstStore !== open()) await firstStore.close();

      // 2. A restart: the SDK finds the tokens by user name, and by id, and sends no request to the server.
      const issuedBefore = accounts.server.issuedValues().length;
      const lookupsBefore = accounts.userLookups();
      const byUser = new OAuthBuilder().userSignature(new UserSignature(userName)).build();
      const secondStore = open();
      await initializeSdk(secondStore, byUser);
      expect(byUser.getId()).toBe(saved.id);
      expect(byUser.getAccessToken()).toBe(saved.accessToken);
      expect(byUser.getRefreshToken()).toBe(saved.refreshToken);

      const byId = new OAuthBuilder().id(saved.id).build();
      await initializeSdk(secondStore, byId);
      // The SDK copies into its own token only the fields the token was built with.
      expect(byId.getAccessToken()).toBe(saved.accessToken);

      expect(accounts.server.issuedValues()).toHaveLength(issuedBefore);
      expect(accounts.userLookups()).toBe(lookupsBefore);
      expect(await onlyRecord(secondStore)).toEqual(saved);

      // 3. The access token expires (its expiry moved into the past): the SDK refreshes
      // it, the server rotates the refresh token, and the new pair is saved in place.
      await secondStore.saveToken({ id: saved.id, expiresAt: Date.now() - 60_000 });
      const expired = clientOf(new OAuthBuilder())
        .userSignature(new UserSignature(userName))
        .build();
      await initializeSdk(secondStore, expired);

      const refreshed = await onlyRecord(secondStore);
      expect(refreshed.id).toBe(saved.id);
      expect(refreshed.accessToken).not.toBe(saved.accessToken);
      expect(refreshed.refreshToken).not.toBe(saved.refreshToken);
      expect(refreshed.expiresAt).toBeGreaterThan(Date.now() + 3_000_000);
      expect(accounts.server.issuedValues()).toEqual(
        expect.arrayContaining([refreshed.accessToken, refreshed.refreshToken]),
      );
      expect(expired.getAccessToken()).toBe(refreshed.accessToken);
      expect(await refreshGrantAnswer(saved.refreshToken!)).toBe(400);

      // 4. The application removes the token through the SDK.
      expect(await expired.remove()).toBe(true);
      expect(await secondStore.getTokens()).toEqual([]);
      expect(await createZohoSdkStore(secondStore).findTokenById(saved.id)).toBeNull();
      await secondStore.close();
    });

    it('keeps one record per user when the SDK switches users', async () => {
      const store = kind.prepare()();
      await initializeSdk(store, grantTokenOf(await accounts.grantToken(ALICE)));

      const bob = grantTokenOf(await accounts.grantToken(BOB));
      await new InitializeBuilder().environment(environment()).token(bob).switchUser();

      const records = await store.getTokens();
      expect(records.map((record) => record.userName).sort()).toEqual([
        sdkUserName(ALICE),
        sdkUserName(BOB),
      ]);
      const bobRecord = records.find((record) => record.userName === sdkUserName(BOB));
      expect(bob.getId()).toBe(bobRecord?.id);
      expect(bob.getAccessToken()).toBe(bobRecord?.accessToken);

      // Back to alice by her user name: her stored tokens, and no new ones issued.
      const issuedBefore = accounts.server.issuedValues().length;
      const alice = new OAuthBuilder().userSignature(new UserSignature(sdkUserName(ALICE))).build();
      await new InitializeBuilder().environment(environment()).token(alice).switchUser();
      const aliceRecord = records.find((record) => record.userName === sdkUserName(ALICE));
      expect(alice.getAccessToken()).toBe(aliceRecord?.accessToken);
      expect(accounts.server.issuedValues()).toHaveLength(issuedBefore);
      expect(await store.getTokens()).toHaveLength(2);
      await store.close();
    });
  });
}
