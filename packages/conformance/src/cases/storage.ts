/**
 * Storage: targets are isolated from each other, a durable store gives back what it
 * acknowledged after reopening, and instances that share storage see each other's
 * writes at once, with no stale copy.
 */
import assert from 'node:assert/strict';

import { assertRecord, assertSameRecords } from '../assert.js';
import type { CaseGroup } from '../context.js';

const USERS_PER_INSTANCE = 50;

/** The storage cases. */
export const storageCases: CaseGroup = {
  name: 'storage',
  cases: [
    {
      name: 'keeps two targets apart',
      async run({ open, reopen, openOtherTarget, fixtures: { alice, bob } }) {
        let first = await open();
        const other = await openOtherTarget();
        const savedAlice = await first.saveToken(alice.record);
        const savedBob = await other.saveToken(bob.record);

        assertSameRecords('records of the first target', await first.getTokens(), [savedAlice]);
        assertSameRecords('records of the other target', await other.getTokens(), [savedBob]);
        assert.equal(
          await other.findToken({ userName: alice.userName }),
          null,
          'the other target found alice',
        );
        assert.equal(
          await first.findTokenById(savedBob.id),
          null,
          'the first target found bob by id',
        );

        first = await reopen(first);
        assertSameRecords('records of the first target, reopened', await first.getTokens(), [
          savedAlice,
        ]);
        await first.deleteTokens();
        assertSameRecords(
          'records of the other target after deleteTokens',
          await other.getTokens(),
          [savedBob],
        );
      },
    },
    {
      name: 'gives back every acknowledged write after reopening',
      needs: ['durable'],
      async run({ open, reopen, fixtures: { alice, bob, carol } }) {
        let store = await open();
        await store.saveToken(alice.record);
        const deleted = await store.saveToken(bob.record);
        const kept = await store.saveToken(carol.record);
        const updated = await store.saveToken({
          userName: alice.userName,
          accessToken: alice.accessToken(2),
          refreshToken: null,
        });
        await store.deleteToken(deleted.id);

        store = await reopen(store);

        assertSameRecords('records after reopening', await store.getTokens(), [updated, kept]);
        assert.equal(await store.findTokenById(deleted.id), null, 'the deleted record came back');
        assertRecord(
          'alice by access token',
          await store.findToken({ accessToken: alice.accessToken(2) }),
          updated,
        );
      },
    },
    {
      name: 'reopens an emptied store and saves again',
      needs: ['durable'],
      async run({ open, reopen, fixtures: { alice, bob } }) {
        let store = await open();
        const saved = await store.saveToken(alice.record);
        await store.deleteToken(saved.id);

        store = await reopen(store);

        assert.deepStrictEqual(await store.getTokens(), [], 'getTokens after reopening');
        const savedBob = await store.saveToken(bob.record);
        store = await reopen(store);
        assertSameRecords('records after saving on the reopened store', await store.getTokens(), [
          savedBob,
        ]);
      },
    },
    {
      name: 'shows one instance the writes of another at once',
      needs: ['sharedInstances'],
      async run({ open, secondInstance, fixtures: { alice, bob } }) {
        const first = await open();
        const second = await secondInstance(first);

        const saved = await first.saveToken(alice.record);
        assertRecord(
          'second reads alice',
          await second.findToken({ userName: alice.userName }),
          saved,
        );

        const updated = await second.saveToken({
          userName: alice.userName,
          accessToken: alice.accessToken(2),
        });
        assertRecord(
          'first reads the update',
          await first.findToken({ userName: alice.userName }),
          updated,
        );

        await second.deleteToken(saved.id);
        assert.equal(
          await first.findTokenById(saved.id),
          null,
          'first still finds the deleted record',
        );
        const savedBob = await second.saveToken(bob.record);
        assertSameRecords('first lists the records of second', await first.getTokens(), [savedBob]);
      },
    },
    {
      name: 'keeps no stale copy after another instance updates',
      needs: ['sharedInstances'],
      async run({ open, secondInstance, fixtures: { alice, bob } }) {
        const first = await open();
        const second = await secondInstance(first);
        await first.saveToken(alice.record);

        await first.findToken({ userName: alice.userName });
        const updated = await second.saveToken({
          ...alice.record,
          accessToken: alice.accessToken(2),
        });
        assertRecord(
          'first after the update',
          await first.findToken({ userName: alice.userName }),
          updated,
        );

        await first.saveToken(bob.record);
        assertRecord(
          'alice on first after saving bob',
          await first.findToken({ userName: alice.userName }),
          updated,
        );
        assertRecord(
          'alice on second after saving bob',
          await second.findToken({ userName: alice.userName }),
          updated,
        );
      },
    },
    {
      name: 'keeps every user when two instances save at once',
      needs: ['sharedInstances'],
      async run({ open, secondInstance, reopen, fixtures }) {
        const first = await open();
        const second = await secondInstance(first);
        const alice = await first.saveToken(fixtures.alice.record);

        const saves = Array.from({ length: USERS_PER_INSTANCE }, (_, index) => [
          first.saveToken(fixtures.user(`user-a-${index + 1}`).record),
          second.saveToken(fixtures.user(`user-b-${index + 1}`).record),
        ]).flat();
        const saved = await Promise.all(saves);

        const reader = await reopen(second);
        assertSameRecords('records after the concurrent saves', await reader.getTokens(), [
          alice,
          ...saved,
        ]);
      },
    },
  ],
};
