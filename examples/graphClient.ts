/**
 * The Microsoft Graph JavaScript client paging through the local host. With `HTTPS=true npm start` running:
 *   TOKEN=<a token> NODE_EXTRA_CA_CERTS=.dev-keys/localhost.cert.pem npx tsx examples/graphClient.ts
 */
import { Client, type PageCollection, PageIterator } from '@microsoft/microsoft-graph-client';

const client = Client.init({
  baseUrl: 'https://localhost:7071',
  defaultVersion: 'beta',
  customHosts: new Set(['localhost']),
  authProvider: (done) => done(null, process.env.TOKEN ?? null),
});

async function main(): Promise<void> {
  const rows = '/reports/office365ActivationCounts';
  for (const productType of ['Project', 'Visio', 'Microsoft 365 Apps for business']) {
    await client.api(rows).post({ reportRefreshDate: '2020-03-01', productType, windows: 20 });
  }
  // Two rows a page: the iterator follows @odata.nextLink.
  const first = (await client.api(rows).filter('windows ge 20').top(2).get()) as PageCollection;
  const read: unknown[] = [];
  await new PageIterator(client, first, (row) => {
    read.push(row);
    return true;
  }).iterate();
  console.log(`${read.length} rows`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
