/**
 * The one CosmosClient of a process. Key auth when a key is configured (the local embedded server);
 * otherwise Microsoft Entra ID through one DefaultAzureCredential (managed identity in Azure).
 */
import { CosmosClient, type Database } from '@azure/cosmos';
import { lazyCredential } from '../auth/azureCredential';
import type { CosmosSettings } from '../config';

/** Settings with an account to connect to. */
export type CosmosConnection = CosmosSettings & { readonly endpoint: string };
import { CONTAINERS } from './containers';

export function createCosmosClient(settings: CosmosConnection): CosmosClient {
  const local = settings.endpoint.startsWith('http://');
  return new CosmosClient({
    endpoint: settings.endpoint,
    ...(settings.key === undefined
      ? {
          aadCredentials: lazyCredential(
            (identity) =>
              new identity.DefaultAzureCredential(
                settings.managedIdentityClientId === undefined
                  ? {}
                  : { managedIdentityClientId: settings.managedIdentityClientId },
              ),
          ),
        }
      : { key: settings.key }),
    // A plain-http endpoint is the local server: it has no regional endpoints to discover.
    connectionPolicy: {
      enableEndpointDiscovery: !local,
      requestTimeout: settings.requestTimeoutMs,
      // Throttling is retried for up to half a request's deadline, then answered 429 with Retry-After (an HTTP
      // caller is waiting); the deadline itself (RequestBudget) bounds everything else.
      retryOptions: {
        maxRetryAttemptCount: 9,
        fixedRetryIntervalInMilliseconds: 0,
        maxWaitTimeInSeconds: Math.max(1, Math.floor(settings.requestTimeoutMs / 2000)),
      },
    },
    userAgentSuffix: 'graph-analytics-api',
  });
}

/**
 * Creates the database and every container if missing. Only for the local embedded server: in Azure the
 * Bicep creates them, and the app's data-plane role could not.
 */
export async function ensureDatabase(client: CosmosClient, databaseId: string): Promise<Database> {
  const { database } = await client.databases.createIfNotExists({ id: databaseId });
  for (const definition of CONTAINERS) {
    await database.containers.createIfNotExists({
      id: definition.name,
      partitionKey: { paths: [definition.partitionKeyPath] },
      indexingPolicy: definition.indexingPolicy,
    });
  }
  return database;
}
