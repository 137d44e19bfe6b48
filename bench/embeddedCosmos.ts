/**
 * The embedded Cosmos DB with a real archive: latency of a list page, a list in another order, `$count` and a
 * report function, through HTTP one request at a time (median of the rounds), with 1k, 10k and 100k report
 * rows stored across several tenants. The measured "large" tenant holds an equal share of the rows; a "small"
 * tenant keeps 250 rows throughout, so its figures show what the other partitions cost a query: nothing.
 *
 * The database runs in its own process (`npm run cosmos`'s entry), as it does under `func start`. With
 * `--baseline <dir>`, a second server, the `@vercel/cosmosdb-server` installed under `<dir>`, is filled and
 * measured alike, alternating with the current one each round; e.g. the unpatched engine:
 *   npm install --prefix /tmp/unpatched --ignore-scripts @vercel/cosmosdb-server@1.0.1
 * A server that answers an error (the SDK gives up after COSMOS_REQUEST_TIMEOUT_MS, 10 s) is dropped from
 * the larger sizes.
 *
 *   npm run bench:embedded [-- --sizes 1000,10000,100000 --tenants 4 --rounds 11 --baseline <dir>]
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { issueDevelopmentToken, loadDevelopmentKeys } from '../src/auth/developmentIssuer';
import { parseConfig } from '../src/config';
import { type LocalHost, startLocalHost } from '../src/host/local';
import { median } from './statistics';

const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '1000,10000,100000' },
    tenants: { type: 'string', default: '4' },
    rounds: { type: 'string', default: '11' },
    baseline: { type: 'string' },
  },
});
const SIZES = values.sizes.split(',').map(Number);
const TENANTS = Number(values.tenants);
const ROUNDS = Number(values.rounds);
const SMALL_TENANT_ROWS = 250;
const PRODUCTS = 36;
const FILL_CONCURRENCY = 16;
const root = join(__dirname, '..');

const QUERIES: Readonly<Record<string, string>> = {
  'list $top=100': '/beta/reports/office365ActivationCounts?$top=100',
  'list $orderby=windows desc': '/beta/reports/office365ActivationCounts?$top=100&$orderby=windows%20desc',
  '$count=true&$top=1': '/beta/reports/office365ActivationCounts?$count=true&$top=1',
  'report (CSV)': '/beta/reports/getOffice365ActivationCounts',
};

function tenantId(n: number): string {
  return `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
}

/** A database server in a child process; resolves with its endpoint and key once it listens. */
function startServer(baselineDir: string | undefined): Promise<{ child: ChildProcess; endpoint: string; key: string }> {
  const key = Buffer.from('bench').toString('base64');
  const child =
    baselineDir === undefined
      ? spawn(process.execPath, ['--import', 'tsx', join(root, 'src', 'host', 'cosmosOnly.ts')], {
          cwd: root,
          env: { ...process.env, COSMOS_PORT: '0' },
          stdio: ['ignore', 'pipe', 'inherit'],
        })
      : spawn(
          process.execPath,
          [
            '-e',
            `const { createRequire } = require('node:module');
             const { createHttpServer } = createRequire(${JSON.stringify(join(baselineDir, 'package.json'))})('@vercel/cosmosdb-server');
             const server = createHttpServer({ keepAlive: true });
             server.listen(0, '127.0.0.1', () => console.log('embedded Cosmos DB on http://127.0.0.1:' + server.address().port + ' ; key: ' + ${JSON.stringify(key)}));`,
          ],
          { stdio: ['ignore', 'pipe', 'inherit'] },
        );
  return new Promise((resolve, reject) => {
    let output = '';
    child.once('exit', (code) => reject(new Error(`the database process exited (${code}) before listening`)));
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /on (http:\/\/\S+) .*key: (\S+)/.exec(output);
      if (match?.[1] !== undefined && match[2] !== undefined) resolve({ child, endpoint: match[1], key: match[2] });
    });
  });
}

interface Engine {
  readonly name: string;
  readonly child: ChildProcess;
  readonly host: LocalHost;
  /** Rows stored so far per tenant index. */
  readonly filled: number[];
  /** Why it was dropped, once a request failed. */
  failed?: string;
}

async function startEngine(name: string, baselineDir: string | undefined, keysDirectory: string): Promise<Engine> {
  const server = await startServer(baselineDir);
  const config = parseConfig({ COSMOS_ENDPOINT: server.endpoint, COSMOS_KEY: server.key, DEV_KEYS_DIR: keysDirectory });
  const host = await startLocalHost({ config, log: () => undefined });
  return { name, child: server.child, host, filled: Array.from({ length: TENANTS + 1 }, () => 0) };
}

/**
 * Stores rows up to `rows` for the tenant through the API (POST, FILL_CONCURRENCY at a time): a daily
 * refresh of PRODUCTS products each, oldest day first.
 */
async function fill(engine: Engine, token: string, tenant: number, rows: number): Promise<void> {
  const day0 = Date.UTC(2023, 0, 1);
  let next = engine.filled[tenant] ?? 0;
  const worker = async (): Promise<void> => {
    while (next < rows) {
      const i = next;
      next += 1;
      const row = {
        reportRefreshDate: new Date(day0 + Math.floor(i / PRODUCTS) * 86_400_000).toISOString().slice(0, 10),
        productType: `Product ${String(i % PRODUCTS).padStart(2, '0')}`,
        windows: (i * 7919) % 1000,
        mac: i % 97,
        android: i % 13,
        ios: i % 17,
        windows10Mobile: 0,
      };
      const response = await fetch(`${engine.host.url}/beta/reports/office365ActivationCounts`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(row),
      });
      await response.arrayBuffer();
      if (response.status !== 201) throw new Error(`${engine.name}: a create answered ${response.status}`);
    }
  };
  await Promise.all(Array.from({ length: FILL_CONCURRENCY }, worker));
  engine.filled[tenant] = rows;
}

