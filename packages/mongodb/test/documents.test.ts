/**
 * The mapping between records and documents, and the filters built from lookup keys,
 * without a server.
 */
import { isTokenStoreError, type StoredToken } from '@tokenstore/core';
import { describe, expect, it } from 'vitest';

import {
  LOOKUP_FIELDS,
  fromDocument,
  lookupFilter,
  revisionFilter,
  toDocument,
  uniqueValueFilters,
} from '../src/documents.js';
import { readModifiedDocument } from '../src/upsert.js';

const RECORD: StoredToken = {
  id: 'tok-1',
  userName: 'alice@example.test',
  clientId: '1000.CLIENTIDAAAA',
  clientSecret: 'client-secret-a',
  refreshToken: '1000.rt.alice.0001',
  accessToken: '1000.at.alice.0001',
  expiresAt: 1_767_225_600_000,
  redirectUrl: 'https://app.example.test/oauth/callback',
  apiDomain: 'https://www.zohoapis.com',
};

describe('documents', () => {
  it('stores fields under the Zoho names', () => {
    const document = toDocument(RECORD, 'rev-1');

    expect(document).toEqual({
      _id: 'tok-1',
      revision: 'rev-1',
      user_name: 'alice@example.test',
      client_id: '1000.CLIENTIDAAAA',
      client_secret: 'client-secret-a',
      refresh_token: '1000.rt.alice.0001',
      access_token: '1000.at.alice.0001',
      expiry_time: 1_767_225_600_000,
      redirect_url: 'https://app.example.test/oauth/callback',
      api_domain: 'https://www.zohoapis.com',
      user_name_key: 'v:alice@example.test',
      access_token_key: 'v:1000.at.alice.0001',
      refresh_token_key: 'v:1000.rt.alice.0001',
      grant_token_key: 'none:tok-1',
    });
  });

  it('gives missing lookup values a per-record key', () => {
    const document = toDocument({ id: 'tok-2', accessToken: 'at-2' }, 'rev-1');

    expect(document.user_name_key).toBe('none:tok-2');
    expect(document.refresh_token_key).toBe('none:tok-2');
    expect(document.grant_token_key).toBe('none:tok-2');
    expect(document).not.toHaveProperty('user_name');
    expect(document).not.toHaveProperty('grant_token');
    expect(Object.values(document)).not.toContain(null);
  });

  it('round-trips hostile values', () => {
    const record: StoredToken = {
      id: '{"$ne": null}',
      userName: '$where',
      accessToken: "'; db.dropDatabase(); '\0\n%*:$😀",
      refreshToken: 'a.b.$c',
    };

    const document = toDocument(record, 'rev');

    expect(fromDocument(document)).toEqual(record);
    expect(document.user_name_key).toBe('v:$where');
  });

  it('reads null and empty fields as absent', () => {
    const record = fromDocument({
      _id: 'tok-3',
      user_name: null,
      access_token: '',
      api_domain: 'x',
    });

    expect(record).toEqual({ id: 'tok-3', apiDomain: 'x' });
  });

  it.each([
    ['an expiry stored as text', { _id: 't', expiry_time: '1767225600000' }],
    ['a fractional expiry', { _id: 't', expiry_time: 1.5 }],
    ['a user name stored as a number', { _id: 't', user_name: 42 }],
    ['an access token stored as an object', { _id: 't', access_token: { $ne: null } }],
    ['an id that is not a string', { _id: 7 }],
    ['an empty id', { _id: '' }],
  ])('rejects %s as CORRUPT', (_label, document) => {
    let caught: unknown;
    try {
      fromDocument(document as Record<string, unknown>);
    } catch (error) {
      caught = error;
    }

    expect(isTokenStoreError(caught, 'CORRUPT')).toBe(true);
  });
});

describe('filters', () => {
  it('compares lookup values with $eq', () => {
    expect(lookupFilter({ field: 'userName', value: '$where' })).toEqual({
      user_name_key: { $eq: 'v:$where' },
    });
    expect(lookupFilter({ field: 'id', value: '{"$ne": null}' })).toEqual({
      _id: { $eq: '{"$ne": null}' },
    });
    for (const field of ['accessToken', 'refreshToken', 'grantToken'] as const) {
      expect(lookupFilter({ field, value: 'x' })).toEqual({
        [LOOKUP_FIELDS[field]]: { $eq: 'v:x' },
      });
    }
  });

  it('matches the revision that was read', () => {
    expect(revisionFilter('tok-1', 'rev-1')).toEqual({
      _id: { $eq: 'tok-1' },
      revision: { $eq: 'rev-1' },
    });
  });

  it('looks up only the values a record holds', () => {
    expect(uniqueValueFilters({ id: 't', accessToken: 'at', grantToken: 'gt' })).toEqual([
      { access_token_key: { $eq: 'v:at' } },
      { grant_token_key: { $eq: 'v:gt' } },
    ]);
  });
});

describe('modify results', () => {
  it('reads a document or null', () => {
    const document = toDocument(RECORD, 'rev');

    expect(readModifiedDocument(document, 'findOneAndReplace')).toBe(document);
    expect(readModifiedDocument(null, 'findOneAndReplace')).toBeNull();
  });

  it.each([
    ['the wrapper of driver 5', { value: { _id: 'tok-1' }, ok: 1, lastErrorObject: { n: 1 } }],
    ['the wrapper of a miss', { value: null, ok: 1 }],
    ['undefined', undefined],
  ])('rejects %s as BACKEND', (_label, result) => {
    let caught: unknown;
    try {
      readModifiedDocument(result, 'findOneAndReplace');
    } catch (error) {
      caught = error;
    }

    expect(isTokenStoreError(caught, 'BACKEND')).toBe(true);
    expect((caught as Error).message).toContain('findOneAndReplace');
  });
});
