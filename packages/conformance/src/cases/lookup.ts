/**
 * The lookup-key rules: which record `findToken` returns by each rule, and that
 * `saveToken` updates exactly that record.
 */
import assert from 'node:assert/strict';

import { assertRecord, assertSameRecords } from '../assert.js';
import type { CaseGroup } from '../context.js';
import { CLIENT_ID, CLIENT_SECRET } from '../fixtures.js';

const CREDENTIALS = { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET };
const OTHER_CREDENTIALS = { clientId: '1000.OTHERCLIENT', clientSecret: 'other-secret' };

/** The lookup cases. */
export const lookupCases: CaseGroup = {
  name: 'lookup',
  cases: [
    {
      name: 'finds a record by its id',
      async run({ open, fixtures: { alice, bob } }) {
        const store = await open();
        const saved = await store.saveToken(alice.record);
        await store.saveToken(bob.record);

        assertRecord('findToken by id', await store.findToken({ id: saved.id }), saved);
        assertRecord(
          'findToken by id with bob as user name',
          await store.findToken({ id: saved.id, userName: bob.userName }),
          saved,
        );
      },
    },
    {
      name: 'finds a record by its user name',
      async run({ open, fixtures: { alice, bob } }) {
        const store = await open();
        const saved = await store.saveToken(alice.record);
        await store.saveToken(bob.record);

        assertRecord(
          'findToken by user name',
          await store.findToken({ userName: alice.userName }),
          saved,
        );
        assertRecord(
          'findToken by user name with bob access token',
          await store.findToken({ userName: alice.userName, accessToken: bob.accessToken(1) }),
          saved,
        );
        assertRecord(
          'findToken by user name with bob refresh token and client credentials',
          await store.findToken({
            userName: alice.userName,
            ...CREDENTIALS,
            refreshToken: bob.refreshToken(1),
          }),
          saved,
        );
      },
    },
    {
      name: 'finds a record by its access token alone',
      async run({ open, fixtures: { alice, bob } }) {
        const store = await open();
        const saved = await store.saveToken(alice.record);
        await store.saveToken(bob.record);

        assertRecord(
          'findToken by access token',
          await store.findToken({ accessToken: alice.accessToken(1) }),
          saved,
        );
        assertRecord(
          'findToken by access token with fields that are no lookup key',
          await store.findToken({
            accessToken: alice.accessToken(1),
            apiDomain: 'https://other.example.test',
            expiresAt: 1,
          }),
          saved,
        );
      },
    },
    {
      name: 'finds a record by grant token with client credentials',
      async run({ open, fixtures: { alice, bob } }) {
        const store = await open();
        const saved = await store.saveToken({ ...alice.record, grantToken: alice.grantToken(1) });
        await store.saveToken({ ...bob.record, grantToken: bob.grantToken(1) });

        assertRecord(
          'findToken by grant token',
          await store.findToken({ ...CREDENTIALS, grantToken: alice.grantToken(1) }),
          saved,
        );
        assertRecord(
          'findToken by grant token with other client credentials',
          await store.findToken({ ...OTHER_CREDENTIALS, grantToken: alice.grantToken(1) }),
          saved,
        );
        assertRecord(
          'findToken by grant token with bob refresh token',
          await store.findToken({
            ...CREDENTIALS,
            grantToken: alice.grantToken(1),
            refreshToken: bob.refreshToken(1),
          }),
          saved,
        );
      },
    },
    {
      name: 'finds a record by refresh token with client credentials',
      async run({ open, fixtures: { alice, bob } }) {
        const store = await open();
        const saved = await store.saveToken(alice.record);
        await store.saveToken(bob.record);

        assertRecord(
          'findToken by refresh token',
          await store.findToken({ ...CREDENTIALS, refreshToken: alice.refreshToken(1) }),
          saved,
        );
        assertRecord(
          'findToken by refresh token with other client credentials',
          await store.findToken({ ...OTHER_CREDENTIALS, refreshToken: alice.refreshToken(1) }),
          saved,
        );
      },
    },
    {
      name: 'keeps other users unchanged when one is updated',
      async run({ open, fixtures: { alice, bob, carol } }) {
        const store = await open();
        const savedAlice = await store.saveToken(alice.record);
        const savedBob = await store.saveToken(bob.record);
        const savedCarol = await store.saveToken(carol.record);

        const updatedBob = await store.saveToken({
          userName: bob.userName,
          accessToken: bob.accessToken(2),
          refreshToken: bob.refreshToken(2),
          apiDomain: 'https://www.zohoapis.eu',
        });

        assertSameRecords('records after the update', await store.getTokens(), [
          savedAlice,
          updatedBob,
          savedCarol,
        ]);
        assert.equal(updatedBob.id, savedBob.id, 'the update created a record');
        for (const [label, user, record] of [
          ['alice', alice, savedAlice],
          ['bob', bob, updatedBob],
          ['carol', carol, savedCarol],
        ] as const) {
          const accessToken = record.accessToken;
          assertRecord(
            `${label} by user name`,
            await store.findToken({ userName: user.userName }),
            record,
          );
          assertRecord(`${label} by access token`, await store.findToken({ accessToken }), record);
        }
      },
    },
    {
      name: 'updates exactly the record that findToken returns',
      async run({ open, fixtures: { alice, bob } }) {
        const store = await open();
        const saved = await store.saveToken({ ...alice.record, grantToken: alice.grantToken(1) });
        await store.saveToken({ ...bob.record, grantToken: bob.grantToken(1) });
        const partials = [
          { id: saved.id },
          { userName: alice.userName },
          { accessToken: alice.accessToken(1) },
          { ...CREDENTIALS, grantToken: alice.grantToken(1) },
          { ...CREDENTIALS, refreshToken: alice.refreshToken(1) },
        ];

        for (const [index, partial] of partials.entries()) {
          const label = `lookup by ${Object.keys(partial).join(', ')}`;
          const found = await store.findToken(partial);
          assert.equal(found?.id, saved.id, `${label}: findToken did not return alice`);

          const apiDomain = `https://api${index}.example.test`;
          const updated = await store.saveToken({ ...partial, apiDomain });
          assert.equal(updated.id, saved.id, `${label}: saveToken updated another record`);
          assert.equal(
            updated.apiDomain,
            apiDomain,
            `${label}: saveToken did not update the API domain`,
          );
          assert.equal(
            (await store.getTokens()).length,
            2,
            `${label}: the number of records changed`,
          );
        }
      },
    },
  ],
};
