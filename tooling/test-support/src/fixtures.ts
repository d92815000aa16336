/**
 * The fixture users of the packages' own tests: alice, bob and carol with fixed token
 * values such as `1000.at.alice.0001`, and small helpers to compare records with them.
 */
import type { OAuthToken } from '@tokenstore/core';

/** 2026-01-01T00:00:00Z in epoch milliseconds: the fixture users' access-token expiry. */
export const EXPIRES_AT = 1_767_225_600_000;

/** A fixture user: every field but the id and the grant token. */
export interface FixtureUser extends OAuthToken {
  userName: string;
  accessToken: string;
  refreshToken: string;
  expiresAt: number;
}

/** Returns the fixture user `name` with its own token values, such as `1000.at.alice.0001`. */
export function fixtureUser(name: string): FixtureUser {
  return {
    userName: `${name}@example.test`,
    clientId: '1000.CLIENTIDAAAA',
    clientSecret: 'client-secret-a',
    refreshToken: `1000.rt.${name}.0001`,
    accessToken: `1000.at.${name}.0001`,
    expiresAt: EXPIRES_AT,
    redirectUrl: 'https://app.example.test/oauth/callback',
    apiDomain: 'https://www.zohoapis.com',
  };
}

export const ALICE = fixtureUser('alice');
export const BOB = fixtureUser('bob');
export const CAROL = fixtureUser('carol');

const BASE64URL_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** Returns `length` characters cycling through the base64url alphabet from `A`. */
export function longToken(length: number): string {
  return BASE64URL_ALPHABET.repeat(Math.ceil(length / BASE64URL_ALPHABET.length)).slice(0, length);
}

/** Returns a 4096-character access token that starts with `label`, unique per label. */
export function labelledLongToken(label: string): string {
  return `${label}.${longToken(4096 - label.length - 1)}`;
}

/** Returns the record without its id, to compare with a fixture. */
export function withoutId(record: OAuthToken | null): OAuthToken | null {
  if (record === null) return null;
  const copy = { ...record };
  delete copy.id;
  return copy;
}

/** Resolves with the rejection of `call`, or fails when it resolves. */
export async function rejectionOf(call: Promise<unknown>): Promise<Error & { code?: string }> {
  try {
    await call;
  } catch (error) {
    return error as Error & { code?: string };
  }
  throw new Error('expected the call to reject, but it resolved');
}
