/**
 * `npm run bench:lean`: every figure of the lean-service table in one run, each A/B where there is a B.
 * The database (`npm run cosmos`'s embedded server), the API (`npm start`'s build: `node dist/app/main.js`)
 * and the minimal server (`bench/minimalServer.ts`: `node:http` and the same SDK upsert, no auth, no
 * validation) run in processes of their own; the load comes from this one. Rounds alternate between the two
 * servers and every figure is a median of rounds, so machine noise hits both alike. The create figures'
 * ratios are medians of each round's own ratio (the API's figure over the minimal server's in the same round,
 * measured back to back), so that a noisy stretch of the shared machine, which slows both servers of a round
 * alike, moves a ratio less than it moves either server's figure.
 *
 *   create throughput at concurrency 16, service CPU per create and p99 latency: API and minimal server
 *   cold load: `node` loading the deployment package and registering every function, as the Functions
 *     host does (`scripts/functionsHost.cjs --load`), against `node -e 0`; and the same, then a first
 *     answer (`GET /beta/$metadata`, which loads the app and builds its services)
 *   package: the files of `dist/app` (what azd uploads)
 *   page 50 against page 1 of 5,000 rows ($top=100, following next links; each timed 5 times a round)
 *   the API's RSS after each 10,000 of 50,000 mixed requests (creates, reads, lists, a report function)
 *
 *   npm run bench:lean [-- --rounds 9 --seconds 3 --warmup 5]
 *
 * To measure another build of the service: LEAN_API_ENTRY (a script `node` runs as the local host) and
 * LEAN_PACKAGE (a directory whose package.json `main` names the function modules); LEAN_SKIP_BUILD=1.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, statSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { APP_DIRECTORY, ROOT, buildApp } from '../scripts/build';
import { type Call, cpuMicros, load, rssMiB, send, startProcess, stopProcesses } from './processes';
import { median } from './statistics';

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '9' },
    warmup: { type: 'string', default: '5' },
    seconds: { type: 'string', default: '3' },
    mixed: { type: 'string', default: '50000' },
    rows: { type: 'string', default: '5000' },
  },
});
const ROUNDS = Number(values.rounds);
const ROUND_MS = Number(values.seconds) * 1000;
const WARMUP_MS = Number(values.warmup) * 1000;
const MIXED = Number(values.mixed);
const ROWS = Number(values.rows);
const PAGE = 50;
const API_ENTRY = process.env.LEAN_API_ENTRY ?? join(APP_DIRECTORY, 'main.js');
const PACKAGE = process.env.LEAN_PACKAGE ?? APP_DIRECTORY;
const TSX = ['--import', 'tsx'];

function percentile(samples: readonly number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

/** A create of a Call statistic for day `i` (one of 3,650, so later rounds replace earlier ones). */
function statisticOf(i: number): { activity: string; startDate: string; endDate: string; duration: string } {
  const day = (offset: number) => new Date(Date.UTC(2000, 0, 1 + offset)).toISOString().slice(0, 10);
  return { activity: 'Call', startDate: day(i % 3650), endDate: day((i % 3650) + 1), duration: 'PT1M' };
}

const createCall = (i: number): Call => ({
  method: 'POST',
  path: '/beta/me/analytics/activityStatistics',
  body: statisticOf(i),
});

interface Server {
  readonly name: string;
  readonly base: string;
  readonly pid: number;
}

interface Figures {
  rate: number[];
  cpu: number[];
  p99: number[];
}

/** Alternating rounds of creates; each server's figures, one per round, in round order. */
async function createRounds(servers: readonly Server[], token: string): Promise<Map<string, Figures>> {
  const figures = new Map<string, Figures>(servers.map((s) => [s.name, { rate: [], cpu: [], p99: [] }]));
  let offset = 0;
  // Warm-up, long enough for the API's request path to settle (after 3 s its first round still ran visibly slower).
  for (const server of servers) await load(server.base, token, createCall, { ms: WARMUP_MS });
  for (let round = 0; round < ROUNDS; round += 1) {
    const order = round % 2 === 0 ? servers : [...servers].reverse();
    for (const server of order) {
      const cpuBefore = cpuMicros(server.pid);
      const base = offset;
      const result = await load(server.base, token, (i) => createCall(base + i), { ms: ROUND_MS });
      offset += result.count;
      if (result.errors > 0) throw new Error(`${server.name}: ${result.errors} creates failed`);
      const figure = figures.get(server.name);
      figure?.rate.push(result.count / result.seconds);
      figure?.cpu.push((cpuMicros(server.pid) - cpuBefore) / result.count);
      figure?.p99.push(percentile(result.latencies, 99));
    }
  }
  return figures;
}

/** The median of the rounds' own ratios a[i] / b[i]. */
function pairedRatio(a: readonly number[], b: readonly number[]): number {
  return median(a.map((value, i) => value / (b[i] ?? Number.NaN)));
}

