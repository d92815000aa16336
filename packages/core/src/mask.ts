/** Masking of secrets for messages and logs. */
import { SECRET_FIELDS, copyToken, type OAuthToken } from './token.js';

// Short values are masked whole: their first characters would be a large part of them.
const MIN_LENGTH_TO_SHOW_PREFIX = 16;
const SHOWN_PREFIX_LENGTH = 4;

/**
 * Returns a form of a secret that is safe to print: its length, and its first four
 * characters when it has 16 or more (enough to tell two tokens apart in a log).
 */
export function maskSecret(value: string | undefined): string {
  if (value === undefined) {
    return '(none)';
  }
  if (value.length < MIN_LENGTH_TO_SHOW_PREFIX) {
    return `***(${value.length} chars)`;
  }
  return `${value.slice(0, SHOWN_PREFIX_LENGTH)}***(${value.length} chars)`;
}

/** Returns a copy of the token with the client secret and every token value masked. */
export function maskToken<T extends OAuthToken>(token: T): T {
  const masked = copyToken(token) as Record<string, unknown>;
  for (const field of SECRET_FIELDS) {
    if (masked[field] !== undefined) {
      masked[field] = maskSecret(token[field]);
    }
  }
  return masked as T;
}
