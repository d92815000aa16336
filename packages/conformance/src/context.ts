/**
 * Case definitions and the context a case runs in. Each case gets its own target, and
 * the clean-up closes every store it opened and disposes every target, whether the
 * case passed or not.
 */
import type { TokenStore } from '@tokenstore/core';

import { describeError } from './assert.js';
import { createFixtures, type Fixtures } from './fixtures.js';
import type { ConformanceSubject, ConformanceTarget, StoreCapabilities } from './types.js';

/** A capability that a case can need. */
export type Capability = 'durable' | 'sharedInstances' | 'rawRead';

/** One case as the case files define it. */
export interface CaseDefinition {
  /** The behaviour the case checks, as a test name. */
  name: string;
  /** Capabilities the case needs. It is skipped for a subject that lacks one. */
  needs?: readonly Capability[];
  /** Time in milliseconds that the case waits on purpose, added to its timeout. */
  waitMs?: number;
  run(context: CaseContext): Promise<void>;
}

/** The cases of one group, such as `lookup`. */
export interface CaseGroup {
  name: string;
  cases: readonly CaseDefinition[];
}

/** The fixtures and stores of a running case, all on its own target. */
export interface CaseContext {
  readonly fixtures: Fixtures;
  readonly capabilities: StoreCapabilities;
  /** Opens a store on the case's target. The store is closed after the case. */
  open(): Promise<TokenStore>;
  /**
   * Returns a fresh instance. For a durable store, it closes `store` and opens a new
   * store object on the same storage. Otherwise it returns `store` itself, still open.
   */
  reopen(store: TokenStore): Promise<TokenStore>;
  /**
   * Returns a second instance to use together with `store`: a new store object on the
   * same storage when instances share storage, otherwise `store` itself.
   */
  secondInstance(store: TokenStore): Promise<TokenStore>;
  /** Reads the stored form of a record through the target's `readRaw`. */
  readRaw(id: string): Promise<Record<string, unknown> | null>;
  /** Creates another, separate target and opens a store on it. */
  openOtherTarget(): Promise<TokenStore>;
}

/** Returns why a case is skipped for the subject, or `undefined` when it runs. */
export function skipReasonOf(
  definition: CaseDefinition,
  capabilities: StoreCapabilities,
): string | undefined {
  const missing = (definition.needs ?? []).find((capability) => capabilities[capability] !== true);
  return missing === undefined ? undefined : SKIP_REASONS[missing];
}

const SKIP_REASONS: Record<Capability, string> = {
  durable: 'the store is not durable',
  sharedInstances: 'the store instances do not share storage',
  rawRead: 'the targets do not read the stored form',
};

/**
 * Runs a case body in a new context, then closes every store it opened and disposes
 * every target it created. A failure of the body wins over a failure of the clean-up.
 */
export async function runInContext(
  subject: ConformanceSubject,
  body: (context: CaseContext) => Promise<void>,
): Promise<void> {
  const targets: ConformanceTarget[] = [];
  const stores = new Set<TokenStore>();

  const createTarget = async (): Promise<ConformanceTarget> => {
    const target = await subject.createTarget();
    targets.push(target);
    return target;
  };
  const openOn = async (target: ConformanceTarget): Promise<TokenStore> => {
    const store = await target.open();
    stores.add(store);
    return store;
  };

  let bodyError: { error: unknown } | undefined;
  try {
    const target = await createTarget();
    await body(createContext(subject, target, openOn, createTarget));
  } catch (error) {
    bodyError = { error };
  }

  const cleanUpError = await cleanUp(stores, targets);
  if (bodyError !== undefined) {
    throw bodyError.error;
  }
  if (cleanUpError !== undefined) {
    throw cleanUpError;
  }
}

function createContext(
  subject: ConformanceSubject,
  target: ConformanceTarget,
  openOn: (target: ConformanceTarget) => Promise<TokenStore>,
  createTarget: () => Promise<ConformanceTarget>,
): CaseContext {
  const { capabilities } = subject;
  return {
    fixtures: createFixtures(),
    capabilities,
    open: () => openOn(target),
    async reopen(store) {
      if (!capabilities.durable) {
        return store;
      }
      await store.close();
      return openOn(target);
    },
    async secondInstance(store) {
      return capabilities.sharedInstances ? openOn(target) : store;
    },
    async readRaw(id) {
      if (target.readRaw === undefined) {
        throw new Error(
          `${subject.name}: capabilities.rawRead is set, but the target has no readRaw`,
        );
      }
      return target.readRaw(id);
    },
    openOtherTarget: async () => openOn(await createTarget()),
  };
}

async function cleanUp(
  stores: ReadonlySet<TokenStore>,
  targets: readonly ConformanceTarget[],
): Promise<Error | undefined> {
  const errors: Error[] = [];

  const closes = await Promise.allSettled([...stores].map((store) => store.close()));
  for (const outcome of closes) {
    if (outcome.status === 'rejected') {
      errors.push(cleanUpError('closing a store', outcome.reason));
    }
  }

  for (const target of targets) {
    try {
      await target.dispose?.();
    } catch (error) {
      errors.push(cleanUpError('disposing a target', error));
    }
  }
  return errors[0];
}

function cleanUpError(step: string, cause: unknown): Error {
  return new Error(`${step} after the case failed: ${describeError(cause)}`, { cause });
}
