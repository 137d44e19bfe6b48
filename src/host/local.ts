/**
 * A small local host for `npm start` and the integration tests: it serves the same operation table with the
 * same handlers and routes as the Functions host, turning Node's HTTP requests into the `HttpRequest` and
 * `InvocationContext` objects that `@azure/functions` builds for tests.
 */
import { randomUUID } from 'node:crypto';
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { type HttpHandler, HttpResponse, type HttpResponseInit, type LogLevel } from '@azure/functions';
import { createServices } from '../app';
import { createAuthenticator } from '../auth/authentication';
import type { Config } from '../config';
import type { Services } from '../http/operation';
import { HEALTH_ROUTE, Readiness, healthHandler } from '../http/health';
import { operationHandler, unmatchedHandler } from '../http/pipeline';
import { type Routable, type RouteMatch, RouteTable } from '../http/routes';
import { correlate, errorResponse } from '../http/responses';
import { ServiceError } from '../errors';
import { OPERATIONS, UNMATCHED_ROUTE } from '../operations';
import { type CosmosConnection, createCosmosClient, ensureDatabase } from '../store/cosmos';
import { invocationTraceParent } from '../telemetry';
import type { EmbeddedCosmos } from './embeddedCosmos';
import { LocalInvocationContext, LocalRequest } from './localRequest';

export interface LocalHostOptions {
  readonly config: Config;
  readonly port?: number;
  readonly hostname?: string;
  /** Where log lines go; by default warnings and errors to stderr. */
  readonly log?: (level: LogLevel, message: string) => void;
  /** Serve https with this key and certificate (PEM); plain http otherwise. */
  readonly tls?: { readonly key: string; readonly cert: string };
  /** Told of every answered request (`npm start` prints one line each). */
  readonly onRequest?: (request: AnsweredRequest) => void;
}

export interface AnsweredRequest {
  readonly method: string;
  /** Path and query, as the client sent them. */
  readonly target: string;
  readonly status: number;
  readonly durationMs: number;
  readonly requestId: string | undefined;
}

export interface LocalHost {
  readonly url: string;
  readonly services: Services;
  /** The account the host uses: the configured one, or its own embedded server. */
  readonly cosmos: CosmosConnection;
  close(): Promise<void>;
}

function isProblem(level: LogLevel): boolean {
  return level === 'warning' || level === 'error' || level === 'critical';
}

function defaultLog(level: LogLevel, message: string): void {
  if (isProblem(level)) console.error(`[${level}] ${message}`);
}

/** The invocations' log handler: their arguments joined into one line (not at all when it would be dropped). */
function logHandlerOf(log: LocalHostOptions['log']): (level: LogLevel, ...args: unknown[]) => void {
  if (log === undefined) {
    return (level, ...args) => {
      if (isProblem(level)) defaultLog(level, args.map(String).join(' '));
    };
  }
  return (level, ...args) => log(level, args.map(String).join(' '));
}

/** Reads the body, keeping at most `limit` bytes (the pipeline answers 413 past its own limit). */
function readBody(request: IncomingMessage, limit: number): Promise<Buffer> {
  // Events rather than an async iterator: one promise per request, not several per chunk.
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let kept = 0;
    request.on('data', (chunk: Buffer) => {
      if (kept >= limit) return;
      const part = chunk.subarray(0, limit - kept);
      chunks.push(part);
      kept += part.length;
    });
    request.once('end', () =>
      resolve(chunks.length === 1 && chunks[0] !== undefined ? chunks[0] : Buffer.concat(chunks)),
    );
    request.once('error', reject);
    request.once('close', () => {
      if (!request.complete) reject(new Error('The client closed the connection before sending the whole body.'));
    });
  });
}

/** Writes a response; returns its request-id header, if any. */
async function writeResponse(response: ServerResponse, init: HttpResponseInit): Promise<string | undefined> {
  const { body, headers } = init;
  // What the pipeline answers (a text body or none, plain headers) is written as it is, in one writeHead; anything
  // else goes through `HttpResponse`, as the Functions host would take it.
  if (
    (typeof body !== 'string' && body !== undefined) ||
    init.jsonBody !== undefined ||
    init.cookies !== undefined ||
    (headers !== undefined && Object.getPrototypeOf(headers) !== Object.prototype)
  ) {
    const full = new HttpResponse(init);
    response.statusCode = full.status;
    full.headers.forEach((value, name) => response.setHeader(name, value));
    const bytes = Buffer.from(await full.arrayBuffer());
    if (bytes.length > 0) response.setHeader('Content-Length', bytes.length);
    response.end(bytes);
    return full.headers.get('request-id') ?? undefined;
  }
  const plain: Record<string, string | number> = { ...(headers as Record<string, string> | undefined) };
  if (body !== undefined && body.length > 0) {
    if (!Object.keys(plain).some((name) => name.toLowerCase() === 'content-type')) {
      plain['Content-Type'] = 'text/plain;charset=UTF-8';
    }
    plain['Content-Length'] = Buffer.byteLength(body);
  }
  response.writeHead(init.status ?? 200, plain);
  response.end(body);
  const requestId = plain['request-id'];
  return typeof requestId === 'string' ? requestId : undefined;
}

