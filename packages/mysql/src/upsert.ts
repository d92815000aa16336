/**
 * The upsert as one InnoDB transaction. It locks the record the lookup key finds
 * (SELECT … FOR UPDATE) when there is one, merges with `resolveUpsert`, then INSERTs or
 * UPDATEs it with every column written. The unique hash indexes reject a value that another record
 * contains. A transaction that the server rolled back because of a deadlock, or an
 * insert that lost a race for the same lookup key, runs again from the start, at most
 * `MAX_ATTEMPTS` times in all.
 */
import {
  TokenStoreError,
  conflictError,
  resolveUpsert,
  type LookupKey,
  type OAuthToken,
  type StoredToken,
} from '@tokenstore/core';

import type { ConnectionSource } from './connections.js';
import type { Session } from './session.js';
import { ER, duplicateField, errnoOf } from './errors.js';
import { checkValueSizes, insertValues, lookupValues, rowToToken, updateValues } from './rows.js';
import { FIND_STATEMENTS, LOCK_STATEMENTS, type StatementTexts } from './statements.js';
import type { TimeBudget } from './time-budget.js';

/** The maximum number of runs of one transaction that the server rolls back for races. */
export const MAX_ATTEMPTS = 10;

const WRITES = { writes: true };

/**
 * Saves `token` under its lookup key (`null`: always a new record) and returns the
 * stored record.
 *
 * @throws TokenStoreError `CONFLICT` when another record contains a written user name
 *   or token value.
 * @throws TokenStoreError `UNAVAILABLE` when races went on through every attempt.
 */
export async function upsertToken(
  source: ConnectionSource,
  statements: StatementTexts,
  token: OAuthToken,
  key: LookupKey | null,
  budget: TimeBudget,
): Promise<StoredToken> {
  return runWithRetries(budget, key, () =>
    source.withTransaction(budget, (session) => writeRecord(session, statements, token, key)),
  );
}

/**
 * Runs `transaction` until it commits or fails for a reason other than a race that the
 * server rolled back. Only such races are retried: their statements had no effect, so
 * running them again cannot apply a write twice.
 */
export async function runWithRetries<T>(
  budget: TimeBudget,
  key: LookupKey | null,
  transaction: () => Promise<T>,
): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await transaction();
    } catch (error) {
      const outcome = judgeFailure(error, key);
      if (outcome.kind === 'fail') {
        throw outcome.error;
      }
      if (attempt >= MAX_ATTEMPTS || budget.remainingMs() === 0) {
        throw new TokenStoreError(
          'UNAVAILABLE',
          `concurrent writes kept rolling the transaction back; gave up after ${attempt} attempts`,
          { cause: error },
        );
      }
    }
  }
}

async function writeRecord(
  session: Session,
  statements: StatementTexts,
  token: OAuthToken,
  key: LookupKey | null,
): Promise<StoredToken> {
  const existing = key === null ? null : await findAndLock(session, statements, key);
  const record = resolveUpsert(existing, token);
  checkValueSizes(record);

  if (existing === null) {
    await session.execute(statements.insert, insertValues(record), WRITES);
  } else {
    await session.execute(statements.update, updateValues(record), WRITES);
  }
  return record;
}

// Under REPEATABLE READ, a locking read that finds no row locks the gap where the row
// would be, and two saves of new records whose hashes fall in one gap then deadlock on
// their inserts. So the record is first looked for without a lock, and locked only when
// it exists: a locking read that finds its row locks that row alone. A new record needs
// no lock, because the unique indexes reject a second insert of the same lookup value.
async function findAndLock(
  session: Session,
  statements: StatementTexts,
  key: LookupKey,
): Promise<StoredToken | null> {
  const values = lookupValues(key);
  const seen = await session.execute<unknown[]>(statements[FIND_STATEMENTS[key.field]], values);
  if (seen.length === 0) {
    return null;
  }
  const rows = await session.execute<Record<string, unknown>[]>(
    statements[LOCK_STATEMENTS[key.field]],
    values,
  );
  return rows[0] === undefined ? null : rowToToken(rows[0]);
}

type FailureOutcome = { kind: 'retry' } | { kind: 'fail'; error: unknown };

// A duplicate of the lookup key itself (or of the id) means that another save inserted
// the same record first, so the next attempt finds and updates it. A duplicate in any
// other unique field is a value that another record contains.
function judgeFailure(error: unknown, key: LookupKey | null): FailureOutcome {
  const errno = errnoOf(error);
  if (errno === ER.LOCK_DEADLOCK) {
    return { kind: 'retry' };
  }
  if (errno !== ER.DUP_ENTRY) {
    return { kind: 'fail', error };
  }
  const field = duplicateField(error);
  if (field === 'id' || (field !== undefined && field === key?.field)) {
    return { kind: 'retry' };
  }
  return { kind: 'fail', error: conflictError(field ?? 'lookup value', error) };
}
