/**
 * Item activities, contained in an activity statistic's partition or referenced from other ones
 * (`itemActivityStat.activities` is a non-contained navigation in Graph).
 *
 * A reference is a document in the referencing statistic's partition with the target's id, a copy of its
 * properties and a pointer to the target's partition, so a listed collection (filters, ordering, paging)
 * shows contained and referenced activities from one single-partition query. The target keeps the list of
 * partitions that reference it (`referencedBy`) and refreshes or removes those copies whenever it changes:
 * point writes only, never a cross-partition query. Reading, updating or deleting through a reference acts on
 * the target, as Graph's navigation does; removing the reference (`…/$ref`) leaves the target alone.
 *
 * Cosmos DB has no transaction across partitions, so the steps are ordered to keep these invariants under
 * any interleaving of requests:
 * - no orphan: every listed reference's partition is in its target's `referencedBy`, so deleting the target
 *   removes it. Adding a reference first writes an unlisted (`pending`) copy, then registers its partition
 *   on the target (always a write: a racing removal or delete sees it and starts over), then lists the copy.
 * - no stale copy: every content write of a target increments `rev` (and a re-created target starts a new
 *   life, `inc`); a copy is refreshed only forwards (to a higher `rev`, or to the target's new life) and
 *   only by replacing the version read, so the newest content always wins.
 * - no trace of a refused request: a reference that cannot be completed is taken back before answering.
 * The entity's ETag is `ver`, which changes with the content only, so registering a reference does not
 * make a client's `If-Match` fail.
 */
import { randomUUID } from 'node:crypto';
import { BadRequestError, ConflictError, NotFoundError, PreconditionFailedError } from '../errors';
import type { Entity, JsonObject } from '../model/resource';
import { RETRY, type RequestBudget, untilSettled } from './budget';
import {
  EntityStore,
  type Location,
  type PartitionScope,
  type Precondition,
  type StoredDocument,
  type StoredEntity,
  locationOf,
} from './entityStore';

/** How many statistics may reference one activity (each reference is refreshed on every change). */
export const MAX_REFERENCES = 100;

/** A pending reference older than this was abandoned (its request's deadline is long past): it may be replaced. */
const ABANDONED_AFTER_SECONDS = 300;

/** How many references are refreshed or removed at once. */
const FAN_OUT = 8;

/** The index paths the store's own list condition uses (besides the queryable properties). */
export const ITEM_ACTIVITY_STORE_INDEX_PATHS = ['/pending'] as const;

async function eachLimited<T>(items: readonly T[], work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const item = items[next] as T;
      next += 1;
      await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(FAN_OUT, items.length) }, worker));
}

/** A stored document's own fields, without the store's system properties, to write it back changed. */
function fieldsOf(document: StoredDocument): JsonObject {
  const { _etag, _ts, ...fields } = document;
  return fields;
}

function isAbandoned(document: StoredDocument): boolean {
  return document.pending === true && Date.now() / 1000 - (document._ts ?? 0) > ABANDONED_AFTER_SECONDS;
}

export class ItemActivityStore extends EntityStore {
  protected override readonly listedOnly = 'NOT IS_DEFINED(c.pending)';

  protected override etagOf(document: StoredDocument): string {
    return document.ref?.ver ?? document.ver ?? document._etag;
  }

  private revOf(document: StoredDocument): number {
    return document.rev ?? 0;
  }

  /** Whether a copy already holds the target's content: the same life of it, at the same or a later revision. */
  private isCurrent(copy: StoredDocument, target: StoredDocument): boolean {
    return copy.ref?.inc === (target.inc ?? target.id) && copy.ref.rev >= this.revOf(target);
  }

  /** The target's fields that every copy carries: its content, where it lives and which version. */
  private copyOf(location: Location, target: StoredDocument, pending: boolean): JsonObject {
    return this.documentOf(location, this.entityOf(target), {
      ref: { pk: target.pk, ver: this.etagOf(target), rev: this.revOf(target), inc: target.inc ?? target.id },
      ...(pending ? { pending: true } : {}),
    });
  }

