/**
 * Tenant isolation, through HTTP: two tenants use the same paths, ids and natural keys, and neither can
 * see, change or overwrite the other's data.
 */
import { describe, expect, it } from 'vitest';
import { DELEGATED_SCOPES } from '../../src/auth/permissions';
import { itemActivitiesPath } from '../support/fixtures';
import { DEV_USER, useTestHost } from '../support/testHost';

const api = useTestHost();
const TENANT_A = '11111111-aaaa-4aaa-8aaa-111111111111';
const TENANT_B = '22222222-bbbb-4bbb-8bbb-222222222222';
// The same user object id in both tenants: only the tenant tells the data apart.
const USER = DEV_USER;

const tokenOf = (tenantId: string) => api.token({ tenantId, userId: USER, scopes: DELEGATED_SCOPES });

async function as(tenantId: string, method: string, path: string, body?: unknown) {
  return api.request(method, path, { body, token: await tokenOf(tenantId) });
}

describe('two tenants, same ids and natural keys', () => {
  const statistics = '/beta/me/analytics/activityStatistics';
  const id = 'email_2025-01-06_2025-01-10';
  const week = { activity: 'Email', startDate: '2025-01-06', endDate: '2025-01-10' };

  it('activityStatistics: each tenant creates its own entity (201 both) and reads only its own', async () => {
    expect((await as(TENANT_A, 'POST', statistics, { ...week, duration: 'PT1H' })).status).toBe(201);
    expect((await as(TENANT_B, 'POST', statistics, { ...week, duration: 'PT2H' })).status).toBe(201);
    expect((await as(TENANT_A, 'GET', `${statistics}/${id}`)).json?.duration).toBe('PT1H');
    expect((await as(TENANT_B, 'GET', `${statistics}/${id}`)).json?.duration).toBe('PT2H');
  });

  it("an update in one tenant leaves the other's entity alone, even with the other's ETag", async () => {
    const b = await as(TENANT_B, 'GET', `${statistics}/${id}`);
    const etagOfB = b.headers.get('etag') ?? '';
    const stale = await api.request('PATCH', `${statistics}/${id}`, {
      body: { duration: 'PT9H' },
      headers: { 'if-match': etagOfB },
      token: await tokenOf(TENANT_A),
    });
    expect(stale.status).toBe(412);
    expect((await as(TENANT_A, 'PATCH', `${statistics}/${id}`, { duration: 'PT3H' })).status).toBe(200);
    const afterB = await as(TENANT_B, 'GET', `${statistics}/${id}`);
    expect(afterB.json?.duration).toBe('PT2H');
    expect(afterB.headers.get('etag')).toBe(etagOfB);
  });

  it("users/{id} and invitations are confined too: another tenant's reader finds nothing", async () => {
    const invited = '/beta/invitations/shared-invitation/invitedUser/analytics/activityStatistics';
    expect((await as(TENANT_A, 'POST', invited, { ...week, duration: 'PT1M' })).status).toBe(201);
    expect((await as(TENANT_B, 'GET', `${invited}/${id}`)).status).toBe(404);
    expect((await as(TENANT_B, 'GET', `/beta/users/${USER}/analytics/activityStatistics/${id}`)).json?.duration).toBe(
      'PT2H',
    );
  });

  it('itemActivity with the same client id in the same group path: two entities', async () => {
    const path = itemActivitiesPath();
    expect((await as(TENANT_A, 'POST', path, { id: 'shared-id', note: 'a' })).status).toBe(201);
    expect((await as(TENANT_B, 'GET', `${path}/shared-id`)).status).toBe(404);
    expect((await as(TENANT_B, 'POST', path, { id: 'shared-id', note: 'b' })).status).toBe(201);
    expect((await as(TENANT_A, 'GET', `${path}/shared-id`)).json?.note).toBe('a');
    expect((await as(TENANT_B, 'GET', `${path}/shared-id`)).json?.note).toBe('b');
  });

  it('report rows with the same natural key: one row per tenant', async () => {
    const path = '/beta/reports/office365ActivationCounts';
    const key = { reportRefreshDate: '2025-01-10', productType: 'Project' };
    const a = await as(TENANT_A, 'POST', path, { ...key, windows: 1 });
    const b = await as(TENANT_B, 'POST', path, { ...key, windows: 2 });
    expect([a.status, b.status]).toEqual([201, 201]);
    expect(a.json?.id).toBe(b.json?.id);
    expect((await as(TENANT_A, 'GET', `${path}/${String(a.json?.id)}`)).json?.windows).toBe(1);
    expect((await as(TENANT_B, 'GET', `${path}/${String(b.json?.id)}`)).json?.windows).toBe(2);
  });

  it('stores every document under its own tenant', async () => {
    const rows = await api.snapshot();
    const partitions = rows.map((row) => row.split('|')[1] ?? '');
    expect(partitions.filter((pk) => pk.startsWith(`${TENANT_A}/`)).length).toBeGreaterThanOrEqual(4);
    expect(partitions.filter((pk) => pk.startsWith(`${TENANT_B}/`)).length).toBeGreaterThanOrEqual(3);
    expect(partitions.every((pk) => pk.startsWith(`${TENANT_A}/`) || pk.startsWith(`${TENANT_B}/`))).toBe(true);
  });
});
