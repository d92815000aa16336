/**
 * The labelled clean-up that replaces Ryuk where it cannot run: containers of a test process that
 * was killed are removed, and those of live processes are kept.
 */
import { getContainerRuntimeClient } from 'testcontainers';
import { afterAll, describe, expect, it } from 'vitest';

import {
  TEST_CONTAINER_LABEL,
  provideServer,
  removeLeftoverContainers,
} from '../src/servers/index.js';
import { pingServer } from '../src/servers/ping.js';
import { provideServerInChild } from './support/servers-child.js';

const provided = await provideServer('redis');
const managed = provided.available && provided.server.managed;
const skipReason = provided.available
  ? 'the server is given by TOKENSTORE_REDIS_URL'
  : provided.reason;

describe.skipIf(!managed)(
  `leftover test containers${managed ? '' : ` (skipped: ${skipReason})`}`,
  () => {
    afterAll(() => provided.available && provided.server.close());

    it('removes those of killed processes only', async () => {
      const own = provided.available ? provided.server : undefined;
      const child = await provideServerInChild('redis', { environment: process.env, hold: true });
      expect(child.outcome.url).toBeDefined();
      const leftoverPort = Number(new URL(child.outcome.url as string).port);

      await child.kill();
      expect(await containerPublishing(leftoverPort)).toBeDefined();

      const removed = await removeLeftoverContainers();

      expect(removed).toBeGreaterThanOrEqual(1);
      expect(await containerPublishing(leftoverPort)).toBeUndefined();
      expect(await pingServer('redis', own?.url as string, 5_000)).toMatch(/^Redis /);
    });
  },
);

/** Returns the id of the test container that publishes a host port, if there is one. */
async function containerPublishing(port: number): Promise<string | undefined> {
  const client = await getContainerRuntimeClient();
  const containers = await client.container.dockerode.listContainers({
    all: true,
    filters: { label: [`${TEST_CONTAINER_LABEL}=true`] },
  });
  return containers.find((container) =>
    container.Ports.some((binding) => binding.PublicPort === port),
  )?.Id;
}
