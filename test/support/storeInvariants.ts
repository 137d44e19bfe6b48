/**
 * The invariants of stored item activities and their references, checked on the database itself (not
 * through the API): what concurrency, fuzz and fault tests assert after their requests settle.
 */
import type { Container } from '@azure/cosmos';
import { isDeepStrictEqual } from 'node:util';

interface ActivityDocument {
  id: string;
  pk: string;
  tenantId: string;
  data: Record<string, unknown>;
  rev?: number;
  ver?: string;
  inc?: string;
  pending?: boolean;
  ref?: { pk: string; ver: string; rev: number; inc: string };
  referencedBy?: string[];
}

export async function activityDocuments(container: Container): Promise<ActivityDocument[]> {
  const { resources } = await container.items.query<ActivityDocument>('SELECT * FROM c').fetchAll();
  return resources;
}

/**
 * Every violation of:
 * - no orphan: a listed reference's target exists and lists the reference's partition;
 * - current: a listed reference holds its target's content and version;
 * - no trace: no unlisted (pending) reference is left, and a target lists only partitions that hold a
 *   reference to it.
 */
export async function referenceViolations(container: Container): Promise<string[]> {
  const documents = await activityDocuments(container);
  const byKey = new Map(documents.map((d) => [`${d.pk}|${d.id}`, d]));
  const violations: string[] = [];
  for (const document of documents) {
    const name = `${document.pk}|${document.id}`;
    if (document.ref !== undefined) {
      if (document.pending === true) {
        violations.push(`${name}: a pending reference was left behind`);
        continue;
      }
      const target = byKey.get(`${document.ref.pk}|${document.id}`);
      if (target === undefined || target.ref !== undefined) {
        violations.push(`${name}: orphan (its target ${document.ref.pk} does not exist)`);
        continue;
      }
      if (!(target.referencedBy ?? []).includes(document.pk)) {
        violations.push(`${name}: orphan (its target does not list ${document.pk})`);
      }
      if (document.ref.rev !== target.rev || document.ref.ver !== target.ver || document.ref.inc !== target.inc) {
        violations.push(
          `${name}: stale (life ${document.ref.inc} rev ${document.ref.rev}; target ${target.inc ?? '?'} rev ${target.rev ?? '?'})`,
        );
      } else if (!isDeepStrictEqual(document.data, target.data)) {
        violations.push(`${name}: holds other content than its target at the same rev`);
      }
    }
    for (const pk of document.referencedBy ?? []) {
      const copy = byKey.get(`${pk}|${document.id}`);
      if (copy?.ref?.pk !== document.pk) violations.push(`${name}: lists ${pk}, which holds no reference to it`);
    }
  }
  return violations;
}
