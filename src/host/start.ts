/**
 * `npm start`: the local host on http://localhost:7071 (PORT and HOST override), with an embedded Cosmos DB
 * server unless COSMOS_ENDPOINT points at a real account or an emulator.
 */
import { z } from 'zod';
import { ConfigError, parseConfig } from '../config';
import { startLocalHost } from './local';

const listenSettings = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(7071),
  HOST: z.string().min(1).default('localhost'),
});

async function main(): Promise<void> {
  const config = parseConfig(process.env);
  const listen = listenSettings.parse(process.env);
  const host = await startLocalHost({ config, port: listen.PORT, hostname: listen.HOST });
  const database = config.cosmos === undefined ? 'embedded in-memory Cosmos DB' : config.cosmos.endpoint;
  console.log(`graph-analytics-api listening on ${host.url}/beta (database: ${database})`);
  console.log(
    `development principal: tenant ${config.development.tenantId}, user ${config.development.userId}, every delegated scope`,
  );
  const stop = () => {
    void host.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
