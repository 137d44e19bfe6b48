/**
 * What the import saves a writer of Graph's report output: 10,000 report rows as one import of Graph's CSV,
 * as 10,000 single creates, and as 500 `$batch` requests of 20 creates each (the requests and batches
 * `--clients` at a time, as a client with a few connections sends them). Also the same import sent again
 * (every row unchanged: read, compared, not written). Prints the median wall time of each way and the ratios.
 * Every way writes new rows into a tenant of its own each time (so its partition starts empty); rounds
 * alternate the ways so machine noise hits each alike. The creates take most of the time: a round runs each
 * of them once and the imports `--imports` times, so the default run stays under a minute here.
 *
 *   npm run bench:import [-- --rows 10000 --rounds 1 --imports 3 --clients 8]
 */
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { startBenchHost } from './host';
import { median } from './statistics';

const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '10000' },
    rounds: { type: 'string', default: '1' },
    imports: { type: 'string', default: '3' },
    clients: { type: 'string', default: '8' },
  },
});
const ROWS = Number(values.rows);
const ROUNDS = Number(values.rounds);
const IMPORTS = Number(values.imports);
const CLIENTS = Number(values.clients);
const BATCH = 20;

const HEADER = 'Report Refresh Date,Product Type,Windows,Mac,Android,iOS,Windows 10 Mobile';

interface Row {
  readonly reportRefreshDate: string;
  readonly productType: string;
  readonly windows: number;
  readonly mac: number;
  readonly android: number;
  readonly ios: number;
  readonly windows10Mobile: number;
}

function rowsOf(count: number): Row[] {
  return Array.from({ length: count }, (_, i) => ({
    reportRefreshDate: '2024-06-01',
    productType: `Product ${String(i).padStart(5, '0')}`,
    windows: (i * 7919) % 10_007,
    mac: i % 97,
    android: i % 13,
    ios: i % 31,
    windows10Mobile: 0,
  }));
}

/** The rows as getOffice365ActivationCounts writes them. */
function csvOf(rows: readonly Row[]): string {
  const lines = rows.map((r) =>
    [r.reportRefreshDate, r.productType, r.windows, r.mac, r.android, r.ios, r.windows10Mobile].join(','),
  );
  return [HEADER, ...lines].map((line) => `${line}\r\n`).join('');
}

/** Runs `work` on every item, `clients` at a time. */
async function inParallel<T>(items: readonly T[], clients: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const client = async (): Promise<void> => {
    while (next < items.length) {
      const item = items[next] as T;
      next += 1;
      await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(clients, items.length) }, client));
}

async function main(): Promise<void> {
  const { host, tokenFor } = await startBenchHost(['Reports.ReadWrite.All']);
  const rows = rowsOf(ROWS);
  const csv = csvOf(rows);
  const base = `${host.url}/beta/reports/office365ActivationCounts`;

  const send = async (token: string, url: string, body: string, contentType = 'application/json') => {
    const response = await fetch(url, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': contentType },
      body,
    });
    const text = await response.text();
    if (response.status >= 300) throw new Error(`HTTP ${response.status}: ${text.slice(0, 300)}`);
    return JSON.parse(text) as Record<string, unknown>;
  };
  const expectCounts = (answer: Record<string, unknown>, created: number, unchanged: number) => {
    if (answer.created !== created || answer.unchanged !== unchanged) {
      throw new Error(`unexpected import counts: ${JSON.stringify(answer)}`);
    }
  };

  /** Each way gets a new tenant's token, and answers with what it did to be timed. */
  const ways: Record<string, (token: string) => Promise<void>> = {
    [`1 import of ${ROWS} rows (CSV)`]: async (token) => {
      expectCounts(await send(token, `${base}/import`, csv, 'text/csv'), ROWS, 0);
    },
    [`${ROWS} single creates`]: async (token) => {
      await inParallel(rows, CLIENTS, async (row) => {
        await send(token, base, JSON.stringify(row));
      });
    },
    [`${ROWS / BATCH} $batch requests of ${BATCH}`]: async (token) => {
      const batches = Array.from({ length: Math.ceil(ROWS / BATCH) }, (_, b) => rows.slice(b * BATCH, (b + 1) * BATCH));
      await inParallel(batches, CLIENTS, async (batch) => {
        const requests = batch.map((body, i) => ({
          id: String(i),
          method: 'POST',
          url: '/reports/office365ActivationCounts',
          headers: { 'Content-Type': 'application/json' },
          body,
        }));
        const answer = (await send(token, `${host.url}/beta/$batch`, JSON.stringify({ requests }))) as {
          responses: { status: number }[];
        };
        if (answer.responses.some((r) => r.status !== 201)) throw new Error('a batched create failed');
      });
    },
  };
  const again = `the same import again (all ${ROWS} unchanged)`;

  // Warm-up: the SDK's first calls (container metadata) and the JIT, on a few rows of each way.
  const warmUp = rowsOf(Math.min(ROWS, 200));
  const token = await tokenFor(randomUUID());
  await send(token, `${base}/import`, csvOf(warmUp), 'text/csv');
  await send(token, base, JSON.stringify(warmUp[0]));
  await send(
    token,
    `${host.url}/beta/$batch`,
    JSON.stringify({ requests: [{ id: '1', method: 'GET', url: '/reports/office365ActivationCounts/$count' }] }),
  );

  const [imported = ''] = Object.keys(ways);
  const wall: Record<string, number[]> = {};
  const started = performance.now();
  for (let round = 0; round < ROUNDS; round += 1) {
    for (const [name, way] of Object.entries(ways)) {
      for (let time = 0; time < (name === imported ? IMPORTS : 1); time += 1) {
        const fresh = await tokenFor(randomUUID());
        const start = performance.now();
        await way(fresh);
        (wall[name] ??= []).push(performance.now() - start);
        if (name !== imported) continue;
        const repeat = performance.now();
        expectCounts(await send(fresh, `${base}/import`, csv, 'text/csv'), 0, ROWS);
        (wall[again] ??= []).push(performance.now() - repeat);
      }
    }
  }
  const importMs = median(wall[imported] ?? []);
  console.log(
    `${ROWS} report rows (${CLIENTS} requests at a time; local host and embedded Cosmos DB in this process, node ${process.version}; ${((performance.now() - started) / 1000).toFixed(0)} s)`,
  );
  for (const name of [...Object.keys(ways), again]) {
    const samples = wall[name] ?? [];
    const ms = median(samples);
    const ratio = name === imported ? '' : `   ${(ms / importMs).toFixed(1)}x the import's time`;
    console.log(
      `  ${name.padEnd(44)} ${(ms / 1000).toFixed(2).padStart(6)} s (median of ${samples.length})  ${String(Math.round((ROWS / ms) * 1000)).padStart(6)} rows/s${ratio}`,
    );
  }
  await host.close();
}

void main();
