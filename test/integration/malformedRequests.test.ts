/**
 * Requests a client can send that the service must refuse cleanly, through the local host and through the
 * Functions entry alike: URLs that are not correctly percent-encoded, and store names posing as dynamic
 * properties of an open type. Each is Graph's 400 with a request-id, and changes nothing.
 */
import { HttpRequest, type HttpResponseInit, InvocationContext } from '@azure/functions';
import { describe, expect, it } from 'vitest';
import { operationHandler, unmatchedHandler } from '../../src/http/pipeline';
import { OPERATIONS, findOperation } from '../../src/operations';
import { STORE_FIELD_NAMES } from '../../src/store/entityStore';
import { isReservedName } from '../../src/model/schemas';
import { itemActivitiesPath } from '../support/fixtures';
import { DEV_TENANT, DEV_USER, errorCode, errorTargets, useTestHost } from '../support/testHost';

const api = useTestHost();
const ACTIVITIES = itemActivitiesPath('7a8b9c0d-1e2f-4a3b-8c4d-5e6f7a8b9c0d', 'reserved');

const BROKEN_PATHS = [
  '/beta/%',
  '/beta/users/%/analytics/activityStatistics',
  '/beta/me/joinedGroups/%zz/drive/activities/old-1/driveItem/analytics/itemActivityStats/s/activities',
  '/beta/me/analytics/activityStatistics/%ED%A0%80',
  '/beta/%ED%A0%80',
  '/beta/reports/office365ActivationCounts/%C0%AF',
];

function bodyText(response: HttpResponseInit): string {
  if (typeof response.body !== 'string') throw new Error('expected a JSON string body');
  return response.body;
}

function envelope(status: number, body: string, requestId: string | null | undefined): void {
  expect(status).toBe(400);
  const error = (JSON.parse(body) as { error: Record<string, unknown> }).error;
  expect(error.code).toBe('BadRequest');
  expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
  expect((error.innerError as Record<string, unknown>)['request-id']).toBe(requestId);
}

describe('a URL that is not correctly percent-encoded', () => {
  it.each(BROKEN_PATHS)('%s: the local host answers 400 with a request-id', async (path) => {
    const before = await api.snapshot();
    const response = await api.request('GET', path);
    envelope(response.status, response.text, response.headers.get('request-id'));
    expect(await api.snapshot()).toEqual(before);
  });

  async function offer(path: string, params?: Record<string, string>): Promise<HttpResponseInit> {
    const token = await api.token({ tenantId: DEV_TENANT, userId: DEV_USER, scopes: ['Analytics.ReadWrite.All'] });
    const request = new HttpRequest({
      method: 'GET',
      url: `https://api.example.net${path}`,
      headers: { authorization: `Bearer ${token}` },
      params: params ?? { path: path.slice(1) },
    });
    const context = new InvocationContext({ functionName: 'test', logHandler: () => undefined });
    const services = () => Promise.resolve(api.host.services);
    const operation = params === undefined ? undefined : findOperation('listUserActivityStatistics');
    const handler =
      operation === undefined ? unmatchedHandler(OPERATIONS, services) : operationHandler(operation, services);
    return handler(request, context);
  }

  it.each(BROKEN_PATHS)('%s: the Functions catch-all answers 400 with a request-id', async (path) => {
    const response = await offer(path);
    envelope(response.status ?? 200, bodyText(response), new Headers(response.headers).get('request-id'));
  });

  it.each(['%', '\ufffd', '%ED%A0%80'])(
    "'%s' as the key the Functions host decoded: the operation answers 400 with a request-id",
    async (userId) => {
      const response = await offer(`/beta/users/${userId}/analytics/activityStatistics`, { userId });
      envelope(response.status ?? 200, bodyText(response), new Headers(response.headers).get('request-id'));
    },
  );
});

describe('store names as dynamic properties of an itemActivity', () => {
  const RESERVED = ['pk', 'tenantId', '_etag', '_rid', '_ts', 'ref', 'referencedBy', 'type', 'idx', '_self', 'data'];

  it('are reserved: every field of a stored document (but the id) and every name starting with _', () => {
    for (const name of STORE_FIELD_NAMES.filter((field) => field !== 'id'))
      expect(isReservedName(name), name).toBe(true);
    for (const name of RESERVED) expect(isReservedName(name), name).toBe(true);
    for (const name of ['note', 'count', 'Type', 'pkg']) expect(isReservedName(name), name).toBe(false);
  });

  it('refuses each on create with 400 naming it, and changes nothing', async () => {
    const before = await api.snapshot();
    const body = Object.fromEntries(RESERVED.map((name) => [name, 'x']));
    const response = await api.request('POST', ACTIVITIES, { body: { ...body, note: 'kept' } });
    expect(response.status).toBe(400);
    expect(errorCode(response)).toBe('BadRequest');
    expect(errorTargets(response)).toEqual([...RESERVED].sort());
    expect(await api.snapshot()).toEqual(before);
  });

  it('refuses each on PATCH too, and their annotations', async () => {
    const created = await api.request('POST', ACTIVITIES, { body: { id: 'reserved-1', note: 'ok' } });
    expect(created.status).toBe(201);
    const before = await api.snapshot();
    for (const name of ['pk', '_etag', 'referencedBy', 'pk@odata.type']) {
      const response = await api.request('PATCH', `${ACTIVITIES}/reserved-1`, { body: { [name]: 'x' } });
      expect(response.status, name).toBe(400);
      expect(errorTargets(response)).toEqual([name]);
    }
    expect(await api.snapshot()).toEqual(before);
  });

  it('leaves nested open types their own names (a store name means nothing there)', async () => {
    const response = await api.request('POST', ACTIVITIES, {
      body: { id: 'nested', actor: { user: { id: 'u1', type: 'member', pk: 'p' } } },
    });
    expect(response.status).toBe(201);
  });
});
