/**
 * JSON batching (`POST /beta/$batch`), through HTTP: up to 20 requests, each through the same pipeline with
 * the batch's token (authenticated once; permission and tenant checked per request), `dependsOn` ordering
 * with 424 for a failed dependency, and a 400 for what Graph refuses, before anything runs.
 */
import { describe, expect, it } from 'vitest';
import { correctedActivationCounts } from '../support/fixtures';
import { DEV_TENANT, DEV_USER, errorCode, useTestHost } from '../support/testHost';

const api = useTestHost();
const ROWS = '/reports/office365ActivationCounts';

interface SubResponse {
  id: string;
  status: number;
  headers: Record<string, string>;
  body?: Record<string, unknown> | string;
}

async function batch(requests: unknown[], token?: string | null) {
  const response = await api.request('POST', '/beta/$batch', {
    body: { requests },
    ...(token === undefined ? {} : { token }),
  });
  const responses = (response.json?.responses ?? []) as SubResponse[];
  return { response, byId: new Map(responses.map((r) => [r.id, r])), responses };
}

function row(productType: string, windows = 1) {
  return { ...correctedActivationCounts, reportRefreshDate: '2021-07-01', productType, windows };
}

describe('a batch', () => {
  it('runs its requests through the pipeline and answers each with status, headers and body', async () => {
    const { response, byId, responses } = await batch([
      { id: 'a', method: 'POST', url: ROWS, headers: { 'Content-Type': 'application/json' }, body: row('Batch A') },
      { id: 'b', method: 'POST', url: `/beta${ROWS}`, body: row('Batch B') },
      {
        id: 'count',
        method: 'GET',
        url: `${ROWS}/$count?$filter=${encodeURIComponent("productType ge 'Batch'")}`,
        dependsOn: ['a', 'b'],
      },
      { id: 'nowhere', method: 'GET', url: '/nowhere' },
      { id: 'csv', method: 'GET', url: '/reports/getOffice365ActivationCounts()', dependsOn: ['count'] },
    ]);
    expect(response.status).toBe(200);
    expect(responses.map((r) => r.id)).toEqual(['a', 'b', 'count', 'nowhere', 'csv']);
    expect(byId.get('a')).toMatchObject({ status: 201, body: { productType: 'Batch A' } });
    expect(byId.get('a')?.headers.ETag).toBeTruthy();
    expect(byId.get('a')?.headers.Location).toContain('/beta/reports/office365ActivationCounts/');
    expect(byId.get('a')?.headers['Content-Type']).toMatch(/^application\/json/);
    expect(byId.get('b')?.status).toBe(201);
    // dependsOn: the count ran after both creates; a text body comes back as a string (OData's JSON batch).
    expect(byId.get('count')?.body).toBe('2');
    expect(byId.get('nowhere')).toMatchObject({ status: 404, body: { error: { code: 'ResourceNotFound' } } });
    expect(byId.get('csv')?.body).toMatch(/^Report Refresh Date,Product Type/);
  });

  it('answers 424 for a request whose dependency failed, and runs the independent ones', async () => {
    const { byId } = await batch([
      { id: 'bad', method: 'POST', url: ROWS, body: { productType: 'no date' } },
      { id: 'after', method: 'PATCH', url: `${ROWS}/x`, body: { windows: 2 }, dependsOn: ['bad'] },
      { id: 'chain', method: 'GET', url: ROWS, dependsOn: ['after'] },
      { id: 'free', method: 'POST', url: ROWS, body: row('Independent') },
    ]);
    expect(byId.get('bad')?.status).toBe(400);
    expect(byId.get('after')).toMatchObject({ status: 424, body: { error: { code: 'FailedDependency' } } });
    expect(byId.get('chain')?.status).toBe(424);
    expect(byId.get('free')?.status).toBe(201);
  });

  it('checks permission and tenant per request with the batch token', async () => {
    const readOnly = await api.token({ tenantId: DEV_TENANT, userId: DEV_USER, scopes: ['Reports.Read.All'] });
    const { response, byId } = await batch(
      [
        { id: 'read', method: 'GET', url: ROWS },
        { id: 'write', method: 'POST', url: ROWS, body: row('Read-only caller') },
        { id: 'stats', method: 'GET', url: '/me/analytics/activityStatistics' },
      ],
      readOnly,
    );
    expect(response.status).toBe(200);
    expect(byId.get('read')?.status).toBe(200);
    expect(byId.get('write')?.status).toBe(403);
    expect(byId.get('stats')?.status).toBe(403);
    const otherTenant = await api.token({
      tenantId: '77777777-aaaa-4bbb-8ccc-777777777777',
      userId: DEV_USER,
      scopes: ['Reports.ReadWrite.All'],
    });
    const other = await batch([{ id: 'list', method: 'GET', url: ROWS }], otherTenant);
    expect((other.byId.get('list')?.body as Record<string, unknown>).value).toEqual([]);
  });

  it('needs a valid token itself (401), whatever its requests say', async () => {
    const { response } = await batch(
      [{ id: '1', method: 'GET', url: ROWS, headers: { Authorization: 'Bearer x' } }],
      null,
    );
    expect(response.status).toBe(401);
  });

  it.each([
    ['more than 20 requests', () => Array.from({ length: 21 }, (_, i) => ({ id: `${i}`, method: 'GET', url: ROWS }))],
    [
      'duplicate ids',
      () => [
        { id: '1', method: 'GET', url: ROWS },
        { id: '1', method: 'POST', url: ROWS, body: row('Dup') },
      ],
    ],
    [
      'a cycle',
      () => [
        { id: '1', method: 'POST', url: ROWS, body: row('Cycle'), dependsOn: ['2'] },
        { id: '2', method: 'GET', url: ROWS, dependsOn: ['1'] },
      ],
    ],
    ['an unknown dependency', () => [{ id: '1', method: 'POST', url: ROWS, body: row('Unknown'), dependsOn: ['9'] }]],
    ['a nested batch', () => [{ id: '1', method: 'POST', url: '/$batch', body: { requests: [] } }]],
    ['no requests', () => []],
    ['a body on a GET', () => [{ id: '1', method: 'GET', url: ROWS, body: {} }]],
    ['an unknown method', () => [{ id: '1', method: 'TRACE', url: ROWS }]],
  ])('refuses %s with 400 before anything runs', async (_name, requests) => {
    const before = await api.snapshot();
    const { response } = await batch(requests());
    expect(response.status).toBe(400);
    expect(errorCode(response)).toBe('BadRequest');
    expect(await api.snapshot()).toEqual(before);
  });
});
