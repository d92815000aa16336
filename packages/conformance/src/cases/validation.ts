/**
 * INVALID_TOKEN: input that breaks the contract is rejected by find and save alike,
 * changes nothing, and never shows up in the error message.
 */
import assert from 'node:assert/strict';

import { STRING_FIELDS, type TokenInput } from '@tokenstore/core';

import { assertRecord, assertRejectsWithCode, assertSameRecords } from '../assert.js';
import type { CaseGroup } from '../context.js';
import { CLIENT_ID, CLIENT_SECRET, EXPIRES_AT } from '../fixtures.js';

/**
 * Values a string field cannot take, with how a message names them. A lone UTF-16
 * surrogate has no UTF-8 form, so no SQL or document store could give it back.
 */
const WRONG_STRING_VALUES: ReadonlyArray<readonly [string, unknown]> = [
  ['a string with a lone surrogate', 'token-\uD800-value'],
  ['a number', 42],
  ['a boolean', true],
  ['an object', { value: 'x' }],
  ['an array', ['x']],
  ['the operator object {$ne: null}', { $ne: null }],
  ['the operator object {$gt: ""}', { $gt: '' }],
];

/** Expiries that are not an integer number of epoch milliseconds. */
const WRONG_EXPIRIES: ReadonlyArray<readonly [string, unknown]> = [
  ['a string of digits', String(EXPIRES_AT)],
  ['NaN', Number.NaN],
  ['Infinity', Number.POSITIVE_INFINITY],
  ['-Infinity', Number.NEGATIVE_INFINITY],
  ['a fraction', EXPIRES_AT + 0.5],
  ['a Date', new Date(EXPIRES_AT)],
  ['a bigint', BigInt(EXPIRES_AT)],
  ['a boolean', true],
];

/** Misspelt or snake_case field names that a store must not drop in silence. */
const UNKNOWN_FIELDS = ['expiry_time', 'refresh_token', 'user_name', 'accesstoken'];

/** Inputs that are no token object at all. */
const NOT_OBJECTS: ReadonlyArray<readonly [string, unknown]> = [
  ['null', null],
  ['undefined', undefined],
  ['a string', 'alice@example.test'],
  ['a number', 42],
  ['an array', []],
  ['a boolean', true],
];

/** Ids that are not strings. */
const WRONG_IDS: ReadonlyArray<readonly [string, unknown]> = [
  ['a number', 42],
  ['null', null],
  ['undefined', undefined],
  ['an object', {}],
  ['the operator object {$ne: null}', { $ne: null }],
  ['an array', ['x']],
  ['a boolean', true],
];

