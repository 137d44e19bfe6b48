/**
 * The table of every operation the service serves. The Azure Functions registrations (`host/functions.ts`)
 * make one function of each, and the local host serves the same table.
 */
import type { Access as AccessKind } from '../auth/permissions';
import type { Principal } from '../auth/principal';
import { BadRequestError } from '../errors';
import { activityStatistics } from '../model/activityStatistics';
import { itemActivity } from '../model/itemActivity';
import { office365ActivationCounts, office365ActiveUserCounts } from '../model/reportRows';
import type { Access, Operation } from '../http/operation';
import { batchOperation } from './batch';
import { type CollectionDeclaration, collectionOperations } from './collection';
import { documentOperations } from './documents';
import { referenceOperations } from './references';
import { importOperation } from './reportImport';
import { REPORT_OPERATIONS, reportsAccess } from './reports';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Graph keys that are GUIDs compare case-insensitively: store them in one case. */
function normalizeKey(value: string): string {
  return GUID.test(value) ? value.toLowerCase() : value;
}

function param(params: Readonly<Record<string, string>>, name: string): string {
  const value = params[name];
  if (value === undefined) throw new Error(`The route has no {${name}} parameter.`);
  return normalizeKey(value);
}

/** `me` paths act for the signed-in user: an app-only token has none (Graph answers 400 too). */
function signedInUser(principal: Principal): string {
  if (principal.userId === undefined) {
    throw new BadRequestError('/me request is only valid with delegated authentication flow.');
  }
  return principal.userId;
}

function statisticsAccess(principal: Principal, owner: string, userId: string | undefined, kind: AccessKind): Access {
  const own = userId !== undefined && userId === principal.userId;
  return { requirement: { area: 'statistics', access: kind, own }, scope: { tenantId: principal.tenantId, owner } };
}

const ANALYTICS = 'analytics/activityStatistics';

export const invitedUserStatistics: CollectionDeclaration = {
  name: 'ActivityStatistics',
  route: `beta/invitations/{invitationsId}/invitedUser/${ANALYTICS}`,
  container: 'activityStatistics',
  definition: activityStatistics,
  access: (principal, params, kind) =>
    statisticsAccess(principal, `invitations/${param(params, 'invitationsId')}/invitedUser`, undefined, kind),
};

export const userStatistics: CollectionDeclaration = {
  name: 'UserActivityStatistics',
  route: `beta/users/{userId}/${ANALYTICS}`,
  container: 'activityStatistics',
  definition: activityStatistics,
  access(principal, params, kind) {
    const userId = param(params, 'userId');
    if (!GUID.test(userId)) {
      throw new BadRequestError('Users are identified by their object id (a GUID) in this service.', [
        { code: 'invalidValue', target: 'userId', message: `'${userId}' is not a user object id (GUID).` },
      ]);
    }
    return statisticsAccess(principal, `users/${userId}`, userId, kind);
  },
};

export const myStatistics: CollectionDeclaration = {
  name: 'MyActivityStatistics',
  route: `beta/me/${ANALYTICS}`,
  container: 'activityStatistics',
  definition: activityStatistics,
  access(principal, _params, kind) {
    const userId = signedInUser(principal);
    return statisticsAccess(principal, `users/${userId}`, userId, kind);
  },
};

export const itemActivities: CollectionDeclaration = {
  name: 'ItemActivity',
  route:
    'beta/me/joinedGroups/{groupId}/drive/activities/{itemActivityOLDId}/driveItem/analytics/itemActivityStats/{itemActivityStatId}/activities',
  container: 'itemActivities',
  definition: itemActivity,
  access(principal, params, kind) {
    signedInUser(principal);
    // The data belongs to the group's drive, not to the caller: every member sees the same collection.
    const owner = [
      'groups',
      param(params, 'groupId'),
      'drive/activities',
      param(params, 'itemActivityOLDId'),
      'driveItem/analytics/itemActivityStats',
      param(params, 'itemActivityStatId'),
    ].join('/');
    return { requirement: { area: 'itemActivities', access: kind }, scope: { tenantId: principal.tenantId, owner } };
  },
};

function reportRows(name: 'Office365ActivationCounts' | 'Office365ActiveUserCounts'): CollectionDeclaration {
  const container = name === 'Office365ActivationCounts' ? 'office365ActivationCounts' : 'office365ActiveUserCounts';
  return {
    name,
    route: `beta/reports/${container}`,
    container,
    definition: container === 'office365ActivationCounts' ? office365ActivationCounts : office365ActiveUserCounts,
    access: (principal, _params, kind) => reportsAccess(principal, kind),
  };
}

/** The collections of report rows, which Graph's report output can be imported into. */
export const REPORT_ROW_COLLECTIONS: readonly CollectionDeclaration[] = [
  reportRows('Office365ActivationCounts'),
  reportRows('Office365ActiveUserCounts'),
];

export const COLLECTIONS: readonly CollectionDeclaration[] = [
  invitedUserStatistics,
  userStatistics,
  myStatistics,
  itemActivities,
  ...REPORT_ROW_COLLECTIONS,
];

export const OPERATIONS: readonly Operation[] = [
  ...COLLECTIONS.flatMap(collectionOperations),
  ...referenceOperations(itemActivities),
  ...REPORT_OPERATIONS,
  ...REPORT_ROW_COLLECTIONS.map(importOperation),
  // The batch runs the other operations of this table (read when a batch arrives, not at import).
  batchOperation(() => OPERATIONS),
  ...documentOperations(() => OPERATIONS, COLLECTIONS),
];

/** The name of the catch-all function that answers 404 and 405 in Graph's shape. */
export const UNMATCHED_ROUTE = { name: 'unmatchedRoute', route: '{*path}' } as const;

export function findOperation(name: string): Operation | undefined {
  return OPERATIONS.find((operation) => operation.name === name);
}
