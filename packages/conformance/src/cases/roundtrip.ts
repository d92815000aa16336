/**
 * Values round-trip byte for byte: special characters, long tokens and Unicode come
 * back exactly, and matching is exact (no case folding, trimming or normalisation).
 */
import assert from 'node:assert/strict';

import { assertRecord, expectedRecord } from '../assert.js';
import type { CaseGroup } from '../context.js';
import { CLIENT_ID, CLIENT_SECRET, REFRESHED_EXPIRES_AT, longToken } from '../fixtures.js';

/** Characters that break stores which splice values into SQL, CSV, key patterns or JSON. */
const SPECIAL_VALUES: ReadonlyArray<readonly [string, string]> = [
  ['quotes', `"double" 'single' \`back\``],
  ['commas', 'a,b,,c'],
  ['a newline', 'line1\nline2'],
  ['CR and LF', 'line1\r\nline2\r'],
  ['a tab', 'a\tb'],
  ['percent signs', '100%_%'],
  ['glob characters', '*?[a-z]'],
  ['underscores', '_a_b_'],
  ['colons', 'ts:prefix:key'],
  ['dollar signs', '$ne$where'],
  ['backslashes', 'C:\\path\\n\\0'],
  ['a NUL character', 'a\u0000b'],
  ['emoji', '😀🔑'],
  ['JSON', '{"a":[1,null]}'],
];

const KIB_16 = 16 * 1024;

