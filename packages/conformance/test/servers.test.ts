/**
 * The test servers themselves, for each kind: a real reply, an address on 127.0.0.1
 * that survives stop, start and restart with the data written before, pause and
 * unpause, and a URL variable that starts no container.
 */
import mysql from 'mysql2/promise';
import { Redis } from 'ioredis';
import { MongoClient } from 'mongodb';
import { getContainerRuntimeClient } from 'testcontainers';
import { afterAll, describe, expect, it } from 'vitest';

import {
  DEFAULT_SERVER_IMAGES,
  TEST_CONTAINER_LABEL,
  provideServer,
  type ServerKind,
  type TestServer,
} from '../src/servers/index.js';
import { pingServer } from '../src/servers/ping.js';

const kinds: ServerKind[] = ['mysql', 'redis', 'mongodb'];
const variablePrefixes: Record<ServerKind, string> = {
  mysql: 'MYSQL',
  redis: 'REDIS',
  mongodb: 'MONGODB',
};
const urlPatterns: Record<ServerKind, RegExp> = {
  mysql: /^mysql:\/\/root:[0-9a-f]+@127\.0\.0\.1:\d+\/tokenstore$/,
  redis: /^redis:\/\/127\.0\.0\.1:\d+$/,
  mongodb: /^mongodb:\/\/127\.0\.0\.1:\d+\/$/,
};
const productPatterns: Record<ServerKind, RegExp> = {
  mysql: /^(MariaDB|MySQL) \d+\.\d+\.\d+/,
  redis: /^Redis \d+\.\d+\.\d+/,
  mongodb: /^(FerretDB \d+\.\d+\.\d+, compatible with MongoDB|MongoDB) \d+\.\d+/,
};

/** A ping that a stopped or paused server cannot pass, in milliseconds. */
const SHORT_PING_MS = 1_500;

for (const kind of kinds) {
  const provided = await provideServer(kind);
  if (provided.available) {
    console.log(`${kind} harness tests run on ${provided.server.description}`);
  }
  const title = provided.available ? '' : ` (skipped: ${provided.reason})`;
  const urlVariable = `TOKENSTORE_${variablePrefixes[kind]}_URL`;
  // A server given by URL is used as it is: the tests that stop or pause it skip.
  const managed = provided.available && provided.server.managed;
  const managedOnly = managed ? '' : ` (skipped: the server is given by ${urlVariable})`;

  describe.skipIf(!provided.available)(`${kind} test server${title}`, () => {
    const server = provided.available ? provided.server : (undefined as unknown as TestServer);
    afterAll(() => server?.close());

    it('replies and names its version', async () => {
      expect(server.kind).toBe(kind);
      expect(server.managed).toBe(process.env[urlVariable] === undefined);
      expect(server.description).toMatch(productPatterns[kind]);
      expect(server.description.startsWith(await pingServer(kind, server.url, 5_000))).toBe(true);
    });

    it.skipIf(!managed)(`runs on 127.0.0.1 from the chosen image${managedOnly}`, () => {
      const image =
        process.env[`TOKENSTORE_${variablePrefixes[kind]}_IMAGE`] || DEFAULT_SERVER_IMAGES[kind];

      expect(server.url).toMatch(urlPatterns[kind]);
      expect(server.description).toContain(`(image ${image})`);
    });

    it.skipIf(!managed)(`publishes its port on 127.0.0.1 only${managedOnly}`, async () => {
      const port = Number(new URL(server.url).port);
      const client = await getContainerRuntimeClient();
      const containers = await client.container.dockerode.listContainers({
        filters: { label: [`${TEST_CONTAINER_LABEL}=true`] },
      });
      const published = containers.flatMap((container) =>
        container.Ports.filter((binding) => binding.PublicPort === port),
      );

      expect(published.length).toBeGreaterThan(0);
      for (const binding of published) {
        expect(binding.IP).toBe('127.0.0.1');
      }
    });

    it.skipIf(!managed)(`keeps its URL and data across stop and start${managedOnly}`, async () => {
      const url = server.url;
      const value = `before-stop-${Date.now()}`;
      await writeMarker(kind, url, 'stop-start', value);

      await server.stop();
      await expect(pingServer(kind, url, SHORT_PING_MS)).rejects.toThrow();
      await server.start();

      expect(server.url).toBe(url);
      expect(await readMarker(kind, url, 'stop-start')).toBe(value);
    });

    it.skipIf(!managed)(`keeps its URL and data across restart${managedOnly}`, async () => {
      const url = server.url;
      const value = `before-restart-${Date.now()}`;
      await writeMarker(kind, url, 'restart', value);

      await server.restart();

      expect(server.url).toBe(url);
      expect(await readMarker(kind, url, 'restart')).toBe(value);
    });

    it.skipIf(!managed)(`stops replying while paused${managedOnly}`, async () => {
      await server.pause();
      try {
        await expect(pingServer(kind, server.url, SHORT_PING_MS)).rejects.toThrow();
      } finally {
        await server.unpause();
      }

      expect(await pingServer(kind, server.url, 5_000)).toMatch(productPatterns[kind]);
    });

    it.skipIf(!managed)(
      `uses a server given by URL without a container${managedOnly}`,
      async () => {
        const variable = urlVariable;
        const containersBefore = await countTestContainers();
        process.env[variable] = server.url;
        try {
          const givenServer = await provideServer(kind);
          if (!givenServer.available) throw new Error(`not available: ${givenServer.reason}`);

          expect(givenServer.server.managed).toBe(false);
          expect(givenServer.server.url).toBe(server.url);
          expect(givenServer.server.description).toContain(`given by ${variable}`);
          expect(await countTestContainers()).toBe(containersBefore);
          await expect(givenServer.server.restart()).rejects.toThrow(variable);
          await expect(givenServer.server.pause()).rejects.toThrow(variable);

          await givenServer.server.close();
          expect(await pingServer(kind, server.url, 5_000)).toMatch(productPatterns[kind]);
        } finally {
          delete process.env[variable];
        }
      },
    );

    if (kind === 'mysql') {
      it('names a tokenstore database that root may extend', async () => {
        const connection = await mysql.createConnection(server.url);
        try {
          const [rows] = await connection.query<mysql.RowDataPacket[]>('SELECT DATABASE() AS name');
          expect(rows[0]?.name).toBe('tokenstore');

          const suffix = Date.now().toString(36);
          await connection.query(`CREATE DATABASE harness_${suffix}`);
          await connection.query(`CREATE USER 'harness_${suffix}'@'%' IDENTIFIED BY 'secret'`);
          await connection.query(`GRANT ALL ON harness_${suffix}.* TO 'harness_${suffix}'@'%'`);
          await connection.query(`DROP USER 'harness_${suffix}'@'%'`);
          await connection.query(`DROP DATABASE harness_${suffix}`);
        } finally {
          await connection.end();
        }
      });
    }

    if (kind === 'redis') {
      it('runs with AOF on', async () => {
        const client = new Redis(server.url, { lazyConnect: true, maxRetriesPerRequest: 0 });
        try {
          await client.connect();
          expect(await client.config('GET', 'appendonly')).toEqual(['appendonly', 'yes']);
        } finally {
          client.disconnect();
        }
      });
    }
  });
}

