/**
 * The masking of secrets in the URLs that the command echoes: the password after the
 * user name, and query parameters that carry a password or a token.
 */

// Parameter names that carry a secret, such as `password` (ioredis, mysql2) or
// `tlsCertificateKeyFilePassword` (MongoDB), matched anywhere in the name.
const SECRET_PARAMETER = /pass|pwd|secret|token/i;

// MongoDB's parameter of `KEY:value` pairs, such as `AWS_SESSION_TOKEN:...`.
const PAIRS_PARAMETER = /^authMechanismProperties$/i;

const MASK = '***';

/**
 * Returns `url` with its password and the values of its secret query parameters
 * replaced by `***`. A query parameter is secret when its name contains `pass`, `pwd`,
 * `secret` or `token` in any case, and in MongoDB's `authMechanismProperties` each
 * pair whose key does. The rest of the URL is kept as given.
 */
export function maskUrl(url: string): string {
  const masked = maskUserPassword(url);
  const queryStart = masked.indexOf('?');
  if (queryStart === -1) return masked;

  const fragmentStart = masked.indexOf('#', queryStart);
  const query = masked.slice(queryStart + 1, fragmentStart === -1 ? undefined : fragmentStart);
  // A connection string has no fragment. One after the query is most likely the rest
  // of a value with an unencoded #, so it is masked as well.
  const fragment = fragmentStart === -1 ? '' : `#${MASK}`;
  return `${masked.slice(0, queryStart)}?${maskQuery(query)}${fragment}`;
}

function maskUserPassword(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password === '') return url;
    parsed.password = MASK;
    return parsed.toString();
  } catch {
    // A URL that cannot be parsed, such as MongoDB's list of hosts, may still hold a
    // password after the user name.
    return url.replace(/\/\/([^/@:]*):[^/]*@/, `//$1:${MASK}@`);
  }
}

function maskQuery(query: string): string {
  return query
    .split('&')
    .map((parameter) => {
      const equals = parameter.indexOf('=');
      if (equals === -1) return parameter;
      const name = parameter.slice(0, equals);
      const value = parameter.slice(equals + 1);
      const decodedName = decode(name);
      if (SECRET_PARAMETER.test(decodedName)) return `${name}=${MASK}`;
      if (PAIRS_PARAMETER.test(decodedName)) return `${name}=${maskPairs(value)}`;
      return parameter;
    })
    .join('&');
}

function maskPairs(value: string): string {
  return value
    .split(/(,|%2C)/i)
    .map((pair) => {
      const colon = pair.search(/:|%3A/i);
      if (colon === -1 || !SECRET_PARAMETER.test(decode(pair.slice(0, colon)))) return pair;
      const separator = pair.slice(colon, pair[colon] === ':' ? colon + 1 : colon + 3);
      return `${pair.slice(0, colon)}${separator}${MASK}`;
    })
    .join('');
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text.replaceAll('+', ' '));
  } catch {
    return text;
  }
}
