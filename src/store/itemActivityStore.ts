/**
 * Item activities, contained in an activity statistic's partition or referenced from other ones
 * (`itemActivityStat.activities` is a non-contained navigation in Graph).
 *
 * A reference is a document in the referencing statistic's partition with the target's id, a copy of its
 * properties and a pointer to the target's partition, so a listed collection (filters, ordering, paging)
 * shows contained and referenced activities from one single-partition query. The target keeps the list of
 * partitions that reference it and refreshes or removes those copies whenever it changes: point writes
 * only, never a cross-partition query. Reading, updating or deleting through a reference acts on the target,
 * as Graph's navigation does; removing the reference (`…/$ref`) leaves the target alone.
 */
import { BadRequestError, ConflictError, NotFoundError, PreconditionFailedError } from '../errors';
import type { Entity } from '../model/resource';
import {
  EntityStore,
  type Location,
  type PartitionScope,
  type RequestMeter,
  type StoredDocument,
  type StoredEntity,
  locationOf,
} from './entityStore';

/** How many statistics may reference one activity (each reference is refreshed on every change). */
export const MAX_REFERENCES = 100;
const RETRIES = 3;

export class ItemActivityStore extends EntityStore {
  /** The entity a document stands for: itself, or the target of a reference (with where it lives). */
  private async resolve(
    location: Location,
    id: string,
    meter: RequestMeter,
  ): Promise<{ home: Location; document: StoredDocument } | undefined> {
    const here = await this.readDocument(location, id, meter);
    if (here?.ref === undefined) return here === undefined ? undefined : { home: location, document: here };
    const home = { pk: here.ref.pk, tenantId: location.tenantId };
    const target = await this.readDocument(home, id, meter);
    return target === undefined || target.ref !== undefined ? undefined : { home, document: target };
  }

  /** Writes the target's current properties into every reference to it. */
  private async refreshReferences(target: StoredDocument, meter: RequestMeter): Promise<void> {
    for (const pk of target.referencedBy ?? []) {
      const location = { pk, tenantId: target.tenantId };
      const copy = this.documentOf(location, this.entityOf(target), { ref: { pk: target.pk, etag: target._etag } });
      await this.writeDocument('upsert', location, copy, meter);
    }
  }

  private async removeReferences(target: StoredDocument, meter: RequestMeter): Promise<void> {
    for (const pk of target.referencedBy ?? []) {
      await this.deleteDocument({ pk, tenantId: target.tenantId }, target.id, meter).catch((error: unknown) => {
        if (!(error instanceof NotFoundError)) throw error;
      });
    }
  }

  override async read(scope: PartitionScope, id: string, meter: RequestMeter): Promise<StoredEntity | undefined> {
    const resolved = await this.resolve(locationOf(scope), id, meter);
    return resolved === undefined ? undefined : this.entityOf(resolved.document);
  }

  /** Create or replace a contained activity, keeping (and refreshing) the references to it. */
  override async upsert(
    scope: PartitionScope,
    entity: Entity,
    meter: RequestMeter,
  ): Promise<{ created: boolean; entity: StoredEntity }> {
    const location = locationOf(scope);
    for (let attempt = 1; ; attempt += 1) {
      const existing = await this.readDocument(location, entity.id, meter);
      if (existing?.ref !== undefined) {
        throw new ConflictError(`'${entity.id}' is the id of an activity referenced in this collection.`);
      }
      const extra = existing?.referencedBy === undefined ? {} : { referencedBy: existing.referencedBy };
      const document = this.documentOf(location, entity, extra);
      try {
        const written =
          existing === undefined
            ? await this.writeDocument('create', location, document, meter)
            : await this.writeDocument('replace', location, document, meter, existing._etag);
        await this.refreshReferences(written.document, meter);
        return { created: existing === undefined, entity: this.entityOf(written.document) };
      } catch (error) {
        // Another writer came first: read again and retry.
        const raced =
          error instanceof PreconditionFailedError || error instanceof ConflictError || error instanceof NotFoundError;
        if (!raced || attempt >= RETRIES) throw error;
      }
    }
  }

