/**
 * Labels on every test container, and the clean-up of containers that a killed test
 * run left behind. Where testcontainers' Ryuk container runs, it removes them too;
 * where it cannot (no registry to pull its image from), this clean-up is the only one.
 */
import { hostname } from 'node:os';

import { connectToRuntime } from './runtime.js';

/** The label (value `true`) on every container that `provideServer` starts. */
export const TEST_CONTAINER_LABEL = 'org.tokenstore.test';

/** The label with the id of the process that started the container. */
const OWNER_PID_LABEL = 'org.tokenstore.test.pid';
/** The label with the host name of the machine that started the container. */
const OWNER_HOST_LABEL = 'org.tokenstore.test.host';

/** Returns the labels that mark a container as started by this process. */
export function ownerLabels(): Record<string, string> {
  return {
    [TEST_CONTAINER_LABEL]: 'true',
    [OWNER_PID_LABEL]: String(process.pid),
    [OWNER_HOST_LABEL]: hostname(),
  };
}

/**
 * Removes the test containers whose owning process on this machine has ended: the
 * leftovers of test runs that were killed before they could close their servers.
 * Containers of processes that still run are left alone, so two test runs at once do
 * not remove each other's servers. So are containers started from another machine
 * that shares the engine, whose owner cannot be checked from here. Resolves with the
 * number of containers removed, or 0 when no container runtime responds. Call it from
 * a vitest `globalSetup` (and its teardown).
 */
export async function removeLeftoverContainers(): Promise<number> {
  const runtime = await connectToRuntime();
  if ('reason' in runtime) {
    return 0;
  }

  const { dockerode } = runtime.client.container;
  const containers = await dockerode.listContainers({
    all: true,
    filters: { label: [`${TEST_CONTAINER_LABEL}=true`] },
  });

  let removed = 0;
  for (const container of containers) {
    if (!isLeftover(container.Labels)) continue;
    try {
      await dockerode.getContainer(container.Id).remove({ force: true, v: true });
      removed += 1;
    } catch (error) {
      // Another run's clean-up may have removed it first.
      if ((error as { statusCode?: number }).statusCode !== 404) throw error;
    }
  }
  return removed;
}

function isLeftover(labels: Record<string, string>): boolean {
  const owner = Number(labels[OWNER_PID_LABEL]);
  if (labels[OWNER_HOST_LABEL] !== hostname()) {
    return false;
  }
  return !Number.isInteger(owner) || owner <= 0 || !isProcessAlive(owner);
}

function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
