/**
 * The container runtime, reached through testcontainers, which is an optional peer
 * dependency and is loaded only when a container is needed.
 */
import type { ContainerRuntimeClient } from 'testcontainers';

/** The testcontainers module. */
export type Testcontainers = typeof import('testcontainers');

/** A container runtime that responded, or why none could be reached. */
export type RuntimeConnection =
  { testcontainers: Testcontainers; client: ContainerRuntimeClient } | { reason: string };

/** Loads testcontainers and connects to the container runtime it finds (Docker or a compatible engine). */
export async function connectToRuntime(): Promise<RuntimeConnection> {
  let testcontainers: Testcontainers;
  try {
    testcontainers = await import('testcontainers');
  } catch (error) {
    return { reason: `the testcontainers package cannot be loaded (${messageOf(error)})` };
  }

  // Inside a container (where /.dockerenv exists), testcontainers 11 looks for the
  // Docker host's address, and when the bridge network names no gateway it runs an
  // alpine:3.14 container to find one, pulling that image. The servers here are
  // published on 127.0.0.1 and reached there, so the lookup is useless, and offline
  // that pull must not happen: a host override skips it.
  process.env.TESTCONTAINERS_HOST_OVERRIDE ??= '127.0.0.1';

  try {
    return { testcontainers, client: await testcontainers.getContainerRuntimeClient() };
  } catch (error) {
    return { reason: `no container runtime responded (${messageOf(error)})` };
  }
}

/** Tells whether an image is present in the runtime's local image store, without pulling it. */
export async function imageExists(
  testcontainers: Testcontainers,
  client: ContainerRuntimeClient,
  image: string,
): Promise<boolean> {
  return client.image.exists(testcontainers.ImageName.fromString(image));
}

/** Returns an error's message, or the value as text. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
