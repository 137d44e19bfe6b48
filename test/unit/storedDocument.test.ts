/**
 * Reads decode stored documents with a hand-written check (`wellFormed`) and fall back to the zod schema only
 * when it finds something amiss. The two must agree: whatever the fast path accepts, the schema accepts with
 * the same result, on well-formed documents and on documents broken in any field.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { STORED_DOCUMENT_SCHEMA, wellFormed } from '../../src/store/entityStore';

const anyValue = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }),
  fc.constantFrom(undefined, 2 ** 60, -0, 1.5, Number.NaN, Number.POSITIVE_INFINITY, [], ['a', 1], { pk: 'x' }),
);

const reference = fc.record(
  { pk: fc.string(), ver: fc.string(), rev: fc.integer(), inc: fc.string() },
  { requiredKeys: ['pk', 'ver', 'rev', 'inc'] },
);

const valid = fc.record(
  {
    id: fc.string(),
    pk: fc.string(),
    tenantId: fc.string(),
    type: fc.string(),
    data: fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 1 })),
    idx: fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 1 })),
    ver: fc.string(),
    rev: fc.integer(),
    inc: fc.string(),
    ref: reference,
    pending: fc.constant(true),
    referencedBy: fc.array(fc.string(), { maxLength: 3 }),
    _etag: fc.string(),
    _ts: fc.integer(),
    _rid: fc.string(),
    extra: fc.jsonValue({ maxDepth: 1 }),
  },
  { requiredKeys: ['id', 'pk', 'tenantId', 'type', 'data', '_etag'] },
);

/** A valid document with up to three fields (or the reference's) replaced by anything. */
const broken = fc
  .tuple(
    valid,
    fc.array(
      fc.tuple(
        fc.constantFrom(
          'id',
          'pk',
          'tenantId',
          'type',
          'data',
          'idx',
          'ver',
          'rev',
          'inc',
          'ref',
          'pending',
          'referencedBy',
          '_etag',
          '_ts',
          'ref.pk',
          'ref.rev',
        ),
        anyValue,
      ),
      { maxLength: 3 },
    ),
  )
  .map(([document, changes]) => {
    const changed: Record<string, unknown> = { ...document };
    for (const [field, value] of changes) {
      if (field.startsWith('ref.')) {
        changed.ref = { ...(document.ref ?? { pk: 'p', ver: 'v', rev: 1, inc: 'i' }), [field.slice(4)]: value };
      } else changed[field] = value;
    }
    return changed;
  });

describe('a stored document: the fast check and the schema', () => {
  it('agree on every document, well-formed or broken in any field', () => {
    fc.assert(
      fc.property(fc.oneof(valid, broken, anyValue), (raw) => {
        const fast = wellFormed(raw);
        const schema = STORED_DOCUMENT_SCHEMA.safeParse(raw);
        // The fast path may pass a document on to the schema (undefined), never accept one the schema refuses.
        if (fast !== undefined) {
          expect(schema.success).toBe(true);
          expect(fast).toEqual(schema.data);
        }
        // And it accepts every well-formed document itself, or reads would pay for the schema every time.
        if (schema.success) expect(fast).toEqual(schema.data);
      }),
      { numRuns: 2_000, seed: 20261202 },
    );
  });
});