/** The validation cases. */
export const validationCases: CaseGroup = {
  name: 'validation',
  cases: [
    {
      name: 'rejects a save with no token value and nothing to update',
      async run({ open, fixtures: { alice, tag } }) {
        const store = await open();
        const withoutTokens: ReadonlyArray<readonly [string, TokenInput]> = [
          ['an empty token', {}],
          ['client credentials only', { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }],
          ['a new user without tokens', { ...alice.record, accessToken: null, refreshToken: '' }],
          [
            'an unknown id without tokens',
            { id: `no-such-id-${tag}`, apiDomain: 'https://x.example.test' },
          ],
        ];

        for (const [label, token] of withoutTokens) {
          await assertRejectsWithCode(
            `saveToken of ${label}`,
            () => store.saveToken(token),
            'INVALID_TOKEN',
            alice.secrets,
          );
        }
        assert.deepStrictEqual(await store.getTokens(), [], 'a rejected save stored a record');
      },
    },
    {
      name: 'rejects values of the wrong type in saveToken',
      async run({ open, fixtures: { alice, bob } }) {
        const store = await open();
        const saved = await store.saveToken(bob.record);

        for (const field of STRING_FIELDS) {
          for (const [kind, value] of WRONG_STRING_VALUES) {
            const newRecord = untyped({ ...alice.record, [field]: value });
            const update = untyped({
              userName: bob.userName,
              accessToken: bob.accessToken(2),
              [field]: value,
            });
            const secrets = [...alice.secrets, ...bob.secrets];

            await assertRejectsWithCode(
              `new record, ${field} as ${kind}`,
              () => store.saveToken(newRecord),
              'INVALID_TOKEN',
              secrets,
            );
            await assertRejectsWithCode(
              `update, ${field} as ${kind}`,
              () => store.saveToken(update),
              'INVALID_TOKEN',
              secrets,
            );
          }
        }
        assertSameRecords('records after the rejected saves', await store.getTokens(), [saved]);
      },
    },
    {
      name: 'rejects values of the wrong type in findToken',
      async run({ open, fixtures: { alice } }) {
        const store = await open();
        await store.saveToken(alice.record);

        for (const field of STRING_FIELDS) {
          for (const [kind, value] of WRONG_STRING_VALUES) {
            const alone = untyped({ [field]: value });
            const withUserName = untyped({ userName: alice.userName, [field]: value });

            await assertRejectsWithCode(
              `${field} as ${kind}`,
              () => store.findToken(alone),
              'INVALID_TOKEN',
              alice.secrets,
            );
            await assertRejectsWithCode(
              `user name with ${field} as ${kind}`,
              () => store.findToken(withUserName),
              'INVALID_TOKEN',
              alice.secrets,
            );
          }
        }
      },
    },
    {
      name: 'rejects an expiry that is not integer epoch milliseconds',
      async run({ open, fixtures: { alice, bob } }) {
        const store = await open();
        const saved = await store.saveToken(bob.record);

        for (const [kind, expiresAt] of WRONG_EXPIRIES) {
          const newRecord = untyped({ ...alice.record, expiresAt });
          const update = untyped({ userName: bob.userName, expiresAt });
          const lookup = untyped({ userName: bob.userName, expiresAt });

          await assertRejectsWithCode(
            `new record, expiry as ${kind}`,
            () => store.saveToken(newRecord),
            'INVALID_TOKEN',
            alice.secrets,
          );
          await assertRejectsWithCode(
            `update, expiry as ${kind}`,
            () => store.saveToken(update),
            'INVALID_TOKEN',
            bob.secrets,
          );
          await assertRejectsWithCode(
            `findToken, expiry as ${kind}`,
            () => store.findToken(lookup),
            'INVALID_TOKEN',
            bob.secrets,
          );
        }
        assertSameRecords('records after the rejected saves', await store.getTokens(), [saved]);
      },
    },
    {
      name: 'rejects unknown field names',
      async run({ open, fixtures: { alice, bob } }) {
        const store = await open();
        const saved = await store.saveToken(bob.record);

        for (const field of UNKNOWN_FIELDS) {
          const newRecord = untyped({ ...alice.record, [field]: 'value' });
          const lookup = untyped({ userName: bob.userName, [field]: 'value' });

          await assertRejectsWithCode(
            `saveToken with ${field}`,
            () => store.saveToken(newRecord),
            'INVALID_TOKEN',
            alice.secrets,
          );
          await assertRejectsWithCode(
            `findToken with ${field}`,
            () => store.findToken(lookup),
            'INVALID_TOKEN',
            bob.secrets,
          );
        }
        assertSameRecords('records after the rejected saves', await store.getTokens(), [saved]);
      },
    },
    {
      name: 'rejects a token that is not an object',
      async run({ open, fixtures: { bob } }) {
        const store = await open();
        const saved = await store.saveToken(bob.record);

        for (const [kind, value] of NOT_OBJECTS) {
          await assertRejectsWithCode(
            `saveToken of ${kind}`,
            () => store.saveToken(untyped(value)),
            'INVALID_TOKEN',
          );
          await assertRejectsWithCode(
            `findToken of ${kind}`,
            () => store.findToken(untyped(value)),
            'INVALID_TOKEN',
          );
        }
        assertSameRecords('records after the rejected saves', await store.getTokens(), [saved]);
      },
    },
    {
      name: 'rejects an id that is not a string',
      async run({ open, fixtures: { bob } }) {
        const store = await open();
        const saved = await store.saveToken(bob.record);

        for (const [kind, id] of WRONG_IDS) {
          const wrongId = id as string;
          await assertRejectsWithCode(
            `findTokenById of ${kind}`,
            () => store.findTokenById(wrongId),
            'INVALID_TOKEN',
          );
          await assertRejectsWithCode(
            `deleteToken of ${kind}`,
            () => store.deleteToken(wrongId),
            'INVALID_TOKEN',
          );
        }
        assertRecord('bob after the rejected calls', await store.findTokenById(saved.id), saved);
        assert.equal((await store.getTokens()).length, 1, 'a rejected delete removed a record');
      },
    },
  ],
};

// The cases pass values that the types forbid, as JavaScript callers and parsed JSON can.
function untyped(value: unknown): TokenInput {
  return value as TokenInput;
}
