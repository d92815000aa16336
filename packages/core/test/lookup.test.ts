import { describe, expect, it } from 'vitest';

import { lookupKeyOf } from '../src/index.js';

const credentials = { clientId: '1000.CLIENT', clientSecret: 'client-secret' };

describe('lookupKeyOf', () => {
  it('takes the id before every other field', () => {
    const key = lookupKeyOf({ id: 'tok-1', userName: 'alice@example.test', accessToken: 'at' });
    expect(key).toEqual({ field: 'id', value: 'tok-1' });
  });

  it('takes the user name before the tokens', () => {
    const key = lookupKeyOf({ userName: 'alice@example.test', accessToken: 'at', ...credentials });
    expect(key).toEqual({ field: 'userName', value: 'alice@example.test' });
  });

  it('takes the access token when no client credential is given', () => {
    expect(lookupKeyOf({ accessToken: 'at', refreshToken: 'rt' })).toEqual({
      field: 'accessToken',
      value: 'at',
    });
  });

  it('skips the access token when a client id is given', () => {
    expect(lookupKeyOf({ accessToken: 'at', clientId: '1000.CLIENT' })).toBeNull();
  });

  it('skips the access token when a client secret is given', () => {
    expect(lookupKeyOf({ accessToken: 'at', clientSecret: 'secret' })).toBeNull();
  });

  it('takes the grant token with both client credentials', () => {
    expect(lookupKeyOf({ grantToken: 'gt', refreshToken: 'rt', ...credentials })).toEqual({
      field: 'grantToken',
      value: 'gt',
    });
  });

  it('takes the refresh token with both client credentials', () => {
    expect(lookupKeyOf({ refreshToken: 'rt', accessToken: 'at', ...credentials })).toEqual({
      field: 'refreshToken',
      value: 'rt',
    });
  });

  it('finds no key for a refresh token without client credentials', () => {
    expect(lookupKeyOf({ refreshToken: 'rt' })).toBeNull();
  });

  it('finds no key for a grant token without client credentials', () => {
    expect(lookupKeyOf({ grantToken: 'gt' })).toBeNull();
  });

  it('finds no key for a refresh token with only a client id', () => {
    expect(lookupKeyOf({ refreshToken: 'rt', clientId: '1000.CLIENT' })).toBeNull();
  });

  it('finds no key for client credentials alone', () => {
    expect(lookupKeyOf(credentials)).toBeNull();
  });

  it('finds no key for an empty token', () => {
    expect(lookupKeyOf({})).toBeNull();
  });

  it('keys a refresh-token save without credentials by its access token', () => {
    // A save of { refreshToken, accessToken } must look up by the access token, the same
    // key a find with that partial uses, so find and save never disagree.
    expect(lookupKeyOf({ refreshToken: 'rt.bob', accessToken: 'at.x' })).toEqual({
      field: 'accessToken',
      value: 'at.x',
    });
  });
});
