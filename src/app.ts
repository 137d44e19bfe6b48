/**
 * The composition root: from a parsed configuration and one Cosmos database handle, the services every
 * operation shares. Built once per process (by the Functions entry or the local host), never per request.
 */
import type { Database } from '@azure/cosmos';
import type { Authenticator } from './auth/principal';
import type { Config } from './config';
import type { Services } from './http/operation';
import { COLLECTIONS } from './operations';
import { CONTAINER_NAMES, type ContainerName } from './store/containers';
import { EntityStore } from './store/entityStore';

function storeFor(database: Database, name: ContainerName): EntityStore {
  const collection = COLLECTIONS.find((c) => c.container === name);
  if (collection === undefined) throw new Error(`No collection is stored in the container '${name}'.`);
  return new EntityStore(database.container(name), collection.definition);
}

export function createServices(config: Config, database: Database, authenticator: Authenticator): Services {
  const stores = Object.fromEntries(CONTAINER_NAMES.map((name) => [name, storeFor(database, name)])) as Record<
    ContainerName,
    EntityStore
  >;
  return { config, authenticator, stores };
}
