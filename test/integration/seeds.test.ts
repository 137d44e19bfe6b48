/**
 * The five seed operations, through HTTP: the literal examples of the Graph doc pages (invalid ones refused
 * with every offending property named and nothing stored), and corrected requests accepted and read back.
 */
import { describe, expect, it } from 'vitest';
import {
  correctedActivationCounts,
  correctedActiveUserCounts,
  correctedActivityStatistics,
  correctedCallActivityStatisticsUpdate,
  itemActivitiesPath,
  seedActivationCounts,
  seedActivationCountsInvalid,
  seedActiveUserCounts,
  seedActiveUserCountsInvalid,
  seedActivityStatistics,
  seedActivityStatisticsInvalid,
  seedCallActivityStatisticsUpdate,
  seedCallActivityStatisticsUpdateInvalid,
  seedItemActivity,
} from '../support/fixtures';
import { errorCode, errorTargets, useTestHost } from '../support/testHost';

const api = useTestHost();

const INVITED = '/beta/invitations/inv-1/invitedUser/analytics/activityStatistics';

/** The body without `@odata.*` annotations, for comparing what was sent with what is read back. */
function properties(body: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(body).filter(([name]) => !name.startsWith('@')));
}

/** The nested `@odata.type` values as Graph writes them (with `#`). */
function graphForm(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(graphForm);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [
      k,
      k === '@odata.type' && typeof v === 'string' && !v.startsWith('#') ? `#${v}` : graphForm(v),
    ]),
  );
}

describe.each([
  ['create activityStatistics (seed 000)', INVITED, seedActivityStatistics, seedActivityStatisticsInvalid],
  [
    'create office365ActivationCounts (seed 003)',
    '/beta/reports/office365ActivationCounts',
    seedActivationCounts,
    seedActivationCountsInvalid,
  ],
  [
    'create office365ActiveUserCounts (seed 004)',
    '/beta/reports/office365ActiveUserCounts',
    seedActiveUserCounts,
    seedActiveUserCountsInvalid,
  ],
])('%s', (_title, path, seed, invalid) => {
  it('refuses the literal example with 400 naming every invalid property, and stores nothing', async () => {
    const before = await api.snapshot();
    const response = await api.request('POST', path, { body: seed });
    expect(response.status).toBe(400);
    expect(errorCode(response)).toBe('BadRequest');
    expect(errorTargets(response)).toEqual([...invalid].sort());
    expect(await api.snapshot()).toEqual(before);
  });
});

describe('accepted and read back', () => {
  it.each([
    ['activityStatistics', INVITED, correctedActivityStatistics, '#microsoft.graph.emailActivityStatistics'],
    [
      'office365ActivationCounts',
      '/beta/reports/office365ActivationCounts',
      correctedActivationCounts,
      '#microsoft.graph.office365ActivationCounts',
    ],
    [
      'office365ActiveUserCounts',
      '/beta/reports/office365ActiveUserCounts',
      correctedActiveUserCounts,
      '#microsoft.graph.office365ActiveUserCounts',
    ],
  ])('%s: the corrected example is created (201) and reads back equal', async (_name, path, body, odataType) => {
    const created = await api.request('POST', path, { body });
    expect(created.status).toBe(201);
    expect(created.json?.['@odata.type']).toBe(odataType);
    const location = created.headers.get('location');
    expect(location).toBe(`${api.url}${path}/${encodeURIComponent(String(created.json?.id))}`);
    const read = await api.request('GET', new URL(location ?? '').pathname);
    expect(read.status).toBe(200);
    expect(read.json).toEqual(created.json);
    expect(read.json).toMatchObject(properties(body));
  });

  it('create itemActivity (seed 001): the literal example is valid, created and reads back equal', async () => {
    const path = itemActivitiesPath();
    const created = await api.request('POST', path, { body: seedItemActivity });
    expect(created.status).toBe(201);
    expect(created.json?.id).toMatch(/^[0-9a-f-]{36}$/);
    const read = await api.request('GET', `${path}/${String(created.json?.id)}`);
    expect(read.status).toBe(200);
    expect(read.json).toEqual(created.json);
    const { id: _id, ...readBack } = properties(read.json ?? {});
    expect(readBack).toEqual(properties(graphForm(seedItemActivity) as Record<string, unknown>));
  });
});

describe('update callActivityStatistics (seed 002)', () => {
  const path = '/beta/users/0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9/analytics/activityStatistics';

  it('refuses the literal example with 400 naming every invalid property, and changes nothing', async () => {
    const created = await api.request('POST', path, {
      body: {
        '@odata.type': '#microsoft.graph.callActivityStatistics',
        startDate: '2019-06-16',
        endDate: '2019-06-16',
        duration: 'PT5M',
      },
    });
    expect(created.status).toBe(201);
    const before = await api.snapshot();
    const response = await api.request('PATCH', `${path}/${String(created.json?.id)}`, {
      body: seedCallActivityStatisticsUpdate,
    });
    expect(response.status).toBe(400);
    expect(errorTargets(response)).toEqual([...seedCallActivityStatisticsUpdateInvalid].sort());
    expect(await api.snapshot()).toEqual(before);
  });

  it('applies the corrected example and returns the whole entity', async () => {
    const created = await api.request('POST', path, {
      body: { activity: 'Call', startDate: '2019-06-16', endDate: '2019-06-18', duration: 'PT1M' },
    });
    const id = String(created.json?.id);
    expect(id).toBe('call_2019-06-16_2019-06-18');
    const updated = await api.request('PATCH', `${path}/${id}`, { body: correctedCallActivityStatisticsUpdate });
    expect(updated.status).toBe(200);
    expect(updated.json).toMatchObject({
      '@odata.type': '#microsoft.graph.callActivityStatistics',
      id,
      ...properties(correctedCallActivityStatisticsUpdate),
    });
    expect(updated.headers.get('etag')).not.toBe(created.headers.get('etag'));
    const read = await api.request('GET', `${path}/${id}`);
    expect(read.json).toEqual(updated.json);
  });
});