  override async replace(
    scope: PartitionScope,
    entity: Entity,
    etag: string,
    meter: RequestMeter,
  ): Promise<StoredEntity> {
    const resolved = await this.resolve(locationOf(scope), entity.id, meter);
    if (resolved === undefined)
      throw new NotFoundError(`The itemActivity '${entity.id}' does not exist here.`, 'itemNotFound');
    const { home, document } = resolved;
    const extra = document.referencedBy === undefined ? {} : { referencedBy: document.referencedBy };
    const written = await this.writeDocument('replace', home, this.documentOf(home, entity, extra), meter, etag);
    await this.refreshReferences(written.document, meter);
    return this.entityOf(written.document);
  }

  override async delete(scope: PartitionScope, id: string, etag: string, meter: RequestMeter): Promise<void> {
    const resolved = await this.resolve(locationOf(scope), id, meter);
    if (resolved === undefined)
      throw new NotFoundError(`The itemActivity '${id}' does not exist here.`, 'itemNotFound');
    await this.deleteDocument(resolved.home, id, meter, etag);
    await this.removeReferences(resolved.document, meter);
  }

  /**
   * Changes a target's list of referencing partitions, retrying when it changes meanwhile. Its version
   * changes, so every copy is refreshed to carry the new one.
   */
  private async updateReferencedBy(
    home: Location,
    id: string,
    change: (pks: string[]) => string[],
    meter: RequestMeter,
  ): Promise<void> {
    for (let attempt = 1; ; attempt += 1) {
      const target = await this.readDocument(home, id, meter);
      if (target === undefined) return;
      const { _etag, ...rest } = target;
      try {
        const written = await this.writeDocument(
          'replace',
          home,
          { ...rest, referencedBy: change(target.referencedBy ?? []) },
          meter,
          _etag,
        );
        await this.refreshReferences(written.document, meter);
        return;
      } catch (error) {
        if (!(error instanceof PreconditionFailedError) || attempt >= RETRIES) throw error;
      }
    }
  }

  /**
   * Adds to the collection at `scope` a reference to the activity `id` of the collection at `target` (same
   * tenant). 404 when it does not exist; 409 when the collection already holds an activity with that id.
   */
  async addReference(scope: PartitionScope, target: PartitionScope, id: string, meter: RequestMeter): Promise<void> {
    const location = locationOf(scope);
    const resolved = await this.resolve(locationOf(target), id, meter);
    if (resolved === undefined) throw new NotFoundError(`The itemActivity '${id}' does not exist.`, 'itemNotFound');
    const { home, document } = resolved;
    if (home.pk === location.pk) throw new ConflictError(`The itemActivity '${id}' is already in this collection.`);
    if ((document.referencedBy ?? []).length >= MAX_REFERENCES) {
      throw new BadRequestError(`The itemActivity '${id}' is referenced by ${MAX_REFERENCES} collections already.`);
    }
    const copy = this.documentOf(location, this.entityOf(document), { ref: { pk: home.pk, etag: document._etag } });
    try {
      await this.writeDocument('create', location, copy, meter);
    } catch (error) {
      if (error instanceof ConflictError)
        throw new ConflictError(`This collection already holds an itemActivity '${id}'.`);
      throw error;
    }
    await this.updateReferencedBy(home, id, (pks) => [...new Set([...pks, location.pk])], meter);
  }

  /** Removes the reference `id` from the collection at `scope`; the referenced activity stays. 404 if none. */
  async removeReference(scope: PartitionScope, id: string, meter: RequestMeter): Promise<void> {
    const location = locationOf(scope);
    const reference = await this.readDocument(location, id, meter);
    if (reference?.ref === undefined)
      throw new NotFoundError(`This collection holds no reference '${id}'.`, 'itemNotFound');
    await this.deleteDocument(location, id, meter, reference._etag);
    await this.updateReferencedBy(
      { pk: reference.ref.pk, tenantId: location.tenantId },
      id,
      (pks) => pks.filter((pk) => pk !== location.pk),
      meter,
    );
  }
}
