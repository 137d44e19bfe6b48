/**
 * The operations every entity collection has, made from a declaration of the collection: where it lives
 * (route, container, owner scope and permission) and what it holds (its resource definition).
 */
import type { Principal } from '../auth/principal';
import { BadRequestError, NotFoundError } from '../errors';
import { type ResourceDefinition, applyPatch, parseCreate } from '../model/resource';
import type { ContainerName } from '../store/containers';
import type { Precondition, StoredEntity } from '../store/entityStore';
import type { Access, Operation, OperationInput, OperationResult } from '../http/operation';
import { contextPath, contextUrl, entityItem, entityRepresentation, etagOf, ifMatchAdmits } from '../http/odata';
import { compileFilter } from '../odata/filter';
import {
  DEFAULT_PAGE_SIZE,
  LIST_OPTIONS,
  nextLink,
  parseFilterOption,
  parseListOptions,
  parseSelectOption,
} from '../odata/listOptions';
import { parsePrefer } from '../http/prefer';
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

function entityResult(
  collection: CollectionDeclaration,
  input: OperationInput,
  status: number,
  entity: StoredEntity,
  options: { headers?: Record<string, string>; select?: readonly string[] | undefined } = {},
): OperationResult {
  const context = contextUrl(
    input.url,
    { path: contextPath(collection.route, input.params, input.principal.userId), type: collection.definition.baseType },
    options.select,
    true,
  );
  return {
    status,
    body: entityRepresentation(context, entity, options.select),
    headers: { ETag: etagOf(entity), ...options.headers },
  };
}

function requireId(input: OperationInput): string {
  const id = input.params.id;
  if (id === undefined) throw new Error('The route has no {id} parameter.');
  return id;
}

async function readExisting(collection: CollectionDeclaration, input: OperationInput): Promise<StoredEntity> {
  const id = requireId(input);
  const entity = await input.services.stores[collection.container].read(input.scope, id, input.budget);
  if (entity === undefined) {
    throw new NotFoundError(`The ${collection.definition.baseType} '${id}' does not exist here.`, 'itemNotFound');
  }
  return entity;
}

/**
 * `If-None-Match` on a create: `*` makes it create-only (Graph's and HTTP's meaning); any other value is
 * refused, since a create has no version to compare with.
 */
function createOnly(input: OperationInput): boolean {
  const header = input.headers.get('if-none-match');
  if (header === null) return false;
  if (header.trim() === '*') return true;
  throw new BadRequestError("On a create, If-None-Match takes only '*' (create only when no entity has the id).", [
    { code: 'invalidValue', target: 'If-None-Match', message: "Only '*' is supported here." },
  ]);
}

/**
 * The answer to a write: the entity (and `Preference-Applied: return=representation` when asked), or, with
 * `Prefer: return=minimal`, 204 with its ETag (and Location) only.
 */
function writeResult(
  collection: CollectionDeclaration,
  input: OperationInput,
  status: number,
  entity: StoredEntity,
  headers: Record<string, string> = {},
): OperationResult {
  const preferred = parsePrefer(input.headers).return;
  if (preferred === 'minimal') {
    return { status: 204, headers: { ETag: etagOf(entity), ...headers, 'Preference-Applied': 'return=minimal' } };
  }
  const applied = preferred === 'representation' ? { 'Preference-Applied': 'return=representation' } : {};
  return entityResult(collection, input, status, entity, { headers: { ...headers, ...applied } });
}

/**
 * POST to the collection: an upsert keyed by the natural id (201 new with Location, 200 replaced); with
 * `If-None-Match: *`, create only (412 when the id exists, nothing changed).
 */
