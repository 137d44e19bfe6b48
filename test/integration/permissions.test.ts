/**
 * The permission table of the contract (§6), through HTTP: each kind of operation with a permission that
 * grants it, one that does not, and app-only tokens on `me` paths (400, as Graph answers).
 */
import { describe, expect, it } from 'vitest';
import type { DevelopmentTokenRequest } from '../../src/auth/developmentIssuer';
import { itemActivitiesPath } from '../support/fixtures';
import { DEV_TENANT, DEV_USER, errorCode, useTestHost } from '../support/testHost';

const api = useTestHost();
const OTHER_USER = '9e8d7c6b-5a49-4382-9160-0a1b2c3d4e5f';

const statistics = { activity: 'Chat', startDate: '2024-02-01', endDate: '2024-02-02', duration: 'PT3M' };
const STATISTICS_ID = 'chat_2024-02-01_2024-02-02';
const own = '/beta/me/analytics/activityStatistics';
const ownById = `/beta/users/${DEV_USER}/analytics/activityStatistics`;
const others = `/beta/users/${OTHER_USER}/analytics/activityStatistics`;
const invited = '/beta/invitations/inv-7/invitedUser/analytics/activityStatistics';
const reports = '/beta/reports/office365ActiveUserCounts';
const reportRow = { reportRefreshDate: '2024-02-03', reportDate: '2024-02-02', reportPeriod: '7', teams: 2 };

function delegated(...scopes: string[]): DevelopmentTokenRequest {
  return { tenantId: DEV_TENANT, userId: DEV_USER, scopes };
}
function application(...roles: string[]): DevelopmentTokenRequest {
  return { tenantId: DEV_TENANT, roles };
}

type Case = [string, string, string, unknown, DevelopmentTokenRequest, number];

/** [name, method, path, body, token, expected status] */
const cases: Case[] = [
  // Own statistics: me, or users/{own oid}
  ['write own with Analytics.Read', 'POST', own, statistics, delegated('Analytics.Read'), 403],
  ['write own with Analytics.ReadWrite', 'POST', own, statistics, delegated('Analytics.ReadWrite'), 201],
  [
    'write own by oid with Analytics.ReadWrite.All',
    'POST',
    ownById,
    statistics,
    delegated('Analytics.ReadWrite.All'),
    200,
  ],
  ['read own with Analytics.Read', 'GET', `${own}/${STATISTICS_ID}`, undefined, delegated('Analytics.Read'), 200],
  [
    'read own by oid with Analytics.Read',
    'GET',
    `${ownById}/${STATISTICS_ID}`,
    undefined,
    delegated('Analytics.Read'),
    200,
  ],
  [
    'read own with a Reports scope',
    'GET',
    `${own}/${STATISTICS_ID}`,
    undefined,
    delegated('Reports.ReadWrite.All'),
    403,
  ],
  [
    'me with an app-only token',
    'GET',
    `${own}/${STATISTICS_ID}`,
    undefined,
    application('Analytics.ReadWrite.All'),
    400,
  ],
  // Others' statistics: users/{id}, invitations
  [
    "read others' with Analytics.ReadWrite",
    'GET',
    `${others}/${STATISTICS_ID}`,
    undefined,
    delegated('Analytics.ReadWrite'),
    403,
  ],
  [
    "read others' with Analytics.Read.All",
    'GET',
    `${others}/${STATISTICS_ID}`,
    undefined,
    delegated('Analytics.Read.All'),
    404,
  ],
  ["write others' with Analytics.Read.All", 'POST', others, statistics, delegated('Analytics.Read.All'), 403],
  ["write others' with Analytics.ReadWrite.All", 'POST', others, statistics, delegated('Analytics.ReadWrite.All'), 201],
  [
    "write others' as an app with Analytics.ReadWrite.All",
    'POST',
    others,
    statistics,
    application('Analytics.ReadWrite.All'),
    200,
  ],
  [
    "read others' as an app with Analytics.Read.All",
    'GET',
    `${others}/${STATISTICS_ID}`,
    undefined,
    application('Analytics.Read.All'),
    200,
  ],
  [
    "write others' as an app with Analytics.Read.All",
    'POST',
    others,
    statistics,
    application('Analytics.Read.All'),
    403,
  ],
  ["write an invitee's with Analytics.ReadWrite", 'POST', invited, statistics, delegated('Analytics.ReadWrite'), 403],
  [
    "write an invitee's as an app with Analytics.ReadWrite.All",
    'POST',
    invited,
    statistics,
    application('Analytics.ReadWrite.All'),
    201,
  ],
  // Item activities
  [
    'read item activities with Files.Read.All',
    'GET',
    `${itemActivitiesPath()}/none`,
    undefined,
    delegated('Files.Read.All'),
    404,
  ],
  [
    'read item activities with Sites.Read.All',
    'GET',
    `${itemActivitiesPath()}/none`,
    undefined,
    delegated('Sites.Read.All'),
    404,
  ],
  ['write item activities with Files.Read.All', 'POST', itemActivitiesPath(), {}, delegated('Files.Read.All'), 403],
  [
    'write item activities with Sites.ReadWrite.All',
    'POST',
    itemActivitiesPath(),
    {},
    delegated('Sites.ReadWrite.All'),
    201,
  ],
  [
    'write item activities with Files.ReadWrite.All',
    'POST',
    itemActivitiesPath(),
    {},
    delegated('Files.ReadWrite.All'),
    201,
  ],
  [
    'item activities (a me path) with an app-only token',
    'POST',
    itemActivitiesPath(),
    {},
    application('Files.ReadWrite.All'),
    400,
  ],
  // Report rows
  ['write report rows with Reports.Read.All', 'POST', reports, reportRow, delegated('Reports.Read.All'), 403],
  ['write report rows with Reports.ReadWrite.All', 'POST', reports, reportRow, delegated('Reports.ReadWrite.All'), 201],
  [
    'write report rows as an app with Reports.ReadWrite.All',
    'POST',
    reports,
    reportRow,
    application('Reports.ReadWrite.All'),
    200,
  ],
  [
    'write report rows as an app with Reports.Read.All',
    'POST',
    reports,
    reportRow,
    application('Reports.Read.All'),
    403,
  ],
  ['write report rows with an Analytics scope', 'POST', reports, reportRow, delegated('Analytics.ReadWrite.All'), 403],
];

describe('permissions (contract §6)', () => {
  // The cases run in order: creations come before the reads that find them.
  it.each(cases)('%s', async (_name, method, path, body, token, status) => {
    const response = await api.request(method, path, { body, token: await api.token(token) });
    expect(response.status).toBe(status);
    if (status === 403) expect(errorCode(response)).toBe('Authorization_RequestDenied');
    if (status === 400)
      expect(JSON.stringify(response.json)).toContain('/me request is only valid with delegated authentication flow.');
  });

  it("ignores roles in a delegated token (they are the user's app roles, not application permissions)", async () => {
    const token = await api.token({
      tenantId: DEV_TENANT,
      userId: DEV_USER,
      scopes: ['Reports.Read.All'],
      roles: ['Reports.ReadWrite.All'],
    });
    expect((await api.request('POST', reports, { body: reportRow, token })).status).toBe(403);
  });
});
