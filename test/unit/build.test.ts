/**
 * The deployment package (`npm run build`, run once by the tests' global setup): three files, and the bundle
 * loads and serves every function in plain Node with no `node_modules` anywhere above it, as the Functions
 * host would run it (`scripts/functionsHost.cjs` stands in for the host's Node worker).
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueDevelopmentToken, loadDevelopmentKeys } from '../../src/auth/developmentIssuer';
import { DELEGATED_SCOPES } from '../../src/auth/permissions';
import { type EmbeddedCosmos, startEmbeddedCosmos } from '../../src/host/embeddedCosmos';
import { functionTable } from '../../src/host/functionTable';
import { OPERATIONS } from '../../src/operations';
import { createCosmosClient, ensureDatabase } from '../../src/store/cosmos';
import { APP_BUNDLE, APP_DIRECTORY, PACKAGE_FILES, ROOT } from '../../scripts/build';

const HOST = join(ROOT, 'scripts', 'functionsHost.cjs');
const TENANT = '8b6a4a39-4cd4-4d4b-9a57-0f7bd3d2a6e1';
const USER = '5d7f0c8e-2b1a-4c3e-9f6d-7a8b9c0d1e2f';

/** The package copied where no `node_modules` can be found from it. */
function copiedPackage(): string {
  const copy = join(mkdtempSync(join(tmpdir(), 'graph-analytics-package-')), 'app');
  cpSync(APP_DIRECTORY, copy, { recursive: true });
  for (let dir = copy; dir !== dirname(dir); dir = dirname(dir)) {
    expect(existsSync(join(dir, 'node_modules')), `${dir}/node_modules`).toBe(false);
  }
  return copy;
}

describe('deployment package', () => {
  it('is the bundle, host.json and package.json only, under 5 MB, with main naming the bundle', () => {
    expect(readdirSync(APP_DIRECTORY).sort()).toEqual([...PACKAGE_FILES].sort());
    const bytes = PACKAGE_FILES.reduce((sum, file) => sum + statSync(join(APP_DIRECTORY, file)).size, 0);
    expect(bytes).toBeLessThan(5 * 1024 * 1024);
    const manifest = JSON.parse(readFileSync(join(APP_DIRECTORY, 'package.json'), 'utf8')) as Record<string, unknown>;
    expect(manifest.main).toBe(APP_BUNDLE);
    expect(manifest).not.toHaveProperty('dependencies');
    const project = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { main: string };
    expect(project.main).toBe(`dist/app/${APP_BUNDLE}`);
    expect(readFileSync(join(APP_DIRECTORY, 'host.json'), 'utf8')).toBe(readFileSync(join(ROOT, 'host.json'), 'utf8'));
  });

  it('is what azd deploys: the build output directory, uploaded as it is (no remote build)', () => {
    const azure = readFileSync(join(ROOT, 'azure.yaml'), 'utf8');
    expect(azure).toMatch(/\n {4}dist: dist\/app\n/);
    expect(azure).toMatch(/\n {4}remoteBuild: false\n/);
  });

  it('registers every function of the table in plain Node, with no node_modules beside it', () => {
    const result = spawnSync(process.execPath, [HOST, copiedPackage(), '--list'], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '' },
    });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const registered = result.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(registered).toEqual(
      functionTable().map((f) => ({ ...f, type: 'httpTrigger', authLevel: 'anonymous', methods: [...f.methods] })),
    );
    expect(registered.map((f) => f.name)).toEqual([
      ...OPERATIONS.map((operation) => operation.name),
      'health',
      'unmatchedRoute',
    ]);
  });

  describe('served from that copy, against an embedded Cosmos DB', () => {
    let cosmos: EmbeddedCosmos;
    let host: ChildProcess | undefined;
    let url = '';
    let token = '';

    beforeAll(async () => {
      cosmos = await startEmbeddedCosmos();
      const client = createCosmosClient({
        endpoint: cosmos.endpoint,
        key: cosmos.key,
        database: 'graph-analytics',
        requestTimeoutMs: 10_000,
      });
      await ensureDatabase(client, 'graph-analytics');
      client.dispose();
      const keysDirectory = join(mkdtempSync(join(tmpdir(), 'graph-analytics-keys-')), 'keys');
      const keys = await loadDevelopmentKeys(keysDirectory);
      token = await issueDevelopmentToken(keys, { tenantId: TENANT, userId: USER, scopes: DELEGATED_SCOPES });
      const child = spawn(process.execPath, [HOST, copiedPackage(), '--port', '0'], {
        env: {
          PATH: process.env.PATH ?? '',
          COSMOS_ENDPOINT: cosmos.endpoint,
          COSMOS_KEY: cosmos.key,
          DEV_KEYS_DIR: keysDirectory,
        },
      });
      host = child;
      url = await new Promise<string>((resolve, reject) => {
        let output = '';
        child.stdout.on('data', (chunk: Buffer) => {
          output += chunk.toString();
          const listening = /listening on (\S+)/.exec(output);
          if (listening?.[1] !== undefined) resolve(listening[1]);
        });
        child.once('exit', (code) => reject(new Error(`the host ended (${code}): ${output}`)));
      });
    });

    afterAll(async () => {
      host?.kill('SIGTERM');
      await cosmos?.close();
    });

    const call = (method: string, path: string, body?: unknown) =>
      fetch(`${url}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });

    it('creates, reads, lists, counts and reports, routed as the Functions host routes', async () => {
      const rows = '/beta/reports/office365ActivationCounts';
      const row = { reportRefreshDate: '2024-05-02', productType: 'Project', windows: 2 };
      const created = await call('POST', rows, row);
      expect(created.status).toBe(201);
      const { id } = (await created.json()) as { id: string };
      const read = await call('GET', `${rows}/${encodeURIComponent(id)}`);
      expect(read.status).toBe(200);
      expect(await read.json()).toMatchObject({ id, productType: 'Project', windows: 2 });
      const list = await call('GET', `${rows}?$top=5`);
      expect(((await list.json()) as { value: unknown[] }).value).toHaveLength(1);
      // The host offers `…/{id}` or `…/$count` in its own order: the app runs the operation the path is for.
      const count = await call('GET', `${rows}/$count`);
      expect([count.status, await count.text()]).toEqual([200, '1']);
      const report = await call('GET', '/beta/reports/getOffice365ActivationCounts');
      expect(report.status).toBe(200);
      expect(await report.text()).toContain('Project');
    });

    it('answers health, documents and unmatched paths without a token', async () => {
      expect((await fetch(`${url}/health`)).status).toBe(200);
      expect((await fetch(`${url}/beta/$metadata`)).status).toBe(200);
      const unmatched = await fetch(`${url}/beta/nowhere`);
      expect(unmatched.status).toBe(404);
      expect(await unmatched.json()).toMatchObject({ error: { code: 'ResourceNotFound' } });
    });
  });
});
