/**
 * Entities in a Cosmos DB container. A document is `{id, pk, tenantId, type, data}`: the Graph properties
 * live under `data`, so a dynamic property of an open type can never collide with a field of the store.
 * `pk` is `<tenant id>/<owner scope>`; every call is confined to one such partition.
 *
 * Concurrency: a write without a client precondition never fails because another writer came first. Create
 * is one upsert; PATCH and DELETE read, check the client's `If-Match` (if any) and write only the version
 * they read, retrying on fresh data when another writer won (until the request's deadline, then 503). With
 * `If-Match`, exactly one writer per version wins and the others answer 412.
 */
import { createHash } from 'node:crypto';
import {
  type Container,
  ErrorResponse,
  type JSONObject,
  type OperationInput,
  type RequestOptions,
} from '@azure/cosmos';
import { z } from 'zod';
import {
  BadRequestError,
  ConflictError,
  NotFoundError,
  PreconditionFailedError,
  ServiceError,
  ServiceUnavailableError,
  TooManyRequestsError,
} from '../errors';
import type { SqlCondition } from '../odata/filter';
import type { QueryShape } from '../odata/listOptions';
import { type Entity, type JsonObject, type ResourceDefinition, decodeStored } from '../model/resource';
import { RETRY, type RequestBudget, WriterTurns, untilSettled, whileThrottled } from './budget';

/** Where an entity lives: the caller's tenant and the owner the path names (e.g. `users/<oid>`). */
export interface PartitionScope {
  readonly tenantId: string;
  readonly owner: string;
}

/** A page request: the SQL path to order by (`c.id` when none), the condition, the page size and where to resume. */
export interface ListQuery {
  readonly filter: SqlCondition | undefined;
  readonly orderBy: { readonly path: string; readonly descending: boolean } | undefined;
  readonly top: number;
  readonly continuation: string | undefined;
}

export interface StoredEntity<D extends JsonObject = JsonObject> extends Entity<D> {
  /** The entity's version, returned as the HTTP ETag. */
  readonly etag: string;
}

/** What a write of many entities did: how many it created and how many it replaced. */
export interface WrittenCounts {
  readonly created: number;
  readonly replaced: number;
}

/** The most operations Cosmos DB takes in one transactional batch. */
export const MAX_BATCH_OPERATIONS = 100;

/** Whether the client's precondition (`If-Match`) admits the entity's current version. */
export type Precondition = (current: StoredEntity) => boolean;

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
export function toServiceError(error: unknown, budget?: RequestBudget, retryAfterMsOf429?: number): unknown {
  if (error instanceof ServiceError) return error;
  if (error instanceof Error && error.name === 'AbortError' && budget !== undefined) return budget.exceeded(error);
  const code = statusOf(error);
  if (code === 412) return new PreconditionFailedError();
  // A point write on an entity that a concurrent request deleted, or created, first.
  if (code === 404) return new NotFoundError('The entity does not exist (it was deleted meanwhile).', 'itemNotFound');
  if (code === 409) return new ConflictError('An entity with this id already exists.');
  if (code === 429) {
    const retryAfterMs = error instanceof ErrorResponse ? (error.retryAfterInMs ?? 1000) : (retryAfterMsOf429 ?? 1000);
    return new TooManyRequestsError(Math.max(1, Math.ceil(retryAfterMs / 1000)), retryAfterMs);
  }
  if (code === 503 || code === 408 || (typeof code === 'string' && NETWORK_ERRORS.has(code))) {
    return new ServiceUnavailableError(5, error);
  }
  if (error instanceof Error && error.name === 'TimeoutError') return new ServiceUnavailableError(5, error);
  return error;
}

const storedDocument = z.object({
  id: z.string(),
  pk: z.string(),
  tenantId: z.string(),
  type: z.string(),
  data: z.record(z.string(), z.unknown()),
  idx: z.record(z.string(), z.unknown()).optional(),
  /** The content version (the ETag) where writes that do not change the content exist (item activities). */
  ver: z.string().optional(),
  /** Counts content writes: orders the copies of a referenced entity. */
  rev: z.number().int().optional(),
  /** Names one life of an entity (from its creation to its deletion): a re-created entity counts anew. */
  inc: z.string().optional(),
  /** On a reference: where the referenced entity lives, and the version (of which life) this copy holds. */
  ref: z.object({ pk: z.string(), ver: z.string(), rev: z.number().int(), inc: z.string() }).optional(),
  /** On a reference that is being added: not listed or readable until the target has registered it. */
  pending: z.literal(true).optional(),
  /** On a referenced entity: the partitions that hold a reference to it. */
  referencedBy: z.array(z.string()).optional(),
  _etag: z.string(),
  _ts: z.number().optional(),
});
export type StoredDocument = z.infer<typeof storedDocument>;

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
// As zod's `int()`: a safe integer.
const isInteger = (value: unknown): value is number => Number.isSafeInteger(value);

