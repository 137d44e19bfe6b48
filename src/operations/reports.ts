/**
 * Graph's report functions over the stored report rows: `getOffice365ActivationCounts` and
 * `getOffice365ActiveUserCounts(period='D7')`. They return the rows of the latest `reportRefreshDate` (of
 * the requested period), as CSV with Graph's column headers by default, or JSON with `$format`.
 */
import { BadRequestError } from '../errors';
import type { Access as AccessKind } from '../auth/permissions';
import type { Principal } from '../auth/principal';
import type { Access, Operation, OperationInput, OperationResult } from '../http/operation';
import { serviceRoot } from '../http/odata';
import { ACTIVATION_COUNTS_KEY, ACTIVE_USER_COUNTS_KEY } from '../model/reportRows';
import type { JsonObject } from '../model/resource';
import { compileFilter, type FilterExpression } from '../odata/filter';
import type { ContainerName } from '../store/containers';
import type { StoredEntity } from '../store/entityStore';

export interface ReportColumn {
  readonly header: string;
  readonly property: string;
}

export interface ReportDeclaration {
  readonly name: string;
  /** The route: `beta/reports/<name>` plus the function's parameters, if it has any. */
  readonly route: string;
  /** OData's other forms of the call: with `()`, and namespace-qualified. */
  readonly aliases: readonly string[];
  readonly container: ContainerName;
  readonly typeName: string;
  readonly columns: readonly ReportColumn[];
  /** The properties a row is known by (its natural key, from which its id is derived). */
  readonly keys: readonly string[];
  /** How rows of one refresh are ordered (a queryable property). */
  readonly orderBy: { readonly property: string; readonly descending: boolean };
  /** The condition on rows from the function's parameters (e.g. the period). */
  filterFor(params: Readonly<Record<string, string>>): FilterExpression | undefined;
}

const columns = (pairs: [string, string][]): ReportColumn[] =>
  pairs.map(([header, property]) => ({ header, property }));

/** Graph's period parameter and the day count its rows carry. */
const PERIODS: Readonly<Record<string, string>> = { D7: '7', D30: '30', D90: '90', D180: '180' };

/** The values of the `period` parameter. */
export const PERIOD_PARAMETERS: readonly string[] = Object.keys(PERIODS);

const activationCounts: ReportDeclaration = {
  name: 'getOffice365ActivationCounts',
  route: 'beta/reports/getOffice365ActivationCounts',
  aliases: [
    'beta/reports/getOffice365ActivationCounts()',
    'beta/reports/microsoft.graph.getOffice365ActivationCounts',
    'beta/reports/microsoft.graph.getOffice365ActivationCounts()',
  ],
  container: 'office365ActivationCounts',
  typeName: 'office365ActivationCounts',
  columns: columns([
    ['Report Refresh Date', 'reportRefreshDate'],
    ['Product Type', 'productType'],
    ['Windows', 'windows'],
    ['Mac', 'mac'],
    ['Android', 'android'],
    ['iOS', 'ios'],
    ['Windows 10 Mobile', 'windows10Mobile'],
  ]),
  keys: ACTIVATION_COUNTS_KEY,
  orderBy: { property: 'productType', descending: false },
  filterFor: () => undefined,
};

const activeUserCounts: ReportDeclaration = {
  name: 'getOffice365ActiveUserCounts',
  route: "beta/reports/getOffice365ActiveUserCounts(period='{period}')",
  aliases: ["beta/reports/microsoft.graph.getOffice365ActiveUserCounts(period='{period}')"],
  container: 'office365ActiveUserCounts',
  typeName: 'office365ActiveUserCounts',
  columns: columns([
    ['Report Refresh Date', 'reportRefreshDate'],
    ['Office 365', 'office365'],
    ['Exchange', 'exchange'],
    ['OneDrive', 'oneDrive'],
    ['SharePoint', 'sharePoint'],
    ['Skype For Business', 'skypeForBusiness'],
    ['Yammer', 'yammer'],
    ['Teams', 'teams'],
    ['Report Date', 'reportDate'],
    ['Report Period', 'reportPeriod'],
  ]),
  keys: ACTIVE_USER_COUNTS_KEY,
  orderBy: { property: 'reportDate', descending: true },
  filterFor(params) {
    const period = PERIODS[params.period ?? ''];
    if (period === undefined) {
      throw new BadRequestError(`Invalid period '${params.period ?? ''}': use D7, D30, D90 or D180.`, [
        { code: 'invalidValue', target: 'period', message: 'The period is one of D7, D30, D90, D180.' },
      ]);
    }
    return { kind: 'compare', operator: 'eq', property: 'reportPeriod', literal: { kind: 'string', value: period } };
  },
};

