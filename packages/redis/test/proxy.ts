/**
 * A TCP proxy on 127.0.0.1 that stands for the network between a store and Redis. It
 * forwards bytes both ways until `cut()`: then it keeps every byte in memory, as a
 * network partition does with TCP segments it keeps retransmitting, and delivers them
 * when restored. That is how a command sent before a cut reaches Redis late.
 */
import { createServer, connect, type Server, type Socket } from 'node:net';

interface Link {
  client: Socket;
  upstream: Socket;
  /** Bytes from the client not yet sent upstream, while held. */
  toUpstream: Buffer[];
  /** Bytes from Redis not yet sent to the client, while held. */
  toClient: Buffer[];
  holdingUpstream: boolean;
  holdingClient: boolean;
}

/** A running proxy. */
export interface Proxy {
  /** The URL that reaches Redis through the proxy. */
  url: string;
  /** Holds all bytes, both ways, on every connection, existing and new. */
  cut(): void;
  /**
   * Forwards client bytes until a chunk contains `marker`, then holds that chunk and
   * everything after it from that client (replies still flow).
   */
  holdFromClientAfter(marker: string): void;
  /** Tells whether any connection holds bytes from its client. */
  holding(): boolean;
  /** Closes the client side of every connection; held bytes stay for `restore()`. */
  dropClients(): void;
  /**
   * Delivers every held byte and forwards again. Resolves once Redis has closed each
   * connection whose client had gone, which it does only after running every command
   * delivered on it.
   */
  restore(): Promise<void>;
  /** Closes every connection and the listening socket. */
  close(): Promise<void>;
}

/** Starts a proxy to the Redis server at `targetUrl` on a free port of 127.0.0.1. */
export async function startProxy(targetUrl: string): Promise<Proxy> {
  const target = new URL(targetUrl);
  const links = new Set<Link>();
  let cut = false;
  let marker: Buffer | undefined;

  const server: Server = createServer((client) => {
    const upstream = connect(Number(target.port), target.hostname);
    const link: Link = {
      client,
      upstream,
      toUpstream: [],
      toClient: [],
      holdingUpstream: cut,
      holdingClient: cut,
    };
    links.add(link);

    client.on('data', (chunk: Buffer) => {
      if (!link.holdingUpstream && marker !== undefined && chunk.includes(marker)) {
        link.holdingUpstream = true;
      }
      if (link.holdingUpstream) link.toUpstream.push(chunk);
      else upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => {
      if (link.holdingClient) link.toClient.push(chunk);
      else if (!client.destroyed) client.write(chunk);
    });

    // A client that goes away while bytes are held leaves its upstream open, so that
    // restore() can still deliver them, as a network would after a partition.
    client.on('close', () => {
      if (link.toUpstream.length === 0 && !link.holdingUpstream) upstream.end();
    });
    upstream.on('close', () => {
      client.destroy();
      links.delete(link);
    });
    client.on('error', () => undefined);
    upstream.on('error', () => undefined);
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };

  return {
    url: `redis://127.0.0.1:${port}`,
    cut() {
      cut = true;
      for (const link of links) {
        link.holdingUpstream = true;
        link.holdingClient = true;
      }
    },
    holdFromClientAfter(text) {
      marker = Buffer.from(text);
    },
    holding() {
      return [...links].some((link) => link.toUpstream.length > 0);
    },
    dropClients() {
      for (const link of links) link.client.destroy();
    },
    async restore() {
      cut = false;
      marker = undefined;
      const closing: Array<Promise<void>> = [];
      for (const link of links) {
        link.holdingUpstream = false;
        link.holdingClient = false;
        for (const chunk of link.toUpstream.splice(0)) link.upstream.write(chunk);
        if (link.client.destroyed) {
          link.toClient.length = 0;
          closing.push(new Promise((resolve) => link.upstream.once('close', () => resolve())));
          link.upstream.end();
        } else {
          for (const chunk of link.toClient.splice(0)) link.client.write(chunk);
        }
      }
      await Promise.all(closing);
    },
    async close() {
      for (const link of links) {
        link.client.destroy();
        link.upstream.destroy();
      }
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
