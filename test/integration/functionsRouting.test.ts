/**
 * The Functions host tries routes in function order (not by specificity), so its catch-all can be offered
 * a request an operation serves. These tests call the catch-all handler as the host would, with real
 * HttpRequest and InvocationContext objects, against the embedded Cosmos DB.
 */
import { HttpRequest, type HttpResponseInit, InvocationContext } from '@azure/functions';
import { describe, expect, it } from 'vitest';
import { unmatchedHandler } from '../../src/http/pipeline';
import { OPERATIONS } from '../../src/operations';
import { DEV_TENANT, DEV_USER, useTestHost } from '../support/testHost';

const api = useTestHost();

async function offer(method: string, path: string, body?: unknown): Promise<HttpResponseInit> {
  const handler = unmatchedHandler(OPERATIONS, () => Promise.resolve(api.host.services));
  const token = await api.token({ tenantId: DEV_TENANT, userId: DEV_USER, scopes: ['Reports.ReadWrite.All'] });
  const request = new HttpRequest({
    method,
    url: `https://api.example.net${path}`,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    params: { path: path.slice(1) },
    ...(body === undefined ? {} : { body: { string: JSON.stringify(body) } }),
  });
  return Promise.resolve(
    handler(request, new InvocationContext({ functionName: 'unmatchedRoute', logHandler: () => undefined })),
  );
}

function json(response: HttpResponseInit): Record<string, unknown> {
  if (typeof response.body !== 'string') throw new Error('expected a JSON string body');
  return JSON.parse(response.body) as Record<string, unknown>;
}

describe('the catch-all function', () => {
  const path = '/beta/reports/office365ActiveUserCounts';
  const row = { reportRefreshDate: '2022-02-01', reportDate: '2022-01-31', reportPeriod: '30', teams: 4 };

  it('runs the operation a request belongs to, through the same pipeline', async () => {
    const created = await offer('POST', path, row);
    expect(created.status).toBe(201);
    const id = String(json(created).id);
    const updated = await offer('PATCH', `${path}/${id}`, { teams: 5 });
    expect(updated.status).toBe(200);
    expect(json(updated)).toMatchObject({ id, teams: 5 });
    expect(json(updated)['@odata.context']).toBe(
      'https://api.example.net/beta/$metadata#reports/office365ActiveUserCounts/$entity',
    );
    const invalid = await offer('PATCH', `${path}/${id}`, { teams: -1 });
    expect(invalid.status).toBe(400);
  });

  it('runs an import offered at its namespace-qualified URL (an alias: no function of its own)', async () => {
    const counts = { office365: 9, exchange: 8, oneDrive: 8, sharePoint: 10, skypeForBusiness: 0, yammer: 6 };
    const value = [{ ...counts, ...row, reportRefreshDate: '2022-03-01', teams: 4 }];
    const imported = await offer('POST', `${path}/microsoft.graph.import`, { value });
    expect(imported.status).toBe(200);
    expect(json(imported)).toMatchObject({ created: 1, replaced: 0, unchanged: 0 });
    expect(json(await offer('POST', `${path}/import`, { value }))).toMatchObject({ unchanged: 1 });
  });

  it('answers what no operation serves with 404 or 405', async () => {
    expect((await offer('GET', '/beta/reports/nothing')).status).toBe(404);
    const wrongMethod = await offer('PUT', path);
    expect(wrongMethod.status).toBe(405);
    expect((wrongMethod.headers as Record<string, string>).Allow).toBe('GET, POST');
  });
});
