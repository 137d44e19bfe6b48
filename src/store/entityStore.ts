/**
 * Entities in a Cosmos DB container. A document is `{id, pk, tenantId, type, data}`: the Graph properties
 * live under `data`, so a dynamic property of an open type can never collide with a field of the store.
 * `pk` is `<tenant id>/<owner scope>`; every call is confined to one such partition.
 */
import { createHash } from 'node:crypto';
import { type Container, ErrorResponse } from '@azure/cosmos';
import { z } from 'zod';
import {
  BadRequestError,
  ConflictError,
  NotFoundError,
  PreconditionFailedError,
  ServiceUnavailableError,
  TooManyRequestsError,
} from '../errors';
import type { SqlCondition } from '../odata/filter';
import type { QueryShape } from '../odata/listOptions';
import { type Entity, type JsonObject, type ResourceDefinition, decodeStored } from '../model/resource';

/** Where an entity lives: the caller's tenant and the owner the path names (e.g. `users/<oid>`). */
export interface PartitionScope {
  readonly tenantId: string;
  readonly owner: string;
}

/** Collects the request units a request spends, for telemetry. */
export interface RequestMeter {
  add(requestCharge: number): void;
}

/** A page request: the SQL path to order by (`c.id` when none), the condition, the page size and where to resume. */
export interface ListQuery {
  readonly filter: SqlCondition | undefined;
  readonly orderBy: { readonly path: string; readonly descending: boolean } | undefined;
  readonly top: number;
  readonly continuation: string | undefined;
}

export interface StoredEntity<D extends JsonObject = JsonObject> extends Entity<D> {
  /** The store's version of the entity, returned as the HTTP ETag. */
  readonly etag: string;
}

/** Cosmos DB refuses partition key values over 2 KiB; long owner scopes are hashed (ids never contain '/'). */
const MAX_READABLE_PARTITION_KEY = 1024;

export function partitionKeyOf(scope: PartitionScope): string {
  const readable = `${scope.tenantId}/${scope.owner}`;
  if (Buffer.byteLength(readable, 'utf8') <= MAX_READABLE_PARTITION_KEY) return readable;
  return `${scope.tenantId}/sha256:${createHash('sha256').update(scope.owner, 'utf8').digest('hex')}`;
}

const storedDocument = z.object({
  id: z.string(),
  pk: z.string(),
  tenantId: z.string(),
  type: z.string(),
  data: z.record(z.string(), z.unknown()),
  idx: z.record(z.string(), z.unknown()).optional(),
  _etag: z.string(),
});

const NETWORK_ERRORS = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'ETIMEDOUT', 'EAI_AGAIN', 'EPIPE']);

function statusOf(error: unknown): number | string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'number' || typeof code === 'string' ? code : undefined;
}

/** Store errors that a client can act on become service errors; anything else stays a fault (500). */
export function toServiceError(error: unknown): unknown {
  const code = statusOf(error);
  if (code === 412) return new PreconditionFailedError();
  // A point write on an entity that a concurrent request deleted, or created, first.
  if (code === 404) return new NotFoundError('The entity does not exist (it was deleted meanwhile).', 'itemNotFound');
  if (code === 409) return new ConflictError('An entity with this id already exists.');
  if (code === 429) {
    const retryAfterMs = error instanceof ErrorResponse ? (error.retryAfterInMs ?? 1000) : 1000;
    return new TooManyRequestsError(Math.max(1, Math.ceil(retryAfterMs / 1000)));
  }
  if (code === 503 || code === 408 || (typeof code === 'string' && NETWORK_ERRORS.has(code))) {
    return new ServiceUnavailableError(5, error);
  }
  if (error instanceof Error && error.name === 'TimeoutError') return new ServiceUnavailableError(5, error);
  return error;
}

async function guarded<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw toServiceError(error);
  }
}

export class EntityStore<D extends JsonObject = JsonObject> {
  constructor(
    private readonly container: Container,
    private readonly definition: ResourceDefinition<D>,
  ) {}

  /** What lists of this store's resource can filter, order and select. */
  get query(): QueryShape {
    return this.definition.query;
  }

  private decode(raw: unknown, scope: PartitionScope): StoredEntity<D> | undefined {
    const document = storedDocument.parse(raw);
    // Defence in depth: a document of another partition or tenant is never returned.
    if (document.pk !== partitionKeyOf(scope) || document.tenantId !== scope.tenantId) return undefined;
    return { ...decodeStored(this.definition, document.type, document.id, document.data), etag: document._etag };
  }

  private toDocument(scope: PartitionScope, entity: Entity<D>): JsonObject {
    const document: JsonObject = { id: entity.id, pk: partitionKeyOf(scope), tenantId: scope.tenantId, type: entity.type, data: entity.data };
    if (this.definition.indexValues !== undefined) document.idx = this.definition.indexValues(entity.data);
    return document;
  }