async function pagingRatio(base: string, token: string): Promise<{ first: number; deep: number }> {
  const fill = await load(
    base,
    token,
    (i) => ({
      method: 'POST',
      path: '/beta/reports/office365ActivationCounts',
      body: { reportRefreshDate: '2024-01-01', productType: `Product ${i}`, windows: (i * 7919) % ROWS },
    }),
    { count: ROWS },
  );
  if (fill.errors > 0) throw new Error(`${fill.errors} of ${ROWS} rows were not created`);
  const page = async (path: string) => {
    const started = performance.now();
    const { status, text } = await send('', token, { method: 'GET', path });
    const ms = performance.now() - started;
    if (status !== 200) throw new Error(`GET ${path}: ${status}`);
    const body = JSON.parse(text) as { value: unknown[]; '@odata.nextLink'?: string };
    return { ms, next: body['@odata.nextLink'], size: body.value.length };
  };
  const first: number[] = [];
  const deep: number[] = [];
  const firstPath = `${base}/beta/reports/office365ActivationCounts?$top=100`;
  for (let round = 0; round <= ROUNDS; round += 1) {
    // Walk to page 50 by next links, then time it and page 1 alternately, several times each: one request's
    // time alone moves with the machine by more than the two pages differ.
    let current = await page(firstPath);
    let deepPath = '';
    for (let n = 2; n <= PAGE; n += 1) {
      if (current.next === undefined) throw new Error(`no page ${n}`);
      deepPath = current.next;
      current = await page(deepPath);
    }
    if (current.size !== 100) throw new Error(`page ${PAGE} has ${current.size} rows`);
    // Round 0 warms up.
    for (let sample = 0; sample < 5 && round > 0; sample += 1) {
      first.push((await page(firstPath)).ms);
      deep.push((await page(deepPath)).ms);
    }
  }
  return { first: median(first), deep: median(deep) };
}

async function mixedRss(server: Server, token: string): Promise<number[]> {
  for (let i = 0; i < 7; i += 1) {
    const body = { reportRefreshDate: '2024-01-02', reportDate: `2024-01-0${i + 1}`, reportPeriod: '7', office365: i };
    const { status } = await send(server.base, token, {
      method: 'POST',
      path: '/beta/reports/office365ActiveUserCounts',
      body,
    });
    if (status >= 300) throw new Error(`active user counts: ${status}`);
  }
  const calls = (i: number): Call => {
    const kind = i % 10;
    if (kind < 4) return createCall(i);
    if (kind < 7) {
      const s = statisticOf(i - 4);
      return { method: 'GET', path: `/beta/me/analytics/activityStatistics/call_${s.startDate}_${s.endDate}` };
    }
    if (kind < 9) return { method: 'GET', path: '/beta/me/analytics/activityStatistics?$top=10' };
    return { method: 'GET', path: "/beta/reports/getOffice365ActiveUserCounts(period='D7')?$format=application/json" };
  };
  const rss: number[] = [];
  const per = Math.ceil(MIXED / 5);
  for (let round = 0; round < 5; round += 1) {
    const result = await load(server.base, token, (i) => calls(round * per + i), { count: per });
    if (result.errors > 0) throw new Error(`${result.errors} mixed requests failed`);
    rss.push(rssMiB(server.pid));
  }
  return rss;
}

/** `node -e 0`; loading the package as the Functions host does; and that, then a first answer ($metadata). */
function coldStart(keys: string): { bare: number; load: number; first: number } {
  const host = join(ROOT, 'scripts', 'functionsHost.cjs');
  // The first answer needs settings; the database is never reached (the document is the service's own).
  const env = {
    PATH: process.env.PATH ?? '',
    COSMOS_ENDPOINT: 'http://127.0.0.1:9',
    COSMOS_KEY: 'eA==',
    DEV_KEYS_DIR: keys,
  };
  const timed = (args: string[]) => {
    const started = performance.now();
    const result = spawnSync(process.execPath, args, { encoding: 'utf8', env });
    if (result.status !== 0) throw new Error(`node ${args.join(' ')}: ${result.stderr}`);
    return performance.now() - started;
  };
  const bare: number[] = [];
  const loaded: number[] = [];
  const first: number[] = [];
  for (let round = 0; round < 15; round += 1) {
    bare.push(timed(['-e', '0']));
    loaded.push(timed([host, PACKAGE, '--load']));
    first.push(timed([host, PACKAGE, '--invoke', 'getMetadata', '/beta/$metadata']));
  }
  return { bare: median(bare), load: median(loaded), first: median(first) };
}

function packageSize(): { bytes: number; files: number } {
  let bytes = 0;
  let files = 0;
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory()) walk(join(dir, entry.name));
      else {
        bytes += statSync(join(dir, entry.name)).size;
        files += 1;
      }
    }
  };
  walk(PACKAGE);
  return { bytes, files };
}

