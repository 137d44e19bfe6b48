import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { app } from '@azure/functions';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { HEALTH_ROUTE } from '../../src/http/health';
import { OPERATIONS, UNMATCHED_ROUTE } from '../../src/operations';

interface Registration {
  name: string;
  methods: string[];
  route: string;
  authLevel: string;
}

const root = join(__dirname, '..', '..');
const functionFiles = readdirSync(join(root, 'functions')).filter((file) => file.endsWith('.ts'));
const registrations: Registration[] = [];

beforeAll(async () => {
  // In test mode app.http registers nothing: record what each module asks for instead.
  vi.spyOn(app, 'http').mockImplementation((name, options) => {
    registrations.push({
      name,
      methods: [...(options.methods ?? [])],
      route: options.route ?? '',
      authLevel: options.authLevel ?? '',
    });
  });
  for (const file of functionFiles) await import(join(root, 'functions', file));
});

describe('Azure Functions registrations', () => {
  it('registers every operation of the table with its name, method and route, one module each', () => {
    const expected = OPERATIONS.map((op) => ({
      name: op.name,
      methods: [op.method],
      route: op.route,
      authLevel: 'anonymous',
    }));
    const registered = registrations.filter((r) => r.name !== UNMATCHED_ROUTE.name && r.name !== HEALTH_ROUTE.name);
    expect(registered.sort((a, b) => a.name.localeCompare(b.name))).toEqual(
      expected.sort((a, b) => a.name.localeCompare(b.name)),
    );
    for (const op of OPERATIONS) expect(functionFiles).toContain(`${op.name}.ts`);
  });

  it('registers the catch-all that answers 404 and 405, the health function, and nothing else', () => {
    const unmatched = registrations.filter((r) => r.name === UNMATCHED_ROUTE.name);
    expect(unmatched).toHaveLength(1);
    expect(unmatched[0]?.route).toBe(UNMATCHED_ROUTE.route);
    expect(registrations.filter((r) => r.name === HEALTH_ROUTE.name)).toEqual([
      { name: 'health', methods: ['GET'], route: 'health', authLevel: 'anonymous' },
    ]);
    expect(functionFiles).toContain(`${HEALTH_ROUTE.name}.ts`);
    expect(registrations).toHaveLength(OPERATIONS.length + 2);
    expect(functionFiles).toHaveLength(OPERATIONS.length + 2);
  });

  it('uses unique function names and route+method pairs', () => {
    expect(new Set(OPERATIONS.map((op) => op.name)).size).toBe(OPERATIONS.length);
    expect(new Set(OPERATIONS.map((op) => `${op.method} ${op.route.toLowerCase()}`)).size).toBe(OPERATIONS.length);
  });

  it('has function names the Functions host accepts', () => {
    for (const r of registrations) expect(r.name).toMatch(/^[a-zA-Z][a-zA-Z0-9_-]{0,127}$/);
  });

  it("points package.json main at the built function modules, with the host's empty route prefix", () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { main: string };
    const build = JSON.parse(readFileSync(join(root, 'tsconfig.build.json'), 'utf8')) as { include: string[] };
    const base = JSON.parse(readFileSync(join(root, 'tsconfig.json'), 'utf8')) as {
      compilerOptions: { outDir: string; rootDir: string };
    };
    expect(base.compilerOptions.rootDir).toBe('.');
    expect(pkg.main).toBe(`${base.compilerOptions.outDir}/functions/*.js`);
    expect(build.include).toContain('functions/**/*.ts');
    const host = JSON.parse(readFileSync(join(root, 'host.json'), 'utf8')) as {
      extensions: { http: { routePrefix: string } };
    };
    expect(host.extensions.http.routePrefix).toBe('');
  });
});
