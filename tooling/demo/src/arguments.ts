/** The demo's command-line arguments and usage text. */
import { parseArgs } from 'node:util';

import type { DemoOptions } from './demo.js';
import { STORE_KINDS, type StoreKind } from './stores.js';

/** The usage text that `--help` prints. */
export const USAGE = `Usage: node tooling/demo/dist/main.js [options]
       pnpm demo -- [options]

Runs a real OAuth 2.0 token lifecycle against an authorization server on 127.0.0.1
and keeps the client's tokens in a tokenstore store.

Options:
  --store <kind>                   store that keeps the tokens: ${STORE_KINDS.join(' or ')} (default: sqlite)
  --dir <path>                     folder for the store's file, created if missing
                                   (default: a new folder in the system's temp folder)
  --access-token-lifetime <secs>   access token lifetime in whole seconds, at least 2 (default: 2)
  -h, --help                       print this text and exit

Exits with 0 when every step passed, 1 when a step failed, 2 on invalid arguments.`;

/** The action the command line requests, with its options. */
export type ParsedArguments =
  | { action: 'run'; options: Pick<DemoOptions, 'store' | 'dir' | 'accessTokenLifetimeSeconds'> }
  | { action: 'help' }
  | { action: 'invalid'; message: string };

/**
 * Parses the arguments after the script name. A leading `--` is skipped, because
 * `pnpm demo -- --store file` passes it on (pnpm 10).
 */
export function parseArguments(args: readonly string[]): ParsedArguments {
  const rest = args[0] === '--' ? args.slice(1) : [...args];
  let values;
  try {
    ({ values } = parseArgs({
      args: rest,
      options: {
        store: { type: 'string' },
        dir: { type: 'string' },
        'access-token-lifetime': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    return { action: 'invalid', message: (error as Error).message };
  }

  if (values.help === true) {
    return { action: 'help' };
  }

  const options: Pick<DemoOptions, 'store' | 'dir' | 'accessTokenLifetimeSeconds'> = {};
  if (values.store !== undefined) {
    if (!(STORE_KINDS as readonly string[]).includes(values.store)) {
      return {
        action: 'invalid',
        message: `invalid --store ${JSON.stringify(values.store)}: use ${STORE_KINDS.join(' or ')}`,
      };
    }
    options.store = values.store as StoreKind;
  }
  if (values.dir !== undefined) {
    if (values.dir === '') {
      return { action: 'invalid', message: '--dir needs a folder path' };
    }
    options.dir = values.dir;
  }
  const lifetime = values['access-token-lifetime'];
  if (lifetime !== undefined) {
    if (!/^\d+$/.test(lifetime) || Number(lifetime) < 2) {
      return {
        action: 'invalid',
        message: `invalid --access-token-lifetime ${JSON.stringify(lifetime)}: give a whole number of seconds, at least 2`,
      };
    }
    options.accessTokenLifetimeSeconds = Number(lifetime);
  }
  return { action: 'run', options };
}