  /**
   * The entity a document stands for: itself, or the target of a listed reference (with where it lives).
   * A listed reference whose target is gone (left by a process that died while deleting it) is `dangling`.
   */
  private async resolve(
    location: Location,
    id: string,
    budget: RequestBudget,
  ): Promise<
    { home: Location; document: StoredDocument; dangling?: undefined } | { dangling: StoredDocument } | undefined
  > {
    const here = await this.readDocument(location, id, budget);
    if (here === undefined || here.pending === true) return undefined;
    if (here.ref === undefined) return { home: location, document: here };
    const home = { pk: here.ref.pk, tenantId: location.tenantId };
    const target = await this.readDocument(home, id, budget);
    return target === undefined || target.ref !== undefined ? { dangling: here } : { home, document: target };
  }

  /** The entity at `location` (through a reference too); undefined when there is none or it is dangling. */
  private async resolveLive(
    location: Location,
    id: string,
    budget: RequestBudget,
  ): Promise<{ home: Location; document: StoredDocument } | undefined> {
    const resolved = await this.resolve(location, id, budget);
    return resolved === undefined || resolved.dangling !== undefined ? undefined : resolved;
  }

  /** Brings the copy at `pk` forward to the target's content, unless it is already as new (or not a copy of it). */
  private async refreshCopy(target: StoredDocument, pk: string, budget: RequestBudget): Promise<void> {
    const location = { pk, tenantId: target.tenantId };
    await untilSettled(budget, this.turns, this.keyOf(location, target.id), async () => {
      const copy = await this.readDocument(location, target.id, budget);
      if (copy?.ref?.pk !== target.pk || this.isCurrent(copy, target)) return undefined;
      const written = await this.tryWrite(
        'replace',
        location,
        this.copyOf(location, target, copy.pending === true),
        budget,
        copy._etag,
      );
      // Gone meanwhile (removed, or its target deleted): nothing to refresh, and it must not come back.
      if (written.raced === 404) return undefined;
      return written.raced === undefined ? undefined : RETRY;
    });
  }

  private async refreshReferences(target: StoredDocument, budget: RequestBudget): Promise<void> {
    await eachLimited(target.referencedBy ?? [], (pk) => this.refreshCopy(target, pk, budget));
  }

  /** Deletes the copy of `target` at `pk`, if there is one (never a contained activity or another target's copy). */
  private async removeCopy(target: { id: string; pk: string; tenantId: string }, pk: string, budget: RequestBudget) {
    const location = { pk, tenantId: target.tenantId };
    await untilSettled(budget, this.turns, this.keyOf(location, target.id), async () => {
      const copy = await this.readDocument(location, target.id, budget);
      if (copy?.ref?.pk !== target.pk) return undefined;
      const deleted = await this.tryDelete(location, target.id, budget, copy._etag);
      return deleted === 'deleted' || deleted.raced === 404 ? undefined : RETRY;
    });
  }

  /**
   * A contained activity's document for new content: a new version, the next revision of the same life (or a
   * new life), its references kept.
   */
  private contentDocument(location: Location, entity: Entity, previous: StoredDocument | undefined): JsonObject {
    return this.documentOf(location, entity, {
      ver: randomUUID(),
      rev: previous === undefined ? 1 : this.revOf(previous) + 1,
      inc: previous === undefined ? randomUUID() : (previous.inc ?? previous.id),
      ...(previous?.referencedBy === undefined ? {} : { referencedBy: previous.referencedBy }),
    });
  }

  override async read(scope: PartitionScope, id: string, budget: RequestBudget): Promise<StoredEntity | undefined> {
    const resolved = await this.resolveLive(locationOf(scope), id, budget);
    return resolved === undefined ? undefined : this.entityOf(resolved.document);
  }

  /** Create or replace a contained activity, keeping (and refreshing) the references to it. */
  override async upsert(
    scope: PartitionScope,
    entity: Entity,
    budget: RequestBudget,
  ): Promise<{ created: boolean; entity: StoredEntity }> {
    const location = locationOf(scope);
    const written = await untilSettled(budget, this.turns, this.keyOf(location, entity.id), async () => {
      const existing = await this.readDocument(location, entity.id, budget);
      if (existing?.ref !== undefined && !isAbandoned(existing)) {
        throw new ConflictError(`'${entity.id}' is the id of an activity referenced in this collection.`);
      }
      const previous = existing?.ref === undefined ? existing : undefined;
      const document = this.contentDocument(location, entity, previous);
      const result =
        existing === undefined
          ? await this.tryWrite('create', location, document, budget)
          : await this.tryWrite('replace', location, document, budget, existing._etag);
      // Replacing an abandoned pending reference creates the activity, as far as any client can tell.
      const created = previous === undefined;
      return result.raced === undefined ? { created, document: result.document } : RETRY;
    });
    await this.refreshReferences(written.document, budget);
    return { created: written.created, entity: this.entityOf(written.document) };
  }