export function createOperation(collection: CollectionDeclaration): Operation {
  return {
    name: `create${collection.name}`,
    method: 'POST',
    route: collection.route,
    hasBody: true,
    queryOptions: [],
    access: (principal, params) => collection.access(principal, params, 'write'),
    async handle(input) {
      const onlyIfNew = createOnly(input);
      const entity = parseCreate(collection.definition, input.body ?? {});
      const store = input.services.stores[collection.container];
      const result = onlyIfNew
        ? { created: true, entity: await store.create(input.scope, entity, input.budget) }
        : await store.upsert(input.scope, entity, input.budget);
      const location = `${input.url.origin}${input.url.pathname.replace(/\/$/, '')}/${encodeURIComponent(entity.id)}`;
      return writeResult(collection, input, result.created ? 201 : 200, result.entity, {
        ...(result.created ? { Location: location } : {}),
      });
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
    queryOptions: ['$select'],
    access: (principal, params) => collection.access(principal, params, 'read'),
    async handle(input) {
      const select = parseSelectOption(input.query, collection.definition.query);
      return entityResult(collection, input, 200, await readExisting(collection, input), { select });
    },
  };
}

/** GET the collection: one page, filtered and ordered in the database, with `@odata.nextLink` to the next. */
export function listOperation(collection: CollectionDeclaration): Operation {
  return {
    name: `list${collection.name}`,
    method: 'GET',
    route: collection.route,
    hasBody: false,
    queryOptions: LIST_OPTIONS,
    access: (principal, params) => collection.access(principal, params, 'read'),
    async handle(input) {
      const { queryable } = collection.definition.query;
      const options = parseListOptions(input.query, collection.definition.query);
      // $top, else the client's Prefer: odata.maxpagesize, else the size the $skiptoken was issued with.
      const preferred = parsePrefer(input.headers).maxPageSize;
      const pageSize = Math.min(
        options.top ?? Infinity,
        preferred ?? (options.top === undefined ? (options.tokenPageSize ?? DEFAULT_PAGE_SIZE) : Infinity),
      );
      const applied = preferred !== undefined && pageSize === preferred;
      const filter = options.filter === undefined ? undefined : compileFilter(options.filter, queryable);
      const ordering = options.orderBy === undefined ? undefined : queryable[options.orderBy.property];
      const store = input.services.stores[collection.container];
      const page = await store.list(
        input.scope,
        {
          filter,
          orderBy: { path: ordering?.path ?? 'c.id', descending: options.orderBy?.descending ?? false },
          top: pageSize,
          continuation: options.continuation,
        },
        input.budget,
      );
      const count = options.count ? await store.count(input.scope, filter, input.budget) : undefined;
      return {
        status: 200,
        body: {
          '@odata.context': contextUrl(
            input.url,
            {
              path: contextPath(collection.route, input.params, input.principal.userId),
              type: collection.definition.baseType,
            },
            options.select,
            false,
          ),
          ...(count === undefined ? {} : { '@odata.count': count }),
          value: page.items.map((entity) => entityItem(entity, options.select)),
          ...(page.continuation === undefined
            ? {}
            : { '@odata.nextLink': nextLink(input.url, page.continuation, pageSize) }),
        },
        ...(applied ? { headers: { 'Preference-Applied': `odata.maxpagesize=${pageSize}` } } : {}),
      };
    },
  };
}

/** The client's `If-Match` as a precondition on the stored version; none when the header is absent. */
function ifMatchOf(input: OperationInput): Precondition | undefined {
  const header = input.headers.get('if-match');
  return header === null ? undefined : (current) => ifMatchAdmits(header, current);
}

/**
 * GET `{collection}/$count`: how many entities match `$filter`, as `text/plain`, as Graph answers it (the
 * SDKs' `.count.get()`); the `ConsistencyLevel: eventual` header Graph clients send is accepted, and moot:
 * the count is the database's own.
 */
export function countOperation(collection: CollectionDeclaration): Operation {
  return {
    name: `count${collection.name}`,
    method: 'GET',
    route: `${collection.route}/$count`,
    hasBody: false,
    queryOptions: ['$filter'],
    access: (principal, params) => collection.access(principal, params, 'read'),
    async handle(input) {
      const { queryable } = collection.definition.query;
      const expression = parseFilterOption(input.query, collection.definition.query);
      const filter = expression === undefined ? undefined : compileFilter(expression, queryable);
      const count = await input.services.stores[collection.container].count(input.scope, filter, input.budget);
      return { status: 200, text: { contentType: 'text/plain; charset=utf-8', content: String(count) } };
    },
  };
}

/** DELETE one entity, honouring If-Match (204; 412 when stale, changing nothing). */
export function deleteOperation(collection: CollectionDeclaration): Operation {
  return {
    name: `delete${collection.name}`,
    method: 'DELETE',
    route: `${collection.route}/{id}`,
    hasBody: false,
    queryOptions: [],
    access: (principal, params) => collection.access(principal, params, 'write'),
    async handle(input) {
      const store = input.services.stores[collection.container];
      await store.delete(input.scope, requireId(input), input.budget, ifMatchOf(input));
      return { status: 204 };
    },
  };
}

/**
 * PATCH: merge, re-validate the whole entity, replace only the version that was read. Without If-Match a
 * concurrent writer makes it start over on the new version (never 412); with If-Match, 412 when stale.
 */
export function updateOperation(collection: CollectionDeclaration): Operation {
  return {
    name: `update${collection.name}`,
    method: 'PATCH',
    route: `${collection.route}/{id}`,
    hasBody: true,
    queryOptions: [],
    access: (principal, params) => collection.access(principal, params, 'write'),
    async handle(input) {
      const store = input.services.stores[collection.container];
      const updated = await store.update(
        input.scope,
        requireId(input),
        (current) => applyPatch(collection.definition, current, input.body ?? {}),
        input.budget,
        ifMatchOf(input),
      );
      return writeResult(collection, input, 200, updated);
    },
  };
}

/** The operations of a collection that this service serves. */
export function collectionOperations(collection: CollectionDeclaration): Operation[] {
  return [
    createOperation(collection),
    listOperation(collection),
    countOperation(collection),
    getOperation(collection),
    updateOperation(collection),
    deleteOperation(collection),
  ];
}
