import { describe, expect, it } from 'vitest';

import {
  TokenStoreError,
  createTokenId,
  findConflictingField,
  resolveUpsert,
  type StoredToken,
} from '../src/index.js';

const stored: StoredToken = {
  id: 'tok-1',
  userName: 'alice@example.test',
  refreshToken: 'rt.1',
  accessToken: 'at.1',
  apiDomain: 'https://api.example.test',
};

describe('resolveUpsert', () => {
  it('overwrites given fields and keeps the others', () => {
    const record = resolveUpsert(stored, { userName: 'alice@example.test', accessToken: 'at.2' });
    expect(record).toEqual({ ...stored, accessToken: 'at.2' });
  });

  it('keeps the stored id', () => {
    expect(resolveUpsert(stored, { accessToken: 'at.2' }).id).toBe('tok-1');
  });

  it('does not change the stored record', () => {
    const before = { ...stored };
    resolveUpsert(stored, { accessToken: 'at.2' });
    expect(stored).toEqual(before);
  });

  it('inserts with the given id', () => {
    expect(resolveUpsert(null, { id: 'mine', accessToken: 'at' })).toEqual({
      id: 'mine',
      accessToken: 'at',
    });
  });

  it('inserts with a generated id', () => {
    const record = resolveUpsert(null, { refreshToken: 'rt' }, () => 'generated');
    expect(record).toEqual({ id: 'generated', refreshToken: 'rt' });
  });

  it('rejects a new record without any token', () => {
    expect(() => resolveUpsert(null, { userName: 'alice@example.test' })).toThrow(TokenStoreError);
  });

  it('updates a record with a token that carries no token value', () => {
    expect(resolveUpsert(stored, { userName: stored.userName, apiDomain: 'x' }).apiDomain).toBe(
      'x',
    );
  });
});

describe('createTokenId', () => {
  it('returns distinct ids', () => {
    const ids = new Set(Array.from({ length: 1000 }, createTokenId));
    expect(ids.size).toBe(1000);
  });
});

describe('findConflictingField', () => {
  const holders = new Map([['userName:bob@example.test', 'tok-2']]);
  const holderOf = (field: string, value: string) => holders.get(`${field}:${value}`);

  it('reports a value held by another record', () => {
    expect(findConflictingField({ id: 'tok-1', userName: 'bob@example.test' }, holderOf)).toBe(
      'userName',
    );
  });

  it('ignores the record itself', () => {
    expect(findConflictingField({ id: 'tok-2', userName: 'bob@example.test' }, holderOf)).toBe(
      undefined,
    );
  });
});
