/**
 * Readiness: the verdict and its cache, with a clock the test moves and a database read it controls; the
 * HTTP answer with real HttpRequest and InvocationContext objects. Against a real database: see
 * test/integration/health.test.ts.
 */
import { HttpRequest, type HttpResponseInit, InvocationContext } from '@azure/functions';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config';
import { Readiness, type ReadinessServices, healthHandler, isHealthRequest } from '../../src/http/health';

/** Services whose database read succeeds or fails as `answer` says, counting the reads. */
function fakeServices(answer: () => Promise<void>): { provide: ReadinessServices; reads: () => number } {
  let reads = 0;
  return {
    provide: () =>
      Promise.resolve({
        pingDatabase: () => {
          reads += 1;
          return answer();
        },
      }),
    reads: () => reads,
  };
}

async function call(readiness: Readiness, headers: Record<string, string> = {}) {
  const logged: string[] = [];
  const context = new InvocationContext({
    functionName: 'health',
    logHandler: (_level, ...args) => logged.push(args.map(String).join(' ')),
  });
  const request = new HttpRequest({ method: 'GET', url: 'https://api.example.net/health', headers });
  const response: HttpResponseInit = await healthHandler(readiness)(request, context);
  if (typeof response.body !== 'string') throw new Error('expected a string body');
  const responseHeaders = new Headers(response.headers);
  return { response, headers: responseHeaders, body: response.body, logged };
}

describe('readiness verdict', () => {
  it('reuses a verdict for the cache time, then reads again', async () => {
    let clock = 0;
    let healthy = true;
    const services = fakeServices(() => (healthy ? Promise.resolve() : Promise.reject(new Error('down'))));
    const readiness = new Readiness(services.provide, { cacheMs: 5_000, now: () => clock });
    expect(await readiness.check()).toEqual({ ready: true });
    healthy = false;
    clock = 4_999;
    expect(await readiness.check()).toEqual({ ready: true });
    expect(services.reads()).toBe(1);
    clock = 5_000;
    expect(await readiness.check()).toEqual({ ready: false, reason: 'down' });
    expect(services.reads()).toBe(2);
  });

  it('shares one read among concurrent probes', async () => {
    let release: () => void = () => undefined;
    const services = fakeServices(() => new Promise<void>((resolve) => (release = resolve)));
    const readiness = new Readiness(services.provide);
    const probes = Promise.all([readiness.check(), readiness.check(), readiness.check()]);
    await new Promise((resolve) => setImmediate(resolve));
    release();
    expect(await probes).toEqual([{ ready: true }, { ready: true }, { ready: true }]);
    expect(services.reads()).toBe(1);
  });

  it('is not ready when the database does not answer in time', async () => {
    let aborted = false;
    const readiness = new Readiness(
      () =>
        Promise.resolve({
          pingDatabase: (signal: AbortSignal) =>
            new Promise<void>(() => signal.addEventListener('abort', () => (aborted = true))),
        }),
      { timeoutMs: 20 },
    );
    const verdict = await readiness.check();
    expect(verdict.ready).toBe(false);
    expect(verdict.reason).toMatch(/no answer within 20 ms/);
    expect(aborted).toBe(true);
  });

  it('is not ready when the configuration is invalid', async () => {
    const readiness = new Readiness(() => Promise.reject(new ConfigError(['AUTH_AUDIENCE: required in Azure'])));
    expect(await readiness.check()).toEqual({
      ready: false,
      reason: 'Invalid configuration: AUTH_AUDIENCE: required in Azure',
    });
  });
});

describe('GET /health', () => {
  it('answers 200 with the correlation headers when ready', async () => {
    const { response, headers, body } = await call(new Readiness(fakeServices(() => Promise.resolve()).provide), {
      'client-request-id': 'probe-1',
    });
    expect(response.status).toBe(200);
    expect(JSON.parse(body)).toEqual({ status: 'ready' });
    expect(headers.get('client-request-id')).toBe('probe-1');
    expect(headers.get('request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(headers.get('cache-control')).toBe('no-store');
    expect(headers.get('retry-after')).toBeNull();
  });

  it('answers 503 with Retry-After and reveals nothing; the log has the reason', async () => {
    const readiness = new Readiness(
      () => Promise.reject(new ConfigError(['COSMOS_ENDPOINT: required under the Functions host'])),
      { cacheMs: 10_000 },
    );
    const { response, headers, body, logged } = await call(readiness);
    expect(response.status).toBe(503);
    expect(headers.get('retry-after')).toBe('10');
    expect(JSON.parse(body)).toEqual({ status: 'unavailable' });
    expect(body).not.toMatch(/COSMOS|configuration|required/i);
    expect(logged.join('\n')).toContain(`request-id ${headers.get('request-id')}: not ready: Invalid configuration`);
  });
});

describe('health requests', () => {
  it('are GET /health, in any case, with or without a trailing slash', () => {
    expect(isHealthRequest({ method: 'GET', url: 'https://a.example.net/health' })).toBe(true);
    expect(isHealthRequest({ method: 'get', url: 'https://a.example.net/Health/?x=1' })).toBe(true);
    expect(isHealthRequest({ method: 'POST', url: 'https://a.example.net/health' })).toBe(false);
    expect(isHealthRequest({ method: 'GET', url: 'https://a.example.net/beta/health' })).toBe(false);
    expect(isHealthRequest({ method: 'GET', url: 'https://a.example.net/healthz' })).toBe(false);
  });
});
