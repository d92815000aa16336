/**
 * Proves that the suite can fail: stores with one known defect each fail the cases
 * that check the behaviour they break, and the correct map store passes those cases.
 */
import { setImmediate as nextTurn } from 'node:timers/promises';

import {
  TokenStoreError,
  conflictError,
  createTokenStore,
  findConflictingField,
  resolveUpsert,
  type StoredToken,
  type TokenInput,
  type TokenStore,
} from '@tokenstore/core';
import { describe, expect, it } from 'vitest';

import { conformanceCases, type ConformanceSubject } from '../src/index.js';
import {
  createMapBackend,
  createMapSubject,
  openMapStore,
  type MapRecords,
} from './fixtures/map-store.mjs';

const correctSubject = createMapSubject();

interface BrokenStore {
  defect: string;
  subject: ConformanceSubject;
  failingCases: string[];
}

const brokenStores: BrokenStore[] = [
  {
    defect: 'replaces the record on update instead of merging',
    subject: createMapSubject('overwriting', openOverwritingStore),
    failingCases: [
      'keeps the refresh token when an update omits it',
      'keeps the API domain when an update gives null',
      'keeps stored fields that an update gives as empty strings',
    ],
  },
  {
    defect: 'returns and keeps the objects it stores',
    subject: createMapSubject('sharing', openSharingStore),
    failingCases: [
      'returns copies that callers can change freely',
      'keeps no reference to the saved object',
    ],
  },
  {
    defect: 'finds a record by any field that matches',
    subject: createMapSubject('any-field lookup', openAnyFieldLookupStore),
    failingCases: [
      'returns null for an unknown id even when other fields match',
      'returns null for an unknown user name even when a token matches',
      'skips the access token rule when a client credential is given',
      'returns null for a refresh or grant token without both client credentials',
      "rejects a save holding another record's refresh token",
    ],
  },
  {
    defect: 'reads and writes in two steps',
    subject: createMapSubject('two-step upsert', openTwoStepStore),
    failingCases: [
      'keeps one record when fifty saves race for one user',
      'keeps one record when fifty saves race for one access token',
    ],
  },
  {
    defect: 'caches records per instance',
    subject: createMapSubject('caching', openCachingStore),
    failingCases: ['keeps no stale copy after another instance updates'],
  },
  {
    defect: 'puts the conflicting value in its error message',
    subject: createMapSubject('leaking', openLeakingStore),
    failingCases: [
      "rejects a save holding another record's refresh token",
      "rejects an update that takes another record's token value",
    ],
  },
  {
    defect: 'throws a TypeError synchronously after close',
    subject: createMapSubject('crashing after close', openCrashingAfterCloseStore),
    failingCases: ['rejects every call after close with CLOSED'],
  },
];

describe.each(brokenStores)('a store that $defect', ({ subject, failingCases }) => {
  it.each(failingCases)('fails "%s"', async (name) => {
    await expect(caseNamed(subject, name).run()).rejects.toThrow();
  });

  it.each(failingCases)('passes "%s" once the defect is gone', async (name) => {
    await expect(caseNamed(correctSubject, name).run()).resolves.toBeUndefined();
  });
});

function caseNamed(subject: ConformanceSubject, name: string) {
  const found = conformanceCases(subject).find((testCase) => testCase.name === name);
  if (found === undefined) throw new Error(`no case named "${name}"`);
  return found;
}

function openOverwritingStore(records: MapRecords): TokenStore {
  const backend = createMapBackend(records);
  return createTokenStore('overwriting', {
    ...backend,
    async save(token, key) {
      const existing = key === null ? null : await backend.find(key);
      if (existing === null) return backend.save(token, key);
      const record = { ...token, id: existing.id };
      records.set(record.id, record);
      return record;
    },
  });
}

