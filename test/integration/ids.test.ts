/**
 * Ids, through HTTP: every id the service accepts (in a body or in a path) can be read, patched and deleted
 * by its URL; any other is a 400 naming it, and changes nothing. Checked for hand-picked hostile ids and for
 * arbitrary strings (any UTF-16 code units, lone surrogates included).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ENTITY_ID_RULE, isEntityId } from '../../src/model/edm';
import {
  correctedActivationCounts,
  correctedActiveUserCounts,
  correctedActivityStatistics,
  itemActivitiesPath,
} from '../support/fixtures';
import { errorTargets, useTestHost } from '../support/testHost';

const api = useTestHost();

const COLLECTIONS: readonly { path: string; body: Record<string, unknown>; patch: Record<string, unknown> }[] = [
  {
    path: '/beta/me/analytics/activityStatistics',
    body: correctedActivityStatistics,
    patch: { timeZoneUsed: 'UTC' },
  },
  {
    path: itemActivitiesPath('5e6f7a8b-9c0d-4e1f-8a2b-3c4d5e6f7a8b', 'ids'),
    body: { activityDateTime: '2020-01-01T00:00:00Z' },
    patch: { note: 'patched' },
  },
  { path: '/beta/reports/office365ActivationCounts', body: correctedActivationCounts, patch: { windows: 1 } },
  { path: '/beta/reports/office365ActiveUserCounts', body: correctedActiveUserCounts, patch: { teams: 1 } },
];

/** The ids the issue that introduced these rules named, and their neighbours. */
const HOSTILE = [
  ' ',
  '\u00a0',
  '\ufeff',
  '\u2003',
  '\u3000',
  ' a',
  'a ',
  'a\u00a0',
  '.',
  '..',
  '\ud800',
  'a\udfff',
  '\u0085',
  'x'.repeat(256),
  '/',
  'a\\b',
  'a?b',
  'a#b',
  '\u0000',
  '$count',
  '$ref',
  '$metadata',
];
/** Unusual ids that are fine. */
const UNUSUAL = ['...', '.a', "a'b", 'a%20b', '%', 'a+b', 'é', '😀', 'x'.repeat(255), 'a b', 'a$', '*'];

/** Creates with `id`; if accepted, reads, patches and deletes it by its URL, and checks it is gone. */
async function roundTrip(collection: (typeof COLLECTIONS)[number], id: string): Promise<'accepted' | 'refused'> {
  const before = await api.snapshot();
  const created = await api.request('POST', collection.path, { body: { ...collection.body, id } });
  if (created.status === 400) {
    expect(errorTargets(created)).toContain('id');
    expect(await api.snapshot()).toEqual(before);
    return 'refused';
  }
  expect([200, 201], `create '${id}': ${created.text}`).toContain(created.status);
  expect(created.json?.id).toBe(id);
  const url = `${collection.path}/${encodeURIComponent(id)}`;
  if (created.status === 201) expect(new URL(created.headers.get('location') ?? '').pathname).toBe(url);
  const read = await api.request('GET', url);
  expect(read.status, `GET '${id}': ${read.text}`).toBe(200);
  expect(read.json?.id).toBe(id);
  const patched = await api.request('PATCH', url, { body: collection.patch });
  expect(patched.status, `PATCH '${id}': ${patched.text}`).toBe(200);
  expect((await api.request('DELETE', url)).status).toBe(204);
  expect((await api.request('GET', url)).status).toBe(404);
  return 'accepted';
}

describe('ids in a body', () => {
  it.each(COLLECTIONS.map((c) => [c.path.split('/').pop() ?? '', c] as const))(
    '%s: hostile ids are refused naming id, unusual ones work end to end',
    async (_name, collection) => {
      for (const id of HOSTILE) expect(await roundTrip(collection, id), JSON.stringify(id)).toBe('refused');
      for (const id of UNUSUAL) expect(await roundTrip(collection, id), JSON.stringify(id)).toBe('accepted');
    },
  );

  it('any string: accepted exactly when the id rule says so, and then readable, patchable and deletable', async () => {
    const collection = COLLECTIONS[1] ?? COLLECTIONS[0];
    if (collection === undefined) throw new Error('no collection');
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.string({ unit: 'binary', maxLength: 8 }), fc.string({ unit: 'grapheme', maxLength: 6 })),
        async (id) => {
          const outcome = await roundTrip(collection, id);
          expect(outcome).toBe(isEntityId(id) ? 'accepted' : 'refused');
        },
      ),
      { numRuns: 60, seed: 42 },
    );
  });

  it('says what an id may be', async () => {
    const response = await api.request('POST', COLLECTIONS[0]?.path ?? '', {
      body: { ...correctedActivityStatistics, id: ' ' },
    });
    expect(response.status).toBe(400);
    const details = (response.json?.error as { details: { target: string; message: string }[] }).details;
    expect(details.find((detail) => detail.target === 'id')?.message).toBe(ENTITY_ID_RULE);
  });
});

describe('ids in a path', () => {
  it.each(['%20', '%C2%A0', '%EF%BB%BF', '%E2%80%83', 'a%20', '%ED%A0%80'])(
    '%s: GET, PATCH and DELETE answer 400 naming the id',
    async (segment) => {
      const path = `${COLLECTIONS[0]?.path ?? ''}/${segment}`;
      for (const [method, body] of [
        ['GET', undefined],
        ['PATCH', { timeZoneUsed: 'x' }],
        ['DELETE', undefined],
      ] as const) {
        const response = await api.request(method, path, body === undefined ? {} : { body });
        expect(response.status, `${method} ${path}`).toBe(400);
        expect(response.headers.get('request-id')).toBeTruthy();
      }
    },
  );

  it('a key of the owner path follows the same rule', async () => {
    const response = await api.request('GET', itemActivitiesPath('5e6f7a8b-9c0d-4e1f-8a2b-3c4d5e6f7a8b', '%20'));
    expect(response.status).toBe(400);
    expect(errorTargets(response)).toEqual(['itemActivityStatId']);
  });
});
