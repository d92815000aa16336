/**
 * CONFLICT: a save is rejected, and changes nothing, when the record it would write
 * contains a user name or token value that another record already contains.
 */
import assert from 'node:assert/strict';

import type { TokenInput, TokenStore } from '@tokenstore/core';

import { assertRejectsWithCode, assertRecord, assertSameRecords } from '../assert.js';
import type { CaseGroup } from '../context.js';

/** The conflict cases. */
export const conflictCases: CaseGroup = {
  name: 'conflict',
  cases: [
    {
      name: "rejects a save holding another record's refresh token",
      async run({ open, fixtures: { bob, tag } }) {
        const store = await open();
        await store.saveToken(bob.record);
        // Its lookup key is the access token, which finds nothing, so the save would
        // insert a second record holding bob's refresh token.
        const partial = { refreshToken: bob.refreshToken(1), accessToken: `1000.at.x.${tag}` };

        await assertConflictChangesNothing(
          store,
          'save with bob refresh token',
          partial,
          bob.secrets,
        );

        assert.equal(
          await store.findToken(partial),
          null,
          'findToken with the same partial found a record',
        );
      },
    },
    {
      name: "rejects an update that takes another record's user name",
      async run({ open, fixtures: { alice, bob } }) {
        const store = await open();
        const saved = await store.saveToken(alice.record);
        await store.saveToken(bob.record);

        await assertConflictChangesNothing(
          store,
          'update alice to bob user name',
          { id: saved.id, userName: bob.userName },
          [...alice.secrets, ...bob.secrets],
        );
      },
    },
    {
      name: "rejects an update that takes another record's token value",
      async run({ open, fixtures: { alice, bob } }) {
        const store = await open();
        await store.saveToken(alice.record);
        await store.saveToken({ ...bob.record, grantToken: bob.grantToken(1) });
        const secrets = bob.secrets;

        await assertConflictChangesNothing(
          store,
          'update alice to bob access token',
          { userName: alice.userName, accessToken: bob.accessToken(1) },
          secrets,
        );
        await assertConflictChangesNothing(
          store,
          'update alice to bob refresh token',
          { userName: alice.userName, refreshToken: bob.refreshToken(1) },
          secrets,
        );
        await assertConflictChangesNothing(
          store,
          'update alice to bob grant token',
          { userName: alice.userName, grantToken: bob.grantToken(1) },
          secrets,
        );
      },
    },
    {
      name: "rejects a new record holding another record's access token",
      async run({ open, fixtures: { alice, carol } }) {
        const store = await open();
        await store.saveToken(alice.record);

        await assertConflictChangesNothing(
          store,
          'new carol record with alice access token',
          { ...carol.record, accessToken: alice.accessToken(1) },
          alice.secrets,
        );
        assert.equal(await store.findToken({ userName: carol.userName }), null, 'carol was stored');
      },
    },
    {
      name: "accepts a save that repeats the record's own values",
      async run({ open, fixtures: { alice } }) {
        const store = await open();
        const saved = await store.saveToken({ ...alice.record, grantToken: alice.grantToken(1) });

        const again = await store.saveToken({ ...alice.record, grantToken: alice.grantToken(1) });
        const byAccessToken = await store.saveToken({
          accessToken: alice.accessToken(1),
          refreshToken: alice.refreshToken(1),
        });

        assertRecord('second save', again, saved);
        assertRecord('save by access token', byAccessToken, saved);
      },
    },
  ],
};

async function assertConflictChangesNothing(
  store: TokenStore,
  label: string,
  token: TokenInput,
  secrets: readonly string[] = [],
): Promise<void> {
  const before = await store.getTokens();

  await assertRejectsWithCode(label, () => store.saveToken(token), 'CONFLICT', secrets);

  assertSameRecords(`${label}: records after the rejected save`, await store.getTokens(), before);
}
