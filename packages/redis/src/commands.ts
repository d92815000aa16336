/**
 * The store's commands: each runs one script (or SCAN, or TIME) within an operation's
 * budget and turns the reply into records, fences and outcomes.
 */
import {
  UNIQUE_FIELDS,
  ZOHO_COLUMNS,
  type LookupKey,
  type StoredToken,
  type UniqueField,
} from '@tokenstore/core';

import type { OperationBudget } from './budget.js';
import type { Connection } from './connection.js';
import type { KeyLayout } from './keys.js';
import { hashToRecord, recordToHashFields, type StoredRecord } from './records.js';
import { SCRIPTS, type LuaScript } from './scripts.js';

/** The connection and key layout of a store, which every command needs. */
export interface StoreContext {
  connection: Connection;
  keys: KeyLayout;
}

/** A record read with the fence that writes based on it must carry. */
export interface ReadResult<T> {
  value: T;
  /** The last server time, in epoch milliseconds, at which a write may run. */
  fence: number;
}

/** The outcome of a write script. */
export type WriteOutcome = 'ok' | 'stale' | 'expired' | { conflict: string };

/** How many keys SCAN looks at per call, and how many records one READ script reads. */
const SCAN_COUNT = 1000;
const READ_BATCH = 100;

/** Returns the record that `key` finds, or `null`, with the fence for writes. */
export async function findRecord(
  context: StoreContext,
  budget: OperationBudget,
  key: LookupKey,
): Promise<ReadResult<StoredRecord | null>> {
  const { keys } = context;
  const [startKey, mode] =
    key.field === 'id'
      ? [keys.recordKey(key.value), 'id']
      : [keys.indexKey(key.field, key.value), ZOHO_COLUMNS[key.field]];

  const { reply, fence } = await runTimed(context, budget, SCRIPTS.find, [startKey], [mode]);
  const [, , fields] = reply as [Buffer, Buffer, Buffer[]];
  const found = hashToRecord(fields);

  // An index key left behind by a removed record, or a hash collision, names a record
  // that does not hold the value: that is no match.
  const matches = found !== null && found.record[key.field] === key.value;
  return { value: matches ? found : null, fence };
}

/** Reads records by key, in batches. A key whose record is gone gives `null`. */
export async function readRecords(
  context: StoreContext,
  budget: OperationBudget,
  recordKeys: readonly string[],
): Promise<ReadResult<Array<StoredRecord | null>>> {
  const records: Array<StoredRecord | null> = [];
  let fence = Number.POSITIVE_INFINITY;
  for (let start = 0; start < recordKeys.length; start += READ_BATCH) {
    const batch = recordKeys.slice(start, start + READ_BATCH);
    const result = await runTimed(context, budget, SCRIPTS.read, batch, []);
    const hashes = (result.reply as unknown[]).slice(2) as Buffer[][];
    records.push(...hashes.map((fields) => hashToRecord(fields)));
    fence = Math.min(fence, result.fence);
  }
  return { value: records, fence };
}

/** Returns the fence for writes that follow no read, from the server's TIME. */
export async function readFence(context: StoreContext, budget: OperationBudget): Promise<number> {
  await context.connection.ready(budget);
  budget.throwIfExpired();
  const [seconds, microseconds] = await guard(context, context.connection.client.time());
  return budget.fence(toMilliseconds(String(seconds), String(microseconds)), budget.elapsed());
}

/** The input of a write: the new record, and the stored record it replaces, if any. */
export interface WritePlan {
  record: StoredToken;
  previous: StoredRecord | null;
  /** The indexed field of the lookup key, or `undefined` when the lookup was by id or there was none. */
  lookupField: UniqueField | undefined;
  revision: string;
  fence: number;
}