/**
 * A stored document as `storedDocument` decodes it (its own fields only), checked by hand: every read decodes
 * each document it returns, and the schema's general machinery cost more than the rest of a point read's
 * work. Undefined when anything is amiss; the schema then decodes it, and says what.
 */
export function wellFormed(raw: unknown): StoredDocument | undefined {
  if (!isObject(raw)) return undefined;
  const { id, pk, tenantId, type, data, idx, ver, rev, inc, ref, pending, referencedBy, _etag, _ts } = raw;
  if (typeof id !== 'string' || typeof pk !== 'string' || typeof tenantId !== 'string') return undefined;
  if (typeof type !== 'string' || !isObject(data) || typeof _etag !== 'string') return undefined;
  const document: StoredDocument = { id, pk, tenantId, type, data, _etag };
  if (idx !== undefined) {
    if (!isObject(idx)) return undefined;
    document.idx = idx;
  }
  if (ver !== undefined) {
    if (typeof ver !== 'string') return undefined;
    document.ver = ver;
  }
  if (rev !== undefined) {
    if (!isInteger(rev)) return undefined;
    document.rev = rev;
  }
  if (inc !== undefined) {
    if (typeof inc !== 'string') return undefined;
    document.inc = inc;
  }
  if (ref !== undefined) {
    if (!isObject(ref) || typeof ref.pk !== 'string' || typeof ref.ver !== 'string') return undefined;
    if (!isInteger(ref.rev) || typeof ref.inc !== 'string') return undefined;
    document.ref = { pk: ref.pk, ver: ref.ver, rev: ref.rev, inc: ref.inc };
  }
  if (pending !== undefined) {
    if (pending !== true) return undefined;
    document.pending = true;
  }
  if (referencedBy !== undefined) {
    if (!Array.isArray(referencedBy) || !referencedBy.every((p) => typeof p === 'string')) return undefined;
    document.referencedBy = referencedBy;
  }
  if (_ts !== undefined) {
    if (typeof _ts !== 'number' || !Number.isFinite(_ts)) return undefined;
    document._ts = _ts;
  }
  return document;
}

/** The schema of a stored document's own fields (`wellFormed` is its fast path, and must agree with it). */
export const STORED_DOCUMENT_SCHEMA: z.ZodType<StoredDocument> = storedDocument;

/** The names of a stored document's own fields: no dynamic property of an open type may use them. */
export const STORE_FIELD_NAMES: readonly string[] = Object.keys(storedDocument.shape);

/** Where documents live: a partition of one tenant. */
export interface Location {
  readonly pk: string;
  readonly tenantId: string;
}

export function locationOf(scope: PartitionScope): Location {
  return { pk: partitionKeyOf(scope), tenantId: scope.tenantId };
}

/** A conditional point write or delete either happens, or loses a race (the entity changed, vanished or appeared). */
export type Raced = { readonly raced: 404 | 409 | 412 };
export type Written = { readonly raced?: undefined; readonly created: boolean; readonly document: StoredDocument };

