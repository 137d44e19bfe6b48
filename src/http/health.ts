/**
 * Readiness for probes (an availability test, a load balancer): `GET /health`, outside `/beta`, without a
 * token. 200 when the configuration is valid (the services were built) and the database answers a cheap
 * read; 503 with `Retry-After` otherwise. The verdict is reused for a few seconds, so a burst of probes costs
 * one read; concurrent probes share the read in flight. The body never says why: no setting, name or error
 * reaches an anonymous caller (the log has the reason, with the request-id).
 */
import { randomUUID } from 'node:crypto';
import type { HttpHandler, HttpRequest } from '@azure/functions';
import { ensureError } from '../errors';
import type { Services } from './operation';
import { correlate, textResponse } from './responses';
import { compileRoute, matchRoute } from './routes';

/** The function's name, method and route (the host's route prefix is empty, so the path is `/health`). */
export const HEALTH_ROUTE = { name: 'health', method: 'GET', route: 'health' } as const;

const HEALTH_PATH = compileRoute(HEALTH_ROUTE.route);

const CONTENT_TYPE = 'application/json; charset=utf-8';

export interface ReadinessOptions {
  /** How long a verdict is reused, ms. */
  readonly cacheMs?: number;
  /** How long the services and the database may take to answer before the verdict is "not ready", ms. */
  readonly timeoutMs?: number;
  /** The clock (tests move it). */
  readonly now?: () => number;
}

export interface Verdict {
  readonly ready: boolean;
  /** Why not ready: for the log only. */
  readonly reason?: string;
}

/** What readiness needs of the services: the cheap database read. */
export type ReadinessServices = () => Promise<Pick<Services, 'pingDatabase'>>;

class ProbeTimeout extends Error {
  constructor(ms: number) {
    super(`no answer within ${ms} ms`);
    this.name = 'ProbeTimeout';
  }
}

/** The readiness verdict of one process, cached. */
export class Readiness {
  private readonly cacheMs: number;
  private readonly timeoutMs: number;
  private readonly now: () => number;
  private cached: { readonly verdict: Verdict; readonly at: number } | undefined;
  private inFlight: Promise<Verdict> | undefined;

  constructor(
    private readonly services: ReadinessServices,
    options: ReadinessOptions = {},
  ) {
    this.cacheMs = options.cacheMs ?? 5_000;
    this.timeoutMs = options.timeoutMs ?? 3_000;
    this.now = options.now ?? (() => performance.now());
  }

  /** Seconds a caller should wait before asking again (the cache's lifetime, at least 1). */
  get retryAfterSeconds(): number {
    return Math.max(1, Math.ceil(this.cacheMs / 1_000));
  }

  check(): Promise<Verdict> {
    if (this.cached !== undefined && this.now() - this.cached.at < this.cacheMs) {
      return Promise.resolve(this.cached.verdict);
    }
    this.inFlight ??= this.probe().finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  private async probe(): Promise<Verdict> {
    const abort = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        abort.abort();
        reject(new ProbeTimeout(this.timeoutMs));
      }, this.timeoutMs);
    });
    let verdict: Verdict;
    try {
      await Promise.race([this.services().then((services) => services.pingDatabase(abort.signal)), timeout]);
      verdict = { ready: true };
    } catch (error) {
      verdict = { ready: false, reason: ensureError(error).message };
    } finally {
      clearTimeout(timer);
    }
    this.cached = { verdict, at: this.now() };
    return verdict;
  }
}

/** True for a request the health function serves (the catch-all can be offered one: see pipeline.ts). */
export function isHealthRequest(request: Pick<HttpRequest, 'method' | 'url'>): boolean {
  if (request.method.toUpperCase() !== HEALTH_ROUTE.method) return false;
  try {
    return matchRoute(HEALTH_PATH, new URL(request.url).pathname.slice(1)) !== undefined;
  } catch {
    return false;
  }
}

/** The handler of `GET /health`. */
export function healthHandler(readiness: Readiness): HttpHandler {
  return async (request, context) => {
    const correlation = correlate(randomUUID(), request.headers.get('client-request-id'));
    const verdict = await readiness.check();
    if (verdict.ready) {
      return textResponse(correlation, 200, { contentType: CONTENT_TYPE, content: '{"status":"ready"}' });
    }
    context.warn(`request-id ${correlation.requestId}: not ready: ${verdict.reason ?? 'unknown'}`);
    return textResponse(
      correlation,
      503,
      { contentType: CONTENT_TYPE, content: '{"status":"unavailable"}' },
      { 'Retry-After': String(readiness.retryAfterSeconds) },
    );
  };
}
