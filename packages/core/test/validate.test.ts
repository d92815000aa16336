import { describe, expect, it } from 'vitest';

import { TokenStoreError, describeType, normalizeId, normalizeToken } from '../src/index.js';

function invalidDetail(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(TokenStoreError);
    expect((error as TokenStoreError).code).toBe('INVALID_TOKEN');
    return (error as TokenStoreError).message;
  }
  throw new Error('expected INVALID_TOKEN');
}

describe('normalizeToken', () => {
  it('drops absent, undefined, null and empty fields', () => {
    const token = normalizeToken({
      userName: 'alice@example.test',
      clientSecret: '',
      grantToken: null,
      redirectUrl: undefined,
      expiresAt: null,
    });
    expect(token).toEqual({ userName: 'alice@example.test' });
    expect(Object.keys(token)).toEqual(['userName']);
  });

  it('returns a new object', () => {
    const input = { accessToken: 'at' };
    expect(normalizeToken(input)).not.toBe(input);
  });

  it('keeps strings exactly, spaces and NUL included', () => {
    const value = ' a\u0000b\r\n😀 ';
    expect(normalizeToken({ accessToken: value }).accessToken).toBe(value);
  });

  it.each([
    ['a number', { userName: 42 }],
    ['a boolean', { accessToken: true }],
    ['an object', { userName: { $ne: null } }],
    ['an array', { refreshToken: ['rt'] }],
    ['an expiry string', { expiresAt: '1767225600000' }],
    ['a fractional expiry', { expiresAt: 1.5 }],
    ['a NaN expiry', { expiresAt: Number.NaN }],
    ['an infinite expiry', { expiresAt: Number.POSITIVE_INFINITY }],
    ['an unsafe integer expiry', { expiresAt: 2 ** 60 }],
  ])('rejects %s', (_label, input) => {
    invalidDetail(() => normalizeToken(input));
  });

  it('rejects an unknown field by name', () => {
    const message = invalidDetail(() => normalizeToken({ expiry_time: 1 }));
    expect(message).toContain('"expiry_time"');
  });

  it('rejects a lone surrogate, which has no UTF-8 form', () => {
    invalidDetail(() => normalizeToken({ accessToken: 'at\uD800' }));
  });

  it.each([null, undefined, 'alice', 7, ['at']])('rejects %j as a token', (input) => {
    invalidDetail(() => normalizeToken(input));
  });

  it('never puts the rejected value into the message', () => {
    const message = invalidDetail(() => normalizeToken({ userName: { secret: 'hunter2' } }));
    expect(message).not.toContain('hunter2');
    expect(message).toContain('userName');
  });
});

describe('normalizeId', () => {
  it('returns the id as given', () => {
    expect(normalizeId(' tok 1 ')).toBe(' tok 1 ');
  });

  it('reads an empty id as no id', () => {
    expect(normalizeId('')).toBeUndefined();
  });

  it.each([7, null, undefined, { $ne: null }])('rejects %j', (id) => {
    invalidDetail(() => normalizeId(id));
  });
});

describe('describeType', () => {
  it.each([
    [{}, 'an object'],
    [undefined, 'undefined'],
    [null, 'null'],
    [[], 'an array'],
    [1.5, 'a fractional number'],
    [2 ** 60, 'an integer beyond the safe range'],
    [Number.NaN, 'NaN'],
    [7, 'a number'],
    [true, 'a boolean'],
  ])('describes %j as %s', (value, expected) => {
    expect(describeType(value)).toBe(expected);
  });
});
