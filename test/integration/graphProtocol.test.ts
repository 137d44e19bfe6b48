/**
 * What Graph clients send, through HTTP: OData's canonical function URLs, `/$count`, `@odata.context` as
 * Graph writes it, complex subtypes, `Prefer` (odata.maxpagesize, return=minimal), `If-None-Match: *` on
 * create, and CORS for browser apps.
 */
import { describe, expect, it } from 'vitest';
import { correctedActivationCounts, correctedActiveUserCounts, itemActivitiesPath } from '../support/fixtures';
import { DEV_USER, errorTargets, useTestHost } from '../support/testHost';

const ORIGIN = 'https://app.contoso.com';
const api = useTestHost({ CORS_ALLOWED_ORIGINS: `${ORIGIN},http://localhost:3000` });

const ROWS = '/beta/reports/office365ActivationCounts';
const ACTIVITIES = itemActivitiesPath('2b3c4d5e-6f7a-4b8c-9d0e-1f2a3b4c5d6e', 'protocol');

async function seedRows(count: number, productPrefix: string): Promise<void> {
  for (let i = 0; i < count; i += 1) {
    const body = {
      ...correctedActivationCounts,
      reportRefreshDate: '2020-02-02',
      productType: `${productPrefix} ${i}`,
    };
    expect((await api.request('POST', ROWS, { body })).status).toBe(201);
  }
}

describe('report functions in OData canonical forms', () => {
  it('answer with (), namespace-qualified, and both, as the plain form does', async () => {
    await api.request('POST', ROWS, { body: correctedActivationCounts });
    await api.request('POST', '/beta/reports/office365ActiveUserCounts', { body: correctedActiveUserCounts });
    const plain = await api.request('GET', '/beta/reports/getOffice365ActivationCounts');
    expect(plain.status).toBe(200);
    for (const form of [
      'getOffice365ActivationCounts()',
      'microsoft.graph.getOffice365ActivationCounts',
      'microsoft.graph.getOffice365ActivationCounts()',
    ]) {
      const response = await api.request('GET', `/beta/reports/${form}`);
      expect(response.status, form).toBe(200);
      expect(response.text, form).toBe(plain.text);
    }
    const users = await api.request('GET', "/beta/reports/microsoft.graph.getOffice365ActiveUserCounts(period='D7')");
    expect(users.status).toBe(200);
    expect(users.text).toBe((await api.request('GET', "/beta/reports/getOffice365ActiveUserCounts(period='D7')")).text);
    expect((await api.request('GET', '/beta/reports/getOffice365ActiveUserCounts(period=%27D7%27)')).status).toBe(200);
  });
});

describe('/$count', () => {
  it('answers text/plain with the count, honouring $filter, with ConsistencyLevel accepted', async () => {
    await seedRows(3, 'Counted');
    const all = await api.request('GET', `${ROWS}/$count`, { headers: { ConsistencyLevel: 'eventual' } });
    expect(all.status).toBe(200);
    expect(all.headers.get('content-type')).toMatch(/^text\/plain/);
    const listed = await api.request('GET', `${ROWS}?$count=true&$top=1`);
    expect(all.text).toBe(String(listed.json?.['@odata.count']));
    const filtered = await api.request(
      'GET',
      `${ROWS}/$count?$filter=${encodeURIComponent("productType eq 'Counted 1'")}`,
    );
    expect(filtered.text).toBe('1');
    expect((await api.request('GET', `${ROWS}/$count?$top=2`)).status).toBe(400);
    expect((await api.request('GET', `${ACTIVITIES}/$count`)).text).toBe('0');
  });
});

describe('@odata.context as Graph writes it', () => {
  it("writes me as users('<oid>') and percent-encodes keys", async () => {
    const mine = await api.request('POST', '/beta/me/analytics/activityStatistics', {
      body: { activity: 'Focus', startDate: '2020-01-01', endDate: '2020-01-02', duration: 'PT1H' },
    });
    expect(mine.json?.['@odata.context']).toBe(
      `${api.url}/beta/$metadata#users('${DEV_USER}')/analytics/activityStatistics/$entity`,
    );
    const invited = await api.request(
      'GET',
      `/beta/invitations/${encodeURIComponent("a b:c'd")}/invitedUser/analytics/activityStatistics`,
    );
    expect(invited.json?.['@odata.context']).toBe(
      `${api.url}/beta/$metadata#invitations('a%20b%3Ac''d')/invitedUser/analytics/activityStatistics`,
    );
  });
});

describe('complex subtypes through HTTP', () => {
  it("keeps Graph's sharePointIdentitySet and refuses a type name that is not an identity", async () => {
    const created = await api.request('POST', ACTIVITIES, {
      body: {
        id: 'sp',
        actor: {
          '@odata.type': 'microsoft.graph.sharePointIdentitySet',
          siteUser: { '@odata.type': 'microsoft.graph.sharePointIdentity', loginName: 'i:0#.f|membership|x' },
          group: { id: 'g1' },
        },
      },
    });
    expect(created.status).toBe(201);
    expect(created.json?.actor).toMatchObject({
      '@odata.type': '#microsoft.graph.sharePointIdentitySet',
      siteUser: { '@odata.type': '#microsoft.graph.sharePointIdentity', loginName: 'i:0#.f|membership|x' },
    });
    const before = await api.snapshot();
    const refused = await api.request('POST', ACTIVITIES, {
      body: { actor: { user: { '@odata.type': '#microsoft.graph.office365ActivationCounts' } } },
    });
    expect(refused.status).toBe(400);
    expect(errorTargets(refused)).toEqual(['actor.user.@odata.type']);
    expect(await api.snapshot()).toEqual(before);
  });
});

