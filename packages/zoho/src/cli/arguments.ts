/**
 * The command line of `tokenstore-zoho`: parsing with node:util's parseArgs, and the
 * usage and help texts.
 */
import { parseArgs } from 'node:util';

import { DEFAULT_ZOHO_TABLE } from '../import/token-table.js';

/** The source of the tokens: a token file, or a table on a MySQL server. */
export type ImportSource =
  { kind: 'file'; path: string } | { kind: 'table'; url: string; table: string };

/** A parsed `import` command. */
export interface ImportCommand {
  command: 'import';
  source: ImportSource;
  /** The `--to` value, checked by `parseTarget`. */
  target: string;
  skipMalformed: boolean;
  keepIds: boolean;
}

/** The request of a command line: the help text, or an import. */
export type ParsedArguments = ImportCommand | { command: 'help' };

/** A command line that cannot be run; the command prints the message and the usage line. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** The one-line synopsis, printed after a usage error. */
export const USAGE =
  'usage: tokenstore-zoho import --from FILE|MYSQL_URL [--table NAME] --to TARGET [--skip-malformed] [--keep-ids]';

/** The text of `--help`. */
export const HELP = `${USAGE}

Imports the OAuth tokens that the Zoho CRM SDKs keep in a token file (FileStore)
or a MySQL table (DBStore) into a tokenstore store, so that no user logs in again.

Options:
  --from FILE|URL     the Zoho token file, or a URL of the MySQL database that holds
                      the DBStore table, such as mysql://user:password@127.0.0.1:3306/zohooauth
  --table NAME        the DBStore table, with a mysql:// source (default: ${DEFAULT_ZOHO_TABLE})
  --to TARGET         the store to write to:
                        sqlite:PATH         a SQLite database file (@tokenstore/sqlite)
                        file:PATH           a tokenstore file (@tokenstore/file)
                        mysql://USER:PASSWORD@HOST:PORT/DATABASE   (@tokenstore/mysql)
                        redis://HOST:PORT   (@tokenstore/redis)
                        mongodb://HOST:PORT/DATABASE               (@tokenstore/mongodb)
  --skip-malformed    import the other tokens when some records are malformed
                      (by default nothing is written then)
  --keep-ids          save each token with Zoho's id (by default the store assigns new ids)
  -h, --help          show this help

Every record is checked before the first save. Progress goes to stderr, the summary
to stdout. Exit status: 0 when every token was written (malformed records skipped on
request), 1 when the import stopped or failed, 2 for an invalid command line.
`;

const MYSQL_URL = /^(mysql|mariadb):\/\//;

/**
 * Parses the arguments after the program name.
 *
 * @throws UsageError for an unknown option, a missing value or a misplaced one.
 */
export function parseArguments(args: readonly string[]): ParsedArguments {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...args],
      allowPositionals: true,
      strict: true,
      options: {
        from: { type: 'string' },
        to: { type: 'string' },
        table: { type: 'string' },
        'skip-malformed': { type: 'boolean', default: false },
        'keep-ids': { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;

  if (values.help || positionals[0] === 'help') {
    return { command: 'help' };
  }
  if (positionals.length === 0) {
    throw new UsageError('missing command: the only command is import');
  }
  if (positionals[0] !== 'import' || positionals.length > 1) {
    throw new UsageError(`unknown command ${JSON.stringify(positionals.join(' '))}`);
  }
  if (values.from === undefined || values.from === '') {
    throw new UsageError('missing --from: a Zoho token file or a mysql:// URL');
  }
  if (values.to === undefined || values.to === '') {
    throw new UsageError('missing --to: the store to write to, such as sqlite:tokens.db');
  }

  return {
    command: 'import',
    source: parseSource(values.from, values.table),
    target: values.to,
    skipMalformed: values['skip-malformed'],
    keepIds: values['keep-ids'],
  };
}

function parseSource(from: string, table: string | undefined): ImportSource {
  if (MYSQL_URL.test(from)) {
    return { kind: 'table', url: from, table: table ?? DEFAULT_ZOHO_TABLE };
  }
  if (table !== undefined) {
    throw new UsageError('--table applies only to a mysql:// source');
  }
  return { kind: 'file', path: from };
}
