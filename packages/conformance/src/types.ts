/**
 * What a store author gives the conformance suite, and what the suite needs of the
 * test runner it is registered with.
 */
import type { TokenStore } from '@tokenstore/core';

/** What a store can do beyond the contract; cases that need more are skipped. */
export interface StoreCapabilities {
  /**
   * A store opened again on the same storage gives back everything acknowledged
   * before (a file, a database). `false` for memory-only stores.
   */
  durable: boolean;
  /**
   * Two store objects open at once on the same storage see each other's writes, as
   * two processes on one database do.
   */
  sharedInstances: boolean;
}

/** One empty, isolated storage for one case (a new file, table, prefix or collection). */
export interface ConformanceTarget {
  /**
   * Opens a store on this storage. A durable store returns a new store object on each
   * call; a memory-only one may return the same object every time. The suite closes
   * every store it opened.
   */
  open(): Promise<TokenStore>;
  /**
   * Reads the stored form of the record with this id, bypassing the store (a table
   * row, a document, a parsed line), or `null` when nothing is stored under it. The
   * suite checks the stored form with it where it is given.
   */
  readRaw?(id: string): Promise<Record<string, unknown> | null>;
  /** Removes the storage after the case; called once, after every store is closed. */
  dispose?(): Promise<void>;
}

/** The store under test. */
export interface ConformanceSubject {
  /** Shown in the suite's name, such as `sqlite`. */
  name: string;
  capabilities: StoreCapabilities;
  /** Creates new, empty storage for one case. Cases run one after another or in parallel. */
  createTarget(): Promise<ConformanceTarget>;
}

/**
 * The part of a test runner the suite registers with: vitest's and jest's `describe`
 * and `it` fit as they are. `it` receives a timeout in milliseconds as its third argument.
 */
export interface TestRunner {
  describe(name: string, body: () => void): void;
  it(name: string, body: () => Promise<void>, timeoutMs?: number): void;
}