describe('Prefer', () => {
  it('odata.maxpagesize sets the page size, is applied, and later pages keep it', async () => {
    await seedRows(7, 'Paged');
    const query = `$filter=${encodeURIComponent("productType ge 'Paged' and productType lt 'Pagee'")}`;
    const first = await api.request('GET', `${ROWS}?${query}`, { headers: { Prefer: 'odata.maxpagesize=3' } });
    expect(first.status).toBe(200);
    expect(first.headers.get('preference-applied')).toBe('odata.maxpagesize=3');
    expect((first.json?.value as unknown[]).length).toBe(3);
    const next = String(first.json?.['@odata.nextLink']);
    const second = await api.request('GET', new URL(next).pathname + new URL(next).search);
    expect((second.json?.value as unknown[]).length).toBe(3);
    // $top, when smaller, wins; the preference is then not the one applied.
    const topped = await api.request('GET', `${ROWS}?$top=2`, { headers: { Prefer: 'odata.maxpagesize=5' } });
    expect((topped.json?.value as unknown[]).length).toBe(2);
    expect(topped.headers.get('preference-applied')).toBeNull();
    // A malformed preference is ignored (RFC 7240).
    expect((await api.request('GET', ROWS, { headers: { Prefer: 'odata.maxpagesize=lots' } })).status).toBe(200);
  });

  it('return=minimal: POST and PATCH answer 204 with ETag (and Location), applied', async () => {
    const body = { ...correctedActivationCounts, productType: 'Minimal' };
    const created = await api.request('POST', ROWS, { body, headers: { Prefer: 'return=minimal' } });
    expect(created.status).toBe(204);
    expect(created.text).toBe('');
    expect(created.headers.get('preference-applied')).toBe('return=minimal');
    const location = created.headers.get('location') ?? '';
    const read = await api.request('GET', new URL(location).pathname);
    expect(read.status).toBe(200);
    expect(created.headers.get('etag')).toBe(read.headers.get('etag'));
    const patched = await api.request('PATCH', new URL(location).pathname, {
      body: { windows: 99 },
      headers: { Prefer: 'return=minimal' },
    });
    expect(patched.status).toBe(204);
    expect(patched.headers.get('etag')).not.toBe(read.headers.get('etag'));
    const represented = await api.request('PATCH', new URL(location).pathname, {
      body: { windows: 98 },
      headers: { Prefer: 'return=representation' },
    });
    expect(represented.status).toBe(200);
    expect(represented.headers.get('preference-applied')).toBe('return=representation');
  });
});

describe('If-None-Match: * on create', () => {
  it('creates when the id is new, and answers 412 when it exists, changing nothing', async () => {
    const body = { ...correctedActivationCounts, productType: 'Create only' };
    const created = await api.request('POST', ROWS, { body, headers: { 'If-None-Match': '*' } });
    expect(created.status).toBe(201);
    const before = await api.snapshot();
    const again = await api.request('POST', ROWS, { body: { ...body, windows: 1 }, headers: { 'If-None-Match': '*' } });
    expect(again.status).toBe(412);
    expect(await api.snapshot()).toEqual(before);
    const activity = await api.request('POST', ACTIVITIES, { body: { id: 'once' }, headers: { 'If-None-Match': '*' } });
    expect(activity.status).toBe(201);
    const twice = await api.request('POST', ACTIVITIES, { body: { id: 'once' }, headers: { 'If-None-Match': '*' } });
    expect(twice.status).toBe(412);
    const other = await api.request('POST', ROWS, { body, headers: { 'If-None-Match': '"some-etag"' } });
    expect(other.status).toBe(400);
  });
});

describe('CORS', () => {
  it('answers an allowed preflight without a token', async () => {
    const preflight = await api.request('OPTIONS', ROWS, {
      token: null,
      headers: {
        Origin: ORIGIN,
        'Access-Control-Request-Method': 'POST',
        'Access-Control-Request-Headers': 'authorization, content-type, prefer, client-request-id',
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe(ORIGIN);
    expect(preflight.headers.get('access-control-allow-methods')).toContain('PATCH');
    expect(preflight.headers.get('access-control-allow-headers')).toContain('authorization');
    expect(preflight.headers.get('request-id')).toBeTruthy();
  });

  it('refuses a preflight from another origin (403), and answers its requests without CORS headers', async () => {
    const preflight = await api.request('OPTIONS', ROWS, {
      token: null,
      headers: { Origin: 'https://evil.example', 'Access-Control-Request-Method': 'GET' },
    });
    expect(preflight.status).toBe(403);
    const response = await api.request('GET', ROWS, { headers: { Origin: 'https://evil.example' } });
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
  });

  it("names the origin and exposes Graph's headers on responses, errors included", async () => {
    for (const [path, anonymous] of [
      [ROWS, false],
      [ROWS, true],
      ['/beta/nowhere', false],
    ] as const) {
      const headers = { Origin: 'http://localhost:3000' };
      const response = await api.request('GET', path, anonymous ? { headers, token: null } : { headers });
      expect(response.headers.get('access-control-allow-origin'), path).toBe('http://localhost:3000');
      const exposed = response.headers.get('access-control-expose-headers') ?? '';
      for (const header of ['request-id', 'client-request-id', 'ETag', 'Location', 'Preference-Applied']) {
        expect(exposed, path).toContain(header);
      }
    }
  });
});
