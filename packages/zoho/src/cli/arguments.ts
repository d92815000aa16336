/**
 * The command line of `tokenstore-zoho`: parsing with node:util's parseArgs, and the
 * usage and help texts.
 */
import { parseArgs } from 'node:util';

import { DEFAULT_ZOHO_TABLE, isZohoTableName } from '../import/token-table.js';
import { checkMysqlUrl } from './mysql-url.js';
import { UsageError } from './usage-error.js';

export { UsageError } from './usage-error.js';

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

/** The request of a command line: the help text, the version, or an import. */
export type ParsedArguments = ImportCommand | { command: 'help' } | { command: 'version' };

/** The one-line synopsis, printed after a usage error. */
export const USAGE =
  'usage: tokenstore-zoho import --from FILE|MYSQL_URL [--table NAME] --to TARGET [--skip-malformed] [--keep-ids]';

/** The text of `--help`. */
export const HELP = `${USAGE}

Imports the OAuth tokens that the Zoho CRM SDKs keep in a token file (FileStore)
or a MySQL table (DBStore) into a tokenstore store, so that no user logs in again.

Options:
  --from FILE|URL     the Zoho token file, or a mysql:// or mariadb:// URL of the
                      database that holds the DBStore table, such as
                      mysql://user:password@127.0.0.1:3306/zohooauth
                      (percent-encode @, :, / and # in the password)
  --table NAME        the DBStore table, with a MySQL source (default: ${DEFAULT_ZOHO_TABLE});
                      a letter or _, then letters, digits or _, at most 64 characters
  --to TARGET         the store to write to:
                        sqlite:PATH         a SQLite database file (@tokenstore/sqlite)
                        file:PATH           a tokenstore file, also as a file:// URL
                                            (@tokenstore/file); it is rewritten whole
                                            on every save, so prefer sqlite: for
                                            thousands of tokens
                        mysql://USER:PASSWORD@HOST:PORT/DATABASE, or mariadb://
                                            (@tokenstore/mysql)
                        redis://HOST:PORT, or rediss:// (@tokenstore/redis)
                        mongodb://HOST:PORT/DATABASE, or mongodb+srv://
                                            (@tokenstore/mongodb)
  --skip-malformed    import the other tokens when some records are malformed
                      (by default nothing is written then)
  --keep-ids          save each token with Zoho's id (by default the store assigns
                      new ids); needed by applications that pick a token by id, as
                      new OAuthBuilder().id("1") does. Nothing is written when the
                      store holds one of the ids for another user.
  -h, --help          show this help
  --version           show the version

Every record is checked before the first save. Progress goes to stderr, the summary
to stdout. Exit status: 0 when every token was written (malformed records skipped on
request), 1 when the import stopped or failed, 2 for an invalid command line.
`;

const MYSQL_URL = /^(mysql|mariadb):\/\//;

// Options that take a value may be given once; the flags take no value.
const VALUE_OPTIONS = ['from', 'to', 'table'] as const;
const FLAG_OPTIONS = ['skip-malformed', 'keep-ids', 'help', 'version'] as const;

type ValueOption = (typeof VALUE_OPTIONS)[number];
type FlagOption = (typeof FLAG_OPTIONS)[number];

/**
 * Parses the arguments after the program name.
 *
 * @throws UsageError for an unknown option, a missing, repeated or misplaced value,
 *   an unexpected argument, or a MySQL source URL that mysql2 cannot use.
 */
export function parseArguments(args: readonly string[]): ParsedArguments {
  const { values, flags, positionals } = readArguments(args);

  if (flags.has('help') || positionals[0] === 'help') {
    return { command: 'help' };
  }
  if (flags.has('version')) {
    return { command: 'version' };
  }
  if (positionals.length === 0) {
    throw new UsageError('missing command: the only command is import');
  }
  if (positionals[0] !== 'import') {
    throw new UsageError(
      `unknown command ${JSON.stringify(positionals[0])}: the only command is import`,
    );
  }
  if (positionals.length > 1) {
    throw new UsageError(`unexpected argument ${JSON.stringify(positionals[1])}`);
  }
  if (values.from === undefined) {
    throw new UsageError('missing --from: a Zoho token file or a mysql:// URL');
  }
  if (values.to === undefined) {
    throw new UsageError('missing --to: the store to write to, such as sqlite:tokens.db');
  }

  return {
    command: 'import',
    source: parseSource(values.from, values.table),
    target: values.to,
    skipMalformed: flags.has('skip-malformed'),
    keepIds: flags.has('keep-ids'),
  };
}

interface ReadArguments {
  values: Partial<Record<ValueOption, string>>;
  flags: Set<FlagOption>;
  positionals: string[];
}

// Non-strict parsing returns every option as a token, so that messages can name the
// option as the user spelt it. The checks of strict parsing are made here instead.
function readArguments(args: readonly string[]): ReadArguments {
  const { tokens } = parseArgs({
    args: [...args],
    allowPositionals: true,
    strict: false,
    tokens: true,
    options: {
      from: { type: 'string' },
      to: { type: 'string' },
      table: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const read: ReadArguments = { values: {}, flags: new Set(), positionals: [] };

  for (const token of tokens) {
    if (token.kind === 'positional') {
      read.positionals.push(token.value);
    } else if (token.kind === 'option') {
      readOption(token, read);
    }
  }
  return read;
}

function readOption(
  token: {
    name: string;
    rawName: string;
    value?: string | undefined;
    inlineValue?: boolean | undefined;
  },
  read: ReadArguments,
): void {
  const { name, rawName, value, inlineValue } = token;

  if (isValueOption(name)) {
    // As in strict parsing, a value that looks like an option must be given inline.
    if (value === undefined || value === '' || (!inlineValue && isOptionLike(value))) {
      throw new UsageError(`${rawName} needs a value`);
    }
    if (read.values[name] !== undefined) {
      throw new UsageError(`${rawName} may be given only once`);
    }
    read.values[name] = value;
    return;
  }
  if (isFlagOption(name)) {
    if (value !== undefined) {
      throw new UsageError(`${rawName} takes no value`);
    }
    read.flags.add(name);
    return;
  }
  throw new UsageError(`unknown option ${rawName}`);
}

// The rule of strict parsing: a dash and at least one more character.
function isOptionLike(value: string): boolean {
  return value.length > 1 && value.startsWith('-');
}

function isValueOption(name: string): name is ValueOption {
  return (VALUE_OPTIONS as readonly string[]).includes(name);
}

function isFlagOption(name: string): name is FlagOption {
  return (FLAG_OPTIONS as readonly string[]).includes(name);
}

function parseSource(from: string, table: string | undefined): ImportSource {
  if (MYSQL_URL.test(from)) {
    checkMysqlUrl(from, '--from');
    if (table !== undefined && !isZohoTableName(table)) {
      throw new UsageError(
        '--table must be a letter or _ followed by letters, digits or _, at most 64 characters',
      );
    }
    return { kind: 'table', url: from, table: table ?? DEFAULT_ZOHO_TABLE };
  }
  if (table !== undefined) {
    throw new UsageError('--table applies only to a mysql:// or mariadb:// source');
  }
  return { kind: 'file', path: from };
}
