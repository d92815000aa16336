/**
 * The Lua scripts that read and write records with their index keys, each in one
 * atomic step, and how they are sent: EVALSHA first, and the full script with EVAL
 * when the server replies NOSCRIPT (after SCRIPT FLUSH or a restart emptied its
 * script cache). A NOSCRIPT reply means the script did not run, so sending it again
 * cannot apply a write twice.
 *
 * Every script that writes takes a fence: the last server time, in epoch
 * milliseconds, at which it may still run. A script that arrives later (held in a
 * network buffer after the caller was told the call failed) changes nothing.
 *
 * NOTE: scripts read record keys named by index keys, which are not in KEYS. All keys
 * of a store share one hash slot (see keys.ts), which Redis Cluster accepts.
 */
import { createHash } from 'node:crypto';

import type { Redis } from 'ioredis';

// Returns true when the server's clock is past the fence given in ARGV.
const FENCE = `
local function expired(fence)
  local now = redis.call('TIME')
  return tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000) > tonumber(fence)
end
`;

/**
 * Reads one record. KEYS[1]: the record key (ARGV[1] = 'id') or an index key (ARGV[1]
 * = its column). Returns the server time (seconds, microseconds), then the record
 * hash as HGETALL gives it, empty when there is none. The caller checks that the
 * record holds the looked-up value.
 */
const FIND_SOURCE = `
local now = redis.call('TIME')
local recordKey = KEYS[1]
if ARGV[1] ~= 'id' then
  recordKey = redis.call('GET', KEYS[1])
end
local fields = {}
if recordKey then
  fields = redis.call('HGETALL', recordKey)
end
return {now[1], now[2], fields}
`;

/**
 * Reads several records. KEYS: record keys. Returns the server time (seconds,
 * microseconds), then one HGETALL reply per key, empty for a missing key.
 */
const READ_SOURCE = `
local now = redis.call('TIME')
local reply = {now[1], now[2]}
for i = 1, #KEYS do
  reply[#reply + 1] = redis.call('HGETALL', KEYS[i])
end
return reply
`;

/**
 * Writes one record and its index keys.
 * KEYS[1]: the record key; KEYS[2 .. 1+c]: the index keys to claim, one per unique
 * field with a value; KEYS[2+c ..]: index keys of old values to release.
 * ARGV: fence, mode ('insert' or 'update'), expected revision, new revision, lookup
 * column ('' for none), c, the c claimed columns in KEYS order, then the record as
 * column/value pairs.
 * Returns 'ok', 'expired' (past the fence), 'stale' (the record changed since it was
 * read, or an insert lost a race for the lookup value: read again and retry), or
 * {'conflict', column} (another record holds that value).
 */
const SAVE_SOURCE = `${FENCE}
if expired(ARGV[1]) then return 'expired' end

local recordKey = KEYS[1]
local exists = redis.call('EXISTS', recordKey) == 1
if ARGV[2] == 'insert' then
  if exists then return 'stale' end
elseif not exists or (redis.call('HGET', recordKey, 'revision') or '') ~= ARGV[3] then
  return 'stale'
end

local lookupColumn = ARGV[5]
local claimCount = tonumber(ARGV[6])
local record = {}
local hash = {}
for i = 7 + claimCount, #ARGV, 2 do
  record[ARGV[i]] = ARGV[i + 1]
  hash[#hash + 1] = ARGV[i]
  hash[#hash + 1] = ARGV[i + 1]
end

-- An index key is held when it names another record that really holds the value: an
-- index left behind by a removed record does not count.
local function heldByOther(indexKey, column)
  local holder = redis.call('GET', indexKey)
  return holder and holder ~= recordKey and redis.call('HGET', holder, column) == record[column]
end

-- The lookup value first: another record holding it means that an insert lost a race
-- for it, and the caller retries as an update, never as a conflict.
for i = 1, claimCount do
  if ARGV[6 + i] == lookupColumn and heldByOther(KEYS[1 + i], lookupColumn) then
    return 'stale'
  end
end
for i = 1, claimCount do
  if heldByOther(KEYS[1 + i], ARGV[6 + i]) then
    return {'conflict', ARGV[6 + i]}
  end
end

for i = 2 + claimCount, #KEYS do
  if redis.call('GET', KEYS[i]) == recordKey then redis.call('DEL', KEYS[i]) end
end
for i = 1, claimCount do
  redis.call('SET', KEYS[1 + i], recordKey)
end
hash[#hash + 1] = 'revision'
hash[#hash + 1] = ARGV[4]
redis.call('DEL', recordKey)
redis.call('HSET', recordKey, unpack(hash))
return 'ok'
`;

/**
 * Deletes one record and its index keys. KEYS[1]: the record key; KEYS[2 ..]: the index
 * keys of its values. ARGV: fence, expected revision. Returns 'ok' (deleted, or already
 * gone), 'expired' or 'stale' (the record changed since it was read).
 */
const DELETE_SOURCE = `${FENCE}
if expired(ARGV[1]) then return 'expired' end

local recordKey = KEYS[1]
if redis.call('EXISTS', recordKey) == 0 then return 'ok' end
if (redis.call('HGET', recordKey, 'revision') or '') ~= ARGV[2] then return 'stale' end

for i = 2, #KEYS do
  if redis.call('GET', KEYS[i]) == recordKey then redis.call('DEL', KEYS[i]) end
end
redis.call('DEL', recordKey)
return 'ok'
`;

/**
 * Deletes the index keys among KEYS whose record is gone, such as keys left behind by
 * a record that something other than the store removed. Returns how many it deleted.
 */
const SWEEP_SOURCE = `
local deleted = 0
for i = 1, #KEYS do
  local holder = redis.call('GET', KEYS[i])
  if not holder or redis.call('EXISTS', holder) == 0 then
    redis.call('DEL', KEYS[i])
    deleted = deleted + 1
  end
end
return deleted
`;

/** A Lua script, sent by its SHA-1 and sent whole when the server does not have it. */
export class LuaScript {
  /** The SHA-1 hex digest that EVALSHA names the script by. */
  readonly sha: string;

  constructor(
    /** The name that messages and tests use. */
    readonly name: string,
    readonly source: string,
  ) {
    this.sha = createHash('sha1').update(source).digest('hex');
  }

  /** Runs the script and returns its reply with every string as a Buffer. */
  async run(client: Redis, keys: readonly string[], args: readonly string[]): Promise<unknown> {
    const operands = [String(keys.length), ...keys, ...args];
    try {
      return await client.callBuffer('EVALSHA', [this.sha, ...operands]);
    } catch (error) {
      if (!isNoScript(error)) {
        throw error;
      }
      return client.callBuffer('EVAL', [this.source, ...operands]);
    }
  }
}

function isNoScript(error: unknown): boolean {
  return error instanceof Error && error.message.startsWith('NOSCRIPT');
}

/** The store's scripts. */
export const SCRIPTS = {
  find: new LuaScript('find', FIND_SOURCE),
  read: new LuaScript('read', READ_SOURCE),
  save: new LuaScript('save', SAVE_SOURCE),
  delete: new LuaScript('delete', DELETE_SOURCE),
  sweep: new LuaScript('sweep', SWEEP_SOURCE),
} as const;