  /** A new contained activity only (`If-None-Match: *`): 412 when the collection holds any activity with the id. */
  override async create(scope: PartitionScope, entity: Entity, budget: RequestBudget): Promise<StoredEntity> {
    const location = locationOf(scope);
    const written = await this.tryWrite('create', location, this.contentDocument(location, entity, undefined), budget);
    if (written.raced !== undefined) throw new PreconditionFailedError(`An itemActivity '${entity.id}' exists here.`);
    return this.entityOf(written.document);
  }

  /** PATCH, through a reference too: the target's content changes, and every copy follows. */
  override async update(
    scope: PartitionScope,
    id: string,
    change: (current: StoredEntity) => Entity,
    budget: RequestBudget,
    precondition?: Precondition,
  ): Promise<StoredEntity> {
    const location = locationOf(scope);
    const written = await untilSettled(budget, this.turns, this.keyOf(location, id), async () => {
      const resolved = await this.resolveLive(location, id, budget);
      if (resolved === undefined) throw this.notFound(id);
      const { home, document } = resolved;
      const current = this.entityOf(document);
      if (precondition !== undefined && !precondition(current)) throw new PreconditionFailedError();
      const next = this.contentDocument(home, change(current), document);
      const result = await this.tryWrite('replace', home, next, budget, document._etag);
      return result.raced === undefined ? result.document : RETRY;
    });
    await this.refreshReferences(written, budget);
    return this.entityOf(written);
  }

  /** DELETE, through a reference too: the target goes, and so does every copy of it. */
  override async delete(
    scope: PartitionScope,
    id: string,
    budget: RequestBudget,
    precondition?: Precondition,
  ): Promise<void> {
    const location = locationOf(scope);
    const deleted = await untilSettled(budget, this.turns, this.keyOf(location, id), async () => {
      const resolved = await this.resolve(location, id, budget);
      if (resolved === undefined) throw this.notFound(id);
      if (resolved.dangling !== undefined) {
        // A listed reference whose target is gone: deleting it through the collection takes it away.
        const removed = await this.tryDelete(location, id, budget, resolved.dangling._etag);
        return removed === 'deleted' ? { ...resolved.dangling, referencedBy: [] } : RETRY;
      }
      const { home, document } = resolved;
      if (precondition !== undefined && !precondition(this.entityOf(document))) throw new PreconditionFailedError();
      // Only the version read: a reference registered meanwhile makes this attempt start over and see it.
      const result = await this.tryDelete(home, id, budget, document._etag);
      return result === 'deleted' ? document : RETRY;
    });
    await eachLimited(deleted.referencedBy ?? [], (pk) => this.removeCopy(deleted, pk, budget));
  }

  /**
   * Adds to the collection at `scope` a reference to the activity `id` of the collection at `target` (same
   * tenant). 404 when it does not exist; 409 when the collection already holds an activity with that id.
   */
  async addReference(scope: PartitionScope, target: PartitionScope, id: string, budget: RequestBudget): Promise<void> {
    const location = locationOf(scope);
    const resolved = await this.resolveLive(locationOf(target), id, budget);
    if (resolved === undefined) throw new NotFoundError(`The itemActivity '${id}' does not exist.`, 'itemNotFound');
    const { home, document } = resolved;
    if (home.pk === location.pk) throw new ConflictError(`The itemActivity '${id}' is already in this collection.`);
    this.checkReferenceLimit(document, location, id);

    // 1. An unlisted copy: it claims the id in this collection (a concurrent duplicate gets 409).
    await this.claim(location, document, budget);
    try {
      // 2. The target registers this partition (always a write, see the invariants above).
      const registered = await this.register(home, location, id, budget);
      // 3. The copy is listed, with the target's newest content.
      await this.publish(location, registered, budget);
    } catch (error) {
      // A refused reference leaves no trace. Past the deadline the copy stays unlisted (and is abandoned).
      if (!budget.expired()) {
        await this.removeCopy({ id, pk: home.pk, tenantId: home.tenantId }, location.pk, budget).catch(() => undefined);
      }
      throw error;
    }
  }

  private checkReferenceLimit(target: StoredDocument, location: Location, id: string): void {
    const referencedBy = target.referencedBy ?? [];
    if (!referencedBy.includes(location.pk) && referencedBy.length >= MAX_REFERENCES) {
      throw new BadRequestError(`The itemActivity '${id}' is referenced by ${MAX_REFERENCES} collections already.`);
    }
  }