async function main(): Promise<void> {
  const keysDirectory = join(mkdtempSync(join(tmpdir(), 'bench-keys-')), 'keys');
  const engines = [await startEngine('current', undefined, keysDirectory)];
  if (values.baseline !== undefined) engines.push(await startEngine('baseline', values.baseline, keysDirectory));
  const keys = await loadDevelopmentKeys(keysDirectory);
  const large = 0;
  const small = TENANTS;
  const tokens = new Map<number, string>();
  for (let tenant = 0; tenant <= TENANTS; tenant += 1) {
    tokens.set(
      tenant,
      await issueDevelopmentToken(keys, {
        tenantId: tenantId(tenant),
        userId: '5d7f0c8e-2b1a-4c3e-9f6d-7a8b9c0d1e2f',
        scopes: ['Reports.ReadWrite.All'],
      }),
    );
  }

  /** One timed request; throws on anything but a 200 with the expected body. */
  const timed = async (engine: Engine, tenant: number, name: string, path: string): Promise<number> => {
    const start = performance.now();
    const response = await fetch(`${engine.host.url}${path}`, {
      headers: { authorization: `Bearer ${tokens.get(tenant) ?? ''}` },
    });
    const text = await response.text();
    const ms = performance.now() - start;
    if (response.status !== 200) throw new Error(`${name}: HTTP ${response.status} after ${(ms / 1000).toFixed(1)} s`);
    const stored = engine.filled[tenant] ?? 0;
    if (name.startsWith('list')) {
      const page = (JSON.parse(text) as { value: unknown[] }).value.length;
      if (page !== Math.min(100, stored)) throw new Error(`${name}: ${page} entities`);
    } else if (name.startsWith('$count')) {
      const count = (JSON.parse(text) as { '@odata.count': number })['@odata.count'];
      if (count !== stored) throw new Error(`${name}: count ${count}, stored ${stored}`);
    } else {
      // The rows of the latest refresh: the last (possibly partial) day of products.
      const rows = text.split('\r\n').length - 2;
      if (rows !== (stored % PRODUCTS || PRODUCTS)) throw new Error(`${name}: ${rows} report rows`);
    }
    return ms;
  };

  console.log(
    `embedded Cosmos DB: median of ${ROUNDS} rounds, one request at a time, through HTTP (node ${process.version})`,
  );
  for (const size of SIZES) {
    const live = engines.filter((engine) => engine.failed === undefined);
    if (live.length === 0) break;
    for (const engine of live) {
      const fillStart = performance.now();
      for (let tenant = 0; tenant < TENANTS; tenant += 1) {
        await fill(engine, tokens.get(tenant) ?? '', tenant, Math.floor(size / TENANTS));
      }
      await fill(engine, tokens.get(small) ?? '', small, SMALL_TENANT_ROWS);
      const seconds = ((performance.now() - fillStart) / 1000).toFixed(1);
      console.log(`\n${engine.name}: filled to ${size + SMALL_TENANT_ROWS} rows in ${seconds} s`);
    }
    const samples = new Map<string, number[]>();
    const measure = async (engine: Engine, tenant: number): Promise<void> => {
      for (const [name, path] of Object.entries(QUERIES)) {
        const key = `${engine.name}|${tenant}|${name}`;
        const ms = await timed(engine, tenant, name, path);
        samples.set(key, [...(samples.get(key) ?? []), ms]);
      }
    };
    for (let round = -1; round < ROUNDS; round += 1) {
      // Alternate which engine goes first, so that machine noise hits both alike; round -1 warms up.
      const order = round % 2 === 0 ? live : [...live].reverse();
      for (const engine of order) {
        if (engine.failed !== undefined) continue;
        try {
          await measure(engine, large);
          await measure(engine, small);
        } catch (error) {
          engine.failed = error instanceof Error ? error.message : String(error);
          // Its server would go on running the abandoned query, and load the machine the other one runs on.
          engine.child.kill();
        }
      }
      if (round === -1) samples.clear();
    }
    const perLarge = Math.floor(size / TENANTS);
    console.log(
      `\n${size.toLocaleString('en')} rows in ${TENANTS} tenants (${perLarge.toLocaleString('en')} rows each) + a small tenant (${SMALL_TENANT_ROWS} rows)`,
    );
    for (const engine of live) {
      if (engine.failed !== undefined) {
        console.log(`  ${engine.name}: ${engine.failed}; dropped`);
        continue;
      }
      for (const [tenant, label] of [
        [large, `large tenant (${perLarge} rows)`],
        [small, `small tenant (${SMALL_TENANT_ROWS} rows)`],
      ] as const) {
        const cells = Object.keys(QUERIES).map((name) => {
          const p50 = median(samples.get(`${engine.name}|${tenant}|${name}`) ?? []);
          return `${name} ${p50.toFixed(1)} ms`;
        });
        console.log(`  ${engine.name.padEnd(8)} ${label.padEnd(26)} ${cells.join(' | ')}`);
      }
    }
  }
  console.log('\ngoal: each p50 under 100 ms with 100,000 rows');
  for (const engine of engines) {
    await engine.host.close();
    if (engine.failed === undefined) engine.child.kill();
  }
}

void main();
