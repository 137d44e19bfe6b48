/**
 * What every response shares (contract §4–5), through HTTP: correlation headers, Graph's error envelope
 * for unknown paths, 405, 413, 415 and malformed JSON, nothing of the store in a body, 500 and 503.
 */
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config';
import { startEmbeddedCosmos } from '../../src/host/embeddedCosmos';
import { startLocalHost } from '../../src/host/local';
import { partitionKeyOf } from '../../src/store/entityStore';
import { DEV_TENANT, DEV_USER, errorCode, temporaryKeysDirectory, useTestHost } from '../support/testHost';
import { issueDevelopmentToken, loadDevelopmentKeys } from '../../src/auth/developmentIssuer';

const api = useTestHost();

const REPORTS = '/beta/reports/office365ActivationCounts';
const row = { reportRefreshDate: '2021-03-01', productType: 'Microsoft 365 Apps for enterprise', windows: 10 };
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function expectEnvelope(response: { json: Record<string, unknown> | undefined; headers: Headers }, status: string) {
  const error = response.json?.error as Record<string, unknown>;
  expect(error.code).toBe(status);
  expect(typeof error.message).toBe('string');
  expect(error.innerError).toMatchObject({
    'request-id': response.headers.get('request-id'),
    'client-request-id': response.headers.get('client-request-id'),
  });
  expect(String((error.innerError as Record<string, unknown>).date)).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/);
}

describe('headers', () => {
  it('gives every response a new request-id, echoes client-request-id, and sets Date and OData-Version', async () => {
    const a = await api.request('POST', REPORTS, { body: row, headers: { 'client-request-id': 'my-correlation-1' } });
    const b = await api.request('GET', '/beta/unknown');
    expect(a.headers.get('request-id')).toMatch(GUID);
    expect(a.headers.get('client-request-id')).toBe('my-correlation-1');
    expect(b.headers.get('client-request-id')).toBe(b.headers.get('request-id'));
    expect(a.headers.get('request-id')).not.toBe(b.headers.get('request-id'));
    expect(a.headers.get('date')).toBeTruthy();
    expect(a.headers.get('odata-version')).toBe('4.0');
    expect(a.headers.get('content-type')).toMatch(/^application\/json/);
  });

  it('returns nothing of the store in an entity body', async () => {
    const created = await api.request('POST', REPORTS, { body: row });
    const read = await api.request('GET', `${REPORTS}/${String(created.json?.id)}`);
    for (const response of [created, read]) {
      expect(Object.keys(response.json ?? {}).sort()).toEqual(
        [
          '@odata.context',
          '@odata.type',
          '@odata.etag',
          'id',
          'reportRefreshDate',
          'productType',
          'windows',
          'mac',
          'android',
          'ios',
          'windows10Mobile',
        ].sort(),
      );
      expect(response.text).not.toContain(DEV_TENANT);
      expect(response.text).not.toMatch(/_rid|_self|_ts|"pk"/);
    }
  });
});

describe('errors in Graph shape', () => {
  it('answers an unknown path 404, inside and outside /beta', async () => {
    for (const path of ['/beta/users/x/nothing', '/beta', '/']) {
      const response = await api.request('GET', path);
      expect(response.status).toBe(404);
      expectEnvelope(response, 'ResourceNotFound');
    }
  });

  it('answers a known path with another method 405 with Allow', async () => {
    const response = await api.request('DELETE', REPORTS);
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('GET, POST');
    expect(response.json?.error).toBeDefined();
  });

  it('answers a body over 64 KiB 413, and stores nothing', async () => {
    const before = await api.snapshot();
    const response = await api.request('POST', REPORTS, { body: { ...row, productType: 'x'.repeat(70 * 1024) } });
    expect(response.status).toBe(413);
    expectEnvelope(response, 'RequestEntityTooLarge');
    expect(await api.snapshot()).toEqual(before);
  });

  it('answers a body that is not JSON 415', async () => {
    const response = await api.request('POST', REPORTS, {
      raw: JSON.stringify(row),
      headers: { 'content-type': 'text/plain' },
    });
    expect(response.status).toBe(415);
    expectEnvelope(response, 'UnsupportedMediaType');
  });

  it.each([
    ['malformed JSON', '{"reportRefreshDate": '],
    ['a JSON array', '[]'],
    ['a JSON string', '"row"'],
    ['no body', ''],
  ])('answers %s 400, and stores nothing', async (_name, raw) => {
    const before = await api.snapshot();
    const response = await api.request('POST', REPORTS, { raw, headers: { 'content-type': 'application/json' } });
    expect(response.status).toBe(400);
    expectEnvelope(response, 'BadRequest');
    expect(await api.snapshot()).toEqual(before);
  });

  it('answers a query option the operation cannot honour 400, naming it', async () => {
    const response = await api.request('GET', `${REPORTS}/x?$expand=windows`);
    expect(response.status).toBe(400);
    expect(JSON.stringify(response.json)).toContain('$expand');
  });

  it('answers a bad id in the path 400', async () => {
    const response = await api.request('GET', `${REPORTS}/${'x'.repeat(300)}`);
    expect(response.status).toBe(400);
  });

  it('answers 500 generalException when a stored document does not decode, with nothing internal in the body', async () => {
    const container = api.cosmos.database(api.host.cosmos.database).container('office365ActivationCounts');
    const pk = partitionKeyOf({ tenantId: DEV_TENANT, owner: 'reports' });
    await container.items.upsert({
      id: 'corrupt',
      pk,
      tenantId: DEV_TENANT,
      type: 'office365ActivationCounts',
      data: { windows: 'many' },
    });
    const response = await api.request('GET', `${REPORTS}/corrupt`);
    expect(response.status).toBe(500);
    expectEnvelope(response, 'generalException');
    expect(response.text).not.toMatch(/decode|windows|office365ActivationCounts'|stack|at /);
  });
});

describe('database unavailable', () => {
  it('answers 503 serviceNotAvailable with Retry-After when the database cannot be reached', async () => {
    const cosmos = await startEmbeddedCosmos();
    const keysDirectory = temporaryKeysDirectory();
    const config = parseConfig({
      COSMOS_ENDPOINT: cosmos.endpoint,
      COSMOS_KEY: cosmos.key,
      COSMOS_REQUEST_TIMEOUT_MS: '2000',
      DEV_KEYS_DIR: keysDirectory,
    });
    const host = await startLocalHost({ config, log: () => undefined });
    const token = await issueDevelopmentToken(await loadDevelopmentKeys(keysDirectory), {
      tenantId: DEV_TENANT,
      userId: DEV_USER,
      scopes: ['Reports.ReadWrite.All'],
    });
    try {
      await cosmos.close();
      const response = await fetch(`${host.url}${REPORTS}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify(row),
      });
      expect(response.status).toBe(503);
      expect(response.headers.get('retry-after')).toMatch(/^\d+$/);
      expect(errorCode({ json: (await response.json()) as Record<string, unknown> } as never)).toBe(
        'serviceNotAvailable',
      );
    } finally {
      await host.close();
    }
  });
});