  private async claim(location: Location, target: StoredDocument, budget: RequestBudget): Promise<void> {
    const copy = this.copyOf(location, target, true);
    await untilSettled(budget, this.turns, this.keyOf(location, target.id), async () => {
      const created = await this.tryWrite('create', location, copy, budget);
      if (created.raced === undefined) return undefined;
      const existing = await this.readDocument(location, target.id, budget);
      if (existing === undefined) return RETRY;
      if (!isAbandoned(existing)) {
        throw new ConflictError(`This collection already holds an itemActivity '${target.id}'.`);
      }
      const replaced = await this.tryWrite('replace', location, copy, budget, existing._etag);
      return replaced.raced === undefined ? undefined : RETRY;
    });
  }

  private async register(
    home: Location,
    location: Location,
    id: string,
    budget: RequestBudget,
  ): Promise<StoredDocument> {
    return untilSettled(budget, this.turns, this.keyOf(home, id), async () => {
      const target = await this.readDocument(home, id, budget);
      if (target === undefined || target.ref !== undefined) {
        throw new NotFoundError(`The itemActivity '${id}' does not exist (it was deleted meanwhile).`, 'itemNotFound');
      }
      this.checkReferenceLimit(target, location, id);
      const referencedBy = [...new Set([...(target.referencedBy ?? []), location.pk])];
      const written = await this.tryWrite('replace', home, { ...fieldsOf(target), referencedBy }, budget, target._etag);
      if (written.raced === 404) {
        throw new NotFoundError(`The itemActivity '${id}' does not exist (it was deleted meanwhile).`, 'itemNotFound');
      }
      return written.raced === undefined ? written.document : RETRY;
    });
  }

  private async publish(location: Location, target: StoredDocument, budget: RequestBudget): Promise<void> {
    await untilSettled(budget, this.turns, this.keyOf(location, target.id), async () => {
      const copy = await this.readDocument(location, target.id, budget);
      if (copy?.ref?.pk !== target.pk || copy.pending !== true) {
        // Removed by a delete of the target that saw the registration.
        throw new NotFoundError(`The itemActivity '${target.id}' was deleted meanwhile.`, 'itemNotFound');
      }
      // A refresh may have brought the copy further than the target read here: keep the newer content.
      const listed = this.isCurrent(copy, target) ? fieldsOf(copy) : this.copyOf(location, target, false);
      delete listed.pending;
      const written = await this.tryWrite('replace', location, listed, budget, copy._etag);
      return written.raced === undefined ? undefined : RETRY;
    });
  }

  /** Removes the reference `id` from the collection at `scope`; the referenced activity stays. 404 if none. */
  async removeReference(scope: PartitionScope, id: string, budget: RequestBudget): Promise<void> {
    const location = locationOf(scope);
    const removed = await untilSettled(budget, this.turns, this.keyOf(location, id), async () => {
      const reference = await this.readDocument(location, id, budget);
      if (reference?.ref === undefined || reference.pending === true) {
        throw new NotFoundError(`This collection holds no reference '${id}'.`, 'itemNotFound');
      }
      const deleted = await this.tryDelete(location, id, budget, reference._etag);
      return deleted === 'deleted' ? reference.ref : RETRY;
    });
    await this.unregister({ pk: removed.pk, tenantId: location.tenantId }, location, id, budget);
  }

  /**
   * Takes `location` off the target's `referencedBy`, unless a copy is there again (added meanwhile): only
   * the version read is replaced, so a registration that races with this one makes it start over.
   */
  private async unregister(home: Location, location: Location, id: string, budget: RequestBudget): Promise<void> {
    await untilSettled(budget, this.turns, this.keyOf(home, id), async () => {
      const target = await this.readDocument(home, id, budget);
      if (target === undefined || !(target.referencedBy ?? []).includes(location.pk)) return undefined;
      const copy = await this.readDocument(location, id, budget);
      if (copy?.ref?.pk === home.pk) return undefined;
      const referencedBy = (target.referencedBy ?? []).filter((pk) => pk !== location.pk);
      const written = await this.tryWrite('replace', home, { ...fieldsOf(target), referencedBy }, budget, target._etag);
      return written.raced === undefined || written.raced === 404 ? undefined : RETRY;
    });
  }
}
