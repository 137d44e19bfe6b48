/**
 * The minimal server `bench:lean` compares the API with: `node:http` and the same Cosmos DB SDK upsert as a
 * create of `POST /beta/me/analytics/activityStatistics`, with no authentication, no validation and no
 * Graph shaping. It prints `listening on <url>`; COSMOS_ENDPOINT and COSMOS_KEY name the database.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createCosmosClient } from '../src/store/cosmos';

const TENANT = '8b6a4a39-4cd4-4d4b-9a57-0f7bd3d2a6e1';
const USER = '5d7f0c8e-2b1a-4c3e-9f6d-7a8b9c0d1e2f';

const client = createCosmosClient({
  endpoint: process.env.COSMOS_ENDPOINT ?? '',
  key: process.env.COSMOS_KEY,
  database: 'graph-analytics',
  requestTimeoutMs: 10_000,
});
const container = client.database('graph-analytics').container('activityStatistics');

const server = createServer({ keepAlive: true }, (request, response) => {
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    const data = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, string>;
    const id = `${String(data.activity).toLowerCase()}_${data.startDate}_${data.endDate}`;
    const document = { id, pk: `${TENANT}/users/${USER}`, tenantId: TENANT, type: 'callActivityStatistics', data };
    container.items.upsert(document).then(
      ({ resource, statusCode }) => {
        response.writeHead(statusCode, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ id, ...(resource?.data as object) }));
      },
      () => {
        response.statusCode = 500;
        response.end();
      },
    );
  });
});
server.listen(0, '127.0.0.1', () => {
  console.log(`listening on http://127.0.0.1:${(server.address() as AddressInfo).port}`);
});
process.once('SIGTERM', () => server.close(() => process.exit(0)));
