/**
 * Returned records: copies that share nothing with the store, one shape from every
 * read, and an expiry that is data, never a lifetime of the record.
 */
import assert from 'node:assert/strict';
import { setTimeout as delay } from 'node:timers/promises';

import type { TokenInput } from '@tokenstore/core';

import { assertRecord, assertRecordShape, assertSameRecords, expectedRecord } from '../assert.js';
import type { CaseGroup } from '../context.js';
import { EXPIRES_AT } from '../fixtures.js';

const EXPIRY_WAIT_MS = 3000;

/** The record cases. */
export const recordCases: CaseGroup = {
  name: 'records',
  cases: [
    {
      name: 'returns copies that callers can change freely',
      async run({ open, fixtures: { alice } }) {
        const store = await open();
        const saved = await store.saveToken(alice.record);
        const expected = { ...saved };

        const returned = [
          saved,
          await store.findToken({ userName: alice.userName }),
          await store.findTokenById(saved.id),
          ...(await store.getTokens()),
        ];
        for (const record of returned) {
          assert.ok(record !== null);
          record.accessToken = 'changed by the caller';
          delete record.refreshToken;
          record.apiDomain = undefined;
        }

        assertRecord(
          'findToken after changing returned records',
          await store.findToken({ userName: alice.userName }),
          expected,
        );
        assertSameRecords('getTokens after changing returned records', await store.getTokens(), [
          expected,
        ]);
      },
    },
    {
      name: 'keeps no reference to the saved object',
      async run({ open, fixtures: { alice } }) {
        const store = await open();
        const input = alice.record;
        const saved = await store.saveToken(input);
        const expected = expectedRecord(alice.record, saved.id);

        input.accessToken = 'changed by the caller';
        input.userName = 'changed@example.test';
        delete (input as { refreshToken?: string }).refreshToken;

        assertRecord(
          'findTokenById after changing the input',
          await store.findTokenById(saved.id),
          expected,
        );
        assertRecord(
          'findToken after changing the input',
          await store.findToken({ userName: alice.userName }),
          expected,
        );
      },
    },
    {
      name: 'returns the same shape from every read',
      async run({ open, fixtures: { alice } }) {
        const store = await open();
        const input: TokenInput = { ...alice.record, grantToken: null, clientSecret: '' };
        delete input.redirectUrl;
        const saved = await store.saveToken(input);

        const reads = {
          saveToken: saved,
          findToken: await store.findToken({ userName: alice.userName }),
          findTokenById: await store.findTokenById(saved.id),
          getTokens: (await store.getTokens())[0],
        };

        for (const [read, record] of Object.entries(reads)) {
          assertRecordShape(read, record);
          for (const field of ['grantToken', 'clientSecret', 'redirectUrl']) {
            assert.ok(!(field in record), `${read}: ${field} was not given but is present`);
          }
          assert.equal(record.expiresAt, EXPIRES_AT, `${read}: expiresAt`);
          assert.deepStrictEqual(
            record,
            saved,
            `${read}: differs from the record saveToken returned`,
          );
        }
      },
    },
    {
      name: 'finds records whose access token has expired',
      waitMs: EXPIRY_WAIT_MS,
      async run({ open, reopen, fixtures: { alice, bob } }) {
        let store = await open();
        const now = Date.now();
        const expired = await store.saveToken({ ...alice.record, expiresAt: now - 60_000 });
        const expiring = await store.saveToken({ ...bob.record, expiresAt: now + 1000 });

        await delay(EXPIRY_WAIT_MS);
        store = await reopen(store);

        assertRecord(
          'alice, expired a minute before saving',
          await store.findToken({ userName: alice.userName }),
          expired,
        );
        assertRecord(
          'bob, expired after saving',
          await store.findToken({ userName: bob.userName }),
          expiring,
        );
        assertRecord(
          'bob by refresh token',
          await store.findToken({
            clientId: bob.record.clientId,
            clientSecret: bob.record.clientSecret,
            refreshToken: bob.refreshToken(1),
          }),
          expiring,
        );
      },
    },
    {
      name: 'saves records with an expiry given as null or an empty string',
      async run({ open, fixtures: { carol, dave } }) {
        const store = await open();

        const withNull = await store.saveToken({ ...carol.record, expiresAt: null });
        const withEmpty = await store.saveToken({
          ...dave.record,
          expiresAt: '' as unknown as null,
        });
        const updated = await store.saveToken({
          userName: carol.userName,
          accessToken: carol.accessToken(2),
          expiresAt: null,
        });

        assert.ok(!('expiresAt' in withNull), 'null expiry is present');
        assert.ok(!('expiresAt' in withEmpty), 'empty expiry is present');
        assertRecord('carol after an update without expiry', updated, {
          ...withNull,
          accessToken: carol.accessToken(2),
        });
      },
    },
  ],
};
