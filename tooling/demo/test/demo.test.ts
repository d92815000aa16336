import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { TokenStore } from '@tokenstore/core';
import { describe, expect, it } from 'vitest';

import { OAuthClient } from '../src/client.js';
import { runDemo } from '../src/demo.js';
import { startAuthorizationServer, type AuthorizationServer } from '../src/server/http.js';
import { DEMO_USER_NAMES } from '../src/session.js';
import { openStore, STORE_KINDS, type StoreKind } from '../src/stores.js';

const [ALICE, BOB] = DEMO_USER_NAMES;

interface Fixture {
  /** A new temp folder for the store. */
  dir: string;
  /** A server for this test alone, so that its issued values are this run's. */
  server: AuthorizationServer;
}

// Each test gets its own folder and server, so that the tests of a file can run at once:
// most of a run is spent waiting for an access token to expire.
async function withFixture(body: (fixture: Fixture) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'tokenstore-demo-test-'));
  const server = await startAuthorizationServer({ userNames: DEMO_USER_NAMES });
  try {
    await body({ dir, server });
  } finally {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  }
}

describe.concurrent.each(STORE_KINDS)('demo on the %s store', (store: StoreKind) => {
  it('passes every step', () =>
    withFixture(async ({ dir, server }) => {
      const lines: string[] = [];

      const result = await runDemo({ store, dir, server, output: (line) => lines.push(line) });

      expect(result.failedStep).toBeUndefined();
      expect(result.passed).toBe(true);
      expect(result.steps.length).toBeGreaterThan(10);
      for (const step of result.steps) {
        expect(step.status, step.title).toBe('passed');
      }
      expect(lines.at(-1)).toBe(`All ${result.steps.length} steps passed.`);
      expect(lines.join('\n')).toContain(result.storePath);
    }));

  it('prints no raw token or client secret', () =>
    withFixture(async ({ dir, server }) => {
      const lines: string[] = [];

      await runDemo({ store, dir, server, output: (line) => lines.push(line) });

      // Two authorization codes, then four token pairs: two sign-ins and two refreshes.
      const secrets = [...server.issuedValues(), server.client.clientSecret];
      expect(secrets).toHaveLength(11);
      const output = lines.join('\n');
      for (const secret of secrets) {
        expect(output).not.toContain(secret);
      }
    }));

  it('leaves alice with a current refresh token', () =>
    withFixture(async ({ dir, server }) => {
      const result = await runDemo({ store, dir, server });
      expect(result.passed).toBe(true);

      const reopened = await openStore(store, result.storePath);
      try {
        const alice = await reopened.findToken({ userName: ALICE });
        expect(await reopened.findToken({ userName: BOB })).toBeNull();
        expect(alice).not.toBeNull();
        expect(alice?.clientSecret).toBe(server.client.clientSecret);
        expect(alice?.apiDomain).toBe(server.url);

        // The stored refresh token is the server's current one, so it still works.
        const client = new OAuthClient({ serverUrl: server.url, ...server.client });
        const refreshed = await client.refresh(alice!.refreshToken!);
        expect(refreshed.accessToken).not.toBe(alice?.accessToken);
      } finally {
        await reopened.close();
      }
    }));
});

describe.concurrent('demo failure', () => {
  it('reports a store that drops refresh tokens', () =>
    withFixture(async ({ dir, server }) => {
      const lines: string[] = [];
      const storePath = join(dir, 'tokens.db');

      const result = await runDemo({
        dir,
        server,
        openStore: async (path) => dropRefreshTokenOnUpdate(await openStore('sqlite', path)),
        output: (line) => lines.push(line),
      });

      expect(result.passed).toBe(false);
      expect(result.failedStep?.title).toBe("Refresh alice's tokens and save the rotated pair");
      expect(result.failedStep?.detail).toMatch(
        /^the record saveToken returned has refreshToken \S+\*\*\*\(64 chars\), expected \S+\*\*\*\(64 chars\)$/,
      );
      const failedAt = result.steps.indexOf(result.failedStep!);
      expect(result.steps.slice(0, failedAt).every((step) => step.status === 'passed')).toBe(true);
      expect(result.steps.slice(failedAt + 1).every((step) => step.status === 'not run')).toBe(
        true,
      );
      expect(lines).toContain(`[FAIL]  ${result.failedStep?.number}. ${result.failedStep?.title}`);
      expect(lines.at(-1)).toMatch(/^Step 7 of \d+ failed/);
      expect(existsSync(storePath)).toBe(true);
    }));

  it('reports a store that cannot open', () =>
    withFixture(async ({ dir, server }) => {
      const result = await runDemo({
        dir,
        server,
        openStore: () => Promise.reject(new Error('disk not mounted')),
      });

      expect(result.passed).toBe(false);
      expect(result.failedStep?.title).toBe('Open the store');
      expect(result.failedStep?.detail).toBe('disk not mounted');
    }));
});

// A faulty store that ignores the refresh token of an update, so that after a rotation
// it keeps the revoked one.
function dropRefreshTokenOnUpdate(store: TokenStore): TokenStore {
  return {
    ...bindAll(store),
    async saveToken(token) {
      if ((await store.findToken(token)) === null) {
        return store.saveToken(token);
      }
      return store.saveToken({ ...token, refreshToken: undefined });
    },
  };
}

function bindAll(store: TokenStore): TokenStore {
  return {
    findToken: (token) => store.findToken(token),
    saveToken: (token) => store.saveToken(token),
    deleteToken: (id) => store.deleteToken(id),
    getTokens: () => store.getTokens(),
    deleteTokens: () => store.deleteTokens(),
    findTokenById: (id) => store.findTokenById(id),
    close: () => store.close(),
  };
}
