/**
 * What JSON batching saves a bulk writer of report rows: 20 creates as 20 requests (one after another, as a
 * simple client sends them, and 20 at once) against the same 20 creates in one `POST /$batch`. Prints the
 * median wall time of each way per 20 rows, the service process's CPU time per row, and the ratios.
 * Rounds alternate so machine noise hits every way alike; each round writes new rows.
 *
 *   npm run bench:batch [-- --rounds 15]
 */
import { parseArgs } from 'node:util';
import { startBenchHost } from './host';
import { median } from './statistics';

const { values } = parseArgs({ options: { rounds: { type: 'string', default: '15' } } });
const ROUNDS = Number(values.rounds);
const ROWS = 20;

async function main(): Promise<void> {
  const { host, token } = await startBenchHost(['Reports.ReadWrite.All']);
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const rowsUrl = `${host.url}/beta/reports/office365ActivationCounts`;
  let serial = 0;
  const rows = () =>
    Array.from({ length: ROWS }, () => {
      serial += 1;
      return { reportRefreshDate: '2024-03-01', productType: `Product ${serial}`, windows: serial % 97 };
    });
  const post = async (url: string, body: unknown): Promise<unknown> => {
    const response = await fetch(url, { method: 'POST', headers, body: JSON.stringify(body) });
    if (response.status >= 300) throw new Error(`HTTP ${response.status}: ${await response.text()}`);
    return response.json();
  };

  const ways: Record<string, () => Promise<void>> = {
    '20 requests, one after another': async () => {
      for (const row of rows()) await post(rowsUrl, row);
    },
    '20 requests at once': async () => {
      await Promise.all(rows().map((row) => post(rowsUrl, row)));
    },
    '1 $batch of 20': async () => {
      const requests = rows().map((body, i) => ({
        id: String(i),
        method: 'POST',
        url: '/reports/office365ActivationCounts',
        headers: { 'Content-Type': 'application/json' },
        body,
      }));
      const answer = (await post(`${host.url}/beta/$batch`, { requests })) as { responses: { status: number }[] };
      if (answer.responses.some((r) => r.status !== 201)) throw new Error('a batched create failed');
    },
  };

  for (const way of Object.values(ways)) await way(); // warm-up
  const wall: Record<string, number[]> = {};
  const cpu: Record<string, number[]> = {};
  for (let r = 0; r < ROUNDS; r += 1) {
    for (const [name, way] of Object.entries(ways)) {
      const cpuStart = process.cpuUsage();
      const start = performance.now();
      await way();
      (wall[name] ??= []).push(performance.now() - start);
      const used = process.cpuUsage(cpuStart);
      (cpu[name] ??= []).push((used.user + used.system) / ROWS);
    }
  }
  console.log(
    `${ROWS} report-row creates, median of ${ROUNDS} rounds (local host and embedded Cosmos DB in this process, node ${process.version})`,
  );
  const batched = '1 $batch of 20';
  for (const name of Object.keys(ways)) {
    const w = median(wall[name] ?? []);
    const c = median(cpu[name] ?? []);
    const ratio = name === batched ? '' : `   batch takes ${(median(wall[batched] ?? []) / w).toFixed(2)}x the time`;
    console.log(`  ${name.padEnd(32)} ${w.toFixed(1)} ms   ${c.toFixed(0)} us CPU per row${ratio}`);
  }
  await host.close();
}

void main();