/** The round-trip cases. */
export const roundtripCases: CaseGroup = {
  name: 'round trip',
  cases: [
    {
      name: 'round-trips special characters byte for byte',
      async run({ open, reopen, fixtures }) {
        let store = await open();
        const saved = [];
        for (const [index, [, special]] of SPECIAL_VALUES.entries()) {
          const user = fixtures.user(`s${index}`);
          saved.push(
            await store.saveToken({
              userName: `s${index}${special}.${fixtures.tag}@example.test`,
              clientId: CLIENT_ID,
              clientSecret: `secret${special}`,
              accessToken: `${user.accessToken(1)}${special}`,
              refreshToken: `${user.refreshToken(1)}${special}`,
              redirectUrl: `https://app.example.test/cb?v=${special}`,
              apiDomain: special,
            }),
          );
        }

        store = await reopen(store);

        for (const [index, [label, special]] of SPECIAL_VALUES.entries()) {
          const record = saved[index];
          assert.ok(record !== undefined);
          assertRecord(
            `${label}: by user name`,
            await store.findToken({ userName: record.userName }),
            record,
          );
          assertRecord(
            `${label}: by access token`,
            await store.findToken({ accessToken: record.accessToken }),
            record,
          );
          assertRecord(
            `${label}: by refresh token`,
            await store.findToken({
              clientId: CLIENT_ID,
              clientSecret: `secret${special}`,
              refreshToken: record.refreshToken,
            }),
            record,
          );
          assertRecord(`${label}: by id`, await store.findTokenById(record.id), record);
        }
        assert.equal((await store.getTokens()).length, SPECIAL_VALUES.length, 'getTokens');
      },
    },
    {
      name: 'round-trips 16 KiB token values',
      async run({ open, reopen, fixtures: { alice } }) {
        let store = await open();
        const input = {
          ...alice.record,
          accessToken: withPrefix(alice.accessToken(1), KIB_16),
          refreshToken: withPrefix(alice.refreshToken(1), KIB_16),
          clientSecret: withPrefix(CLIENT_SECRET, KIB_16),
        };
        const saved = await store.saveToken(input);

        store = await reopen(store);

        const expected = expectedRecord(input, saved.id);
        const byAccessToken = await store.findToken({ accessToken: input.accessToken });
        assert.equal(byAccessToken?.accessToken?.length, KIB_16, 'access token length');
        assertRecord('by access token', byAccessToken, expected);
        assertRecord(
          'by refresh token',
          await store.findToken({
            clientId: CLIENT_ID,
            clientSecret: input.clientSecret,
            refreshToken: input.refreshToken,
          }),
          expected,
        );
      },
    },
    {
      name: 'round-trips 4096- and 2048-character values',
      async run({ open, reopen, fixtures: { alice } }) {
        let store = await open();
        const input = {
          ...alice.record,
          accessToken: longToken(4096),
          refreshToken: longToken(2048),
          redirectUrl: `https://app.example.test/cb?state=${longToken(1500)}`,
        };
        const saved = await store.saveToken(input);
        const expected = expectedRecord(input, saved.id);

        store = await reopen(store);
        const byUserName = await store.findToken({ userName: alice.userName });
        store = await reopen(store);
        const byAccessToken = await store.findToken({ accessToken: longToken(4096) });

        assert.equal(byUserName?.accessToken?.length, 4096, 'access token length');
        assert.equal(byUserName?.refreshToken?.length, 2048, 'refresh token length');
        assertRecord('by user name', byUserName, expected);
        assertRecord('by access token', byAccessToken, expected);

        const updated = await store.saveToken({ ...input, expiresAt: REFRESHED_EXPIRES_AT });
        assertRecord('after saving a new expiry', updated, {
          ...expected,
          expiresAt: REFRESHED_EXPIRES_AT,
        });
        assert.equal((await store.getTokens()).length, 1, 'the second save added a record');
      },
    },
    {
      name: 'treats NFC and NFD user names as different users',
      async run({ open, reopen, fixtures: { alice, dave, tag } }) {
        let store = await open();
        const nfcName = `zoë.😀.${tag}@example.test`;
        const nfdName = `zoe\u0308.😀.${tag}@example.test`;
        assert.equal(
          nfcName.normalize('NFD'),
          nfdName,
          'the fixture names are not NFC and NFD forms',
        );
        const input = {
          ...alice.record,
          userName: nfcName,
          redirectUrl: 'https://app.example.test/ciudad/señal?x=ü',
        };
        const saved = await store.saveToken(input);

        store = await reopen(store);

        assertRecord(
          'NFC name',
          await store.findToken({ userName: nfcName }),
          expectedRecord(input, saved.id),
        );
        assert.equal(
          await store.findToken({ userName: nfdName }),
          null,
          'the NFD name found the NFC record',
        );
        const nfdRecord = await store.saveToken({ ...dave.record, userName: nfdName });
        assert.notEqual(nfdRecord.id, saved.id, 'the NFD name updated the NFC record');
        assert.equal((await store.getTokens()).length, 2, 'records after saving both forms');
      },
    },
    {
      name: 'treats case and trailing spaces as different values',
      async run({ open, fixtures: { alice, bob, carol } }) {
        const store = await open();
        await store.saveToken(alice.record);
        const accessToken = alice.accessToken(1);

        assert.equal(
          await store.findToken({ userName: alice.userName.toUpperCase() }),
          null,
          'upper-case user name',
        );
        assert.equal(
          await store.findToken({ userName: `${alice.userName} ` }),
          null,
          'trailing space in user name',
        );
        assert.equal(
          await store.findToken({ userName: ` ${alice.userName}` }),
          null,
          'leading space in user name',
        );
        assert.equal(
          await store.findToken({ accessToken: accessToken.toUpperCase() }),
          null,
          'upper-case access token',
        );
        assert.equal(
          await store.findToken({ accessToken: `${accessToken} ` }),
          null,
          'trailing space in access token',
        );

        const upper = await store.saveToken({
          ...bob.record,
          userName: alice.userName.toUpperCase(),
        });
        const spaced = await store.saveToken({ ...carol.record, userName: `${alice.userName} ` });
        assert.equal(
          upper.userName,
          alice.userName.toUpperCase(),
          'upper-case user name was changed',
        );
        assert.equal(spaced.userName, `${alice.userName} `, 'trailing space was trimmed');
        assert.equal(
          (await store.getTokens()).length,
          3,
          'names differing in case or spaces share a record',
        );
      },
    },
  ],
};

function withPrefix(prefix: string, length: number): string {
  return `${prefix}.${longToken(length - prefix.length - 1)}`;
}
