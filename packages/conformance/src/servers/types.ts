/** The public types of the server provisioning entry point. */

/** A kind of database server that a store's tests can ask for. */
export type ServerKind = 'mysql' | 'redis' | 'mongodb';

/** A running database server for tests, reached on 127.0.0.1. */
export interface TestServer {
  /** The kind of server. */
  kind: ServerKind;
  /**
   * Connection URL on 127.0.0.1, the same for the server's whole life (restarts
   * included): `mysql://root:PASSWORD@127.0.0.1:PORT/tokenstore`,
   * `redis://127.0.0.1:PORT` or `mongodb://127.0.0.1:PORT/`.
   */
  url: string;
  /**
   * Product and version from the server's own reply, and the image it runs from,
   * such as `MariaDB 10.11.19 (image tokenstore/mariadb:10.11)`.
   */
  description: string;
  /** True when this process started the server in a container, so that restart, stop, start and pause work. */
  managed: boolean;
  /** Stops and starts the server on the same host port, and resolves once it replies to a real ping again. */
  restart(): Promise<void>;
  /** Stops the server. The host port stays reserved for `start()`. */
  stop(): Promise<void>;
  /** Starts a stopped server, and resolves once it replies to a real ping. */
  start(): Promise<void>;
  /** Freezes the server's processes (`docker pause`): it stops replying, but connections stay open. */
  pause(): Promise<void>;
  /** Resumes a paused server (`docker unpause`). */
  unpause(): Promise<void>;
  /** Removes the container and its data. Does nothing for a server given by URL. Safe to call twice. */
  close(): Promise<void>;
}

/** The result of `provideServer`: a server, or why none could be had. */
export type ServerAvailability =
  { available: true; server: TestServer } | { available: false; reason: string };
