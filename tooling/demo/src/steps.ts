/**
 * The steps of the demo, in order. Each one acts, checks the result and returns one line
 * that describes what happened. A failed check throws `DemoCheckError`. Later steps rely
 * on earlier ones, so the demo stops at the first failure.
 */
import { setTimeout as delay } from 'node:timers/promises';

import {
  expiresAtFromNow,
  isAccessTokenExpired,
  maskSecret,
  type StoredToken,
} from '@tokenstore/core';

import { OAuthClient, OAuthResponseError } from './client.js';
import { check, checkFields } from './checks.js';
import { DEMO_USER_NAMES, type DemoSession } from './session.js';

/** One step of the demo. */
export interface DemoStep {
  /** The step's action, as the output shows it. */
  title: string;
  /** Runs the step and returns what happened, in one line without raw secrets. */
  run(session: DemoSession): Promise<string>;
}

const [ALICE, BOB] = DEMO_USER_NAMES;

// `expires_in` counts whole seconds and this server rounds it down, so the expiry the
// client computes can be up to one second before the server's. Counting the token as
// expired one second after the stored expiry makes sure the server rejects it too.
const EXPIRES_IN_ROUNDING_MS = 1000;
const EXPIRY_POLL_INTERVAL_MS = 50;

/** The demo's steps, in the order they run. */
export const DEMO_STEPS: readonly DemoStep[] = [
  { title: 'Start the authorization server', run: startServer },
  { title: 'Open the store', run: openStore },
  { title: `Sign in ${ALICE} and save her tokens`, run: (session) => signIn(session, ALICE) },
  { title: `Sign in ${BOB} and save his tokens`, run: (session) => signIn(session, BOB) },
  { title: "Wait until alice's access token has expired", run: waitForAliceExpiry },
  {
    title: 'Check that the resource server rejects the expired token',
    run: checkExpiredTokenRejected,
  },
  {
    title: "Refresh alice's tokens and save the rotated pair",
    run: (session) => refreshAndSave(session, ALICE),
  },
  {
    title: "Check that the server rejects alice's old refresh token",
    run: checkOldRefreshTokenRejected,
  },
  { title: "Check that the resource server accepts alice's new token", run: checkNewTokenAccepted },
  { title: 'Reopen the store and find both users', run: reopenStore },
  {
    title: "Refresh bob's expired tokens before use",
    run: (session) => refreshAndSave(session, BOB),
  },
  { title: "Revoke bob's tokens at the server", run: revokeBob },
  { title: "Delete bob's record from the store", run: deleteBob },
  { title: 'Close the store', run: closeStore },
];

async function startServer(session: DemoSession): Promise<string> {
  const server = await session.setup.startServer();
  session.connect(server, new OAuthClient({ serverUrl: server.url, ...server.client }));
  return `${server.url}, access tokens expire after ${server.accessTokenLifetimeSeconds} s`;
}

// Some stores open their file on first use, so a read makes an unusable path fail here.
async function openStore(session: DemoSession): Promise<string> {
  const store = await session.openStore();
  const records = await store.getTokens();
  return `${session.setup.storeName} store at ${session.setup.storePath}, holding ${records.length} record(s)`;
}

async function signIn(session: DemoSession, userName: string): Promise<string> {
  const { server, client } = session;
  const { code, codeVerifier } = await client.authorize(userName);
  const response = await client.exchangeCode(code, codeVerifier);
  check(response.refreshToken !== undefined, 'the token response carries no refresh_token');
  check(response.expiresInSeconds !== undefined, 'the token response carries no expires_in');

  const token = {
    userName,
    clientId: server.client.clientId,
    clientSecret: server.client.clientSecret,
    accessToken: response.accessToken,
    refreshToken: response.refreshToken,
    expiresAt: expiresAtFromNow(response.expiresInSeconds),
    redirectUrl: server.client.redirectUri,
    apiDomain: server.url,
  };
  const saved = await session.store.saveToken(token);
  checkFields('the saved record', saved, token);
  session.expected.set(userName, saved);

  return (
    `code ${maskSecret(code)} exchanged for access token ${maskSecret(token.accessToken)} ` +
    `(expires in ${response.expiresInSeconds} s) and refresh token ${maskSecret(token.refreshToken)}; ` +
    `saved as record ${saved.id}`
  );
}

async function waitForAliceExpiry(session: DemoSession): Promise<string> {
  const record = await session.findUser(ALICE);
  check(record.expiresAt !== undefined, 'the stored record has no expiry');

  const started = Date.now();
  const deadline = record.expiresAt + EXPIRES_IN_ROUNDING_MS + 5000;
  while (!isAccessTokenExpired(record, { skewMs: -EXPIRES_IN_ROUNDING_MS })) {
    check(
      Date.now() < deadline,
      'isAccessTokenExpired did not return true within 5 s of the expected time',
    );
    await delay(EXPIRY_POLL_INTERVAL_MS);
  }

  const waitedSeconds = ((Date.now() - started) / 1000).toFixed(1);
  return `waited ${waitedSeconds} s until isAccessTokenExpired returned true, one second past the stored expiry; the record still holds refresh token ${maskSecret(record.refreshToken)}`;
}

async function checkExpiredTokenRejected(session: DemoSession): Promise<string> {
  const record = await session.findUser(ALICE);
  check(record.accessToken !== undefined, 'the stored record has no access token');

  const response = await session.client.userInfo(record.accessToken);
  check(
    response.status === 401 && response.error === 'invalid_token',
    `GET /userinfo returned ${response.status} ${response.error ?? ''}, expected 401 invalid_token`,
  );
  return `GET /userinfo returned 401 invalid_token: ${response.errorDescription ?? '(no description)'}`;
}