function racedStatus(error: unknown): 404 | 409 | 412 | undefined {
  const code = statusOf(error);
  return code === 404 || code === 409 || code === 412 ? code : undefined;
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

  /** Where this store's read-modify-writes of one document take turns. */
  protected readonly turns = new WriterTurns();

  /** A condition every listed or counted document meets besides its partition (none here). */
  protected readonly listedOnly: string | undefined = undefined;

  /** Runs one SDK call within the request's deadline, its errors mapped to service errors. */
  protected async call<T>(budget: RequestBudget, operation: (options: RequestOptions) => Promise<T>): Promise<T> {
    try {
      return await budget.race(operation({ abortSignal: budget.signal }));
    } catch (error) {
      throw toServiceError(error, budget);
    }
  }

  /** Like `call`, but a lost race (404, 409, 412) is returned instead of thrown. */
  private async conditional<T>(
    budget: RequestBudget,
    operation: (options: RequestOptions) => Promise<T>,
  ): Promise<T | Raced> {
    try {
      return await budget.race(operation({ abortSignal: budget.signal }));
    } catch (error) {
      const raced = racedStatus(error);
      if (raced !== undefined) return { raced };
      throw toServiceError(error, budget);
    }
  }

  /** Decodes a stored document; one of another partition or tenant is never returned (defence in depth). */
  protected decode(raw: unknown, location: Location): StoredDocument | undefined {
    const document = wellFormed(raw) ?? storedDocument.parse(raw);
    return document.pk === location.pk && document.tenantId === location.tenantId ? document : undefined;
  }

  /** The ETag of a stored entity. */
  protected etagOf(document: StoredDocument): string {
    return document._etag;
  }

  protected entityOf(document: StoredDocument): StoredEntity<D> {
    return {
      ...decodeStored(this.definition, document.type, document.id, document.data),
      etag: this.etagOf(document),
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
    budget: RequestBudget,
  ): Promise<StoredDocument | undefined> {
    const response = await this.call(budget, (options) => this.container.item(id, location.pk).read(options));
    budget.add(response.requestCharge);
    if (response.statusCode === 404 || response.resource === undefined) return undefined;
    return this.decode(response.resource, location);
  }

  /**
   * Writes a document: `create` (races with 409 when it exists), `upsert`, or `replace` of the version
   * `etag` (races with 412 when it changed, 404 when it is gone). A lost race is returned, not thrown.
   */
  protected async tryWrite(
    mode: 'create' | 'upsert' | 'replace',
    location: Location,
    document: JsonObject,
    budget: RequestBudget,
    etag?: string,
  ): Promise<Written | Raced> {
    const response = await this.conditional(budget, (options) => {
      const conditioned =
        etag === undefined ? options : { ...options, accessCondition: { type: 'IfMatch', condition: etag } };
      if (mode === 'create') return this.container.items.create(document, options);
      if (mode === 'upsert') return this.container.items.upsert(document, conditioned);
      return this.container.item(String(document.id), location.pk).replace(document, conditioned);
    });
    if ('raced' in response) return response;
    budget.add(response.requestCharge);
    // The store answers with the document as written and its system properties: only the version is new, so
    // the document is not decoded again.
    const answered = response.resource as Partial<Record<keyof StoredDocument, unknown>> | undefined;
    if (answered?.pk !== location.pk || answered.tenantId !== location.tenantId || answered.id !== document.id) {
      throw new Error(`The store answered a ${mode} with a document of another partition.`);
    }
    if (typeof answered._etag !== 'string') throw new Error(`The store answered a ${mode} without an _etag.`);
    const stored = {
      ...document,
      _etag: answered._etag,
      ...(typeof answered._ts === 'number' ? { _ts: answered._ts } : {}),
    } as StoredDocument;
    return { created: response.statusCode === 201, document: stored };
  }

  /** The entity just written, as stored: it was validated before the write, so it is not decoded again. */
  protected writtenEntity(entity: Entity<D>, document: StoredDocument): StoredEntity<D> {
    return { type: entity.type, id: entity.id, data: entity.data, etag: this.etagOf(document) };
  }

  /** Deletes a document (if its version is still `etag`, when given); a lost race is returned. */
  protected async tryDelete(
    location: Location,
    id: string,
    budget: RequestBudget,
    etag?: string,
  ): Promise<'deleted' | Raced> {
    const response = await this.conditional(budget, (options) =>
      this.container
        .item(id, location.pk)
        .delete(etag === undefined ? options : { ...options, accessCondition: { type: 'IfMatch', condition: etag } }),
    );
    if ('raced' in response) return response;
    budget.add(response.requestCharge);
    return 'deleted';
  }

  /** A point read; undefined when the entity does not exist in the scope. */
  async read(scope: PartitionScope, id: string, budget: RequestBudget): Promise<StoredEntity<D> | undefined> {
    const document = await this.readDocument(locationOf(scope), id, budget);
    return document === undefined ? undefined : this.entityOf(document);
  }

  /** Creates or replaces the entity with this id (contract: create is an upsert keyed by the natural id). */
  async upsert(
    scope: PartitionScope,
    entity: Entity<D>,
    budget: RequestBudget,
  ): Promise<{ created: boolean; entity: StoredEntity<D> }> {
    const location = locationOf(scope);
    const written = await this.tryWrite('upsert', location, this.documentOf(location, entity), budget);
    if (written.raced !== undefined) throw new Error(`An unconditional upsert lost a race (${written.raced}).`);
    return { created: written.created, entity: this.writtenEntity(entity, written.document) };
  }

  /**
   * Upserts many entities of one partition: 100 to a transactional batch (one request, all or none of its
   * upserts), `concurrency` batches in flight. A throttled batch is tried again until the deadline. The first
   * batch that fails for another reason (or at the deadline) stops the others from starting, and its error
   * is thrown once those in flight have settled: the batches written by then stay written, and
   * `onWritten` has been told of each.
   *
   * Transactional batches rather than the SDK's bulk executor (`executeBulkOperations`): every entity here is
   * in one partition, which is what a transactional batch is for, and the bulk executor polls for its results
   * once a second and starts at one request in flight (10,000 rows on the embedded server: about 3 s, against
   * 0.3 s in batches of 100, four at a time).
   */
  async upsertMany(
    scope: PartitionScope,
    entities: readonly Entity<D>[],
    budget: RequestBudget,
    options: { readonly concurrency: number; readonly onWritten?: (counts: WrittenCounts) => void },
  ): Promise<WrittenCounts> {
    const location = locationOf(scope);
    const batches: Entity<D>[][] = [];
    for (let start = 0; start < entities.length; start += MAX_BATCH_OPERATIONS) {
      batches.push(entities.slice(start, start + MAX_BATCH_OPERATIONS));
    }
    let next = 0;
    let created = 0;
    let replaced = 0;
    let failure: { error: unknown } | undefined;
    const writer = async (): Promise<void> => {
      while (failure === undefined && next < batches.length) {
        const batch = batches[next] ?? [];
        next += 1;
        try {
          const written = await whileThrottled(budget, () => this.upsertBatch(location, batch, budget));
          created += written.created;
          replaced += written.replaced;
          options.onWritten?.(written);
        } catch (error) {
          failure ??= { error };
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(Math.max(1, options.concurrency), batches.length) }, writer));
    if (failure !== undefined) throw failure.error;
    return { created, replaced };
  }

  /** One transactional batch of upserts in one partition: all of them, or (throwing) none. */
  private async upsertBatch(
    location: Location,
    entities: readonly Entity<D>[],
    budget: RequestBudget,
  ): Promise<WrittenCounts> {
    // New operation objects for every attempt: the SDK rewrites an operation's partitionKey in place.
    const operations: OperationInput[] = entities.map((entity) => ({
      operationType: 'Upsert',
      partitionKey: location.pk,
      // Entities hold only what JSON parsing and validation made (JSON values), which is what the SDK asks.
      resourceBody: this.documentOf(location, entity) as JSONObject,
    }));
    let response;
    try {
      response = await budget.race(this.container.items.batch(operations, location.pk, { abortSignal: budget.signal }));
    } catch (error) {
      // The SDK wraps a refused batch request in an Error of its own; its cause carries the status.
      if (error instanceof ServiceError) throw error;
      throw toServiceError(error instanceof Error && error.cause !== undefined ? error.cause : error, budget);
    }
    const results = response.result ?? [];
    budget.add(results.reduce((sum, result) => sum + (result.requestCharge || 0), 0));
    // A batch that failed (207) names the operation that failed; the others answer 424 and none was written.
    const failed = results.find((result) => result.statusCode >= 400 && result.statusCode !== 424);
    if (failed !== undefined || response.code === 207) {
      const status = failed?.statusCode ?? response.code;
      const retryAfterMs = Number(response.headers['x-ms-retry-after-ms'] ?? 1000);
      throw toServiceError(
        Object.assign(new Error(`A batch of upserts failed with ${status}.`), { code: status }),
        budget,
        retryAfterMs,
      );
    }
    if (results.length !== entities.length) {
      throw new Error(`The store answered a batch of ${entities.length} upserts with ${results.length} results.`);
    }
    return {
      created: results.filter((result) => result.statusCode === 201).length,
      replaced: results.filter((result) => result.statusCode === 200).length,
    };
  }

  /** Creates the entity only if no entity has its id (`If-None-Match: *`): 412 otherwise, nothing changed. */
  async create(scope: PartitionScope, entity: Entity<D>, budget: RequestBudget): Promise<StoredEntity<D>> {
    const location = locationOf(scope);
    const written = await this.tryWrite('create', location, this.documentOf(location, entity), budget);
    if (written.raced !== undefined) throw new PreconditionFailedError(`An entity with the id '${entity.id}' exists.`);
    return this.writtenEntity(entity, written.document);
  }

  /**
   * Read-modify-write of one entity: `change` makes the new entity from the current one (and may refuse
   * it); only the version read is replaced, so a concurrent writer's change is never lost. 404 when the
   * entity does not exist, 412 when `precondition` does not admit the current version.
   */
  async update(
    scope: PartitionScope,
    id: string,
    change: (current: StoredEntity<D>) => Entity<D>,
    budget: RequestBudget,
    precondition?: Precondition,
  ): Promise<StoredEntity<D>> {
    const location = locationOf(scope);
    return untilSettled(budget, this.turns, this.keyOf(location, id), async () => {
      const current = await this.readDocument(location, id, budget);
      if (current === undefined) throw this.notFound(id);
      const entity = this.entityOf(current);
      if (precondition !== undefined && !precondition(entity)) throw new PreconditionFailedError();
      const next = change(entity);
      const written = await this.tryWrite('replace', location, this.documentOf(location, next), budget, current._etag);
      return written.raced === undefined ? this.writtenEntity(next, written.document) : RETRY;
    });
  }

  /** Deletes the entity: 404 when it does not exist, 412 when `precondition` does not admit its version. */
  async delete(scope: PartitionScope, id: string, budget: RequestBudget, precondition?: Precondition): Promise<void> {
    const location = locationOf(scope);
    if (precondition === undefined) {
      const deleted = await this.tryDelete(location, id, budget);
      if (deleted !== 'deleted') throw this.notFound(id);
      return;
    }
    await untilSettled(budget, this.turns, this.keyOf(location, id), async () => {
      const current = await this.readDocument(location, id, budget);
      if (current === undefined) throw this.notFound(id);
      if (!precondition(this.entityOf(current))) throw new PreconditionFailedError();
      const deleted = await this.tryDelete(location, id, budget, current._etag);
      return deleted === 'deleted' ? undefined : RETRY;
    });
  }

  /** Names one document of this container, for the turns its writers take in this process. */
  protected keyOf(location: Location, id: string): string {
    return `${this.container.id}|${location.pk}|${id}`;
  }

  protected notFound(id: string): NotFoundError {
    return new NotFoundError(`The ${this.definition.baseType} '${id}' does not exist here.`, 'itemNotFound');
  }

  /**
   * One page of the partition's entities. The condition is always ANDed with the partition key and the tenant
   * in the WHERE clause: the query is single-partition even where the partitionKey option is ignored.
   */
  async list(
    scope: PartitionScope,
    query: ListQuery,
    budget: RequestBudget,
  ): Promise<{ items: StoredEntity<D>[]; continuation: string | undefined }> {
    const location = locationOf(scope);
    const spec = this.querySpec(location, 'SELECT * FROM c', query.filter, query.orderBy);
    const iterator = this.container.items.query(spec, {
      maxItemCount: query.top,
      partitionKey: location.pk,
      abortSignal: budget.signal,
      ...(query.continuation === undefined ? {} : { continuationToken: query.continuation }),
    });
    const items: StoredEntity<D>[] = [];
    let continuation: string | undefined;
    // A page may come back empty with a continuation: read on until something arrives (or nothing is left).
    for (let reads = 0; reads < 10; reads += 1) {
      const page = await this.call(budget, () => iterator.fetchNext()).catch((error: unknown) => {
        if (query.continuation !== undefined && error instanceof Error && statusOf(error) === 400) {
          throw new BadRequestError('Invalid $skiptoken: the token is not one this service issued.');
        }
        throw error;
      });
      budget.add(page.requestCharge);
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
  async count(scope: PartitionScope, filter: SqlCondition | undefined, budget: RequestBudget): Promise<number> {
    const location = locationOf(scope);
    const spec = this.querySpec(location, 'SELECT VALUE COUNT(1) FROM c', filter, undefined);
    const response = await this.call(budget, (options) =>
      this.container.items.query<number>(spec, { ...options, partitionKey: location.pk }).fetchAll(),
    );
    budget.add(response.requestCharge);
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
    if (this.listedOnly !== undefined) conditions.push(this.listedOnly);
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
