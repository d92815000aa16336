/**
 * close(): safe to call twice, settles the calls in flight, and turns every later call
 * into a CLOSED rejection that writes nothing.
 */
import assert from 'node:assert/strict';

import type { TokenStore } from '@tokenstore/core';

import {
  assertRecord,
  assertRejectsWithCode,
  assertSameRecords,
  describeError,
  errorCodeOf,
  expectedRecord,
  settleWithin,
} from '../assert.js';
import type { CaseGroup } from '../context.js';

/** How long calls pending at `close()` may stay unsettled after it resolved. */
const SETTLE_AFTER_CLOSE_MS = 1000;

/** The close cases. */
export const closeCases: CaseGroup = {
  name: 'close',
  cases: [
    {
      name: 'resolves close called twice',
      async run({ open }) {
        const store = await open();

        await store.close();
        await store.close();
        await Promise.all([store.close(), store.close()]);
      },
    },
    {
      name: 'settles a save started in the same tick as close',
      async run({ open, capabilities, fixtures: { alice } }) {
        const store = await open();

        const [save, close] = await Promise.allSettled([
          store.saveToken(alice.record),
          store.close(),
        ]);

        assert.equal(
          close.status,
          'fulfilled',
          `close rejected: ${close.status === 'rejected' ? describeError(close.reason) : ''}`,
        );
        if (save.status === 'rejected') {
          assert.equal(
            errorCodeOf(save.reason),
            'CLOSED',
            `the save rejected with ${describeError(save.reason)}`,
          );
        } else {
          assertRecord('the saved record', save.value, expectedRecord(alice.record, save.value.id));
        }
        if (capabilities.durable) {
          const reader = await open();
          const found = await reader.findToken({ userName: alice.userName });
          const expected = save.status === 'fulfilled' ? save.value : null;
          assert.deepStrictEqual(
            found,
            expected,
            'the stored state does not match the outcome of the save',
          );
        }
      },
    },
    {
      name: 'settles calls pending when close is called',
      async run({ open, fixtures: { alice, bob } }) {
        const store = await open();
        const saved = await store.saveToken(alice.record);

        const calls = [
          store.findToken({ userName: alice.userName }),
          store.findTokenById(saved.id),
          store.getTokens(),
          store.saveToken(bob.record),
        ] as const;
        // Settling them at once attaches handlers now, so no rejection goes unhandled.
        const settled = Promise.allSettled(calls);
        await store.close();
        const [found, foundById, listed, bobSave] = await settleWithin(
          settled,
          SETTLE_AFTER_CLOSE_MS,
          `calls were still pending ${SETTLE_AFTER_CLOSE_MS} ms after close resolved`,
        );

        checkOutcome('findToken', found, (record) => assertRecord('findToken', record, saved));
        checkOutcome('findTokenById', foundById, (record) =>
          assertRecord('findTokenById', record, saved),
        );
        checkOutcome('getTokens', listed, (records) => {
          assert.ok(
            records.some((record) => record.id === saved.id),
            'getTokens did not list alice',
          );
        });
        checkOutcome('saveToken', bobSave, (record) => {
          assertRecord('saveToken of bob', record, expectedRecord(bob.record, record.id));
        });
      },
    },
    {
      name: 'rejects every call after close with CLOSED',
      async run({ open, capabilities, fixtures: { alice, bob } }) {
        const store = await open();
        const saved = await store.saveToken(alice.record);
        await store.close();

        for (const [name, call] of callsAfterClose(store, saved.id, bob.record)) {
          await assertRejectsWithCode(`${name} after close`, call, 'CLOSED');
        }
        await store.close();

        if (capabilities.durable) {
          const reader = await open();
          assertSameRecords('records after the rejected calls', await reader.getTokens(), [saved]);
        }
      },
    },
  ],
};

function callsAfterClose(
  store: TokenStore,
  id: string,
  newRecord: Parameters<TokenStore['saveToken']>[0],
): Array<readonly [string, () => Promise<unknown>]> {
  return [
    ['findToken', () => store.findToken({ id })],
    ['saveToken', () => store.saveToken(newRecord)],
    ['deleteToken', () => store.deleteToken(id)],
    ['getTokens', () => store.getTokens()],
    ['deleteTokens', () => store.deleteTokens()],
    ['findTokenById', () => store.findTokenById(id)],
  ];
}

function checkOutcome<T>(
  name: string,
  outcome: PromiseSettledResult<T>,
  checkValue: (value: T) => void,
): void {
  if (outcome.status === 'fulfilled') {
    checkValue(outcome.value);
    return;
  }
  assert.equal(
    errorCodeOf(outcome.reason),
    'CLOSED',
    `${name}, pending at close, rejected with ${describeError(outcome.reason)}`,
  );
}
