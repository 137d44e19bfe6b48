/**
 * Collections through HTTP: paging by continuation (every entity once), `$top`, `$count`, `$select`,
 * `$orderby`, `$filter` on every kind of property, refusals naming the option, DELETE with If-Match, and
 * lists and deletes confined to the caller's tenant.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { DELEGATED_SCOPES } from '../../src/auth/permissions';
import { itemActivitiesPath } from '../support/fixtures';
import { type TestResponse, errorCode, useTestHost } from '../support/testHost';

const api = useTestHost();
const ROWS = '/beta/reports/office365ActivationCounts';
const OTHER_TENANT = '33333333-cccc-4ccc-8ccc-333333333333';

type Item = Record<string, unknown>;

/** Follows every @odata.nextLink; returns the pages. */
async function allPages(path: string, token?: string): Promise<TestResponse[]> {
  const pages: TestResponse[] = [];
  let next: string | undefined = path;
  while (next !== undefined) {
    const page = await api.request('GET', next, token === undefined ? {} : { token });
    expect(page.status).toBe(200);
    pages.push(page);
    const link = page.json?.['@odata.nextLink'];
    next = typeof link === 'string' ? link.slice(api.url.length) : undefined;
    expect(pages.length).toBeLessThan(200);
  }
  return pages;
}

const values = (pages: TestResponse[]): Item[] => pages.flatMap((page) => page.json?.value as Item[]);

beforeAll(async () => {
  // 130 report rows: 13 products × 10 refresh dates; windows = i; mac unset on every fifth.
  for (let i = 0; i < 130; i += 1) {
    const body: Item = {
      reportRefreshDate: `2021-03-${String((i % 10) + 10)}`,
      productType: `Product ${String(Math.floor(i / 10)).padStart(2, '0')}`,
      windows: i,
    };
    if (i % 5 !== 0) body.mac = i % 7;
    const response = await api.request('POST', ROWS, { body });
    expect(response.status).toBe(201);
  }
});

describe('paging', () => {
  it('pages by 100 by default and returns every entity exactly once', async () => {
    const pages = await allPages(ROWS);
    expect(pages.map((p) => (p.json?.value as Item[]).length)).toEqual([100, 30]);
    const ids = values(pages).map((item) => item.id);
    expect(new Set(ids).size).toBe(130);
    expect(pages[0]?.json?.['@odata.context']).toBe(`${api.url}/beta/$metadata#reports/office365ActivationCounts`);
  });

  it('honours $top, keeps the options in the next link, and never repeats an entity', async () => {
    const pages = await allPages(`${ROWS}?$top=7&$orderby=windows desc`);
    expect(pages).toHaveLength(19);
    const windows = values(pages).map((item) => item.windows);
    expect(windows).toEqual([...Array(130).keys()].reverse());
    const link = new URL(String(pages[0]?.json?.['@odata.nextLink']));
    expect(link.searchParams.get('$top')).toBe('7');
    expect(link.searchParams.get('$orderby')).toBe('windows desc');
  });

  it('orders by a property with ties, stably across pages (id breaks ties)', async () => {
    const pages = await allPages(`${ROWS}?$top=9&$orderby=reportRefreshDate`);
    const items = values(pages);
    expect(items).toHaveLength(130);
    const keys = items.map((item) => `${String(item.reportRefreshDate)} ${String(item.id)}`);
    expect(keys).toEqual([...keys].sort());
  });

  it('counts the filtered collection on every page', async () => {
    const pages = await allPages(`${ROWS}?$filter=productType eq 'Product 03'&$count=true&$top=4`);
    expect(pages.map((p) => p.json?.['@odata.count'])).toEqual([10, 10, 10]);
  });
});

describe('$filter', () => {
  async function windowsWhere(filter: string): Promise<number[]> {
    const items = values(await allPages(`${ROWS}?$filter=${encodeURIComponent(filter)}&$top=999`));
    return items.map((item) => Number(item.windows)).sort((a, b) => a - b);
  }

  it('compares numbers, strings and dates, with and, or, not and parentheses', async () => {
    expect(await windowsWhere('windows ge 125')).toEqual([125, 126, 127, 128, 129]);
    expect(await windowsWhere("productType eq 'Product 12' and windows lt 123")).toEqual([120, 121, 122]);
    expect(await windowsWhere('reportRefreshDate eq 2021-03-10 and (windows lt 20 or windows gt 110)')).toEqual([
      0, 10, 120,
    ]);
    expect(await windowsWhere("not (productType ne 'Product 00') and windows le 2")).toEqual([0, 1, 2]);
  });

  it('treats null as OData does: eq null, ne null, and ne keeps nulls', async () => {
    const unset = await windowsWhere('mac eq null');
    expect(unset).toEqual([...Array(26).keys()].map((i) => i * 5));
    expect(await windowsWhere('mac ne null')).toHaveLength(104);
    expect((await windowsWhere('mac ne 3')).length).toBe(130 - (await windowsWhere('mac eq 3')).length);
  });

  it('filters DateTimeOffset values by instant, whatever their offsets', async () => {
    const path = itemActivitiesPath('0e1f2a3b-4c5d-4e6f-8a9b-0c1d2e3f4a5b', 'stat-filter');
    const times = [
      '2017-01-01T00:30:00+03:00',
      '2016-12-31T22:00:00Z',
      '2016-12-31T20:00:00-03:00',
      '2017-01-01T02:00:00+01:00',
    ];
    for (const activityDateTime of times) {
      expect(
        (await api.request('POST', path, { body: { activityDateTime, actor: { user: { displayName: 'Adele' } } } }))
          .status,
      ).toBe(201);
    }
    const after = values(
      await allPages(
        `${path}?$filter=${encodeURIComponent('activityDateTime gt 2016-12-31T21:30:00Z')}&$orderby=activityDateTime`,
      ),
    );
    // In UTC: 21:30 (+03:00, not after 21:30), 22:00, 23:00 (-03:00), 01:00 the next day (+01:00).
    expect(after.map((item) => item.activityDateTime)).toEqual([times[1], times[2], times[3]]);
    const byActor = values(
      await allPages(`${path}?$filter=${encodeURIComponent("actor/user/displayName eq 'Adele'")}&$count=true`),
    );
    expect(byActor).toHaveLength(4);
  });

  it('filters activityStatistics by the enum and dates', async () => {
    const path = '/beta/me/analytics/activityStatistics';
    for (const [activity, startDate] of [
      ['Email', '2022-01-03'],
      ['Call', '2022-01-03'],
      ['Email', '2022-01-10'],
    ]) {
      await api.request('POST', path, { body: { activity, startDate, endDate: startDate, duration: 'PT1H' } });
    }
    const email = values(
      await allPages(`${path}?$filter=${encodeURIComponent("activity eq 'Email' and startDate ge 2022-01-05")}`),
    );
    expect(email.map((item) => item.id)).toEqual(['email_2022-01-10_2022-01-10']);
  });
});