/** The request's absolute URL; a Host header that is not a host name falls back to localhost. */
function requestUrl(request: IncomingMessage, scheme: 'http' | 'https'): URL {
  const target = request.url ?? '/';
  // An origin-form target ('/beta/…', even '//beta/…') is a path; an absolute-form one keeps its own path.
  let path = target;
  if (!target.startsWith('/')) {
    const absolute = URL.parse(target);
    path = absolute === null ? '/' : `${absolute.pathname}${absolute.search}`;
  }
  return (
    URL.parse(`${scheme}://${request.headers.host ?? 'localhost'}${path}`) ??
    URL.parse(`${scheme}://localhost${path}`) ??
    new URL(`${scheme}://localhost/`)
  );
}

function matchOrNothing<T extends Routable>(table: RouteTable<T>, method: string, pathname: string): RouteMatch<T> {
  try {
    return table.match(method, pathname);
  } catch {
    return { kind: 'notFound' };
  }
}

interface Route {
  readonly method: string;
  readonly route: string;
  readonly name: string;
  readonly handler: HttpHandler;
}

/** Starts the host; with no Cosmos endpoint configured, an embedded Cosmos DB server too. */
export async function startLocalHost(options: LocalHostOptions): Promise<LocalHost> {
  const { config } = options;
  const log = options.log ?? defaultLog;
  const logHandler = logHandlerOf(options.log);
  let embedded: EmbeddedCosmos | undefined;
  let cosmos: CosmosConnection;
  if (config.cosmos.endpoint === undefined) {
    // Loaded only here: a host with a configured account never loads the embedded server's code.
    const { startEmbeddedCosmos } = await import('./embeddedCosmos.js');
    embedded = await startEmbeddedCosmos();
    cosmos = { ...config.cosmos, endpoint: embedded.endpoint, key: embedded.key };
  } else {
    cosmos = { ...config.cosmos, endpoint: config.cosmos.endpoint };
  }
  const client = createCosmosClient(cosmos);
  // With a key (the embedded server or an emulator) the host creates what it needs; with Entra ID the
  // database and containers come from the Bicep, as in Azure.
  const database =
    cosmos.key === undefined ? client.database(cosmos.database) : await ensureDatabase(client, cosmos.database);
  const services = createServices(config, database, await createAuthenticator(config.auth));
  const provide = () => Promise.resolve(services);

  const routes = new RouteTable<Route>([
    ...OPERATIONS.map((operation) => ({
      method: operation.method,
      route: operation.route,
      ...(operation.aliases === undefined ? {} : { aliases: operation.aliases }),
      name: operation.name,
      handler: operationHandler(operation, provide),
    })),
    { ...HEALTH_ROUTE, handler: healthHandler(new Readiness(provide)) },
  ]);
  const unmatched = unmatchedHandler(OPERATIONS, provide);

  const listener = (request: IncomingMessage, response: ServerResponse): void => {
    const started = performance.now();
    let requestId: string | undefined;
    const { onRequest } = options;
    if (onRequest !== undefined) {
      response.once('finish', () => {
        onRequest({
          method: request.method ?? 'GET',
          target: request.url ?? '/',
          status: response.statusCode,
          durationMs: performance.now() - started,
          requestId,
        });
      });
    }
    void (async () => {
      const url = requestUrl(request, options.tls === undefined ? 'http' : 'https');
      const method = request.method ?? 'GET';
      // A path that is not correctly percent-encoded matches nothing here: the catch-all answers it (400).
      const match = matchOrNothing(routes, method, url.pathname.slice(1));
      const body = await readBody(request, Math.max(config.maxBodyBytes, config.import.maxBodyBytes) + 1);
      const found = match.kind === 'found' ? match : undefined;
      const name = found?.target.name ?? UNMATCHED_ROUTE.name;
      const httpRequest = new LocalRequest({
        method,
        url: url.toString(),
        parsedUrl: url,
        headers: request.headers,
        params: found?.params ?? {},
        body,
      });
      const context = new LocalInvocationContext({
        functionName: name,
        invocationId: randomUUID(),
        traceContext: { traceParent: invocationTraceParent(request.headers.traceparent) },
        logHandler,
        logsInformation: options.log !== undefined,
      });
      const result = await (found?.target.handler ?? unmatched)(httpRequest, context);
      requestId = await writeResponse(response, result);
    })().catch((error: unknown) => {
      const faultId = randomUUID();
      log(
        'error',
        `request-id ${faultId}: local host: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
      );
      if (response.headersSent) {
        response.end();
        return;
      }
      requestId = faultId;
      const fault = errorResponse(
        correlate(faultId, null),
        new ServiceError(
          500,
          'generalException',
          'An internal error occurred. Quote the request-id when reporting it.',
        ),
      );
      void writeResponse(response, fault).catch(() => response.end());
    });
  };
  const server: Server =
    options.tls === undefined
      ? createServer({ keepAlive: true }, listener)
      : createTlsServer({ ...options.tls, keepAlive: true }, listener);

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.hostname ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;

  return {
    url: `${options.tls === undefined ? 'http' : 'https'}://${options.hostname ?? '127.0.0.1'}:${address.port}`,
    services,
    cosmos,
    async close() {
      await new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      });
      await services.telemetry.flush();
      client.dispose();
      await embedded?.close();
    },
  };
}