/** RFC 4180: a field with a comma, quote or line break is quoted, quotes doubled; null is an empty field. */
export function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function toCsv(headers: readonly string[], rows: readonly (readonly unknown[])[]): string {
  return [headers, ...rows].map((row) => `${row.map(csvField).join(',')}\r\n`).join('');
}

/** Report rows are the tenant's; one refresh holds one row per product or day, so this bound is generous. */
const MAX_REPORT_ROWS = 10_000;

function and(left: FilterExpression | undefined, right: FilterExpression): FilterExpression {
  return left === undefined ? right : { kind: 'and', left, right };
}

/** Every row of one (the latest) refresh, in report order. A refresh holds one row per product or day. */
async function latestRows(report: ReportDeclaration, input: OperationInput): Promise<StoredEntity[]> {
  const store = input.services.stores[report.container];
  const { queryable } = store.query;
  const condition = report.filterFor(input.params);
  const path = (property: string): string => {
    const declared = queryable[property];
    if (declared === undefined) throw new Error(`The report property '${property}' is not queryable.`);
    return declared.path;
  };
  const latest = await store.list(
    input.scope,
    {
      filter: condition === undefined ? undefined : compileFilter(condition, queryable),
      orderBy: { path: path('reportRefreshDate'), descending: true },
      top: 1,
      continuation: undefined,
    },
    input.budget,
  );
  const refreshDate = latest.items[0]?.data.reportRefreshDate;
  if (typeof refreshDate !== 'string') return [];
  const ofRefresh = and(condition, {
    kind: 'compare',
    operator: 'eq',
    property: 'reportRefreshDate',
    literal: { kind: 'date', value: refreshDate },
  });
  const filter = compileFilter(ofRefresh, queryable);
  const orderBy = { path: path(report.orderBy.property), descending: report.orderBy.descending };
  const rows: StoredEntity[] = [];
  let continuation: string | undefined;
  do {
    const page = await store.list(input.scope, { filter, orderBy, top: 999, continuation }, input.budget);
    rows.push(...page.items);
    continuation = page.continuation;
  } while (continuation !== undefined && rows.length < MAX_REPORT_ROWS);
  return rows;
}

function reportResult(
  report: ReportDeclaration,
  input: OperationInput,
  rows: readonly StoredEntity[],
): OperationResult {
  const format = input.query.get('$format');
  if (format === 'application/json') {
    return {
      status: 200,
      body: {
        '@odata.context': `${serviceRoot(input.url)}/$metadata#Collection(microsoft.graph.${report.typeName})`,
        value: rows.map((row): JsonObject => ({ ...row.data })),
      },
    };
  }
  if (format !== null && format !== 'text/csv') {
    throw new BadRequestError(`Invalid $format '${format.slice(0, 64)}': use text/csv or application/json.`, [
      { code: 'invalidQueryOption', target: '$format', message: 'The format is text/csv or application/json.' },
    ]);
  }
  const csv = toCsv(
    report.columns.map((c) => c.header),
    rows.map((row) => report.columns.map((c) => row.data[c.property])),
  );
  // Graph answers 302 to a download URL; this service answers the CSV itself.
  return { status: 200, text: { contentType: 'text/csv; charset=utf-8', content: csv } };
}

/** Report rows are the tenant's: one partition per tenant, permissions of the reports area. */
export function reportsAccess(principal: Principal, kind: AccessKind): Access {
  return { requirement: { area: 'reports', access: kind }, scope: { tenantId: principal.tenantId, owner: 'reports' } };
}

function reportOperation(report: ReportDeclaration): Operation {
  return {
    name: report.name,
    method: 'GET',
    route: report.route,
    aliases: report.aliases,
    hasBody: false,
    queryOptions: ['$format'],
    access: (principal) => reportsAccess(principal, 'read'),
    async handle(input) {
      return reportResult(report, input, await latestRows(report, input));
    },
  };
}

/** The report functions, each over the rows of one container. */
export const REPORTS: readonly ReportDeclaration[] = [activationCounts, activeUserCounts];

export const REPORT_OPERATIONS: readonly Operation[] = REPORTS.map(reportOperation);
