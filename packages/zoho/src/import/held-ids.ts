/**
 * The check that an import with Zoho's ids runs before its first save. A token whose
 * id the store already holds for another user would update that user's record and
 * merge the fields of two users into it.
 */
import { TOKEN_VALUE_FIELDS, type OAuthToken, type StoredToken } from '@tokenstore/core';

import type { TokenRecord } from './records.js';

/**
 * Returns the first token whose id the store holds for another user, or `undefined`
 * when no such token exists.
 */
export function findHeldIdOfAnotherUser(
  tokens: readonly TokenRecord[],
  stored: readonly StoredToken[],
): TokenRecord | undefined {
  const heldById = new Map(stored.map((token) => [token.id, token]));

  for (const record of tokens) {
    const held = record.token.id === undefined ? undefined : heldById.get(record.token.id);
    if (held !== undefined && !isSameUser(record.token, held)) {
      return record;
    }
  }
  return undefined;
}

/**
 * Tells whether two tokens belong to the same user: the same user name, or, when
 * neither has a user name, the same access, refresh or grant token. A token with a
 * user name and one without are different users.
 */
export function isSameUser(token: OAuthToken, held: OAuthToken): boolean {
  if (token.userName !== undefined || held.userName !== undefined) {
    return token.userName === held.userName;
  }
  return TOKEN_VALUE_FIELDS.some(
    (field) => token[field] !== undefined && token[field] === held[field],
  );
}