function openSharingStore(records: MapRecords): TokenStore {
  const store = openMapStore(records);
  const stored = (record: StoredToken | null): StoredToken | null =>
    record === null ? null : (records.get(record.id) ?? null);
  return {
    ...methodsOf(store),
    findToken: async (token) => stored(await store.findToken(token)),
    findTokenById: async (id) => stored(await store.findTokenById(id)),
    getTokens: async () => [...records.values()],
    async saveToken(token) {
      const saved = await store.saveToken(token);
      const kept = Object.assign(token, saved) as StoredToken;
      records.set(saved.id, kept);
      return kept;
    },
  };
}

function openAnyFieldLookupStore(records: MapRecords): TokenStore {
  const store = openMapStore(records);
  const fields = ['id', 'userName', 'accessToken', 'refreshToken', 'grantToken'] as const;
  return {
    ...methodsOf(store),
    async findToken(token) {
      const match = [...records.values()].find((record) =>
        fields.some((field) => token[field] && record[field] === token[field]),
      );
      return match === undefined ? null : { ...match };
    },
  };
}

function openTwoStepStore(records: MapRecords): TokenStore {
  const backend = createMapBackend(records);
  return createTokenStore('two-step upsert', {
    ...backend,
    async save(token, key) {
      const existing = key === null ? null : await backend.find(key);
      await nextTurn();
      const record = resolveUpsert(existing, token);
      const conflict = findConflictingField(
        record,
        (field, value) => [...records.values()].find((candidate) => candidate[field] === value)?.id,
      );
      if (conflict !== undefined) throw conflictError(conflict);
      records.set(record.id, record);
      return record;
    },
  });
}

function openCachingStore(records: MapRecords): TokenStore {
  const store = openMapStore(records);
  const cache = new Map<string, StoredToken | null>();
  return {
    ...methodsOf(store),
    async findToken(token) {
      const cacheKey = JSON.stringify(token);
      if (!cache.has(cacheKey)) cache.set(cacheKey, await store.findToken(token));
      const cached = cache.get(cacheKey) ?? null;
      return cached === null ? null : { ...cached };
    },
  };
}

function openLeakingStore(records: MapRecords): TokenStore {
  const backend = createMapBackend(records);
  return createTokenStore('leaking', {
    ...backend,
    async save(token, key) {
      try {
        return await backend.save(token, key);
      } catch (error) {
        if (!(error instanceof TokenStoreError && error.code === 'CONFLICT')) throw error;
        const values = [token.accessToken, token.refreshToken, token.grantToken].join(', ');
        throw new TokenStoreError('CONFLICT', `another record holds one of ${values}`);
      }
    },
  });
}

function openCrashingAfterCloseStore(records: MapRecords): TokenStore {
  const store = openMapStore(records);
  let closed = false;
  const guard =
    <Args extends unknown[], Result>(method: (...args: Args) => Promise<Result>) =>
    (...args: Args): Promise<Result> => {
      if (closed) throw new TypeError("Cannot read properties of null (reading 'prepare')");
      return method(...args);
    };
  const methods = methodsOf(store);
  return {
    findToken: guard(methods.findToken),
    saveToken: guard(methods.saveToken),
    deleteToken: guard(methods.deleteToken),
    getTokens: guard(methods.getTokens),
    deleteTokens: guard(methods.deleteTokens),
    findTokenById: guard(methods.findTokenById),
    async close() {
      closed = true;
      await store.close();
    },
  };
}

/** Returns the store's methods bound to it, so that a wrapper can replace some of them. */
function methodsOf(store: TokenStore): TokenStore {
  return {
    findToken: (token: TokenInput) => store.findToken(token),
    saveToken: (token: TokenInput) => store.saveToken(token),
    deleteToken: (id: string) => store.deleteToken(id),
    getTokens: () => store.getTokens(),
    deleteTokens: () => store.deleteTokens(),
    findTokenById: (id: string) => store.findTokenById(id),
    close: () => store.close(),
  };
}
