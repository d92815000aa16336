/**
 * `runDemo`: runs the token lifecycle demo's steps against a real authorization server
 * on 127.0.0.1 and a tokenstore store, prints each step as it ends, and returns which
 * steps passed.
 */
import { mkdir, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { TokenStore } from '@tokenstore/core';

import { describeError } from './checks.js';
import { startAuthorizationServer, type AuthorizationServer } from './server/http.js';
import { DEMO_USER_NAMES, DemoSession } from './session.js';
import { DEMO_STEPS } from './steps.js';
import { openStore, storePathIn, type StoreKind } from './stores.js';

/** Options of `runDemo`. */
export interface DemoOptions {
  /** The store that keeps the client's tokens. @default 'sqlite' */
  store?: StoreKind;
  /**
   * The folder for the store's file (`tokens.db` or `tokens.json`), created if missing.
   * @default a new folder in the system's temp folder, kept after the run
   */
  dir?: string;
  /** How long the server's access tokens are valid, in whole seconds, at least 2. @default 2 */
  accessTokenLifetimeSeconds?: number;
  /** Receives each line of output as it is ready. @default no output */
  output?: (line: string) => void;
  /**
   * Opens a store on the path instead of the store named by `store`, for example a store
   * written for a test. Called once at the start and once to reopen the store.
   * @default the store named by `store`
   */
  openStore?: (path: string) => TokenStore | Promise<TokenStore>;
  /**
   * A server that the caller started with `startAuthorizationServer` (with the demo's
   * users) and closes itself. @default a server that the demo starts and closes
   */
  server?: AuthorizationServer;
}

/** The outcome of one step. Every step after a failed one is `not run`. */
export interface DemoStepResult {
  /** The step's position, from 1. */
  number: number;
  title: string;
  status: 'passed' | 'failed' | 'not run';
  /** The step's report or the reason it failed. Empty for a step that did not run. */
  detail: string;
}

/** The outcome of a run. */
export interface DemoResult {
  /** `true` when every step passed. */
  passed: boolean;
  steps: DemoStepResult[];
  /** The first step that failed, if any. */
  failedStep?: DemoStepResult;
  /** The store's file. */
  storePath: string;
}

/**
 * Runs the demo and returns its outcome. A failed step is reported in the result, not
 * thrown; only a failure outside the steps throws, such as a `dir` that cannot be created.
 */
export async function runDemo(options: DemoOptions = {}): Promise<DemoResult> {
  const print = options.output ?? (() => {});
  const storeKind = options.store ?? 'sqlite';
  const dir = options.dir ?? (await mkdtemp(join(tmpdir(), 'tokenstore-demo-')));
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const storePath = storePathIn(storeKind, dir);

  let startedServer: AuthorizationServer | undefined;
  const session = new DemoSession({
    storeName: options.openStore === undefined ? storeKind : 'custom',
    storePath,
    openStore: async () => (options.openStore ?? ((path) => openStore(storeKind, path)))(storePath),
    startServer: async () => {
      if (options.server !== undefined) return options.server;
      startedServer = await startAuthorizationServer({
        userNames: DEMO_USER_NAMES,
        ...(options.accessTokenLifetimeSeconds !== undefined && {
          accessTokenLifetimeSeconds: options.accessTokenLifetimeSeconds,
        }),
      });
      return startedServer;
    },
  });

  print(
    `tokenstore demo: an OAuth 2.0 token lifecycle, with the client's tokens in a ${session.setup.storeName} store`,
  );
  try {
    const steps = await runSteps(session, print);
    const failedStep = steps.find((step) => step.status === 'failed');
    print(summaryOf(steps, failedStep));
    return {
      passed: failedStep === undefined,
      steps,
      storePath,
      ...(failedStep && { failedStep }),
    };
  } finally {
    // After a failed step the store may still be open.
    await session
      .closeStore()
      .catch((error: unknown) => print(`Closing the store failed: ${describeError(error)}`));
    await startedServer?.close();
  }
}

async function runSteps(
  session: DemoSession,
  print: (line: string) => void,
): Promise<DemoStepResult[]> {
  const results: DemoStepResult[] = [];
  let failed = false;

  for (const [index, step] of DEMO_STEPS.entries()) {
    const result: DemoStepResult = {
      number: index + 1,
      title: step.title,
      status: 'not run',
      detail: '',
    };
    results.push(result);
    if (failed) continue;

    try {
      result.detail = await step.run(session);
      result.status = 'passed';
    } catch (error) {
      result.detail = describeError(error);
      result.status = 'failed';
      failed = true;
    }
    print(
      `${result.status === 'passed' ? '[ok]  ' : '[FAIL]'} ${String(result.number).padStart(2)}. ${result.title}`,
    );
    print(`           ${result.detail}`);
  }
  return results;
}

function summaryOf(steps: DemoStepResult[], failedStep: DemoStepResult | undefined): string {
  if (failedStep === undefined) {
    return `All ${steps.length} steps passed.`;
  }
  const notRun = steps.filter((step) => step.status === 'not run').length;
  return (
    `Step ${failedStep.number} of ${steps.length} failed (${failedStep.title}): ${failedStep.detail}. ` +
    `${notRun} later step${notRun === 1 ? ' was' : 's were'} not run.`
  );
}
