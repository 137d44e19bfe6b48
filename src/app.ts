/**
 * The composition root: from a parsed configuration and one Cosmos database handle, the services every
 * operation shares. Built once per process (by the Functions entry or the local host), never per request.
 */
import type { Database } from '@azure/cosmos';
import { lazyCredential } from './auth/azureCredential';
import type { Authenticator } from './auth/principal';
import type { Config } from './config';
import type { Services } from './http/operation';
import { activityStatistics } from './model/activityStatistics';
import { itemActivity } from './model/itemActivity';
import { office365ActivationCounts, office365ActiveUserCounts } from './model/reportRows';
import { EntityStore } from './store/entityStore';
import { ItemActivityStore } from './store/itemActivityStore';
import { ApplicationInsightsSink, NO_TELEMETRY, type TelemetrySink } from './telemetry';

/** Application Insights when configured, signed by the managed identity its authentication string names. */
export function createTelemetry(config: Config): TelemetrySink {
  if (config.telemetry === undefined) return NO_TELEMETRY;
  const { connectionString, identityClientId } = config.telemetry;
  return new ApplicationInsightsSink({
    connectionString,
    credential:
      identityClientId === undefined
        ? undefined
        : lazyCredential((identity) => new identity.ManagedIdentityCredential({ clientId: identityClientId })),
  });
}

export function createServices(
  config: Config,
  database: Database,
  authenticator: Authenticator,
  telemetry: TelemetrySink = createTelemetry(config),
): Services {
  return {
    config,
    authenticator,
    telemetry,
    pingDatabase: async (abortSignal) => {
      await database.read({ abortSignal });
    },
    stores: {
      activityStatistics: new EntityStore(database.container('activityStatistics'), activityStatistics),
      itemActivities: new ItemActivityStore(database.container('itemActivities'), itemActivity),
      office365ActivationCounts: new EntityStore(
        database.container('office365ActivationCounts'),
        office365ActivationCounts,
      ),
      office365ActiveUserCounts: new EntityStore(
        database.container('office365ActiveUserCounts'),
        office365ActiveUserCounts,
      ),
    },
  };
}
