import { describe, expect, it } from 'vitest';

import { expiresAtFromNow, isAccessTokenExpired, maskSecret, maskToken } from '../src/index.js';

describe('maskSecret', () => {
  it('shows only the length of a short secret', () => {
    expect(maskSecret('hunter2')).toBe('***(7 chars)');
  });

  it('shows four characters of a long secret', () => {
    expect(maskSecret('1000.at.alice.0001.abcdef')).toBe('1000***(25 chars)');
  });

  it('marks a missing value', () => {
    expect(maskSecret(undefined)).toBe('(none)');
  });
});

describe('maskToken', () => {
  it('masks the secret fields and keeps the others', () => {
    const masked = maskToken({
      id: 'tok-1',
      userName: 'alice@example.test',
      clientSecret: 'client-secret-a',
      accessToken: '1000.at.alice.0001',
      refreshToken: '1000.rt.alice.0001',
    });
    expect(masked).toEqual({
      id: 'tok-1',
      userName: 'alice@example.test',
      clientSecret: '***(15 chars)',
      refreshToken: '1000***(18 chars)',
      accessToken: '1000***(18 chars)',
    });
  });
});

describe('isAccessTokenExpired', () => {
  const now = 1_767_225_600_000;

  it('is false well before the expiry', () => {
    expect(isAccessTokenExpired({ accessToken: 'at', expiresAt: now + 120_000 }, { now })).toBe(
      false,
    );
  });

  it('is true within the clock skew', () => {
    expect(isAccessTokenExpired({ accessToken: 'at', expiresAt: now + 30_000 }, { now })).toBe(
      true,
    );
  });

  it('uses the given skew', () => {
    const token = { accessToken: 'at', expiresAt: now + 30_000 };
    expect(isAccessTokenExpired(token, { now, skewMs: 0 })).toBe(false);
  });

  it('is true without an access token or an expiry', () => {
    expect(isAccessTokenExpired({ expiresAt: now + 120_000 }, { now })).toBe(true);
    expect(isAccessTokenExpired({ accessToken: 'at' }, { now })).toBe(true);
  });
});

describe('expiresAtFromNow', () => {
  it('converts seconds from now to epoch milliseconds', () => {
    expect(expiresAtFromNow(3600, 1000)).toBe(3_601_000);
  });
});
