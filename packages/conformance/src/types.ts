/**
 * The subject that a store author gives the conformance suite, and the part of a test
 * runner that the suite registers with.
 */
import type { TokenStore } from '@tokenstore/core';

/** Capabilities of a store beyond the contract. Cases that need a missing one are skipped. */
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
  /**
   * Every target implements `readRaw`, so the suite can check the stored form.
   * @default false
   */
  rawRead?: boolean;
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
   * row, a document, a parsed line), or `null` when nothing is stored under it. Values
   * may be strings, numbers, `null` or UTF-8 bytes (`Uint8Array`, such as a `Buffer`).
   * The suite checks the stored form with it when `capabilities.rawRead` is set.
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
  /**
   * Time in milliseconds that one case may take, setup and cleanup included. Cases
   * that wait on purpose (for an access token to expire) get their wait on top.
   * @default 20000
   */
  timeoutMs?: number;
}

/**
 * The `it` of a test runner: registers a case with a timeout in milliseconds as its
 * third argument. vitest's and jest's `it` fit as they are.
 */
export interface TestFunction {
  (name: string, body: () => Promise<void>, timeoutMs?: number): void;
  /**
   * Registers a case that the runner reports as skipped. The suite registers the cases
   * that need a missing capability through it, and leaves them out when it is absent.
   */
  skip?: (name: string, body: () => Promise<void>) => void;
}

/**
 * The part of a test runner the suite registers with: vitest's and jest's `describe`
 * and `it` fit as they are.
 */
export interface TestRunner {
  describe(name: string, body: () => void): void;
  it: TestFunction;
}
