/**
 * Graph's report functions over stored rows, through HTTP: the latest refresh only (of the requested
 * period), CSV with Graph's headers and RFC 4180 quoting by default, JSON on request.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { DEV_TENANT, DEV_USER, errorCode, useTestHost } from '../support/testHost';

const api = useTestHost();
const EMPTY_TENANT = '55555555-eeee-4eee-8eee-555555555555';

beforeAll(async () => {
  const activation = '/beta/reports/office365ActivationCounts';
  const rows = [
    { reportRefreshDate: '2024-05-01', productType: 'Old refresh', windows: 1 },
    {
      reportRefreshDate: '2024-05-02',
      productType: 'Project',
      windows: 2,
      mac: 1,
      android: 0,
      ios: 0,
      windows10Mobile: 0,
    },
    { reportRefreshDate: '2024-05-02', productType: 'Microsoft 365 Apps, "for enterprise"', windows: 7, mac: 3 },
    { reportRefreshDate: '2024-05-02', productType: 'Visio\nPlan 2', windows: 4 },
  ];
  for (const body of rows) expect((await api.request('POST', activation, { body })).status).toBe(201);

  const active = '/beta/reports/office365ActiveUserCounts';
  const counts = { office365: 9, exchange: 8, oneDrive: 8, sharePoint: 10, skypeForBusiness: 0, yammer: 6, teams: 5 };
  const users = [
    { reportRefreshDate: '2024-05-02', reportDate: '2024-05-01', reportPeriod: '7', ...counts },
    { reportRefreshDate: '2024-05-02', reportDate: '2024-04-30', reportPeriod: '7', ...counts, teams: 4 },
    { reportRefreshDate: '2024-04-25', reportDate: '2024-04-24', reportPeriod: '7', ...counts },
    { reportRefreshDate: '2024-05-03', reportDate: '2024-05-02', reportPeriod: '30', ...counts, teams: 30 },
  ];
  for (const body of users) expect((await api.request('POST', active, { body })).status).toBe(201);
});

describe('getOffice365ActivationCounts', () => {
  it('answers the latest refresh as CSV with Graph headers and RFC 4180 quoting', async () => {
    const response = await api.request('GET', '/beta/reports/getOffice365ActivationCounts');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(response.text).toBe(
      [
        'Report Refresh Date,Product Type,Windows,Mac,Android,iOS,Windows 10 Mobile',
        '2024-05-02,"Microsoft 365 Apps, ""for enterprise""",7,3,,,',
        '2024-05-02,Project,2,1,0,0,0',
        '2024-05-02,"Visio\nPlan 2",4,,,,',
        '',
      ].join('\r\n'),
    );
  });

  it('answers JSON with $format=application/json', async () => {
    const response = await api.request('GET', '/beta/reports/getOffice365ActivationCounts?$format=application/json');
    expect(response.status).toBe(200);
    expect(response.json?.['@odata.context']).toBe(
      `${api.url}/beta/$metadata#Collection(microsoft.graph.office365ActivationCounts)`,
    );
    const value = response.json?.value as Record<string, unknown>[];
    expect(value.map((row) => row.productType)).toEqual([
      'Microsoft 365 Apps, "for enterprise"',
      'Project',
      'Visio\nPlan 2',
    ]);
    expect(value[1]).toEqual({
      reportRefreshDate: '2024-05-02',
      productType: 'Project',
      windows: 2,
      mac: 1,
      android: 0,
      ios: 0,
      windows10Mobile: 0,
    });
  });

  it('answers only the headers for a tenant without rows', async () => {
    const token = await api.token({ tenantId: EMPTY_TENANT, userId: DEV_USER, scopes: ['Reports.Read.All'] });
    const response = await api.request('GET', '/beta/reports/getOffice365ActivationCounts', { token });
    expect(response.text).toBe('Report Refresh Date,Product Type,Windows,Mac,Android,iOS,Windows 10 Mobile\r\n');
  });

  it('refuses another $format, and a caller without a Reports permission', async () => {
    const format = await api.request('GET', '/beta/reports/getOffice365ActivationCounts?$format=xml');
    expect(format.status).toBe(400);
    expect(JSON.stringify(format.json)).toContain('$format');
    const token = await api.token({ tenantId: DEV_TENANT, userId: DEV_USER, scopes: ['Analytics.Read.All'] });
    expect((await api.request('GET', '/beta/reports/getOffice365ActivationCounts', { token })).status).toBe(403);
  });
});

describe("getOffice365ActiveUserCounts(period='…')", () => {
  const path = (period: string) => `/beta/reports/getOffice365ActiveUserCounts(period='${period}')`;

  it('answers the latest refresh of the requested period, newest report date first', async () => {
    const response = await api.request('GET', path('D7'));
    expect(response.status).toBe(200);
    expect(response.text).toBe(
      [
        'Report Refresh Date,Office 365,Exchange,OneDrive,SharePoint,Skype For Business,Yammer,Teams,Report Date,Report Period',
        '2024-05-02,9,8,8,10,0,6,5,2024-05-01,7',
        '2024-05-02,9,8,8,10,0,6,4,2024-04-30,7',
        '',
      ].join('\r\n'),
    );
  });

  it('selects the period: D30 rows are their own', async () => {
    const response = await api.request('GET', `${path('D30')}?$format=application/json`);
    expect((response.json?.value as Record<string, unknown>[]).map((row) => [row.reportPeriod, row.teams])).toEqual([
      ['30', 30],
    ]);
    const none = await api.request('GET', `${path('D180')}?$format=application/json`);
    expect(none.json?.value).toEqual([]);
  });

  it('accepts the quotes percent-encoded', async () => {
    expect((await api.request('GET', '/beta/reports/getOffice365ActiveUserCounts(period=%27D90%27)')).status).toBe(200);
  });

  it.each(['D1', 'd7', '7', 'D365'])('refuses the period %s with 400', async (period) => {
    const response = await api.request('GET', path(period));
    expect(response.status).toBe(400);
    expect(errorCode(response)).toBe('BadRequest');
    expect(JSON.stringify(response.json)).toContain('period');
  });
});
