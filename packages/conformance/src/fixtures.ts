/**
 * Test records. Every case gets its own fixtures with a random tag in each user name
 * and token value, so that no case depends on another case's data or on their order.
 */
import { randomBytes } from 'node:crypto';

import type { OAuthToken } from '@tokenstore/core';

/** The client id every fixture user carries. */
export const CLIENT_ID = '1000.CLIENTIDAAAA';
/** The client secret every fixture user carries. */
export const CLIENT_SECRET = 'client-secret-a';
/** 2026-01-01T00:00:00Z in epoch milliseconds: the fixture users' access-token expiry. */
export const EXPIRES_AT = 1_767_225_600_000;
/** 2026-01-01T01:00:00Z in epoch milliseconds: the expiry a refresh gives. */
export const REFRESHED_EXPIRES_AT = 1_767_229_200_000;
/** The fixture users' redirect URL. */
export const REDIRECT_URL = 'https://app.example.test/oauth/callback';
/** The fixture users' API domain. */
export const API_DOMAIN = 'https://www.zohoapis.com';

const BASE64URL_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/**
 * Returns `length` characters cycling through the 64 base64url characters from `A`,
 * so that a value cut at any position differs from the original. `longToken(4096)`
 * ends in `456789-_`.
 */
export function longToken(length: number): string {
  const cycles = Math.ceil(length / BASE64URL_ALPHABET.length);
  return BASE64URL_ALPHABET.repeat(cycles).slice(0, length);
}

/** A fixture user's token values and full record, with the case's tag in each value. */
export interface FixtureUser {
  /** The full record to save, a new object on each read: every field but `id` and `grantToken`. */
  readonly record: OAuthToken & { userName: string; accessToken: string; refreshToken: string };
  userName: string;
  /** Returns the user's access token number `n` (1 is the one in `record`). */
  accessToken(n: number): string;
  /** Returns the user's refresh token number `n` (1 is the one in `record`). */
  refreshToken(n: number): string;
  /** Returns the user's grant token number `n`. `record` contains no grant token. */
  grantToken(n: number): string;
  /** The client secret and the first two of each token value, which no error message may contain. */
  readonly secrets: readonly string[];
}

/** The fixtures of one case. */
export interface Fixtures {
  /** The random tag in every user name and token value of this case. */
  tag: string;
  alice: FixtureUser;
  bob: FixtureUser;
  carol: FixtureUser;
  dave: FixtureUser;
  /** Returns another user, named after `label` (such as `u07`), with its own token values. */
  user(label: string): FixtureUser;
}

/** Creates the fixtures of one case. */
export function createFixtures(): Fixtures {
  const tag = randomBytes(4).toString('hex');
  const user = (label: string): FixtureUser => createUser(label, tag);
  return {
    tag,
    alice: user('alice'),
    bob: user('bob'),
    carol: user('carol'),
    dave: user('dave'),
    user,
  };
}

function createUser(label: string, tag: string): FixtureUser {
  const value = (kind: string, n: number): string =>
    `1000.${kind}.${label}.${tag}.${String(n).padStart(4, '0')}`;
  const userName = `${label}.${tag}@example.test`;
  return {
    userName,
    get record() {
      return {
        userName,
        clientId: CLIENT_ID,
        clientSecret: CLIENT_SECRET,
        refreshToken: value('rt', 1),
        accessToken: value('at', 1),
        expiresAt: EXPIRES_AT,
        redirectUrl: REDIRECT_URL,
        apiDomain: API_DOMAIN,
      };
    },
    accessToken: (n) => value('at', n),
    refreshToken: (n) => value('rt', n),
    grantToken: (n) => value('gt', n),
    secrets: [
      CLIENT_SECRET,
      ...[1, 2].flatMap((n) => [value('at', n), value('rt', n), value('gt', n)]),
    ],
  };
}