/** Writes a record and its index keys in one script. */
export async function writeRecord(
  context: StoreContext,
  budget: OperationBudget,
  plan: WritePlan,
): Promise<WriteOutcome> {
  const { keys } = context;
  const { record, previous } = plan;

  const claimed = UNIQUE_FIELDS.filter((field) => record[field] !== undefined);
  const released = UNIQUE_FIELDS.filter((field) => {
    const old = previous?.record[field];
    return old !== undefined && old !== record[field];
  });
  const scriptKeys = [
    keys.recordKey(record.id),
    ...claimed.map((field) => keys.indexKey(field, record[field]!)),
    ...released.map((field) => keys.indexKey(field, previous!.record[field]!)),
  ];
  const args = [
    String(plan.fence),
    previous === null ? 'insert' : 'update',
    previous?.revision ?? '',
    plan.revision,
    plan.lookupField === undefined ? '' : ZOHO_COLUMNS[plan.lookupField],
    String(claimed.length),
    ...claimed.map((field) => ZOHO_COLUMNS[field]),
    ...recordToHashFields(record),
  ];

  const reply = await runScript(context, budget, SCRIPTS.save, scriptKeys, args);
  if (Array.isArray(reply)) {
    return { conflict: String(reply[1]) };
  }
  return String(reply) as 'ok' | 'stale' | 'expired';
}

/** Deletes a record and its index keys, unless it changed since it was read. */
export async function deleteRecord(
  context: StoreContext,
  budget: OperationBudget,
  stored: StoredRecord,
  fence: number,
): Promise<'ok' | 'stale' | 'expired'> {
  const { keys } = context;
  const { record } = stored;
  const indexKeys = UNIQUE_FIELDS.filter((field) => record[field] !== undefined).map((field) =>
    keys.indexKey(field, record[field]!),
  );
  const reply = await runScript(
    context,
    budget,
    SCRIPTS.delete,
    [keys.recordKey(record.id), ...indexKeys],
    [String(fence), stored.revision],
  );
  return String(reply) as 'ok' | 'stale' | 'expired';
}

/** Deletes the index keys among `indexKeys` whose record is gone, in batches. */
export async function sweepIndexKeys(
  context: StoreContext,
  budget: OperationBudget,
  indexKeys: readonly string[],
): Promise<void> {
  for (let start = 0; start < indexKeys.length; start += READ_BATCH) {
    await runScript(context, budget, SCRIPTS.sweep, indexKeys.slice(start, start + READ_BATCH), []);
  }
}

/**
 * Returns every key that matches `pattern`, by SCAN (never KEYS, which blocks the
 * server). SCAN can return a key more than once, so the keys are collected in a set.
 */
export async function scanKeys(
  context: StoreContext,
  budget: OperationBudget,
  pattern: string,
): Promise<Set<string>> {
  const found = new Set<string>();
  let cursor = '0';
  do {
    await context.connection.ready(budget);
    budget.throwIfExpired();
    const [next, batch] = await guard(
      context,
      context.connection.client.scan(cursor, 'MATCH', pattern, 'COUNT', SCAN_COUNT),
    );
    for (const key of batch) found.add(key);
    cursor = next;
  } while (cursor !== '0');
  return found;
}

async function runScript(
  context: StoreContext,
  budget: OperationBudget,
  script: LuaScript,
  keys: readonly string[],
  args: readonly string[],
): Promise<unknown> {
  await context.connection.ready(budget);
  budget.throwIfExpired();
  return guard(context, script.run(context.connection.client, keys, args));
}

// Runs a script whose reply starts with the server time, and returns the fence too.
async function runTimed(
  context: StoreContext,
  budget: OperationBudget,
  script: LuaScript,
  keys: readonly string[],
  args: readonly string[],
): Promise<{ reply: unknown; fence: number }> {
  const reply = (await runScript(context, budget, script, keys, args)) as Buffer[];
  const elapsedAtReply = budget.elapsed();
  const serverTimeMs = toMilliseconds(String(reply[0]), String(reply[1]));
  return { reply, fence: budget.fence(serverTimeMs, elapsedAtReply) };
}

// A command that timed out leaves the connection suspect: see Connection.dropAfterTimeout.
async function guard<T>(context: StoreContext, command: Promise<T>): Promise<T> {
  try {
    return await command;
  } catch (error) {
    context.connection.dropAfterTimeout(error);
    throw error;
  }
}

function toMilliseconds(seconds: string, microseconds: string): number {
  return Number(seconds) * 1000 + Math.floor(Number(microseconds) / 1000);
}