  /** A point read; undefined when the entity does not exist in the scope. */
  async read(scope: PartitionScope, id: string, meter: RequestMeter): Promise<StoredEntity<D> | undefined> {
    const response = await guarded(() => this.container.item(id, partitionKeyOf(scope)).read());
    meter.add(response.requestCharge);
    if (response.statusCode === 404 || response.resource === undefined) return undefined;
    return this.decode(response.resource, scope);
  }

  /** Creates or replaces the entity with this id (contract: create is an upsert keyed by the natural id). */
  async upsert(
    scope: PartitionScope,
    entity: Entity<D>,
    meter: RequestMeter,
  ): Promise<{ created: boolean; entity: StoredEntity<D> }> {
    const response = await guarded(() => this.container.items.upsert(this.toDocument(scope, entity)));
    meter.add(response.requestCharge);
    const stored = this.decode(response.resource, scope);
    if (stored === undefined) throw new Error('The store answered an upsert with a document of another partition.');
    return { created: response.statusCode === 201, entity: stored };
  }

  /**
   * One page of the partition's entities. The condition is always ANDed with the partition key and the tenant
   * in the WHERE clause: the query is single-partition even where the partitionKey option is ignored.
   */
  async list(scope: PartitionScope, query: ListQuery, meter: RequestMeter): Promise<{ items: StoredEntity<D>[]; continuation: string | undefined }> {
    const spec = this.querySpec(scope, 'SELECT * FROM c', query.filter, query.orderBy);
    const iterator = this.container.items.query(spec, {
      maxItemCount: query.top,
      partitionKey: partitionKeyOf(scope),
      ...(query.continuation === undefined ? {} : { continuationToken: query.continuation }),
    });
    const items: StoredEntity<D>[] = [];
    let continuation: string | undefined;
    // A page may come back empty with a continuation: read on until something arrives (or nothing is left).
    for (let reads = 0; reads < 10; reads += 1) {
      const page = await guarded(() => iterator.fetchNext()).catch((error: unknown) => {
        if (query.continuation !== undefined && statusOf(error) === 400) {
          throw new BadRequestError('Invalid $skiptoken: the token is not one this service issued.');
        }
        throw error;
      });
      meter.add(page.requestCharge);
      for (const raw of page.resources) {
        const entity = this.decode(raw, scope);
        if (entity !== undefined) items.push(entity);
      }
      continuation = page.continuationToken ?? undefined;
      if (items.length > 0 || continuation === undefined) break;
    }
    return { items, continuation };
  }

  /** How many entities of the partition match the condition. */
  async count(scope: PartitionScope, filter: SqlCondition | undefined, meter: RequestMeter): Promise<number> {
    const spec = this.querySpec(scope, 'SELECT VALUE COUNT(1) FROM c', filter, undefined);
    const response = await guarded(() => this.container.items.query<number>(spec, { partitionKey: partitionKeyOf(scope) }).fetchAll());
    meter.add(response.requestCharge);
    return z.number().int().parse(response.resources[0] ?? 0);
  }

  private querySpec(scope: PartitionScope, select: string, filter: SqlCondition | undefined, orderBy: ListQuery['orderBy']) {
    const conditions = ['c.pk = @pk', 'c.tenantId = @tenantId'];
    if (filter !== undefined) conditions.push(filter.text);
    let text = `${select} WHERE ${conditions.join(' AND ')}`;
    if (orderBy !== undefined) {
      const direction = orderBy.descending ? 'DESC' : 'ASC';
      text += orderBy.path === 'c.id' ? ` ORDER BY c.id ${direction}` : ` ORDER BY ${orderBy.path} ${direction}, c.id ${direction}`;
    }
    return {
      query: text,
      parameters: [
        { name: '@pk', value: partitionKeyOf(scope) },
        { name: '@tenantId', value: scope.tenantId },
        ...(filter?.parameters ?? []),
      ],
    };
  }

  /** Deletes the entity if its version is still `etag`; otherwise 412. */
  async delete(scope: PartitionScope, id: string, etag: string, meter: RequestMeter): Promise<void> {
    const response = await guarded(() =>
      this.container.item(id, partitionKeyOf(scope)).delete({ accessCondition: { type: 'IfMatch', condition: etag } }),
    );
    meter.add(response.requestCharge);
  }

  /** Replaces the entity if its version is still `etag`; otherwise 412. */
  async replace(scope: PartitionScope, entity: Entity<D>, etag: string, meter: RequestMeter): Promise<StoredEntity<D>> {
    const response = await guarded(() =>
      this.container
        .item(entity.id, partitionKeyOf(scope))
        .replace(this.toDocument(scope, entity), { accessCondition: { type: 'IfMatch', condition: etag } }),
    );
    meter.add(response.requestCharge);
    const stored = this.decode(response.resource, scope);
    if (stored === undefined) throw new Error('The store answered a replace with a document of another partition.');
    return stored;
  }
}
