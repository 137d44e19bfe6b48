/**
 * Deep pages stay cheap: one collection of 5,000 entities, read through HTTP with `$top=100` by following
 * `@odata.nextLink`. Prints the median time of page 1 and of page 50 (each timed on its own request), and
 * their ratio, for the default order and for `$orderby`. Rounds alternate so machine noise hits both alike.
 *
 *   npm run bench:paging [-- --entities 5000 --rounds 7]
 */
import { parseArgs } from 'node:util';
import { office365ActivationCounts } from '../src/model/reportRows';
import { parseCreate } from '../src/model/resource';
import { unboundedBudget } from '../src/store/budget';
import { BENCH_TENANT, startBenchHost } from './host';
import { median } from './statistics';

const { values } = parseArgs({
  options: { entities: { type: 'string', default: '5000' }, rounds: { type: 'string', default: '7' } },
});
const ENTITIES = Number(values.entities);
const ROUNDS = Number(values.rounds);
const TENANT = BENCH_TENANT;
const PAGE = 50;

async function main(): Promise<void> {
  const { host, token } = await startBenchHost(['Reports.ReadWrite.All']);
  const budget = unboundedBudget();
  const scope = { tenantId: TENANT, owner: 'reports' };
  const fillStart = performance.now();
  for (let i = 0; i < ENTITIES; i += 1) {
    const entity = parseCreate(office365ActivationCounts, {
      reportRefreshDate: '2024-01-01',
      productType: `Product ${i}`,
      windows: (i * 7919) % ENTITIES,
    });
    await host.services.stores.office365ActivationCounts.upsert(scope, entity, budget);
  }
  console.log(`filled ${ENTITIES} entities in ${((performance.now() - fillStart) / 1000).toFixed(1)} s`);

  const get = async (url: string): Promise<{ ms: number; next: string | undefined; size: number }> => {
    const start = performance.now();
    const response = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
    const body = (await response.json()) as { value: unknown[]; '@odata.nextLink'?: string };
    const ms = performance.now() - start;
    if (response.status !== 200) throw new Error(`HTTP ${response.status}`);
    return { ms, next: body['@odata.nextLink'], size: body.value.length };
  };

  /** Times page 1, then follows next links to page 50 and times that request alone. */
  const round = async (query: string): Promise<{ first: number; deep: number }> => {
    let page = await get(`${host.url}/beta/reports/office365ActivationCounts?${query}`);
    const first = page.ms;
    for (let n = 2; n <= PAGE; n += 1) {
      if (page.next === undefined) throw new Error(`no page ${n}`);
      page = await get(page.next);
    }
    if (page.size !== 100) throw new Error(`page ${PAGE} has ${page.size} entities`);
    return { first, deep: page.ms };
  };

  const queries = { 'default order': '$top=100', '$orderby=windows desc': '$top=100&$orderby=windows%20desc' };
  await round(queries['default order']); // warm-up
  const samples = Object.fromEntries(
    Object.keys(queries).map((name) => [name, { first: [] as number[], deep: [] as number[] }]),
  );
  for (let r = 0; r < ROUNDS; r += 1) {
    for (const [name, query] of Object.entries(queries)) {
      const result = await round(query);
      samples[name]?.first.push(result.first);
      samples[name]?.deep.push(result.deep);
    }
  }
  console.log(
    `page ${PAGE} vs page 1 of ${ENTITIES} entities, $top=100, median of ${ROUNDS} rounds (embedded Cosmos DB, node ${process.version})`,
  );
  for (const [name, sample] of Object.entries(samples)) {
    const first = median(sample.first);
    const deep = median(sample.deep);
    console.log(
      `  ${name.padEnd(24)} page 1: ${first.toFixed(1)} ms   page ${PAGE}: ${deep.toFixed(1)} ms   ratio ${(deep / first).toFixed(2)} (goal <= 1.5)`,
    );
  }
  await host.close();
}

void main();
