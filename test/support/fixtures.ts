/**
 * Request bodies used across the tests. The `seed*` bodies are the literal examples of the five Graph doc
 * pages this service implements; the `corrected*` ones are the same requests with valid values.
 */

/** Create activityStatistics (POST …/invitedUser/analytics/activityStatistics): invalid activity and dates. */
export const seedActivityStatistics = {
  '@odata.type': '#microsoft.graph.activityStatistics',
  activity: 'String',
  startDate: 'Date',
  endDate: 'Date',
  timeZoneUsed: 'Time Zone Used value',
  duration: '-PT0.9940994S',
};
export const seedActivityStatisticsInvalid = ['activity', 'startDate', 'endDate'];

export const correctedActivityStatistics = {
  ...seedActivityStatistics,
  activity: 'Email',
  startDate: '2019-06-16',
  endDate: '2019-06-17',
};

/** Create itemActivity (POST …/itemActivityStats/{id}/activities): valid as written. */
export const seedItemActivity = {
  '@odata.type': '#microsoft.graph.itemActivity',
  access: {
    '@odata.type': 'microsoft.graph.accessAction',
  },
  activityDateTime: '2017-01-01T00:02:10.8639373+03:00',
  actor: {
    '@odata.type': 'microsoft.graph.identitySet',
    application: {
      '@odata.type': 'microsoft.graph.identity',
      id: 'Id value',
      displayName: 'Display Name value',
    },
    device: {
      '@odata.type': 'microsoft.graph.identity',
    },
    user: {
      '@odata.type': 'microsoft.graph.identity',
    },
  },
};

/** Update callActivityStatistics (PATCH): invalid activity and dates. */
export const seedCallActivityStatisticsUpdate = {
  '@odata.type': '#microsoft.graph.callActivityStatistics',
  activity: 'String',
  startDate: 'Date',
  endDate: 'Date',
  timeZoneUsed: 'Time Zone Used value',
  duration: '-PT1M55.0810357S',
  afterHours: '-PT1M34.3242013S',
};
export const seedCallActivityStatisticsUpdateInvalid = ['activity', 'startDate', 'endDate'];

export const correctedCallActivityStatisticsUpdate = {
  ...seedCallActivityStatisticsUpdate,
  activity: 'Call',
  startDate: '2019-06-16',
  endDate: '2019-06-18',
};

/** Create office365ActivationCounts (POST reports/office365ActivationCounts): invalid reportRefreshDate. */
export const seedActivationCounts = {
  '@odata.type': '#microsoft.graph.office365ActivationCounts',
  reportRefreshDate: 'Date',
  productType: 'Product Type value',
  windows: 7,
  mac: 3,
  android: 7,
  ios: 3,
  windows10Mobile: 15,
};
export const seedActivationCountsInvalid = ['reportRefreshDate'];

export const correctedActivationCounts = { ...seedActivationCounts, reportRefreshDate: '2019-06-16' };

/** Create office365ActiveUserCounts (POST reports/office365ActiveUserCounts): invalid dates and period. */
export const seedActiveUserCounts = {
  '@odata.type': '#microsoft.graph.office365ActiveUserCounts',
  reportRefreshDate: 'Date',
  office365: 9,
  exchange: 8,
  oneDrive: 8,
  sharePoint: 10,
  skypeForBusiness: 0,
  yammer: 6,
  teams: 5,
  reportDate: 'Date',
  reportPeriod: 'Report Period value',
};
export const seedActiveUserCountsInvalid = ['reportRefreshDate', 'reportDate', 'reportPeriod'];

export const correctedActiveUserCounts = {
  ...seedActiveUserCounts,
  reportRefreshDate: '2019-06-16',
  reportDate: '2019-06-15',
  reportPeriod: '7',
};

/** A row of getOffice365ActivationCounts' JSON output (`$format=application/json`), as Graph documents one. */
export const documentedActivationCountsRow = {
  reportRefreshDate: '2017-09-01',
  productType: 'Microsoft 365 Apps for enterprise',
  windows: 9157,
  mac: 576,
  android: 358,
  ios: 1452,
  windows10Mobile: 2309,
};

/** A row of getOffice365ActiveUserCounts' JSON output, as Graph documents one. */
export const documentedActiveUserCountsRow = {
  reportRefreshDate: '2017-09-01',
  office365: 1718,
  exchange: 1429,
  oneDrive: 350,
  sharePoint: 795,
  skypeForBusiness: 251,
  yammer: 47,
  teams: 10,
  reportDate: '2017-08-29',
  reportPeriod: '7',
};

/** The item-activity collection of one statistic of one group drive. */
export function itemActivitiesPath(groupId = 'c5d8e0a1-1111-4b1c-9d2e-000000000001', statId = 'stat-1'): string {
  return `/beta/me/joinedGroups/${groupId}/drive/activities/old-1/driveItem/analytics/itemActivityStats/${statId}/activities`;
}
