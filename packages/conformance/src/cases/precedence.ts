/**
 * Precedence of the lookup-key rules: the first rule whose condition is met decides,
 * later rules are never tried, and a token with no lookup key finds nothing.
 */
import assert from 'node:assert/strict';

import type { CaseGroup } from '../context.js';
import { CLIENT_ID, CLIENT_SECRET } from '../fixtures.js';

const CREDENTIALS = { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET };

/** The rule-precedence cases. */
export const precedenceCases: CaseGroup = {
  name: 'lookup precedence',
  cases: [
    {
      name: 'returns null for an unknown id even when other fields match',
      async run({ open, fixtures: { alice, tag } }) {
        const store = await open();
        await store.saveToken(alice.record);
        const unknownId = `no-such-id-${tag}`;

        assert.equal(
          await store.findToken({ id: unknownId, userName: alice.userName }),
          null,
          'unknown id with user name',
        );
        assert.equal(
          await store.findToken({ id: unknownId, accessToken: alice.accessToken(1) }),
          null,
          'unknown id with access token',
        );
      },
    },
    {
      name: 'returns null for an unknown user name even when a token matches',
      async run({ open, fixtures: { alice, tag } }) {
        const store = await open();
        await store.saveToken(alice.record);
        const unknownUser = `nobody.${tag}@example.test`;

        assert.equal(
          await store.findToken({ userName: unknownUser, accessToken: alice.accessToken(1) }),
          null,
          'unknown user name with access token',
        );
        assert.equal(
          await store.findToken({
            userName: unknownUser,
            ...CREDENTIALS,
            refreshToken: alice.refreshToken(1),
          }),
          null,
          'unknown user name with refresh token and client credentials',
        );
      },
    },
    {
      name: 'skips the access token rule when a client credential is given',
      async run({ open, fixtures: { alice } }) {
        const store = await open();
        await store.saveToken(alice.record);
        const accessToken = alice.accessToken(1);

        assert.equal(
          await store.findToken({ accessToken, clientId: CLIENT_ID }),
          null,
          'with client id',
        );
        assert.equal(
          await store.findToken({ accessToken, clientSecret: CLIENT_SECRET }),
          null,
          'with client secret',
        );
        assert.equal(
          await store.findToken({ accessToken, ...CREDENTIALS }),
          null,
          'with both client credentials',
        );
      },
    },
    {
      name: 'returns null for a refresh or grant token without both client credentials',
      async run({ open, fixtures: { bob } }) {
        const store = await open();
        await store.saveToken({ ...bob.record, grantToken: bob.grantToken(1) });
        const refreshToken = bob.refreshToken(1);
        const grantToken = bob.grantToken(1);

        assert.equal(await store.findToken({ refreshToken }), null, 'refresh token alone');
        assert.equal(
          await store.findToken({ refreshToken, clientId: CLIENT_ID }),
          null,
          'refresh token with client id',
        );
        assert.equal(
          await store.findToken({ refreshToken, clientSecret: CLIENT_SECRET }),
          null,
          'refresh token with client secret',
        );
        assert.equal(await store.findToken({ grantToken }), null, 'grant token alone');
        assert.equal(
          await store.findToken({ grantToken, clientId: CLIENT_ID }),
          null,
          'grant token with client id',
        );
      },
    },
    {
      name: 'returns null for an unknown grant token even when the refresh token matches',
      async run({ open, fixtures: { alice, tag } }) {
        const store = await open();
        await store.saveToken({ ...alice.record, grantToken: alice.grantToken(1) });

        const found = await store.findToken({
          ...CREDENTIALS,
          grantToken: `1000.gt.unknown.${tag}`,
          refreshToken: alice.refreshToken(1),
        });
        assert.equal(found, null);
      },
    },
    {
      name: 'returns null for a token with no lookup key',
      async run({ open, fixtures: { alice, bob } }) {
        const store = await open();
        await store.saveToken(alice.record);
        await store.saveToken(bob.record);

        assert.equal(await store.findToken({}), null, 'empty token');
        assert.equal(await store.findToken({ ...CREDENTIALS }), null, 'client credentials only');
        assert.equal(
          await store.findToken({ expiresAt: alice.record.expiresAt }),
          null,
          'expiry only',
        );
        assert.equal(
          await store.findToken({
            redirectUrl: alice.record.redirectUrl,
            apiDomain: alice.record.apiDomain,
          }),
          null,
          'redirect URL and API domain only',
        );
        assert.equal(
          await store.findToken({ id: '', userName: null, accessToken: '' }),
          null,
          'empty lookup fields',
        );
      },
    },
  ],
};
