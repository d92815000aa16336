export {
  TOKEN_FIELDS,
  STRING_FIELDS,
  UNIQUE_FIELDS,
  TOKEN_VALUE_FIELDS,
  SECRET_FIELDS,
  ZOHO_COLUMNS,
  copyToken,
  type OAuthToken,
  type StoredToken,
  type TokenInput,
  type TokenField,
  type UniqueField,
} from './token.js';
export {
  TokenStoreError,
  isTokenStoreError,
  invalidOptionsError,
  checkOptionNames,
  type TokenStoreErrorCode,
  type ErrorContext,
} from './errors.js';
export { normalizeToken, normalizeId, carriesTokenValue, describeType } from './validate.js';
export { lookupKeyOf, type LookupKey, type LookupField } from './lookup.js';
export { resolveUpsert, findConflictingField, conflictError, createTokenId } from './upsert.js';
export { isAccessTokenExpired, expiresAtFromNow, type ExpiryOptions } from './expiry.js';
export { maskSecret, maskToken } from './mask.js';
export {
  createTokenStore,
  DEFAULT_TIMEOUT_MS,
  type TokenStore,
  type TokenStoreBackend,
  type TokenStoreLogger,
  type CommonStoreOptions,
} from './store.js';
