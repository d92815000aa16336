/**
 * The lookup-key rules: which one value of a token identifies the record that
 * `findToken` returns and `saveToken` updates. Every store uses this function, so the
 * rules live in one place.
 */
import type { OAuthToken } from './token.js';

/** The fields a lookup key can be taken from. */
export type LookupField = 'id' | 'userName' | 'accessToken' | 'grantToken' | 'refreshToken';

/** The one value that identifies a record, and the field it must match in. */
export interface LookupKey {
  field: LookupField;
  value: string;
}

/**
 * Returns the lookup key of a validated token, by the first rule whose condition
 * holds, or `null` when no rule applies. Later rules are never tried, even when the
 * first key finds nothing:
 *
 * 1. `id` given: the id.
 * 2. `userName` given: the user name.
 * 3. `accessToken` given, and neither `clientId` nor `clientSecret`: the access token.
 * 4. `clientId`, `clientSecret` and `grantToken` given: the grant token.
 * 5. `clientId`, `clientSecret` and `refreshToken` given: the refresh token.
 *
 * In rules 4 and 5 the client credentials are only the condition; the key is the
 * grant or refresh token alone.
 */
export function lookupKeyOf(token: OAuthToken): LookupKey | null {
  if (token.id !== undefined) {
    return { field: 'id', value: token.id };
  }
  if (token.userName !== undefined) {
    return { field: 'userName', value: token.userName };
  }

  const hasClientId = token.clientId !== undefined;
  const hasClientSecret = token.clientSecret !== undefined;
  if (token.accessToken !== undefined && !hasClientId && !hasClientSecret) {
    return { field: 'accessToken', value: token.accessToken };
  }
  if (!hasClientId || !hasClientSecret) {
    return null;
  }
  if (token.grantToken !== undefined) {
    return { field: 'grantToken', value: token.grantToken };
  }
  if (token.refreshToken !== undefined) {
    return { field: 'refreshToken', value: token.refreshToken };
  }
  return null;
}