async function countTestContainers(): Promise<number> {
  const client = await getContainerRuntimeClient();
  const containers = await client.container.dockerode.listContainers({
    all: true,
    filters: { label: [`${TEST_CONTAINER_LABEL}=true`] },
  });
  return containers.length;
}

/** Stores a named value in the server through its own driver. */
async function writeMarker(
  kind: ServerKind,
  url: string,
  name: string,
  value: string,
): Promise<void> {
  if (kind === 'mysql') {
    const connection = await mysql.createConnection(url);
    try {
      await connection.query(
        'CREATE TABLE IF NOT EXISTS harness_markers (name VARCHAR(64) PRIMARY KEY, value VARCHAR(64))',
      );
      await connection.query('REPLACE INTO harness_markers (name, value) VALUES (?, ?)', [
        name,
        value,
      ]);
    } finally {
      await connection.end();
    }
  } else if (kind === 'redis') {
    const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0 });
    try {
      await client.connect();
      await client.set(`harness:${name}`, value);
    } finally {
      client.disconnect();
    }
  } else {
    const client = new MongoClient(url, { directConnection: true });
    try {
      await client
        .db('tokenstore')
        .collection<{ _id: string; value: string }>('harness_markers')
        .replaceOne({ _id: name }, { value }, { upsert: true });
    } finally {
      await client.close();
    }
  }
}

/** Reads a value stored by `writeMarker`, or null. */
async function readMarker(kind: ServerKind, url: string, name: string): Promise<string | null> {
  if (kind === 'mysql') {
    const connection = await mysql.createConnection(url);
    try {
      const [rows] = await connection.query<mysql.RowDataPacket[]>(
        'SELECT value FROM harness_markers WHERE name = ?',
        [name],
      );
      return (rows[0]?.value as string | undefined) ?? null;
    } finally {
      await connection.end();
    }
  } else if (kind === 'redis') {
    const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0 });
    try {
      await client.connect();
      return await client.get(`harness:${name}`);
    } finally {
      client.disconnect();
    }
  } else {
    const client = new MongoClient(url, { directConnection: true });
    try {
      const found = await client
        .db('tokenstore')
        .collection<{ _id: string; value: string }>('harness_markers')
        .findOne({ _id: name });
      return found?.value ?? null;
    } finally {
      await client.close();
    }
  }
}
