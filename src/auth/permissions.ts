/**
 * The permission table of the contract (§6): which delegated scopes (`scp`) or application roles (`roles`)
 * each kind of operation needs.
 */
import { ForbiddenError } from '../errors';
import type { Principal } from './principal';

export type Access = 'read' | 'write';

export type Requirement =
  | { readonly area: 'statistics'; readonly access: Access; readonly own: boolean }
  | { readonly area: 'itemActivities' | 'reports'; readonly access: Access }
  /** Any valid token (a JSON batch: each of its requests is authorized on its own). */
  | { readonly area: 'authenticated' };

export interface Grant {
  readonly scopes: readonly string[];
  readonly roles: readonly string[];
}

function same(permissions: readonly string[]): Grant {
  return { scopes: permissions, roles: permissions };
}

const GRANTS = {
  statistics: {
    own: {
      read: {
        scopes: ['Analytics.Read', 'Analytics.ReadWrite', 'Analytics.Read.All', 'Analytics.ReadWrite.All'],
        roles: [],
      },
      write: { scopes: ['Analytics.ReadWrite', 'Analytics.ReadWrite.All'], roles: [] },
    },
    others: {
      read: same(['Analytics.Read.All', 'Analytics.ReadWrite.All']),
      write: same(['Analytics.ReadWrite.All']),
    },
  },
  itemActivities: {
    read: same(['Files.Read.All', 'Files.ReadWrite.All', 'Sites.Read.All', 'Sites.ReadWrite.All']),
    write: same(['Files.ReadWrite.All', 'Sites.ReadWrite.All']),
  },
  reports: {
    read: same(['Reports.Read.All', 'Reports.ReadWrite.All']),
    write: same(['Reports.ReadWrite.All']),
  },
} as const satisfies {
  statistics: Record<'own' | 'others', Record<Access, Grant>>;
  itemActivities: Record<Access, Grant>;
  reports: Record<Access, Grant>;
};

/** Every delegated scope the API exposes. */
export const DELEGATED_SCOPES: readonly string[] = [
  ...new Set([
    ...GRANTS.statistics.own.read.scopes,
    ...GRANTS.itemActivities.read.scopes,
    ...GRANTS.reports.read.scopes,
  ]),
];

/** Every application role the API exposes. */
export const APPLICATION_ROLES: readonly string[] = [
  ...new Set([
    ...GRANTS.statistics.others.read.roles,
    ...GRANTS.itemActivities.read.roles,
    ...GRANTS.reports.read.roles,
  ]),
];

/** The scopes and roles a requirement accepts (any one of them); none named for any valid token. */
export function grantFor(requirement: Requirement): Grant {
  if (requirement.area === 'authenticated') return { scopes: [], roles: [] };
  if (requirement.area === 'statistics') {
    return GRANTS.statistics[requirement.own ? 'own' : 'others'][requirement.access];
  }
  return GRANTS[requirement.area][requirement.access];
}

/** Throws 403 unless the principal holds one of the permissions the requirement accepts. */
export function authorize(principal: Principal, requirement: Requirement): void {
  if (requirement.area === 'authenticated') return;
  const grant = grantFor(requirement);
  const allowed =
    grant.scopes.some((scope) => principal.scopes.has(scope)) || grant.roles.some((role) => principal.roles.has(role));
  if (!allowed) throw new ForbiddenError();
}
