/**
 * TOKENSTORE_OFFLINE=1: a missing image fails with its name and no pull is sent to the
 * engine. The child process reaches Docker through a proxy on a Unix socket that
 * records every request and blocks pulls, so the tests see what was sent.
 */
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, request as httpRequest, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { provideServerInChild } from './support/servers-child.js';

const engineSocket = localEngineSocket();
const missingImage = `tokenstore/never-built-${randomUUID().slice(0, 8)}:0`;

describe.skipIf(engineSocket === undefined)(
  `offline test servers${engineSocket === undefined ? ' (skipped: no local Docker socket)' : ''}`,
  () => {
    let folder: string;
    let proxy: RecordingProxy;

    beforeAll(async () => {
      folder = await mkdtemp(join(tmpdir(), 'tokenstore-offline-'));
      proxy = await startRecordingProxy(engineSocket as string, join(folder, 'docker.sock'));
    });

    afterAll(async () => {
      await proxy?.close();
      await rm(folder, { recursive: true, force: true });
    });

    function childEnvironment(extra: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
      return {
        PATH: process.env.PATH,
        HOME: folder,
        DOCKER_HOST: `unix://${proxy.socketPath}`,
        TOKENSTORE_REDIS_IMAGE: missingImage,
        ...extra,
      };
    }

    it('rejects a missing image without pulling', async () => {
      proxy.requests.length = 0;
      const run = await provideServerInChild('redis', {
        environment: childEnvironment({
          TOKENSTORE_OFFLINE: '1',
          TESTCONTAINERS_RYUK_DISABLED: 'true',
        }),
      });
      await run.kill();

      expect(run.outcome.error).toContain(`the image ${missingImage} is not on this machine`);
      expect(run.outcome.error).toContain('tooling/images/build-images.sh');
      expect(run.outcome.error).toContain('TOKENSTORE_REDIS_IMAGE');
      expect(
        proxy.requests.some((line) => line.includes('/images/') && line.endsWith('/json')),
      ).toBe(true);
      expect(proxy.requests.filter((line) => line.includes('/images/create'))).toEqual([]);
    });

    it('would pull the same image when online', async () => {
      // The control case: it shows that the proxy records a pull when one is sent.
      proxy.requests.length = 0;
      const run = await provideServerInChild('redis', {
        environment: childEnvironment({ TESTCONTAINERS_RYUK_DISABLED: 'true' }),
      });
      await run.kill();

      expect(run.outcome.error).toBeDefined();
      expect(
        proxy.requests.filter((line) => line.includes('/images/create')).length,
      ).toBeGreaterThan(0);
    });

    it('requires Ryuk off when offline', async () => {
      proxy.requests.length = 0;
      const run = await provideServerInChild('redis', {
        environment: childEnvironment({ TOKENSTORE_OFFLINE: '1' }),
      });
      await run.kill();

      expect(run.outcome.error).toContain('TESTCONTAINERS_RYUK_DISABLED=true');
      expect(proxy.requests.filter((line) => line.includes('/images/create'))).toEqual([]);
    });
  },
);

interface RecordingProxy {
  socketPath: string;
  /** `METHOD /path` of every request, in order. */
  requests: string[];
  close(): Promise<void>;
}

/** Forwards Docker API requests to the engine, records them, and rejects pulls with an error. */
async function startRecordingProxy(target: string, socketPath: string): Promise<RecordingProxy> {
  const requests: string[] = [];
  const server: Server = createServer((incoming, outgoing) => {
    const path = incoming.url ?? '/';
    requests.push(`${incoming.method} ${path.split('?')[0]}`);

    if (path.includes('/images/create')) {
      outgoing.writeHead(500, { 'content-type': 'application/json' });
      outgoing.end(JSON.stringify({ message: 'pulls are blocked by this test' }));
      return;
    }

    const upstream = httpRequest(
      { socketPath: target, method: incoming.method, path, headers: incoming.headers },
      (reply) => {
        outgoing.writeHead(reply.statusCode ?? 502, reply.headers);
        reply.pipe(outgoing);
      },
    );
    upstream.on('error', (error) => outgoing.destroy(error));
    incoming.pipe(upstream);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(socketPath, resolve);
  });

  return {
    socketPath,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Returns the engine's Unix socket on this machine, or undefined when Docker is reached otherwise. */
function localEngineSocket(): string | undefined {
  const host = process.env.DOCKER_HOST;
  if (host !== undefined && host !== '') {
    return host.startsWith('unix://') ? host.slice('unix://'.length) : undefined;
  }
  return existsSync('/var/run/docker.sock') ? '/var/run/docker.sock' : undefined;
}
