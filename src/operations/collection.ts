/**
 * The operations every entity collection has, made from a declaration of the collection: where it lives
 * (route, container, owner scope and permission) and what it holds (its resource definition).
 */
import type { Principal } from '../auth/principal';
import { NotFoundError, PreconditionFailedError } from '../errors';
import { type ResourceDefinition, applyPatch, parseCreate } from '../model/resource';
import type { ContainerName } from '../store/containers';
import type { StoredEntity } from '../store/entityStore';
import type { Access, Operation, OperationInput, OperationResult } from '../http/operation';
import { contextPath, entityRepresentation, etagOf, ifMatchAdmits, serviceRoot } from '../http/odata';
import type { Access as AccessKind } from '../auth/permissions';

export interface CollectionDeclaration {
  /** The operation-name stem, e.g. `UserActivityStatistics` → `createUserActivityStatistics`. */
  readonly name: string;
  /** The collection's route template, e.g. `beta/users/{userId}/analytics/activityStatistics`. */
  readonly route: string;
  readonly container: ContainerName;
  readonly definition: ResourceDefinition;
  /** The permission and partition for reading or writing, from the principal and the path. */
  access(principal: Principal, params: Readonly<Record<string, string>>, kind: AccessKind): Access;
}

function contextUrl(collection: CollectionDeclaration, input: OperationInput): string {
  return `${serviceRoot(input.url)}/$metadata#${contextPath(collection.route, input.params)}/$entity`;
}

function entityResult(
  collection: CollectionDeclaration,
  input: OperationInput,
  status: number,
  entity: StoredEntity,
  headers: Record<string, string> = {},
): OperationResult {
  return {
    status,
    body: entityRepresentation(contextUrl(collection, input), entity),
    headers: { ETag: etagOf(entity), ...headers },
  };
}

function requireId(input: OperationInput): string {
  const id = input.params.id;
  if (id === undefined) throw new Error('The route has no {id} parameter.');
  return id;
}

async function readExisting(collection: CollectionDeclaration, input: OperationInput): Promise<StoredEntity> {
  const id = requireId(input);
  const entity = await input.services.stores[collection.container].read(input.scope, id, input.meter);
  if (entity === undefined) {
    throw new NotFoundError(`The ${collection.definition.baseType} '${id}' does not exist here.`, 'itemNotFound');
  }
  return entity;
}

/** POST to the collection: an upsert keyed by the natural id (201 new with Location, 200 replaced). */
export function createOperation(collection: CollectionDeclaration): Operation {
  return {
    name: `create${collection.name}`,
    method: 'POST',
    route: collection.route,
    hasBody: true,
    queryOptions: [],
    access: (principal, params) => collection.access(principal, params, 'write'),
    async handle(input) {
      const entity = parseCreate(collection.definition, input.body ?? {});
      const result = await input.services.stores[collection.container].upsert(input.scope, entity, input.meter);
      const location = `${input.url.origin}${input.url.pathname.replace(/\/$/, '')}/${encodeURIComponent(entity.id)}`;
      return entityResult(collection, input, result.created ? 201 : 200, result.entity, result.created ? { Location: location } : {});
    },
  };
}

/** GET one entity: a point read in the caller's partition. */
export function getOperation(collection: CollectionDeclaration): Operation {
  return {
    name: `get${collection.name}ById`,
    method: 'GET',
    route: `${collection.route}/{id}`,
    hasBody: false,
    queryOptions: [],
    access: (principal, params) => collection.access(principal, params, 'read'),
    async handle(input) {
      return entityResult(collection, input, 200, await readExisting(collection, input));
    },
  };
}

/** Attempts of a read-merge-replace when the entity changes underneath and the client sent no If-Match. */
const PATCH_ATTEMPTS = 3;

/** PATCH: merge, re-validate the whole entity, replace only the version that was read (If-Match honoured). */
export function updateOperation(collection: CollectionDeclaration): Operation {
  return {
    name: `update${collection.name}`,
    method: 'PATCH',
    route: `${collection.route}/{id}`,
    hasBody: true,
    queryOptions: [],
    access: (principal, params) => collection.access(principal, params, 'write'),
    async handle(input) {
      const ifMatch = input.headers.get('if-match');
      const store = input.services.stores[collection.container];
      for (let attempt = 1; ; attempt += 1) {
        const stored = await readExisting(collection, input);
        if (!ifMatchAdmits(ifMatch, stored)) throw new PreconditionFailedError();
        const updated = applyPatch(collection.definition, stored, input.body ?? {});
        try {
          return entityResult(collection, input, 200, await store.replace(input.scope, updated, stored.etag, input.meter));
        } catch (error) {
          // A concurrent writer won: retry on the new version, unless the client pinned one.
          if (!(error instanceof PreconditionFailedError) || ifMatch !== null || attempt >= PATCH_ATTEMPTS) throw error;
        }
      }
    },
  };
}

/** The operations of a collection that this service serves. */
export function collectionOperations(collection: CollectionDeclaration): Operation[] {
  return [createOperation(collection), getOperation(collection), updateOperation(collection)];
}
