/** Helpers for the access token's expiry, which stores keep as epoch milliseconds. */
import type { OAuthToken } from './token.js';

/** Options of `isAccessTokenExpired`. */
export interface ExpiryOptions {
  /** The current time in epoch milliseconds. @default Date.now() */
  now?: number;
  /**
   * How long before its expiry a token already counts as expired, in milliseconds,
   * so that a request sent with it does not arrive after it expired. @default 60000
   */
  skewMs?: number;
}

/**
 * Tells whether the access token must be refreshed before use: there is none, its
 * expiry is unknown, or it expires within `skewMs` of `now`.
 */
export function isAccessTokenExpired(token: OAuthToken, options: ExpiryOptions = {}): boolean {
  const { now = Date.now(), skewMs = 60_000 } = options;
  if (token.accessToken === undefined || token.expiresAt === undefined) {
    return true;
  }
  return token.expiresAt - skewMs <= now;
}

/**
 * Converts an OAuth `expires_in` (seconds from now, as token responses give it) to
 * epoch milliseconds.
 */
export function expiresAtFromNow(expiresInSeconds: number, now: number = Date.now()): number {
  return now + Math.round(expiresInSeconds * 1000);
}
