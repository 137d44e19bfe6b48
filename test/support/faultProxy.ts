/**
 * A small HTTP proxy between the service and its database that misbehaves on demand: it delays requests
 * (jitter, which widens the windows in which writers race), cuts every connection, or throttles every
 * request with Cosmos DB's 429 and `x-ms-retry-after-ms`. Tests put it in front of the embedded server.
 */
import { type IncomingMessage, type Server, type ServerResponse, Agent, createServer, request } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export type FaultMode =
  | { readonly kind: 'pass' }
  /** Each request waits a random time in [minMs, maxMs] before it is forwarded. */
  | { readonly kind: 'delay'; readonly minMs: number; readonly maxMs: number }
  /** Every open connection is destroyed and every new one closed at once (a network cut). */
  | { readonly kind: 'cut' }
  /** Every request is answered 429 with `x-ms-retry-after-ms` (the database throttles). */
  | { readonly kind: 'throttle'; readonly retryAfterMs: number };

/** What a held request looks like to the test that holds it. */
export interface ProxiedRequest {
  readonly method: string;
  readonly url: string;
  /** The partition key the SDK sent (its JSON array form), if any. */
  readonly partitionKey: string | undefined;
  /** A (transactional) batch of operations, rather than one. */
  readonly batch: boolean;
}

/** One request held back until the test releases it: the way to put two writers' steps in a chosen order. */
export interface Hold {
  /** Settles when a matching request has arrived (and is being held). */
  readonly arrived: Promise<void>;
  /** Lets the held request through. */
  release(): void;
}

export interface FaultProxy {
  readonly endpoint: string;
  /** Holds back the first request that `matches` until `release()`. */
  hold(matches: (request: ProxiedRequest) => boolean): Hold;
  /** Requests that reached the proxy, by what it did with them. */
  readonly counts: Record<'forwarded' | 'cut' | 'throttled', number>;
  set(mode: FaultMode): void;
  close(): Promise<void>;
}

export async function startFaultProxy(upstream: string): Promise<FaultProxy> {
  const target = new URL(upstream);
  // A new connection per forwarded request: an idle one the server has just closed would fail a request
  // that the test did not mean to fail.
  const agent = new Agent({ keepAlive: false });
  const sockets = new Set<Socket>();
  const counts = { forwarded: 0, cut: 0, throttled: 0 };
  let mode: FaultMode = { kind: 'pass' };
  const holds: { matches: (request: ProxiedRequest) => boolean; arrive: () => void; released: Promise<void> }[] = [];

  const forward = (incoming: IncomingMessage, outgoing: ServerResponse): void => {
    counts.forwarded += 1;
    const upstreamRequest = request(
      {
        host: target.hostname,
        port: target.port,
        method: incoming.method,
        path: incoming.url,
        headers: incoming.headers,
        agent,
      },
      (upstreamResponse) => {
        outgoing.writeHead(upstreamResponse.statusCode ?? 502, upstreamResponse.headers);
        upstreamResponse.pipe(outgoing);
      },
    );
    upstreamRequest.on('error', () => incoming.socket.destroy());
    incoming.pipe(upstreamRequest);
  };

  const server: Server = createServer((incoming, outgoing) => {
    const seen: ProxiedRequest = {
      method: incoming.method ?? 'GET',
      url: incoming.url ?? '/',
      partitionKey: incoming.headers['x-ms-documentdb-partitionkey'] as string | undefined,
      batch: incoming.headers['x-ms-cosmos-is-batch-request'] === 'true',
    };
    const held = holds.findIndex((hold) => hold.matches(seen));
    if (held >= 0) {
      const [hold] = holds.splice(held, 1);
      hold?.arrive();
      void hold?.released.then(() => forward(incoming, outgoing));
      return;
    }
    const current = mode;
    if (current.kind === 'cut') {
      counts.cut += 1;
      incoming.socket.destroy();
      return;
    }
    if (current.kind === 'throttle') {
      counts.throttled += 1;
      incoming.resume();
      outgoing.writeHead(429, {
        'content-type': 'application/json',
        'x-ms-retry-after-ms': String(current.retryAfterMs),
        'x-ms-substatus': '3200',
      });
      outgoing.end(JSON.stringify({ code: 'TooManyRequests', message: 'Request rate is large.' }));
      return;
    }
    if (current.kind === 'delay') {
      const wait = current.minMs + Math.random() * (current.maxMs - current.minMs);
      setTimeout(() => forward(incoming, outgoing), wait);
      return;
    }
    forward(incoming, outgoing);
  });
  server.keepAliveTimeout = 60_000;
  server.on('connection', (socket: Socket) => {
    if (mode.kind === 'cut') {
      counts.cut += 1;
      socket.destroy();
      return;
    }
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    endpoint: `http://127.0.0.1:${port}`,
    counts,
    hold(matches) {
      let arrive = (): void => undefined;
      let release = (): void => undefined;
      const arrived = new Promise<void>((resolve) => {
        arrive = resolve;
      });
      const released = new Promise<void>((resolve) => {
        release = resolve;
      });
      holds.push({ matches, arrive, released });
      return { arrived, release };
    },
    set(next) {
      mode = next;
      if (next.kind === 'cut') for (const socket of sockets) socket.destroy();
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        agent.destroy();
        server.close(() => resolve());
      }),
  };
}
