/**
 * vitest global setup: removes the test containers that killed runs left behind, before
 * the tests and again after them. Ryuk would do this where it can run; it is off where
 * its image cannot be pulled.
 */
import { removeLeftoverContainers } from '@tokenstore/conformance/servers';

export default async function removeLeftoversAroundRun(): Promise<() => Promise<void>> {
  await removeLeftoverContainers();
  return async () => {
    await removeLeftoverContainers();
  };
}
