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

const storedDocument = z.object({
  id: z.string(),
  pk: z.string(),
  tenantId: z.string(),
  type: z.string(),
  data: z.record(z.string(), z.unknown()),
  idx: z.record(z.string(), z.unknown()).optional(),
  /** On a reference: where the referenced entity lives, and its version when this copy was made. */
  ref: z.object({ pk: z.string(), etag: z.string() }).optional(),
  /** On a referenced entity: the partitions that hold a reference to it. */
  referencedBy: z.array(z.string()).optional(),
  _etag: z.string(),
});
export type StoredDocument = z.infer<typeof storedDocument>;

/** Where documents live: a partition of one tenant. */
export interface Location {
  readonly pk: string;
  readonly tenantId: string;
}

export function locationOf(scope: PartitionScope): Location {
  return { pk: partitionKeyOf(scope), tenantId: scope.tenantId };
}

export class EntityStore<D extends JsonObject = JsonObject> {
  constructor(
    protected readonly container: Container,
    protected readonly definition: ResourceDefinition<D>,
  ) {}

  /** What lists of this store's resource can filter, order and select. */
  get query(): QueryShape {
    return this.definition.query;
  }

  /** Decodes a stored document; one of another partition or tenant is never returned (defence in depth). */
  protected decode(raw: unknown, location: Location): StoredDocument | undefined {
    const document = storedDocument.parse(raw);
    return document.pk === location.pk && document.tenantId === location.tenantId ? document : undefined;
  }

  protected entityOf(document: StoredDocument): StoredEntity<D> {
    return {
      ...decodeStored(this.definition, document.type, document.id, document.data),
      etag: document.ref?.etag ?? document._etag,
    };
  }

  protected documentOf(location: Location, entity: Entity<D>, extra: JsonObject = {}): JsonObject {
    const document: JsonObject = {
      id: entity.id,
      pk: location.pk,
      tenantId: location.tenantId,
      type: entity.type,
      data: entity.data,
    };
    if (this.definition.indexValues !== undefined) document.idx = this.definition.indexValues(entity.data);
    return { ...document, ...extra };
  }

  protected async readDocument(
    location: Location,
    id: string,
    meter: RequestMeter,
  ): Promise<StoredDocument | undefined> {
    const response = await guarded(() => this.container.item(id, location.pk).read());
    meter.add(response.requestCharge);
    if (response.statusCode === 404 || response.resource === undefined) return undefined;
    return this.decode(response.resource, location);
  }

  /** Writes a document: `create` (409 if it exists), `upsert`, or `replace` of the version `etag` (412). */
  protected async writeDocument(
    mode: 'create' | 'upsert' | 'replace',
    location: Location,
    document: JsonObject,
    meter: RequestMeter,
    etag?: string,
  ): Promise<{ created: boolean; document: StoredDocument }> {
    const condition = etag === undefined ? {} : { accessCondition: { type: 'IfMatch', condition: etag } };
    const response = await guarded(() => {
      if (mode === 'create') return this.container.items.create(document);
      if (mode === 'upsert') return this.container.items.upsert(document, condition);
      return this.container.item(String(document.id), location.pk).replace(document, condition);
    });
    meter.add(response.requestCharge);
    const stored = this.decode(response.resource, location);
    if (stored === undefined) throw new Error(`The store answered a ${mode} with a document of another partition.`);
    return { created: response.statusCode === 201, document: stored };
  }

  /** Deletes a document (if its version is still `etag`, when given). */
  protected async deleteDocument(location: Location, id: string, meter: RequestMeter, etag?: string): Promise<void> {
    const condition = etag === undefined ? {} : { accessCondition: { type: 'IfMatch', condition: etag } };
    const response = await guarded(() => this.container.item(id, location.pk).delete(condition));
    meter.add(response.requestCharge);
  }

  /** A point read; undefined when the entity does not exist in the scope. */
  async read(scope: PartitionScope, id: string, meter: RequestMeter): Promise<StoredEntity<D> | undefined> {
    const document = await this.readDocument(locationOf(scope), id, meter);
    return document === undefined ? undefined : this.entityOf(document);
  }

  /** Creates or replaces the entity with this id (contract: create is an upsert keyed by the natural id). */
  async upsert(
    scope: PartitionScope,
    entity: Entity<D>,
    meter: RequestMeter,
  ): Promise<{ created: boolean; entity: StoredEntity<D> }> {
    const location = locationOf(scope);
    const written = await this.writeDocument('upsert', location, this.documentOf(location, entity), meter);
    return { created: written.created, entity: this.entityOf(written.document) };
  }

  /** Replaces the entity if its version is still `etag`; otherwise 412. */
  async replace(scope: PartitionScope, entity: Entity<D>, etag: string, meter: RequestMeter): Promise<StoredEntity<D>> {
    const location = locationOf(scope);
    const written = await this.writeDocument('replace', location, this.documentOf(location, entity), meter, etag);
    return this.entityOf(written.document);
  }

  /** Deletes the entity if its version is still `etag`; otherwise 412. */
  async delete(scope: PartitionScope, id: string, etag: string, meter: RequestMeter): Promise<void> {
    await this.deleteDocument(locationOf(scope), id, meter, etag);
  }

  /**
   * One page of the partition's entities. The condition is always ANDed with the partition key and the tenant
   * in the WHERE clause: the query is single-partition even where the partitionKey option is ignored.
   */
  async list(
    scope: PartitionScope,
    query: ListQuery,
    meter: RequestMeter,
  ): Promise<{ items: StoredEntity<D>[]; continuation: string | undefined }> {
    const location = locationOf(scope);
    const spec = this.querySpec(location, 'SELECT * FROM c', query.filter, query.orderBy);
    const iterator = this.container.items.query(spec, {
      maxItemCount: query.top,
      partitionKey: location.pk,
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
        const document = this.decode(raw, location);
        if (document !== undefined) items.push(this.entityOf(document));
      }
      continuation = page.continuationToken ?? undefined;
      if (items.length > 0 || continuation === undefined) break;
    }
    return { items, continuation };
  }

  /** How many entities of the partition match the condition. */
  async count(scope: PartitionScope, filter: SqlCondition | undefined, meter: RequestMeter): Promise<number> {
    const location = locationOf(scope);
    const spec = this.querySpec(location, 'SELECT VALUE COUNT(1) FROM c', filter, undefined);
    const response = await guarded(() =>
      this.container.items.query<number>(spec, { partitionKey: location.pk }).fetchAll(),
    );
    meter.add(response.requestCharge);
    return z
      .number()
      .int()
      .parse(response.resources[0] ?? 0);
  }

  private querySpec(
    location: Location,
    select: string,
    filter: SqlCondition | undefined,
    orderBy: ListQuery['orderBy'],
  ) {
    const conditions = ['c.pk = @pk', 'c.tenantId = @tenantId'];
    if (filter !== undefined) conditions.push(filter.text);
    let text = `${select} WHERE ${conditions.join(' AND ')}`;
    if (orderBy !== undefined) {
      const direction = orderBy.descending ? 'DESC' : 'ASC';
      text +=
        orderBy.path === 'c.id'
          ? ` ORDER BY c.id ${direction}`
          : ` ORDER BY ${orderBy.path} ${direction}, c.id ${direction}`;
    }
    return {
      query: text,
      parameters: [
        { name: '@pk', value: location.pk },
        { name: '@tenantId', value: location.tenantId },
        ...(filter?.parameters ?? []),
      ],
    };
  }
}
