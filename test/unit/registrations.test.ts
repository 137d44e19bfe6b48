import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type HttpHandler, HttpRequest, InvocationContext, app } from '@azure/functions';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { HEALTH_ROUTE } from '../../src/http/health';
import { registerFunctions } from '../../src/host/functions';
import { type FunctionHandlers, functionHandlers } from '../../src/host/azure';
import { OPERATIONS, UNMATCHED_ROUTE } from '../../src/operations';

interface Registration {
  name: string;
  methods: string[];
  route: string;
  authLevel: string;
}

const root = join(__dirname, '..', '..');
const registrations: Registration[] = [];
let appStart: (() => unknown) | undefined;
const loaded: string[] = [];
const handlers = new Map<string, HttpHandler>();

beforeAll(() => {
  // In test mode app.http registers nothing: record what the registrations ask for instead.
  vi.spyOn(app, 'http').mockImplementation((name, options) => {
    handlers.set(name, options.handler);
    registrations.push({
      name,
      methods: [...(options.methods ?? [])],
      route: options.route ?? '',
      authLevel: options.authLevel ?? '',
    });
  });
  vi.spyOn(app.hook, 'appStart').mockImplementation((handler) => {
    appStart = handler as () => unknown;
    return { dispose: () => undefined };
  });
  const deferred: FunctionHandlers = {
    handlerOf: (name) => {
      loaded.push(name);
      return functionHandlers.handlerOf(name);
    },
    startServices: () => loaded.push('(services)'),
  };
  registerFunctions(() => deferred);
});

describe('Azure Functions registrations', () => {
  it('registers every operation of the table with its name, method and route', () => {
    const expected = OPERATIONS.map((op) => ({
      name: op.name,
      methods: [op.method],
      route: op.route,
      authLevel: 'anonymous',
    }));
    const registered = registrations.filter((r) => r.name !== UNMATCHED_ROUTE.name && r.name !== HEALTH_ROUTE.name);
    expect(registered).toEqual(expected);
  });

  it('registers the health function, then the catch-all that answers 404 and 405, and nothing else', () => {
    expect(registrations.slice(-2)).toEqual([
      { name: 'health', methods: ['GET'], route: 'health', authLevel: 'anonymous' },
      {
        name: UNMATCHED_ROUTE.name,
        methods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'],
        route: UNMATCHED_ROUTE.route,
        authLevel: 'anonymous',
      },
    ]);
    expect(registrations).toHaveLength(OPERATIONS.length + 2);
  });

  it('loads nothing while registering: the app is loaded by the first invocation or the start hook', async () => {
    expect(loaded).toEqual([]);
    expect(appStart).toBeTypeOf('function');
    appStart?.();
    await new Promise((resolve) => setImmediate(resolve));
    expect(loaded).toEqual(['(services)']);
    // Each function asks for its handler once, on its first invocation.
    const unmatched = handlers.get(UNMATCHED_ROUTE.name);
    const request = () => new HttpRequest({ method: 'GET', url: 'https://api.example.net/beta/nowhere' });
    for (let i = 0; i < 2; i++) expect((await unmatched?.(request(), new InvocationContext()))?.status).toBe(404);
    expect(loaded).toEqual(['(services)', UNMATCHED_ROUTE.name]);
  });

  it('uses unique function names and route+method pairs', () => {
    expect(new Set(OPERATIONS.map((op) => op.name)).size).toBe(OPERATIONS.length);
    expect(new Set(OPERATIONS.map((op) => `${op.method} ${op.route.toLowerCase()}`)).size).toBe(OPERATIONS.length);
  });

  it('has function names the Functions host accepts', () => {
    for (const r of registrations) expect(r.name).toMatch(/^[a-zA-Z][a-zA-Z0-9_-]{0,127}$/);
  });

  it("points package.json main at the bundle, with the host's empty route prefix", () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { main: string };
    expect(pkg.main).toBe('dist/app/main.js');
    const host = JSON.parse(readFileSync(join(root, 'host.json'), 'utf8')) as {
      extensions: { http: { routePrefix: string } };
    };
    expect(host.extensions.http.routePrefix).toBe('');
  });
});
