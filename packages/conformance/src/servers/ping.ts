/**
 * Readiness by a real reply: each kind is pinged with its own driver (a query, PING
 * and INFO, hello and buildInfo), never by a log line or a fixed sleep. The drivers
 * are optional peer dependencies, loaded only when a server of their kind is pinged.
 */
import type { ServerKind } from './types.js';

/** How long `waitForServer` keeps trying by default, in milliseconds. */
export const DEFAULT_READY_TIMEOUT_MS = 60_000;

/** The maximum time one ping may take while waiting for a server, in milliseconds. */
const MAX_PING_TIMEOUT_MS = 5_000;
const FIRST_RETRY_DELAY_MS = 100;
const MAX_RETRY_DELAY_MS = 1_000;

/**
 * Pings a server once and returns its product and version, such as
 * `MariaDB 10.11.19`. Rejects when no reply comes within `timeoutMs`.
 */
export async function pingServer(
  kind: ServerKind,
  url: string,
  timeoutMs: number,
): Promise<string> {
  const pings: Record<ServerKind, () => Promise<string>> = {
    mysql: () => pingMysql(url, timeoutMs),
    redis: () => pingRedis(url, timeoutMs),
    mongodb: () => pingMongodb(url, timeoutMs),
  };
  return pings[kind]();
}

/**
 * Pings a server until it replies, with a growing pause between tries (0.1 s up to
 * 1 s), and returns its product and version. Rejects with the last error once
 * `timeoutMs` has passed.
 */
export async function waitForServer(
  kind: ServerKind,
  url: string,
  timeoutMs: number = DEFAULT_READY_TIMEOUT_MS,
): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let delay = FIRST_RETRY_DELAY_MS;
  let lastError: unknown;

  for (;;) {
    const remaining = deadline - Date.now();
    try {
      return await pingServer(kind, url, Math.max(250, Math.min(MAX_PING_TIMEOUT_MS, remaining)));
    } catch (error) {
      lastError = error;
    }

    if (Date.now() + delay >= deadline) {
      const reason = lastError instanceof Error ? lastError.message : String(lastError);
      throw new Error(
        `the ${kind} server at ${redactUrl(url)} did not reply within ${timeoutMs / 1000} s (last error: ${reason})`,
        { cause: lastError },
      );
    }
    await new Promise((resolve) => setTimeout(resolve, delay));
    delay = Math.min(delay * 2, MAX_RETRY_DELAY_MS);
  }
}

/** Replaces the password in a URL, so that it can go into a message. */
export function redactUrl(url: string): string {
  return url.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@');
}

async function pingMysql(url: string, timeoutMs: number): Promise<string> {
  const mysql = await importDriver('mysql2', () => import('mysql2/promise'));
  let connection: Awaited<ReturnType<typeof mysql.createConnection>> | undefined;
  let finished = false;

  const ping = async (): Promise<string> => {
    const opened = await mysql.createConnection({ uri: url, connectTimeout: timeoutMs });
    if (finished) {
      // The ping timed out while connecting: close what came too late.
      opened.destroy();
      throw new Error('connected after the ping timed out');
    }
    connection = opened;
    const [rows] = await connection.query<import('mysql2').RowDataPacket[]>({
      sql: 'SELECT VERSION() AS version',
      timeout: timeoutMs,
    });
    return describeMysqlVersion(String(rows[0]?.version));
  };

  try {
    return await withTimeout(ping(), timeoutMs);
  } finally {
    finished = true;
    connection?.destroy();
  }
}

/** Turns `10.11.19-MariaDB-0+deb12u1` into `MariaDB 10.11.19`, and `8.4.5` into `MySQL 8.4.5`. */
function describeMysqlVersion(version: string): string {
  const number = /^\d+(\.\d+)*/.exec(version)?.[0] ?? version;
  return /mariadb/i.test(version) ? `MariaDB ${number}` : `MySQL ${number}`;
}

async function pingRedis(url: string, timeoutMs: number): Promise<string> {
  const { Redis } = await importDriver('ioredis', () => import('ioredis'));
  const client = new Redis(url, {
    lazyConnect: true,
    connectTimeout: timeoutMs,
    commandTimeout: timeoutMs,
    enableReadyCheck: false,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  // A failed connection is reported through the rejected promise below; without a
  // listener ioredis would also print it.
  client.on('error', () => undefined);

  const ping = async (): Promise<string> => {
    await client.connect();
    // PING fails with LOADING while the server replays its AOF after a restart.
    await client.ping();
    const info = await client.info('server');
    const version = /^redis_version:(\S+)/m.exec(info)?.[1] ?? 'unknown version';
    return `Redis ${version}`;
  };

  try {
    return await withTimeout(ping(), timeoutMs);
  } finally {
    client.disconnect();
  }
}

async function pingMongodb(url: string, timeoutMs: number): Promise<string> {
  const { MongoClient } = await importDriver('mongodb', () => import('mongodb'));
  const client = new MongoClient(url, {
    directConnection: true,
    serverSelectionTimeoutMS: timeoutMs,
    connectTimeoutMS: timeoutMs,
    socketTimeoutMS: timeoutMs,
    maxPoolSize: 1,
  });

  const ping = async (): Promise<string> => {
    await client.connect();
    const admin = client.db('admin');
    await admin.command({ hello: 1 });
    const build = await admin.command({ buildInfo: 1 });
    const version = String(build.version);
    if (typeof build.ferretdbVersion === 'string') {
      return `FerretDB ${build.ferretdbVersion.replace(/^v/, '')}, compatible with MongoDB ${version}`;
    }
    return `MongoDB ${version}`;
  };

  try {
    const identity = await withTimeout(ping(), timeoutMs);
    await client.close();
    return identity;
  } catch (error) {
    // Closing sends endSessions, which a frozen server never replies to, so do not wait.
    client.close().catch(() => undefined);
    throw error;
  }
}

async function importDriver<T>(name: string, load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') {
      throw new Error(
        `the ${name} package is missing: the test servers are pinged with it, so add it as a dev dependency`,
        { cause: error },
      );
    }
    throw error;
  }
}

function withTimeout<T>(promise: Promise<T>, timeoutMs: number): Promise<T> {
  // The losing promise may still reject later; that must not become an unhandled rejection.
  promise.catch(() => undefined);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`no reply within ${timeoutMs} ms`)), timeoutMs);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