describe('$select', () => {
  it('returns id and the selected properties, and says so in the context', async () => {
    const page = await api.request('GET', `${ROWS}?$select=windows,productType&$top=1`);
    expect(page.json?.['@odata.context']).toBe(
      `${api.url}/beta/$metadata#reports/office365ActivationCounts(windows,productType)`,
    );
    const [item] = page.json?.value as Item[];
    expect(Object.keys(item ?? {}).sort()).toEqual(['@odata.etag', '@odata.type', 'id', 'productType', 'windows']);
  });

  it('works on a GET of one entity', async () => {
    const [first] = (await api.request('GET', `${ROWS}?$top=1`)).json?.value as Item[];
    const one = await api.request('GET', `${ROWS}/${String(first?.id)}?$select=mac`);
    expect(Object.keys(one.json ?? {}).sort()).toEqual(['@odata.context', '@odata.etag', '@odata.type', 'id', 'mac']);
  });
});

describe('options the service cannot honour', () => {
  it.each([
    ['$skip=10', '$skip'],
    ['$expand=actor', '$expand'],
    ['$search="x"', '$search'],
    ['$filter=startswith(productType,%27P%27)', '$filter'],
    ['$filter=color eq 1', '$filter'],
    ['$orderby=windows,mac', '$orderby'],
    ['$select=color', '$select'],
    ['$top=1000', '$top'],
    ['$skiptoken=abc', '$skiptoken'],
  ])('refuses %s with 400 naming %s', async (query, option) => {
    const response = await api.request('GET', `${ROWS}?${query}`);
    expect(response.status).toBe(400);
    expect(errorCode(response)).toBe('BadRequest');
    expect(JSON.stringify(response.json)).toContain(option);
  });

  it('refuses a next link whose $filter was changed', async () => {
    const page = await api.request('GET', `${ROWS}?$top=2&$filter=windows gt 3`);
    const link = new URL(String(page.json?.['@odata.nextLink']));
    link.searchParams.set('$filter', 'windows gt 4');
    const response = await api.request('GET', `${link.pathname}${link.search}`);
    expect(response.status).toBe(400);
    expect(JSON.stringify(response.json)).toContain('$skiptoken');
  });
});

describe('DELETE', () => {
  const path = '/beta/reports/office365ActiveUserCounts';
  const row = { reportRefreshDate: '2021-04-01', reportDate: '2021-03-31', reportPeriod: '90', teams: 1 };

  it('deletes (204) and the entity is gone (404)', async () => {
    const created = await api.request('POST', path, { body: row });
    const id = String(created.json?.id);
    expect((await api.request('DELETE', `${path}/${id}`)).status).toBe(204);
    expect((await api.request('GET', `${path}/${id}`)).status).toBe(404);
    expect((await api.request('DELETE', `${path}/${id}`)).status).toBe(404);
  });

  it('answers 412 to a stale If-Match and deletes nothing; deletes with the current one', async () => {
    const created = await api.request('POST', path, { body: row });
    const id = String(created.json?.id);
    const stale = created.headers.get('etag') ?? '';
    await api.request('PATCH', `${path}/${id}`, { body: { teams: 2 } });
    const before = await api.snapshot();
    const refused = await api.request('DELETE', `${path}/${id}`, { headers: { 'if-match': stale } });
    expect(refused.status).toBe(412);
    expect(await api.snapshot()).toEqual(before);
    const current = (await api.request('GET', `${path}/${id}`)).headers.get('etag') ?? '';
    expect((await api.request('DELETE', `${path}/${id}`, { headers: { 'if-match': current } })).status).toBe(204);
  });
});

describe('tenant isolation of lists and deletes', () => {
  it("another tenant's list is empty and its delete finds nothing", async () => {
    const token = await api.token({
      tenantId: OTHER_TENANT,
      userId: '44444444-dddd-4ddd-8ddd-444444444444',
      scopes: DELEGATED_SCOPES,
    });
    const list = await api.request('GET', `${ROWS}?$count=true`, { token });
    expect(list.json?.['@odata.count']).toBe(0);
    expect(list.json?.value).toEqual([]);
    const [first] = (await api.request('GET', `${ROWS}?$top=1`)).json?.value as Item[];
    const before = await api.snapshot();
    expect((await api.request('DELETE', `${ROWS}/${String(first?.id)}`, { token })).status).toBe(404);
    expect(await api.snapshot()).toEqual(before);
  });
});