const row = (figure: string, a: string, b: string, ratio: string, goal: string) =>
  `| ${figure.padEnd(44)} | ${a.padStart(12)} | ${b.padStart(12)} | ${ratio.padStart(7)} | ${goal.padEnd(10)} |`;

async function main(): Promise<void> {
  const started = performance.now();
  if (process.env.LEAN_SKIP_BUILD !== '1' && process.env.LEAN_API_ENTRY === undefined) await buildApp();
  const cosmos = await startProcess([...TSX, 'src/host/cosmosOnly.ts'], { COSMOS_PORT: '0' }, /on (\S+) .*key: (\S+)/);
  const database = { COSMOS_ENDPOINT: cosmos.match[1] ?? '', COSMOS_KEY: cosmos.match[2] ?? '' };
  const keys = join(mkdtempSync(join(tmpdir(), 'bench-lean-keys-')), 'keys');
  const api = await startProcess(
    [API_ENTRY],
    { ...database, PORT: '0', HOST: '127.0.0.1', DEV_KEYS_DIR: keys },
    /listening on (\S+)\/beta[\s\S]*every delegated scope[^\n]*\n(\S+)\n/,
  );
  const minimal = await startProcess([...TSX, 'bench/minimalServer.ts'], database, /listening on (\S+)/);
  const token = api.match[2] ?? '';
  const servers: Server[] = [
    { name: 'api', base: api.match[1] ?? '', pid: api.child.pid ?? 0 },
    { name: 'minimal', base: minimal.match[1] ?? '', pid: minimal.child.pid ?? 0 },
  ];
  const [apiServer] = servers;
  if (apiServer === undefined) throw new Error('no API');

  const creates = await createRounds(servers, token);
  const paging = await pagingRatio(apiServer.base, token);
  const rss = await mixedRss(apiServer, token);
  const cold = coldStart(keys);
  const size = packageSize();

  const none: Figures = { rate: [], cpu: [], p99: [] };
  const a = creates.get('api') ?? none;
  const b = creates.get('minimal') ?? none;
  const ratio = (x: number, y: number) => (x / y).toFixed(2);
  console.log(
    `bench:lean, ${new Date().toISOString().slice(0, 10)}, node ${process.version}, ${cpus().length} cores, ` +
      `medians of ${ROUNDS} alternating rounds of ${ROUND_MS / 1000} s at concurrency 16 ` +
      `(create ratios: the median of the rounds' own ratios)`,
  );
  const table: [string, number, number, number, string, string][] = [
    ['create throughput (requests/s)', median(a.rate), median(b.rate), pairedRatio(a.rate, b.rate), '0', '>= 0.75'],
    ['service CPU per create (µs)', median(a.cpu), median(b.cpu), pairedRatio(a.cpu, b.cpu), '0', '<= 1.5'],
    ['p99 create latency (ms)', median(a.p99), median(b.p99), pairedRatio(a.p99, b.p99), '1', '<= 1.3'],
    ['cold load, vs `node -e 0` (ms)', cold.load, cold.bare, cold.load / cold.bare, '0', '<= 2.5'],
    ['cold load + first answer, vs `node -e 0` (ms)', cold.first, cold.bare, cold.first / cold.bare, '0', ''],
    [
      `page ${PAGE} vs page 1 of ${ROWS} rows (ms)`,
      paging.deep,
      paging.first,
      paging.deep / paging.first,
      '1',
      '<= 1.1',
    ],
  ];
  console.log(row('figure', 'API', 'minimal', 'ratio', 'goal'));
  console.log(row('-', '-', '-', '-', '-').replace(/[ -]+/g, (dashes) => '-'.repeat(dashes.length)));
  for (const [figure, api, minimal, quotient, digits, goal] of table) {
    console.log(row(figure, api.toFixed(Number(digits)), minimal.toFixed(Number(digits)), quotient.toFixed(2), goal));
  }
  console.log(row(`package: ${size.files} files (MB)`, (size.bytes / 1024 / 1024).toFixed(2), '', '', '< 5 MB'));
  console.log(
    `API RSS after each ${Math.ceil(MIXED / 5)} of ${MIXED} mixed requests (MiB): ${rss.map((r) => r.toFixed(0)).join(', ')}` +
      ` (last vs second: ${ratio(rss[4] ?? 0, rss[1] ?? 1)}; flat: <= 1.10)`,
  );
  const rounds = (x: readonly number[], y: readonly number[]) =>
    x.map((v, i) => ratio(v, y[i] ?? Number.NaN)).join(' ');
  console.log(`create rounds, API ÷ minimal: throughput ${rounds(a.rate, b.rate)}`);
  console.log(`  CPU per create ${rounds(a.cpu, b.cpu)}; p99 ${rounds(a.p99, b.p99)}`);
  console.log(`  minimal server's CPU per create (µs): ${b.cpu.map((v) => v.toFixed(0)).join(' ')}`);
  console.log(`(${((performance.now() - started) / 1000).toFixed(0)} s)`);
}

main()
  .catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  })
  .finally(stopProcesses);
