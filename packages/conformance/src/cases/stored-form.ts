/**
 * The stored form, read through the target's `readRaw`: long tokens are stored whole,
 * fields that were not given leave no placeholder, and deleted records are gone.
 */
import assert from 'node:assert/strict';

import type { TokenInput } from '@tokenstore/core';

import type { CaseGroup } from '../context.js';
import { longToken } from '../fixtures.js';

/** Texts that a store must not write for a field that has no value. */
const PLACEHOLDERS: ReadonlySet<unknown> = new Set(['', 'null', 'undefined', 'NaN']);

/** The stored-form cases. */
export const storedFormCases: CaseGroup = {
  name: 'stored form',
  cases: [
    {
      name: 'stores long tokens whole',
      needs: ['rawRead'],
      async run({ open, readRaw, fixtures: { alice } }) {
        const store = await open();
        const saved = await store.saveToken({
          ...alice.record,
          accessToken: longToken(4096),
          refreshToken: longToken(2048),
        });

        const values = rawValues(await readRaw(saved.id));

        assert.ok(
          values.includes(longToken(4096)),
          'no stored value equals the 4096-character access token',
        );
        assert.ok(
          values.includes(longToken(2048)),
          'no stored value equals the 2048-character refresh token',
        );
        assert.ok(values.includes(alice.userName), 'no stored value equals the user name');
      },
    },
    {
      name: 'stores no placeholder for fields not given',
      needs: ['rawRead'],
      async run({ open, readRaw, fixtures: { alice } }) {
        const store = await open();
        const input: TokenInput = {
          ...alice.record,
          grantToken: null,
          clientSecret: '',
          apiDomain: undefined,
        };
        delete input.redirectUrl;
        const saved = await store.saveToken(input);

        const values = rawValues(await readRaw(saved.id));

        for (const value of values) {
          assert.ok(
            !PLACEHOLDERS.has(value),
            `the stored form holds the placeholder ${JSON.stringify(value)}`,
          );
          assert.ok(!Number.isNaN(value), 'the stored form holds NaN');
        }
      },
    },
    {
      name: 'reads no stored form for deleted records',
      needs: ['rawRead'],
      async run({ open, readRaw, fixtures: { alice, bob, tag } }) {
        const store = await open();
        const deleted = await store.saveToken(alice.record);
        const cleared = await store.saveToken(bob.record);

        assert.equal(await readRaw(`no-such-id-${tag}`), null, 'readRaw of an unknown id');
        await store.deleteToken(deleted.id);
        assert.equal(await readRaw(deleted.id), null, 'readRaw after deleteToken');
        assert.notEqual(await readRaw(cleared.id), null, 'readRaw of bob before deleteTokens');
        await store.deleteTokens();
        assert.equal(await readRaw(cleared.id), null, 'readRaw after deleteTokens');
      },
    },
  ],
};

/** Returns the values of a stored record, with UTF-8 bytes decoded to text. */
function rawValues(raw: Record<string, unknown> | null): unknown[] {
  assert.ok(
    raw !== null && typeof raw === 'object',
    'readRaw found no stored record for the saved id',
  );
  return Object.values(raw).map((value) =>
    value instanceof Uint8Array ? new TextDecoder('utf-8', { fatal: true }).decode(value) : value,
  );
}
