/**
 * The upsert: a save inserts or updates the one record its lookup key finds, an
 * update merges (fields not given keep their stored value), and concurrent saves of
 * one identity leave one record.
 */
import assert from 'node:assert/strict';

import { assertRecord, assertRecordShape, describeError, expectedRecord } from '../assert.js';
import type { CaseGroup } from '../context.js';
import { CLIENT_ID, CLIENT_SECRET, EXPIRES_AT, REFRESHED_EXPIRES_AT } from '../fixtures.js';

const RACING_SAVES = 50;
const EU_API_DOMAIN = 'https://www.zohoapis.eu';

/** The upsert cases. */
export const upsertCases: CaseGroup = {
  name: 'upsert',
  cases: [
    {
      name: 'saves a new record with every field given',
      async run({ open, fixtures: { alice } }) {
        const store = await open();
        const input = { ...alice.record, apiDomain: EU_API_DOMAIN };

        const saved = await store.saveToken(input);

        assertRecordShape('saved record', saved);
        assertRecord('saved record', saved, expectedRecord(input, saved.id));
        assert.ok(
          !('grantToken' in saved),
          'the saved record holds a grant token that was not given',
        );
        assertRecord('found record', await store.findToken({ userName: alice.userName }), saved);
      },
    },
    {
      name: 'keeps the refresh token when an update omits it',
      async run({ open, fixtures: { alice } }) {
        const store = await open();
        const saved = await store.saveToken(alice.record);

        await store.saveToken({
          userName: alice.userName,
          clientId: CLIENT_ID,
          clientSecret: CLIENT_SECRET,
          accessToken: alice.accessToken(2),
          refreshToken: null,
          expiresAt: REFRESHED_EXPIRES_AT,
        });

        const expected = {
          ...saved,
          accessToken: alice.accessToken(2),
          expiresAt: REFRESHED_EXPIRES_AT,
        };
        assertRecord(
          'record after the update',
          await store.findToken({ userName: alice.userName }),
          expected,
        );
        assert.equal((await store.getTokens()).length, 1, 'the update added a record');
      },
    },
    {
      name: 'keeps the API domain when an update gives null',
      async run({ open, fixtures: { alice } }) {
        const store = await open();
        const saved = await store.saveToken({ ...alice.record, apiDomain: EU_API_DOMAIN });

        await store.saveToken({
          userName: alice.userName,
          clientId: CLIENT_ID,
          clientSecret: CLIENT_SECRET,
          accessToken: alice.accessToken(2),
          expiresAt: REFRESHED_EXPIRES_AT,
          apiDomain: null,
        });

        const expected = {
          ...saved,
          accessToken: alice.accessToken(2),
          expiresAt: REFRESHED_EXPIRES_AT,
        };
        assertRecord(
          'record after the update',
          await store.findToken({ userName: alice.userName }),
          expected,
        );
        assert.equal((await store.getTokens()).length, 1, 'the update added a record');
      },
    },
    {
      name: 'keeps stored fields that an update gives as empty strings',
      async run({ open, fixtures: { alice } }) {
        const store = await open();
        const saved = await store.saveToken(alice.record);

        await store.saveToken({
          userName: alice.userName,
          accessToken: alice.accessToken(2),
          refreshToken: '',
          clientId: '',
          clientSecret: '',
          expiresAt: null,
          redirectUrl: '',
          apiDomain: '',
        });

        const expected = { ...saved, accessToken: alice.accessToken(2) };
        assertRecord(
          'record after the update',
          await store.findToken({ userName: alice.userName }),
          expected,
        );
      },
    },
    {
      name: 'overwrites every field that an update gives',
      async run({ open, fixtures: { alice } }) {
        const store = await open();
        const saved = await store.saveToken(alice.record);
        const update = {
          userName: alice.userName,
          clientId: '1000.NEWCLIENT',
          clientSecret: 'new-client-secret',
          refreshToken: alice.refreshToken(2),
          accessToken: alice.accessToken(2),
          grantToken: alice.grantToken(1),
          expiresAt: REFRESHED_EXPIRES_AT,
          redirectUrl: 'https://app.example.test/new/callback',
          apiDomain: EU_API_DOMAIN,
        };

        const updated = await store.saveToken(update);

        assertRecord('updated record', updated, { ...update, id: saved.id });
        assertRecord(
          'found record',
          await store.findToken({ accessToken: alice.accessToken(2) }),
          updated,
        );
        assert.equal(
          await store.findToken({ accessToken: alice.accessToken(1) }),
          null,
          'old access token still finds',
        );
        assert.equal((await store.getTokens()).length, 1, 'the update added a record');
      },
    },
    {
      name: 'updates a stored record from a save without token values',
      async run({ open, fixtures: { alice } }) {
        const store = await open();
        const saved = await store.saveToken(alice.record);

        const updated = await store.saveToken({
          userName: alice.userName,
          apiDomain: EU_API_DOMAIN,
        });

        assertRecord('updated record', updated, { ...saved, apiDomain: EU_API_DOMAIN });
      },
    },
    {
      name: 'keeps one record when fifty saves race for one user',
      async run({ open, secondInstance, fixtures: { carol } }) {
        const first = await open();
        const second = await secondInstance(first);
        const accessTokens = Array.from({ length: RACING_SAVES }, (_, index) =>
          carol.accessToken(index + 1),
        );

        const saves = accessTokens.map((accessToken, index) =>
          (index % 2 === 0 ? first : second).saveToken({ ...carol.record, accessToken }),
        );
        const outcomes = await Promise.allSettled(saves);

        outcomes.forEach((outcome, index) => {
          assert.equal(
            outcome.status,
            'fulfilled',
            `save ${index + 1} rejected: ${rejectionText(outcome)}`,
          );
        });
        const records = await first.getTokens();
        assert.equal(records.length, 1, `${records.length} records for one user`);
        const [record] = records;
        assertRecordShape('the record', record);
        assert.equal(record.userName, carol.userName);
        assert.equal(record.refreshToken, carol.refreshToken(1));
        assert.ok(
          accessTokens.includes(record.accessToken ?? ''),
          'the access token is none of those saved',
        );
        assert.deepStrictEqual(await first.findToken({ userName: carol.userName }), record);
      },
    },
    {
      name: 'keeps one record when fifty saves race for one access token',
      async run({ open, secondInstance, fixtures: { dave } }) {
        const first = await open();
        const second = await secondInstance(first);
        const token = { accessToken: dave.accessToken(1), expiresAt: EXPIRES_AT };

        const saves = Array.from({ length: RACING_SAVES }, (_, index) =>
          (index % 2 === 0 ? first : second).saveToken(token),
        );
        const outcomes = await Promise.allSettled(saves);

        outcomes.forEach((outcome, index) => {
          assert.equal(
            outcome.status,
            'fulfilled',
            `save ${index + 1} rejected: ${rejectionText(outcome)}`,
          );
        });
        const records = await first.getTokens();
        assert.equal(records.length, 1, `${records.length} records for one access token`);
        assertRecord('the record', records[0], expectedRecord(token, records[0]?.id ?? ''));
      },
    },
    {
      name: 'gives distinct string ids to records saved without an id',
      async run({ open, secondInstance, fixtures }) {
        const first = await open();
        const second = await secondInstance(first);
        const saved = [];

        for (let number = 1; number <= 25; number += 1) {
          saved.push(
            await first.saveToken(fixtures.user(`u${String(number).padStart(2, '0')}`).record),
          );
        }
        const concurrent = Array.from({ length: 20 }, (_, index) =>
          (index < 10 ? first : second).saveToken(fixtures.user(`c${index + 1}`).record),
        );
        saved.push(...(await Promise.all(concurrent)));

        saved.forEach((record, index) => assertRecordShape(`save ${index + 1}`, record));
        const ids = saved.map((record) => record.id);
        assert.equal(new Set(ids).size, ids.length, 'two records got the same id');
        for (const record of saved) {
          assertRecord(
            `findTokenById of ${record.userName}`,
            await first.findTokenById(record.id),
            record,
          );
        }
      },
    },
    {
      name: 'keeps an explicit id and generates ids after it',
      async run({ open, fixtures: { alice, bob, carol } }) {
        const store = await open();
        const first = await store.saveToken(alice.record);

        const explicit = await store.saveToken({ ...bob.record, id: 'tok-bob' });
        const after = await store.saveToken(carol.record);

        assert.equal(explicit.id, 'tok-bob');
        assertRecord('findTokenById("tok-bob")', await store.findTokenById('tok-bob'), explicit);
        assertRecordShape('the save after an explicit id', after);
        assert.equal(
          new Set([first.id, explicit.id, after.id]).size,
          3,
          'two records got the same id',
        );
        assertRecord('findTokenById of carol', await store.findTokenById(after.id), after);
      },
    },
  ],
};

function rejectionText(outcome: PromiseSettledResult<unknown>): string {
  return outcome.status === 'rejected' ? describeError(outcome.reason) : '';
}
