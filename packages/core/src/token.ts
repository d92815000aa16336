/**
 * The token record that every store keeps, and the one mapping from its field
 * names to the snake_case column names of the Zoho SDK schema.
 */

/**
 * An OAuth token record. Every field is optional on input; a record returned by a
 * store always has an `id`, and a field without a value is absent (never `null` or `""`).
 */
export interface OAuthToken {
  /** Record id: the caller's, or a random one the store generates. */
  id?: string;
  /** The user signature: who the token acts for, usually an email address. */
  userName?: string;
  clientId?: string;
  clientSecret?: string;
  refreshToken?: string;
  accessToken?: string;
  grantToken?: string;
  /** When the access token expires, in epoch milliseconds. */
  expiresAt?: number;
  redirectUrl?: string;
  apiDomain?: string;
}

/** A record as a store returns it: always with its id. */
export type StoredToken = OAuthToken & { id: string };

/**
 * The input of `saveToken` and `findToken`. `null` and `""` mean "not given", the
 * same as an absent field; see `normalizeToken` for the whole policy.
 */
export type TokenInput = { [Field in keyof OAuthToken]?: OAuthToken[Field] | null };

/** A field of `OAuthToken`. */
export type TokenField = keyof OAuthToken;

/** The string fields, in the order stores write and return them. */
export const STRING_FIELDS = [
  'id',
  'userName',
  'clientId',
  'clientSecret',
  'refreshToken',
  'accessToken',
  'grantToken',
  'redirectUrl',
  'apiDomain',
] as const satisfies readonly TokenField[];

/** Every field, in the order of the Zoho schema. */
export const TOKEN_FIELDS = [
  'id',
  'userName',
  'clientId',
  'clientSecret',
  'refreshToken',
  'accessToken',
  'grantToken',
  'expiresAt',
  'redirectUrl',
  'apiDomain',
] as const satisfies readonly TokenField[];

/**
 * Fields whose values identify one record: no two records of a store may hold the
 * same value in one of these fields (the id is unique as the record's key).
 */
export const UNIQUE_FIELDS = ['userName', 'accessToken', 'refreshToken', 'grantToken'] as const;

/** A field of `UNIQUE_FIELDS`. */
export type UniqueField = (typeof UNIQUE_FIELDS)[number];

/** The fields that carry a token; a new record needs at least one of them. */
export const TOKEN_VALUE_FIELDS = ['accessToken', 'refreshToken', 'grantToken'] as const;

/** Fields whose values are secrets: masked in messages and logs. */
export const SECRET_FIELDS = ['clientSecret', 'refreshToken', 'accessToken', 'grantToken'] as const;

/** Column names of the Zoho SDK schema (table `oauthtoken`), by field. */
export const ZOHO_COLUMNS = {
  id: 'id',
  userName: 'user_name',
  clientId: 'client_id',
  clientSecret: 'client_secret',
  refreshToken: 'refresh_token',
  accessToken: 'access_token',
  grantToken: 'grant_token',
  expiresAt: 'expiry_time',
  redirectUrl: 'redirect_url',
  apiDomain: 'api_domain',
} as const satisfies Record<TokenField, string>;

/**
 * Returns a new record with only the fields that hold a value, in the canonical
 * order, so that no caller shares an object with a store.
 */
export function copyToken<T extends OAuthToken>(token: T): T {
  const copy: OAuthToken = {};
  for (const field of TOKEN_FIELDS) {
    const value = token[field];
    if (value !== undefined) {
      (copy as Record<string, unknown>)[field] = value;
    }
  }
  return copy as T;
}