// Saves only what the refresh response gave plus the lookup key (the user name), as an
// application does after a refresh. The store must keep every other field.
async function refreshAndSave(session: DemoSession, userName: string): Promise<string> {
  const before = await session.findUser(userName);
  check(before.refreshToken !== undefined, 'the stored record has no refresh token');
  check(
    isAccessTokenExpired(before),
    'the stored access token is still valid, so no refresh is due',
  );

  const response = await session.client.refresh(before.refreshToken);
  check(response.refreshToken !== undefined, 'the refresh response carries no refresh_token');
  check(
    response.refreshToken !== before.refreshToken,
    'the server did not rotate the refresh token',
  );
  check(response.expiresInSeconds !== undefined, 'the refresh response carries no expires_in');

  const update = {
    userName,
    accessToken: response.accessToken,
    refreshToken: response.refreshToken,
    expiresAt: expiresAtFromNow(response.expiresInSeconds),
  };
  const expected: StoredToken = { ...before, ...update };
  checkFields('the record saveToken returned', await session.store.saveToken(update), expected);
  checkFields('the record found after the save', await session.findUser(userName), expected);
  session.expected.set(userName, expected);
  if (userName === ALICE) {
    session.replacedRefreshToken = before.refreshToken;
  }

  return (
    `new access token ${maskSecret(update.accessToken)} and refresh token ${maskSecret(update.refreshToken)} ` +
    `saved to record ${before.id}; client id, client secret, redirect URL and API domain kept`
  );
}

async function checkOldRefreshTokenRejected(session: DemoSession): Promise<string> {
  const oldRefreshToken = session.replacedRefreshToken;
  check(oldRefreshToken !== undefined, "alice's tokens were not refreshed");

  try {
    await session.client.refresh(oldRefreshToken);
  } catch (error) {
    if (error instanceof OAuthResponseError && error.error === 'invalid_grant') {
      return `POST /token with refresh token ${maskSecret(oldRefreshToken)} returned ${error.message}`;
    }
    throw error;
  }
  check(false, 'the server accepted the old refresh token: rotation did not revoke it');
}

async function checkNewTokenAccepted(session: DemoSession): Promise<string> {
  const record = await session.findUser(ALICE);
  check(record.accessToken !== undefined, 'the stored record has no access token');

  const response = await session.client.userInfo(record.accessToken);
  check(
    response.status === 200,
    `GET /userinfo returned ${response.status} ${response.error ?? ''}, expected 200`,
  );
  check(
    response.userName === ALICE,
    `GET /userinfo returned the user ${response.userName ?? '(none)'}`,
  );
  return `GET /userinfo with access token ${maskSecret(record.accessToken)} returned 200 for ${ALICE}`;
}

async function reopenStore(session: DemoSession): Promise<string> {
  await session.closeStore();
  const store = await session.openStore();

  for (const userName of DEMO_USER_NAMES) {
    const expected = session.expectedRecord(userName);
    const byUserName = await store.findToken({ userName });
    check(byUserName !== null, `the reopened store finds no record for ${userName}`);
    checkFields(`the record found by the user name ${userName}`, byUserName, expected);

    const byAccessToken = await store.findToken({ accessToken: expected.accessToken });
    check(
      byAccessToken !== null,
      `the reopened store finds no record by ${userName}'s access token`,
    );
    checkFields(`the record found by ${userName}'s access token`, byAccessToken, expected);
  }
  return 'a new store object on the same file found alice (with her rotated tokens) and bob, by user name and by access token';
}

async function revokeBob(session: DemoSession): Promise<string> {
  const { client } = session;
  const bob = await session.findUser(BOB);
  check(
    bob.accessToken !== undefined && bob.refreshToken !== undefined,
    "bob's record lacks a token",
  );
  const before = await client.userInfo(bob.accessToken);
  check(
    before.status === 200,
    `GET /userinfo returned ${before.status} before the revocation, expected 200`,
  );

  await client.revoke(bob.refreshToken, 'refresh_token');

  const after = await client.userInfo(bob.accessToken);
  check(
    after.status === 401,
    `GET /userinfo returned ${after.status} after the revocation, expected 401`,
  );
  const refused = await client.refresh(bob.refreshToken).then(
    () => undefined,
    (error: unknown) => error,
  );
  check(
    refused instanceof OAuthResponseError && refused.error === 'invalid_grant',
    'the server still accepts the revoked refresh token',
  );

  return `POST /revoke returned 200; now /userinfo rejects bob's access token (${after.error ?? after.status}) and /token his refresh token (invalid_grant)`;
}

async function deleteBob(session: DemoSession): Promise<string> {
  const { store } = session;
  const bob = session.expectedRecord(BOB);
  await store.deleteToken(bob.id);

  check(
    (await store.findToken({ userName: BOB })) === null,
    'the store still finds bob by user name',
  );
  check(
    (await store.findToken({ accessToken: bob.accessToken })) === null,
    'the store still finds bob by his access token',
  );
  check((await store.findTokenById(bob.id)) === null, 'the store still finds bob by id');
  checkFields(
    'the record found for alice',
    await session.findUser(ALICE),
    session.expectedRecord(ALICE),
  );
  session.expected.delete(BOB);

  return `record ${bob.id} deleted; the store no longer finds bob, and still finds alice`;
}

async function closeStore(session: DemoSession): Promise<string> {
  await session.closeStore();
  return `the store file stays at ${session.setup.storePath}`;
}
