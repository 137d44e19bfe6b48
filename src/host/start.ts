/**
 * `npm start`: the local host on http://localhost:7071 (PORT and HOST override), with an embedded Cosmos DB
 * server unless COSMOS_ENDPOINT points at a real account or an emulator.
 */
import { z } from 'zod';
import { issueDevelopmentToken, loadDevelopmentKeys } from '../auth/developmentIssuer';
import { DELEGATED_SCOPES } from '../auth/permissions';
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
  const database = config.cosmos.endpoint ?? 'embedded in-memory Cosmos DB';
  console.log(`graph-analytics-api listening on ${host.url}/beta (database: ${database})`);
  if (config.auth.issuer.kind === 'development') {
    const { tenantId, userId } = config.development;
    const token = await issueDevelopmentToken(await loadDevelopmentKeys(config.auth.issuer.keysDirectory), {
      tenantId,
      userId,
      scopes: DELEGATED_SCOPES,
      lifetimeSeconds: 8 * 3600,
    });
    console.log(`development issuer: a token for tenant ${tenantId}, user ${userId}, every delegated scope (8 h):`);
    console.log(token);
  } else {
    console.log(`Microsoft Entra ID tokens for audience ${config.auth.issuer.audiences.join(', ')}`);
  }
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
