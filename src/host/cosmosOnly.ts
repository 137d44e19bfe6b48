/**
 * `npm run cosmos`: only the embedded Cosmos DB server, with the database and containers created, for
 * `func start` (point COSMOS_ENDPOINT and COSMOS_KEY in local.settings.json at it).
 */
import { z } from 'zod';
import { createCosmosClient, ensureDatabase } from '../store/cosmos';
import { startEmbeddedCosmos } from './embeddedCosmos';

const settings = z.object({
  // 0: any free port (the line printed at start-up names it).
  COSMOS_PORT: z.coerce.number().int().min(0).max(65535).default(8081),
  COSMOS_DATABASE: z.string().min(1).default('graph-analytics'),
});

async function main(): Promise<void> {
  const { COSMOS_PORT, COSMOS_DATABASE } = settings.parse(process.env);
  const cosmos = await startEmbeddedCosmos(COSMOS_PORT);
  const client = createCosmosClient({
    endpoint: cosmos.endpoint,
    key: cosmos.key,
    database: COSMOS_DATABASE,
    requestTimeoutMs: 10_000,
  });
  await ensureDatabase(client, COSMOS_DATABASE);
  client.dispose();
  console.log(`embedded Cosmos DB on ${cosmos.endpoint} (database '${COSMOS_DATABASE}'); key: ${cosmos.key}`);
  process.once('SIGINT', () => void cosmos.close().then(() => process.exit(0)));
  process.once('SIGTERM', () => void cosmos.close().then(() => process.exit(0)));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
