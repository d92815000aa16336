import { setTimeout as delay } from 'node:timers/promises';

import { expiresAtFromNow, isAccessTokenExpired } from '@tokenstore/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { OAuthClient, OAuthResponseError, type TokenResponse } from '../src/client.js';
import { startAuthorizationServer, type AuthorizationServer } from '../src/server/http.js';

const ALICE = 'alice@example.test';

let server: AuthorizationServer;
let client: OAuthClient;

beforeAll(async () => {
  server = await startAuthorizationServer({ userNames: [ALICE], accessTokenLifetimeSeconds: 2 });
  client = new OAuthClient({ serverUrl: server.url, ...server.client });
});

afterAll(async () => {
  await server.close();
});

async function signIn(userName = ALICE): Promise<TokenResponse> {
  const { code, codeVerifier } = await client.authorize(userName);
  return client.exchangeCode(code, codeVerifier);
}

async function errorOf(promise: Promise<unknown>): Promise<OAuthResponseError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(OAuthResponseError);
  return error as OAuthResponseError;
}

describe('authorization server', () => {
  it('listens on a random loopback port', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(server.url).not.toBe('http://127.0.0.1:0');
  });

  it('issues a token pair for a code', async () => {
    const tokens = await signIn();

    expect(tokens.accessToken).toMatch(/^[0-9a-f]{64}$/);
    expect(tokens.refreshToken).toMatch(/^[0-9a-f]{64}$/);
    // The library rounds expires_in down. It is 2 when the response is built within the millisecond that set the expiry.
    expect([1, 2]).toContain(tokens.expiresInSeconds);
    expect(server.issuedValues()).toContain(tokens.accessToken);
  });

  it('rejects a code used twice', async () => {
    const { code, codeVerifier } = await client.authorize(ALICE);
    await client.exchangeCode(code, codeVerifier);

    const error = await errorOf(client.exchangeCode(code, codeVerifier));

    expect(error.status).toBe(400);
    expect(error.error).toBe('invalid_grant');
  });

  it('rejects a code with the wrong PKCE verifier', async () => {
    const { code } = await client.authorize(ALICE);
    const wrongVerifier = 'w'.repeat(43);

    const error = await errorOf(client.exchangeCode(code, wrongVerifier));

    expect(error.error).toBe('invalid_grant');
  });

  it('denies a user it does not know', async () => {
    const error = await errorOf(client.authorize('mallory@example.test'));

    expect(error.status).toBe(400);
    expect(error.error).toBe('access_denied');
  });

  it('rotation rejects the old refresh token', async () => {
    const first = await signIn();
    const second = await client.refresh(first.refreshToken!);

    expect(second.refreshToken).toBeDefined();
    expect(second.refreshToken).not.toBe(first.refreshToken);
    const error = await errorOf(client.refresh(first.refreshToken!));
    expect(error.status).toBe(400);
    expect(error.error).toBe('invalid_grant');
    const third = await client.refresh(second.refreshToken!);
    expect(third.accessToken).not.toBe(second.accessToken);
  });

  it('userinfo rejects an expired access token', async () => {
    const tokens = await signIn();
    const accepted = await client.userInfo(tokens.accessToken);
    expect(accepted).toEqual({ status: 200, userName: ALICE });

    // expires_in is rounded down to whole seconds, so the server's expiry is at most
    // one second after the one computed here.
    const record = {
      accessToken: tokens.accessToken,
      expiresAt: expiresAtFromNow(tokens.expiresInSeconds!),
    };
    while (!isAccessTokenExpired(record, { skewMs: -1000 })) {
      await delay(50);
    }
    const rejected = await client.userInfo(tokens.accessToken);

    expect(rejected.status).toBe(401);
    expect(rejected.error).toBe('invalid_token');
    expect(rejected.errorDescription).toMatch(/expired/);
  });

  it('userinfo rejects a missing or unknown token', async () => {
    const unknown = await client.userInfo('0'.repeat(64));
    const missing = await fetch(`${server.url}/userinfo`);

    expect(unknown.status).toBe(401);
    expect(unknown.error).toBe('invalid_token');
    expect(missing.status).toBe(401);
    expect(missing.headers.get('www-authenticate')).toMatch(/^Bearer /);
  });

  it('revoking a refresh token revokes its grant', async () => {
    const first = await signIn();
    const second = await client.refresh(first.refreshToken!);
    expect((await client.userInfo(second.accessToken)).status).toBe(200);

    await client.revoke(second.refreshToken!, 'refresh_token');

    const rejected = await client.userInfo(second.accessToken);
    expect(rejected.status).toBe(401);
    expect(rejected.errorDescription).toMatch(/invalid/);
    expect(rejected.errorDescription).not.toMatch(/expired/);
    expect((await client.userInfo(first.accessToken)).status).toBe(401);
    const error = await errorOf(client.refresh(second.refreshToken!));
    expect(error.error).toBe('invalid_grant');
  });

  it('revoking an access token leaves the refresh token', async () => {
    const tokens = await signIn();

    await client.revoke(tokens.accessToken, 'access_token');

    expect((await client.userInfo(tokens.accessToken)).status).toBe(401);
    const refreshed = await client.refresh(tokens.refreshToken!);
    expect((await client.userInfo(refreshed.accessToken)).status).toBe(200);
  });

  it('revocation of an unknown token succeeds', async () => {
    await expect(client.revoke('f'.repeat(64), 'refresh_token')).resolves.toBeUndefined();
  });

  it('revocation rejects a wrong client secret', async () => {
    const tokens = await signIn();
    const impostor = new OAuthClient({
      serverUrl: server.url,
      ...server.client,
      clientSecret: 'wrong-secret',
    });

    const error = await errorOf(impostor.revoke(tokens.refreshToken!, 'refresh_token'));

    expect(error.status).toBe(401);
    expect(error.error).toBe('invalid_client');
    expect((await client.userInfo(tokens.accessToken)).status).toBe(200);
  });

  it('rejects a lifetime under two seconds', async () => {
    await expect(
      startAuthorizationServer({ userNames: [ALICE], accessTokenLifetimeSeconds: 1 }),
    ).rejects.toThrow(RangeError);
  });
});
