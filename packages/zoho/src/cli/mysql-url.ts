/**
 * The check of a MySQL URL on the command line, so that a mistake in a `--from` or
 * `--to` URL is a usage error before anything connects. mysql2 3.x parses the URL
 * with the WHATWG `URL` class and reads each query parameter as JSON when it can.
 */
import { UsageError } from './usage-error.js';

// The SSL profile names that mysql2 3.x accepts (lib/constants/ssl_profiles.js).
const SSL_PROFILES: readonly string[] = ['Amazon RDS'];

/**
 * Throws a `UsageError` when mysql2 cannot connect with `url`: the URL does not parse,
 * names no host or no database, or has an `ssl` parameter that mysql2 rejects. A URL
 * often fails to parse because of a password with an `@`, `:`, `/` or `#` that is not
 * percent-encoded, or a port that is not a number. Messages never show the URL, because
 * a URL that does not parse cannot be masked reliably.
 */
export function checkMysqlUrl(url: string, option: string): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UsageError(
      `${option} is not a valid URL: expected mysql://USER:PASSWORD@HOST:PORT/DATABASE ` +
        'with a numeric port; percent-encode @, :, / and # in the user name and password ' +
        '(@ as %40)',
    );
  }
  if (parsed.hostname === '') {
    throw new UsageError(
      `${option} names no host: expected mysql://USER:PASSWORD@HOST:PORT/DATABASE`,
    );
  }
  if (parsed.pathname.length <= 1) {
    throw new UsageError(
      `${option} names no database: expected mysql://USER:PASSWORD@HOST:PORT/DATABASE`,
    );
  }

  const ssl = parsed.searchParams.get('ssl');
  if (ssl !== null && !isSslValue(ssl)) {
    throw new UsageError(
      `the ssl parameter of ${option} must be a JSON object of TLS options, such as ` +
        `ssl={"rejectUnauthorized":true}, the profile name ${SSL_PROFILES.join(', ')}, or false`,
    );
  }
}

// mysql2 takes a profile name, an object of TLS options, or a false value for no TLS.
function isSslValue(text: string): boolean {
  if (SSL_PROFILES.includes(text)) return true;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return false;
  }
  if (value === false || value === null || value === 0) return true;
  return typeof value === 'object' && !Array.isArray(value);
}
