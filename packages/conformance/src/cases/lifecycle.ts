/**
 * Reading and removing records: findTokenById, getTokens, deleteToken and
 * deleteTokens, including unknown ids and repeated deletes.
 */
import assert from 'node:assert/strict';

import { assertRecord, assertSameRecords } from '../assert.js';
import type { CaseGroup } from '../context.js';

/** The lifecycle cases. */
export const lifecycleCases: CaseGroup = {
  name: 'lifecycle',
  cases: [
    {
      name: 'deletes one record by id',
      async run({ open, fixtures: { alice, bob } }) {
        const store = await open();
        const deleted = await store.saveToken(alice.record);
        const kept = await store.saveToken(bob.record);

        assert.equal(
          await store.deleteToken(deleted.id),
          undefined,
          'deleteToken resolved with a value',
        );

        assert.equal(await store.findTokenById(deleted.id), null, 'findTokenById after the delete');
        assert.equal(
          await store.findToken({ userName: alice.userName }),
          null,
          'findToken by user name after the delete',
        );
        assert.equal(
          await store.findToken({ accessToken: alice.accessToken(1) }),
          null,
          'findToken by access token after the delete',
        );
        assertSameRecords('records after the delete', await store.getTokens(), [kept]);
      },
    },
    {
      name: 'resolves deletes of unknown and already deleted ids',
      async run({ open, fixtures: { alice, tag } }) {
        const store = await open();
        const saved = await store.saveToken(alice.record);

        await store.deleteToken(`no-such-id-${tag}`);
        assertSameRecords('records after deleting an unknown id', await store.getTokens(), [saved]);

        await store.deleteToken(saved.id);
        await store.deleteToken(saved.id);
        assert.deepStrictEqual(await store.getTokens(), [], 'records after deleting alice twice');
      },
    },
    {
      name: 'returns null from findTokenById for unknown ids',
      async run({ open, fixtures: { alice, bob, tag } }) {
        const store = await open();
        const saved = await store.saveToken(alice.record);
        const deleted = await store.saveToken(bob.record);
        await store.deleteToken(deleted.id);
        const unknownIds = [
          '999',
          '',
          'id',
          'user_name',
          `no-such-id-${tag}`,
          `${saved.id}x`,
          deleted.id,
        ];
        if (saved.id.toUpperCase() !== saved.id) unknownIds.push(saved.id.toUpperCase());

        for (const id of unknownIds) {
          assert.equal(await store.findTokenById(id), null, `findTokenById(${JSON.stringify(id)})`);
        }
        assertRecord('findTokenById of alice', await store.findTokenById(saved.id), saved);
      },
    },
    {
      name: 'lists every record with getTokens',
      async run({ open, fixtures: { alice, bob, carol } }) {
        const store = await open();
        assert.deepStrictEqual(await store.getTokens(), [], 'getTokens of an empty store');

        const saved = [
          await store.saveToken(alice.record),
          await store.saveToken(bob.record),
          await store.saveToken(carol.record),
        ];

        assertSameRecords('getTokens', await store.getTokens(), saved);
      },
    },
    {
      name: 'deletes every record with deleteTokens',
      async run({ open, reopen, fixtures: { alice, bob, carol } }) {
        let store = await open();
        await store.saveToken(alice.record);
        await store.saveToken(bob.record);
        await store.saveToken(carol.record);

        await store.deleteTokens();

        assert.deepStrictEqual(await store.getTokens(), [], 'getTokens after deleteTokens');
        store = await reopen(store);
        assert.deepStrictEqual(await store.getTokens(), [], 'getTokens on a fresh instance');
        const saved = await store.saveToken(alice.record);
        assertSameRecords('records after saving again', await store.getTokens(), [saved]);
        await store.deleteTokens();
        await store.deleteTokens();
        assert.deepStrictEqual(await store.getTokens(), [], 'getTokens after deleting twice');
      },
    },
    {
      name: 'frees the values of a deleted record',
      async run({ open, fixtures: { alice, bob } }) {
        const store = await open();
        const deleted = await store.saveToken(alice.record);
        await store.deleteToken(deleted.id);

        const bobWithAliceToken = await store.saveToken({
          ...bob.record,
          accessToken: alice.accessToken(1),
        });
        const aliceAgain = await store.saveToken({
          ...alice.record,
          accessToken: alice.accessToken(2),
        });

        assertRecord(
          'findToken by the freed access token',
          await store.findToken({ accessToken: alice.accessToken(1) }),
          bobWithAliceToken,
        );
        assertRecord(
          'alice saved again',
          await store.findToken({ userName: alice.userName }),
          aliceAgain,
        );
        assert.equal((await store.getTokens()).length, 2, 'getTokens');
      },
    },
  ],
};
