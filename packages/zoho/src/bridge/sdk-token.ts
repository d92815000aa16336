/**
 * Conversion between the SDK's `OAuthToken` objects and tokenstore records. The SDK keeps
 * the access token's expiry as a string of epoch milliseconds (`expiry_time`); records
 * keep it as a number.
 */
import { TokenStoreError, type StoredToken, type TokenInput } from '@tokenstore/core';

import { SdkOAuthToken, SdkUserSignature, type SdkToken } from './sdk.js';

const WHOLE_NUMBER = /^-?\d+$/;

/** The store name that errors of the bridge carry. */
export const BRIDGE_NAME = 'zoho';

/**
 * Reads the SDK token's fields as a token input. Fields the SDK token leaves `null` or
 * empty are not given. Throws `INVALID_TOKEN` for an object that is not an SDK
 * `OAuthToken` and for an expiry that is not a whole number of epoch milliseconds.
 */
export function readSdkToken(token: unknown, operation: string): TokenInput {
  if (!(token instanceof SdkOAuthToken)) {
    throw new TokenStoreError(
      'INVALID_TOKEN',
      'expected an OAuthToken of the Zoho CRM SDK the bridge was installed with',
      { store: BRIDGE_NAME, operation },
    );
  }
  return {
    id: token.getId(),
    userName: token.getUserSignature()?.getName(),
    clientId: token.getClientId(),
    clientSecret: token.getClientSecret(),
    refreshToken: token.getRefreshToken(),
    accessToken: token.getAccessToken(),
    grantToken: token.getGrantToken(),
    expiresAt: readExpiry(token.getExpiresIn() as unknown, operation),
    redirectUrl: token.getRedirectURL(),
    apiDomain: token.getAPIDomain(),
  };
}

function readExpiry(expiry: unknown, operation: string): number | undefined {
  if (expiry === null || expiry === undefined || expiry === '') {
    return undefined;
  }
  if (typeof expiry === 'number' && Number.isSafeInteger(expiry)) {
    return expiry;
  }
  if (typeof expiry === 'string' && WHOLE_NUMBER.test(expiry) && Number.isSafeInteger(+expiry)) {
    return Number(expiry);
  }
  throw new TokenStoreError(
    'INVALID_TOKEN',
    "the SDK token's expiry (expiresIn) is not a whole number of epoch milliseconds",
    { store: BRIDGE_NAME, operation },
  );
}

/**
 * Sets every field that the SDK token leaves empty (`null` or `''`) from the record, as
 * the SDK's own stores do when they find a token: values the application gave are kept.
 */
export function fillSdkToken(token: SdkToken, record: StoredToken): void {
  if (isEmpty(token.getId())) token.setId(record.id);
  if (isEmpty(token.getUserSignature()?.getName()) && record.userName !== undefined) {
    token.setUserSignature(new SdkUserSignature(record.userName));
  }
  if (isEmpty(token.getClientId()) && record.clientId !== undefined) {
    token.setClientId(record.clientId);
  }
  if (isEmpty(token.getClientSecret()) && record.clientSecret !== undefined) {
    token.setClientSecret(record.clientSecret);
  }
  if (isEmpty(token.getRefreshToken())) token.setRefreshToken(record.refreshToken ?? null);
  if (isEmpty(token.getAccessToken())) token.setAccessToken(record.accessToken ?? null);
  if (isEmpty(token.getGrantToken())) token.setGrantToken(record.grantToken ?? null);
  if (isEmpty(token.getExpiresIn()) && record.expiresAt !== undefined) {
    token.setExpiresIn(String(record.expiresAt));
  }
  if (isEmpty(token.getRedirectURL())) token.setRedirectURL(record.redirectUrl ?? null);
  if (isEmpty(token.getAPIDomain())) token.setAPIDomain(record.apiDomain ?? null);
}

// The same values that a save treats as "not given".
function isEmpty(value: string | null | undefined): boolean {
  return value === null || value === undefined || value === '';
}

/** Creates a new SDK token with the record's fields. */
export function createSdkToken(record: StoredToken): SdkToken {
  const token = new SdkOAuthToken(null, null, null, null, null, null, null, null);
  fillSdkToken(token, record);
  return token;
}
