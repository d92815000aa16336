/**
 * Hostile strings: names that are keys of `Object.prototype`, SQL and Redis command
 * text, and patterns (`%`, `*`, `OR 1=1`) in lookups and deletes. They are stored as
 * plain data, and crafted lookups and deletes match nothing.
 */
import assert from 'node:assert/strict';

import { assertRecord, assertSameRecords } from '../assert.js';
import type { CaseGroup } from '../context.js';
import { CLIENT_ID, CLIENT_SECRET } from '../fixtures.js';

const PROTOTYPE_KEYS = [
  '__proto__',
  'constructor',
  'toString',
  'hasOwnProperty',
  'prototype',
  '__defineGetter__',
];

const COMMAND_LIKE_NAMES = [
  "o'brien@example.test",
  'carol\r\nFLUSHALL\r\n@example.test',
  "robert'); DROP TABLE oauthtoken;--@example.test",
  '{"$gt":""}@example.test',
];

/** The hostile-string cases. */
export const hostileCases: CaseGroup = {
  name: 'hostile strings',
  cases: [
    {
      name: 'stores user names that are keys of Object.prototype',
      async run({ open, fixtures }) {
        const store = await open();
        const saved = [];
        for (const [index, name] of PROTOTYPE_KEYS.entries()) {
          saved.push(
            await store.saveToken({ ...fixtures.user(`p${index}`).record, userName: name }),
          );
        }
        const tokenNames = await store.saveToken({
          ...fixtures.carol.record,
          accessToken: '__proto__',
          refreshToken: 'constructor',
          grantToken: 'toString',
        });

        for (const record of saved) {
          assertRecord(
            `user name ${record.userName}`,
            await store.findToken({ userName: record.userName }),
            record,
          );
        }
        assertRecord(
          'access token __proto__',
          await store.findToken({ accessToken: '__proto__' }),
          tokenNames,
        );
        assertRecord(
          'refresh token constructor',
          await store.findToken({
            clientId: CLIENT_ID,
            clientSecret: CLIENT_SECRET,
            refreshToken: 'constructor',
          }),
          tokenNames,
        );
        assert.equal(await store.findToken({ userName: 'valueOf' }), null, 'user name valueOf');
        assert.equal(
          await store.findToken({ accessToken: 'hasOwnProperty' }),
          null,
          'access token hasOwnProperty',
        );
        assert.equal(await store.findTokenById('__proto__'), null, 'id __proto__');
        assert.equal(await store.findTokenById('constructor'), null, 'id constructor');
        assert.equal((await store.getTokens()).length, PROTOTYPE_KEYS.length + 1, 'getTokens');
        assert.equal(
          ({} as Record<string, unknown>).userName,
          undefined,
          'Object.prototype was changed',
        );
      },
    },
    {
      name: 'stores user names that look like SQL or Redis commands',
      async run({ open, reopen, fixtures }) {
        let store = await open();
        await store.saveToken(fixtures.alice.record);
        await store.saveToken(fixtures.bob.record);
        const saved = [];
        for (const [index, name] of COMMAND_LIKE_NAMES.entries()) {
          const user = fixtures.user(`q${index}`);
          saved.push(
            await store.saveToken({
              ...user.record,
              userName: name,
              redirectUrl: "https://app.example.test/cb?next='home'",
              accessToken: `${user.accessToken(1)}' OR '1'='1`,
            }),
          );
        }
        const updated = [];
        for (const [index, record] of saved.entries()) {
          const accessToken = fixtures.user(`q${index}`).accessToken(2);
          updated.push(await store.saveToken({ userName: record.userName, accessToken }));
        }

        store = await reopen(store);

        for (const [index, record] of updated.entries()) {
          const label = JSON.stringify(COMMAND_LIKE_NAMES[index]);
          assertRecord(label, await store.findToken({ userName: record.userName }), record);
        }
        assert.equal((await store.getTokens()).length, COMMAND_LIKE_NAMES.length + 2, 'getTokens');
      },
    },
    {
      name: 'returns null for crafted lookups',
      async run({ open, fixtures: { alice, bob, tag } }) {
        const store = await open();
        await store.saveToken({ ...alice.record, grantToken: alice.grantToken(1) });
        await store.saveToken(bob.record);
        const patterns = [
          "nobody' OR '1'='1",
          "' OR ''='",
          '*',
          '%',
          '_',
          '.*',
          `%${tag}%`,
          `*${tag}*`,
          '1000.%',
        ];

        for (const pattern of patterns) {
          const label = JSON.stringify(pattern);
          assert.equal(await store.findToken({ userName: pattern }), null, `user name ${label}`);
          assert.equal(
            await store.findToken({ accessToken: pattern }),
            null,
            `access token ${label}`,
          );
          assert.equal(
            await store.findToken({
              clientId: CLIENT_ID,
              clientSecret: CLIENT_SECRET,
              refreshToken: pattern,
            }),
            null,
            `refresh token ${label}`,
          );
          assert.equal(
            await store.findToken({
              clientId: CLIENT_ID,
              clientSecret: CLIENT_SECRET,
              grantToken: pattern,
            }),
            null,
            `grant token ${label}`,
          );
          assert.equal(await store.findTokenById(pattern), null, `id ${label}`);
        }
      },
    },
    {
      name: 'removes nothing on crafted deletes',
      async run({ open, fixtures: { alice, bob, tag } }) {
        const store = await open();
        await store.saveToken(alice.record);
        await store.saveToken(bob.record);
        const before = await store.getTokens();
        const crafted = [
          '1 OR 1=1',
          "' OR ''='",
          '*',
          '%',
          '_',
          `%${tag}%`,
          '1; DELETE FROM oauthtoken',
          '',
        ];

        for (const id of crafted) {
          await store.deleteToken(id);
        }

        assertSameRecords('records after the crafted deletes', await store.getTokens(), before);
      },
    },
  ],
};
