import { describe, expect, it } from 'vitest';

import {
  TokenStoreError,
  checkOptionNames,
  isTokenStoreError,
  createTokenStore,
  type LookupKey,
  type OAuthToken,
  type StoredToken,
  type TokenStoreBackend,
} from '../src/index.js';

/** A backend that records what it was asked and holds one record. */
function recordingBackend(overrides: Partial<TokenStoreBackend> = {}) {
  const calls: string[] = [];
  const record: StoredToken = { id: 'tok-1', userName: 'alice@example.test', accessToken: 'at' };
  const backend: TokenStoreBackend = {
    find: async (key: LookupKey) => {
      calls.push(`find ${key.field}`);
      return record;
    },
    save: async (token: OAuthToken, key: LookupKey | null) => {
      calls.push(`save ${key?.field ?? 'none'}`);
      return { ...record, ...token, id: record.id };
    },
    delete: async (id) => void calls.push(`delete ${id}`),
    list: async () => [record],
    clear: async () => void calls.push('clear'),
    close: async () => void calls.push('close'),
    ...overrides,
  };
  return { backend, calls, record };
}

async function rejection(promise: Promise<unknown>): Promise<TokenStoreError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(TokenStoreError);
  return error as TokenStoreError;
}

describe('createTokenStore', () => {
  it('returns copies of the backend records', async () => {
    const { backend, record } = recordingBackend();
    const store = createTokenStore('test', backend);
    const found = await store.findTokenById('tok-1');
    expect(found).toEqual(record);
    expect(found).not.toBe(record);
    const [listed] = await store.getTokens();
    expect(listed).not.toBe(record);
  });

  it('answers a find without a lookup key with null, without asking the backend', async () => {
    const { backend, calls } = recordingBackend();
    const store = createTokenStore('test', backend);
    expect(await store.findToken({ refreshToken: 'rt' })).toBeNull();
    expect(calls).toEqual([]);
  });

  it('rejects a save without key or token before the backend', async () => {
    const { backend, calls } = recordingBackend();
    const store = createTokenStore('test', backend);
    const error = await rejection(store.saveToken({ clientId: 'c', clientSecret: 's' }));
    expect(error.code).toBe('INVALID_TOKEN');
    expect(calls).toEqual([]);
  });

  it('names the store and operation in a validation error', async () => {
    const { backend } = recordingBackend();
    const store = createTokenStore('test', backend);
    const error = await rejection(store.saveToken({ userName: 7 as unknown as string }));
    expect(error.message).toBe(
      '[tokenstore/test] saveToken failed: userName must be a string, got a number',
    );
    expect(error.store).toBe('test');
    expect(error.operation).toBe('saveToken');
  });

  it('wraps an unknown backend error as BACKEND', async () => {
    const cause = Object.assign(new Error("Duplicate entry 'secret-token' for key"), {
      code: 'ER_DUP_ENTRY',
    });
    const { backend } = recordingBackend({
      save: async () => {
        throw cause;
      },
    });
    const store = createTokenStore('test', backend);
    const error = await rejection(store.saveToken({ accessToken: 'secret-token' }));
    expect(error.code).toBe('BACKEND');
    expect(error.cause).toBe(cause);
    expect(error.message).toContain('ER_DUP_ENTRY');
    expect(error.message).not.toContain('secret-token');
  });

  it('lets the backend classify its errors', async () => {
    const { backend } = recordingBackend({
      list: async () => {
        throw new Error('connection lost');
      },
      classifyError: (error) =>
        new TokenStoreError('UNAVAILABLE', 'the server cannot be reached', { cause: error }),
    });
    const store = createTokenStore('test', backend);
    expect((await rejection(store.getTokens())).code).toBe('UNAVAILABLE');
  });

  it('reads an empty id as no record without asking the backend', async () => {
    const { backend, calls } = recordingBackend();
    const store = createTokenStore('test', backend);
    expect(await store.findTokenById('')).toBeNull();
    await store.deleteToken('');
    expect(calls).toEqual([]);
  });

  it('rejects every call after close with CLOSED and closes the backend once', async () => {
    const { backend, calls } = recordingBackend();
    const store = createTokenStore('test', backend);
    await store.close();
    await store.close();
    const results = await Promise.allSettled([
      store.findToken({ userName: 'alice@example.test' }),
      store.saveToken({ accessToken: 'at' }),
      store.deleteToken('tok-1'),
      store.getTokens(),
      store.deleteTokens(),
      store.findTokenById('tok-1'),
    ]);
    for (const result of results) {
      expect(result.status).toBe('rejected');
      expect((result as PromiseRejectedResult).reason.code).toBe('CLOSED');
    }
    expect(calls).toEqual(['close']);
  });

  it('waits for calls in flight before closing the backend', async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    const { backend, calls } = recordingBackend({
      list: async () => {
        await gate;
        calls.push('list done');
        return [];
      },
    });
    const store = createTokenStore('test', backend);
    const listing = store.getTokens();
    const closing = store.close();
    release();
    await Promise.all([listing, closing]);
    expect(calls).toEqual(['list done', 'close']);
  });
});

describe('isTokenStoreError', () => {
  it('recognises the class and its code', () => {
    const error = new TokenStoreError('CONFLICT', 'taken');
    expect(isTokenStoreError(error)).toBe(true);
    expect(isTokenStoreError(error, 'CONFLICT')).toBe(true);
    expect(isTokenStoreError(error, 'CLOSED')).toBe(false);
  });

  it('recognises an error of another copy of the core by name and code', () => {
    const foreign = Object.assign(new Error('x'), { name: 'TokenStoreError', code: 'CLOSED' });
    expect(isTokenStoreError(foreign, 'CLOSED')).toBe(true);
  });

  it('rejects other errors', () => {
    expect(isTokenStoreError(new Error('x'))).toBe(false);
    expect(isTokenStoreError({ name: 'TokenStoreError', code: 'CLOSED' })).toBe(false);
  });
});

describe('createTokenStore methods', () => {
  it('work when called detached from the store', async () => {
    const { backend } = recordingBackend();
    const { findTokenById, close } = createTokenStore('test', backend);
    expect(await findTokenById('tok-1')).toMatchObject({ id: 'tok-1' });
    await close();
  });
});

describe('checkOptionNames', () => {
  it('accepts known option names', () => {
    expect(() =>
      checkOptionNames('test', 'createTestStore', { path: 'x' }, ['path']),
    ).not.toThrow();
  });

  it('rejects a misspelt option by name', () => {
    let error: unknown;
    try {
      checkOptionNames('test', 'createTestStore', { tableName: 'x' }, ['path', 'table']);
    } catch (caught) {
      error = caught;
    }
    expect(isTokenStoreError(error, 'INVALID_OPTIONS')).toBe(true);
    expect((error as Error).message).toContain('"tableName"');
  });

  it.each([undefined, null, 'path', []])('rejects %j as options', (options) => {
    expect(() => checkOptionNames('test', 'createTestStore', options, ['path'])).toThrow(
      TokenStoreError,
    );
  });
});
