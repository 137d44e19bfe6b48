/**
 * `npm run cosmos`: only the embedded Cosmos DB server, with the database and containers created, for
 * `func start` (point COSMOS_ENDPOINT and COSMOS_KEY in local.settings.json at it).
 */
import { ConfigError, parseLocalConfig } from '../config';
import { createCosmosClient, ensureDatabase } from '../store/cosmos';
import { type EmbeddedCosmos, startEmbeddedCosmos } from './embeddedCosmos';
import { listenProblem } from './startupProblems';

async function main(): Promise<void> {
  const { local, cosmos: settings } = parseLocalConfig(process.env);
  let cosmos: EmbeddedCosmos;
  try {
    cosmos = await startEmbeddedCosmos(local.cosmosPort);
  } catch (error) {
    const problem = listenProblem(error, { variable: 'COSMOS_PORT', port: local.cosmosPort, hostname: '127.0.0.1' });
    throw problem === undefined ? error : new ConfigError([problem]);
  }
  const client = createCosmosClient({ ...settings, endpoint: cosmos.endpoint, key: cosmos.key });
  await ensureDatabase(client, settings.database);
  client.dispose();
  console.log(`embedded Cosmos DB on ${cosmos.endpoint} (database '${settings.database}'); key: ${cosmos.key}`);
  process.once('SIGINT', () => void cosmos.close().then(() => process.exit(0)));
  process.once('SIGTERM', () => void cosmos.close().then(() => process.exit(0)));
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    for (const problem of error.problems) console.error(`graph-analytics-api cosmos cannot start: ${problem}`);
  } else {
    console.error(error);
  }
  process.exit(1);
});
