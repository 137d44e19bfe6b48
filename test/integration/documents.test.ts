/**
 * The documents the service publishes about itself, through HTTP:
 * - `$metadata` and `openapi.json` are served without a token, with their media types and the usual
 *   correlation headers;
 * - every `@odata.context` the service writes (every operation of `api.http`, which exercises them all, and
 *   their `$select` forms) resolves against the served `$metadata`;
 * - the OpenAPI document passes a maintained validator, lists exactly the table's routes, states each
 *   operation's permissions as contract §6 has them, and its request body schemas accept exactly the bodies
 *   the service accepts (2xx) and refuse those it refuses (400), save the rules JSON Schema cannot state.
 */
import { validate } from '@readme/openapi-parser';
import { Ajv2020 } from 'ajv/dist/2020';
import { beforeAll, describe, expect, it } from 'vitest';
import { DELEGATED_SCOPES } from '../../src/auth/permissions';
import { RouteTable } from '../../src/http/routes';
import { metadataDocument } from '../../src/metadata/csdl';
import { openApiPath } from '../../src/metadata/openapi';
import { OPERATIONS, findOperation } from '../../src/operations';
import { type CsdlModel, UNQUALIFIED_DERIVED, readCsdl, resolveContextUrl } from '../support/csdl';
import {
  correctedActivationCounts,
  correctedActiveUserCounts,
  correctedActivityStatistics,
  correctedCallActivityStatisticsUpdate,
  documentedActivationCountsRow,
  documentedActiveUserCountsRow,
  itemActivitiesPath,
  seedActivationCounts,
  seedActiveUserCounts,
  seedActivityStatistics,
  seedCallActivityStatisticsUpdate,
  seedItemActivity,
} from '../support/fixtures';
import { runHttpFile } from '../support/httpFile';
import { DEV_TENANT, DEV_USER, useTestHost } from '../support/testHost';

const api = useTestHost();

type Json = Record<string, unknown>;

describe('the documents are served without a token', () => {
  it('GET /beta/$metadata: CSDL XML, OData-Version 4.0, correlation headers, with or without a token', async () => {
    for (const token of [{ token: null }, { token: 'not.a.token' }, {}]) {
      const response = await api.request('GET', '/beta/$metadata', {
        ...token,
        headers: { 'client-request-id': 'metadata-1' },
      });
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('application/xml');
      expect(response.headers.get('odata-version')).toBe('4.0');
      expect(response.headers.get('request-id')).toMatch(/^[0-9a-f-]{36}$/);
      expect(response.headers.get('client-request-id')).toBe('metadata-1');
      expect(response.text).toBe(metadataDocument());
    }
  });

  it('GET /beta/openapi.json: JSON whose server is where the request came', async () => {
    const response = await api.request('GET', '/beta/openapi.json', { token: null });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(response.headers.get('request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect((response.json?.servers as { url: string }[] | undefined)?.[0]?.url).toBe(`${api.url}/beta`);
  });

  it('answers other methods 405, query options 400, and leaves the other operations to need a token', async () => {
    const post = await api.request('POST', '/beta/$metadata', { token: null, body: {} });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET');
    expect((await api.request('GET', '/beta/$metadata?$format=json', { token: null })).status).toBe(400);
    expect((await api.request('GET', '/beta/reports/office365ActivationCounts', { token: null })).status).toBe(401);
    expect(findOperation('getMetadata')?.anonymous).toBe(true);
    expect(OPERATIONS.filter((op) => op.anonymous === true).map((op) => op.name)).toEqual([
      'getMetadata',
      'getOpenApi',
    ]);
  });
});

describe('every @odata.context resolves against $metadata', () => {
  let model: CsdlModel;
  beforeAll(async () => {
    model = readCsdl((await api.request('GET', '/beta/$metadata', { token: null })).text);
  });

  const resolves = (url: string): string | undefined => {
    try {
      resolveContextUrl(model, url, `${api.url}/beta`);
      return undefined;
    } catch (error) {
      return `${url}: ${(error as Error).message}`;
    }
  };

  it('of every operation of api.http, and of their $select forms', async () => {
    const token = await api.token({ tenantId: DEV_TENANT, userId: DEV_USER, scopes: DELEGATED_SCOPES });
    const table = new RouteTable(OPERATIONS);
    const contexts = new Map<string, string[]>();
    const unresolved: string[] = [];
    const record = (operation: string, body: Json) => {
      const context = body['@odata.context'];
      // (An answer that is no entity or collection, e.g. a count of imported rows, may have none.)
      if (context === undefined) return;
      expect(typeof context, operation).toBe('string');
      const url = typeof context === 'string' ? context : '';
      contexts.set(operation, [...(contexts.get(operation) ?? []), url]);
      const problem = resolves(url);
      if (problem !== undefined) unresolved.push(`${operation}: ${problem}`);
    };
    await runHttpFile(`${api.url}/beta`, token, async ({ request, url, response, text }) => {
      const match = table.match(request.method, url.pathname.slice(1));
      // OData JSON (not the OpenAPI document, CSV, text or an empty body) carries its context.
      if (match.kind !== 'found' || response.headers.get('odata-version') === null || !text.startsWith('{')) return;
      const operation = match.target.name;
      record(operation, JSON.parse(text) as Json);
      if (request.method === 'GET' && match.target.queryOptions.includes('$select')) {
        const selected = new URL(url);
        selected.searchParams.set('$select', 'id');
        const again = await api.request('GET', `${selected.pathname}${selected.search}`);
        expect(again.status, `${operation} with $select`).toBe(200);
        record(operation, again.json ?? {});
      }
    });
    // Every operation that answers an entity or a collection in JSON wrote one.
    // (The report functions answer CSV there: their JSON is the next test's.)
    const answering = OPERATIONS.filter(
      (op) =>
        /^(create|list|get|update)/.test(op.name) && op.anonymous !== true && !op.queryOptions.includes('$format'),
    );
    expect(answering.map((op) => op.name).filter((name) => !contexts.has(name))).toEqual([]);
    expect([...contexts.values()].flat().some((c) => c.includes('(id)/$entity'))).toBe(true);
    expect(unresolved).toEqual([]);
  });

  it('of ids that need encoding, and of reports in JSON', async () => {
    const id = "it's 50% (a/b?)".replace(/[/?]/g, '-');
    const created = await api.request('POST', '/beta/me/analytics/activityStatistics', {
      body: { ...correctedActivityStatistics, id },
    });
    expect(created.status).toBeLessThan(300);
    expect(resolves(String(created.json?.['@odata.context']))).toBeUndefined();
    for (const report of [
      "/beta/reports/getOffice365ActiveUserCounts(period='D7')",
      '/beta/reports/getOffice365ActivationCounts',
      '/beta/reports/microsoft.graph.getOffice365ActivationCounts()',
    ]) {
      const response = await api.request('GET', `${report}?$format=application/json`);
      expect(response.status, report).toBe(200);
      expect(resolves(String(response.json?.['@odata.context'])), report).toBeUndefined();
    }
  });

  // OData writes a derived type's property in a select list qualified by the type that declares it,
  // `(microsoft.graph.callActivityStatistics/afterHours)`: afterHours is no property of the abstract
  // activityStatistics, so `(afterHours)` resolves in no faithful $metadata.
  it("of a derived type's property in $select: qualified by each type that declares it, for a list and an entity", async () => {
    const stats = '/beta/me/analytics/activityStatistics';
    const created = await api.request('POST', stats, {
      body: { ...correctedCallActivityStatisticsUpdate, id: 'call-select' },
    });
    expect(created.status).toBeLessThan(300);
    expect(resolves(`${api.url}/beta/$metadata#users('x')/analytics/activityStatistics(afterHours)`)).toContain(
      UNQUALIFIED_DERIVED,
    );
    for (const url of [
      `${stats}?$select=afterHours,duration`,
      `${stats}/call-select?$select=duration,afterHours,organized`,
    ]) {
      const response = await api.request('GET', url);
      expect(response.status, url).toBe(200);
      const context = String(response.json?.['@odata.context']);
      expect(context, url).toContain('microsoft.graph.callActivityStatistics/afterHours');
      expect(context, url).toContain('microsoft.graph.meetingActivityStatistics/afterHours');
      expect(context, url).toContain('duration');
      expect(resolves(context), context).toBeUndefined();
    }
  });
});

// ---- the OpenAPI document ------------------------------------------------------------------------------

let documentPromise: Promise<Json> | undefined;
function openApi(): Promise<Json> {
  documentPromise ??= api.request('GET', '/beta/openapi.json', { token: null }).then((r) => r.json ?? {});
  return documentPromise;
}

type Operations = Record<string, Record<string, Json>>;

describe('the OpenAPI document', () => {
  it('passes a maintained OpenAPI 3.1 validator (@readme/openapi-parser)', async () => {
    const document = await openApi();
    expect(document.openapi).toBe('3.1.0');
    await expect(validate(structuredClone(document) as never)).resolves.toBeDefined();
  });

  it('lists every route of the operation table, with its method and operationId, and nothing else (not the aliases: they are the same operations)', async () => {
    const paths = (await openApi()).paths as Operations;
    const listed = Object.entries(paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(
        ([method, operation]) => `${method.toUpperCase()} ${path} ${String(operation.operationId)}`,
      ),
    );
    const expected = OPERATIONS.map((op) => `${op.method} ${openApiPath(op.route)} ${op.name}`);
    expect(listed.sort()).toEqual(expected.sort());
  });

  it("describes each import: Graph's CSV and JSON as the request body, the counts as the answer", async () => {
    const document = await openApi();
    const paths = document.paths as Operations;
    const schemas = (document.components as { schemas: Record<string, Json> }).schemas;
    for (const [rows, columns] of [
      ['office365ActivationCounts', 'Report Refresh Date, Product Type, Windows, Mac, Android, iOS, Windows 10 Mobile'],
      [
        'office365ActiveUserCounts',
        'Report Refresh Date, Office 365, Exchange, OneDrive, SharePoint, Skype For Business, Yammer, Teams, Report Date, Report Period',
      ],
    ] as const) {
      const operation = paths[`/reports/${rows}/import`]?.post;
      expect(operation?.operationId).toBe(`import${rows[0]?.toUpperCase() ?? ''}${rows.slice(1)}`);
      const content = (operation?.requestBody as { required: boolean; content: Record<string, { schema: Json }> })
        .content;
      expect(Object.keys(content).sort()).toEqual(['application/json', 'text/csv']);
      expect(content['text/csv']?.schema.type).toBe('string');
      expect(content['text/csv']?.schema.description).toContain(columns);
      const body = content['application/json']?.schema as { required: string[]; properties: Record<string, Json> };
      expect(body.required).toEqual(['value']);
      expect(body.properties.value).toEqual({
        type: 'array',
        items: { $ref: `#/components/schemas/microsoft.graph.${rows}-importRow` },
      });
      const row = schemas[`microsoft.graph.${rows}-importRow`] as { required: string[]; properties: Json };
      expect(row.properties.id).toBeUndefined();
      expect(row.required.length).toBe(columns.split(', ').length);
      const answer = (operation?.responses as Record<string, { content?: Record<string, { schema: Json }> }>)['200'];
      expect(answer?.content?.['application/json']?.schema).toEqual({
        $ref: '#/components/schemas/microsoft.graph.reportImportResult',
      });
    }
    expect(schemas['microsoft.graph.reportImportResult']).toMatchObject({
      type: 'object',
      required: ['created', 'replaced', 'unchanged'],
    });
  });

  it('states the permissions of contract §6 for every operation, and none for the documents', async () => {
    const paths = (await openApi()).paths as Operations;
    const analytics = {
      ownRead: ['Analytics.Read', 'Analytics.ReadWrite', 'Analytics.Read.All', 'Analytics.ReadWrite.All'],
      ownWrite: ['Analytics.ReadWrite', 'Analytics.ReadWrite.All'],
      othersRead: ['Analytics.Read.All', 'Analytics.ReadWrite.All'],
      othersWrite: ['Analytics.ReadWrite.All'],
    };
    const expectedOf = (route: string, read: boolean): string[] => {
      if (route.includes('/joinedGroups/')) {
        return read
          ? ['Files.Read.All', 'Files.ReadWrite.All', 'Sites.Read.All', 'Sites.ReadWrite.All']
          : ['Files.ReadWrite.All', 'Sites.ReadWrite.All'];
      }
      if (route.startsWith('beta/reports/'))
        return read ? ['Reports.Read.All', 'Reports.ReadWrite.All'] : ['Reports.ReadWrite.All'];
      if (route.startsWith('beta/me/')) return read ? analytics.ownRead : analytics.ownWrite;
      // users/{userId}: the caller's own (delegated) or anyone's; application roles are the same names.
      if (route.startsWith('beta/users/')) return read ? analytics.ownRead : analytics.ownWrite;
      return read ? analytics.othersRead : analytics.othersWrite;
    };
    for (const op of OPERATIONS) {
      const security = paths[openApiPath(op.route)]?.[op.method.toLowerCase()]?.security as Record<string, string[]>[];
      const names = security.flatMap((requirement) => Object.values(requirement).flat());
      if (op.name === 'batch') {
        // A token, and no particular permission: each batched request is authorized on its own.
        expect(security, op.name).toEqual([{ entraId: [] }]);
        continue;
      }
      const expected = op.anonymous === true ? [] : expectedOf(op.route, op.method === 'GET');
      expect(names.sort(), op.name).toEqual([...expected].sort());
    }
  });
});

describe('the OpenAPI document states the request headers', () => {
  it('If-Match on updates and deletes, If-None-Match and Prefer on creates, Prefer and ConsistencyLevel on lists', async () => {
    const paths = (await openApi()).paths as Operations;
    const headersOf = (name: string): string[] => {
      const op = findOperation(name);
      if (op === undefined) throw new Error(name);
      const parameters = (paths[openApiPath(op.route)]?.[op.method.toLowerCase()]?.parameters ?? []) as Json[];
      return parameters.filter((p) => p.in === 'header').map((p) => String(p.name));
    };
    for (const op of OPERATIONS) {
      const expected = /^(update)/.test(op.name)
        ? ['If-Match', 'Prefer']
        : /^delete/.test(op.name)
          ? ['If-Match']
          : /^create/.test(op.name)
            ? ['If-None-Match', 'Prefer']
            : /^list/.test(op.name)
              ? ['Prefer', 'ConsistencyLevel']
              : /^count/.test(op.name)
                ? ['ConsistencyLevel']
                : [];
      expect(headersOf(op.name).sort(), op.name).toEqual(expected.sort());
    }
  });
});

/** A request body the tests send, and where. */
interface BodyCase {
  readonly operation: string;
  readonly body: unknown;
  /** Why JSON Schema cannot agree with the service on this one (then it is sent, and the difference shown). */
  readonly inexpressible?: string;
}

const GROUP = '0c7d5b7e-4a0b-4b8e-9d5c-2f6a1e3b4c5d';
const STATISTICS = '/beta/me/analytics/activityStatistics';
const ACTIVITIES = itemActivitiesPath(GROUP, 'stat-docs');
const STORED_CALL = { ...correctedCallActivityStatisticsUpdate, id: 'call-docs' };

const PATHS: Readonly<Record<string, string>> = {
  createMyActivityStatistics: STATISTICS,
  updateMyActivityStatistics: `${STATISTICS}/call-docs`,
  createItemActivity: ACTIVITIES,
  updateItemActivity: `${ACTIVITIES}/activity-docs`,
  addItemActivityReference: `${ACTIVITIES}/$ref`,
  createOffice365ActivationCounts: '/beta/reports/office365ActivationCounts',
  createOffice365ActiveUserCounts: '/beta/reports/office365ActiveUserCounts',
  batch: '/beta/$batch',
  importOffice365ActivationCounts: '/beta/reports/office365ActivationCounts/import',
  importOffice365ActiveUserCounts: '/beta/reports/office365ActiveUserCounts/import',
};

const ACTIVATION_CONTEXT =
  'https://graph.microsoft.com/beta/$metadata#Collection(microsoft.graph.office365ActivationCounts)';

const BATCHED = { id: '1', method: 'GET', url: '/me/analytics/activityStatistics' };

const ENDS_BEFORE_STARTS = 'endDate ≥ startDate compares two values: JSON Schema cannot';

const CASES: readonly BodyCase[] = [
  // The fixtures of the other tests.
  { operation: 'createMyActivityStatistics', body: correctedActivityStatistics },
  { operation: 'createMyActivityStatistics', body: seedActivityStatistics },
  { operation: 'updateMyActivityStatistics', body: correctedCallActivityStatisticsUpdate },
  { operation: 'updateMyActivityStatistics', body: seedCallActivityStatisticsUpdate },
  { operation: 'createItemActivity', body: seedItemActivity },
  { operation: 'createOffice365ActivationCounts', body: correctedActivationCounts },
  { operation: 'createOffice365ActivationCounts', body: seedActivationCounts },
  { operation: 'createOffice365ActiveUserCounts', body: correctedActiveUserCounts },
  { operation: 'createOffice365ActiveUserCounts', body: seedActiveUserCounts },
  // activityStatistics: the concrete type from @odata.type or activity.
  {
    operation: 'createMyActivityStatistics',
    body: { activity: 'Call', startDate: '2019-06-16', endDate: '2019-06-16', duration: 'PT1M' },
  },
  {
    operation: 'createMyActivityStatistics',
    body: { startDate: '2019-06-16', endDate: '2019-06-16', duration: 'PT1M' },
  },
  {
    operation: 'createMyActivityStatistics',
    body: {
      '@odata.type': '#microsoft.graph.focusActivityStatistics',
      startDate: '2019-06-16',
      endDate: '2019-06-17',
      duration: 'PT1M',
    },
  },
  {
    operation: 'createMyActivityStatistics',
    body: {
      '@odata.type': 'microsoft.graph.callActivityStatistics',
      activity: 'Email',
      startDate: '2019-06-16',
      endDate: '2019-06-17',
      duration: 'PT1M',
    },
  },
  {
    operation: 'createMyActivityStatistics',
    body: {
      '@odata.type': '#microsoft.graph.callActivityStatistics',
      activity: null,
      startDate: '2019-06-16',
      endDate: '2019-06-17',
      duration: 'PT1M',
      afterHours: 'PT2M',
    },
  },
  {
    operation: 'createMyActivityStatistics',
    body: { ...correctedActivityStatistics, readEmail: 'PT3M', sentEmail: 'PT0S' },
  },
  {
    operation: 'createMyActivityStatistics',
    body: { ...correctedActivityStatistics, activity: 'Call', readEmail: 'PT3M' },
  },
  {
    operation: 'createMyActivityStatistics',
    body: { ...correctedActivityStatistics, '@odata.type': '#microsoft.graph.nothing' },
  },
  { operation: 'createMyActivityStatistics', body: { ...correctedActivityStatistics, unknown: 1 } },
  { operation: 'createMyActivityStatistics', body: { ...correctedActivityStatistics, '@odata.bogus': 1 } },
  {
    operation: 'createMyActivityStatistics',
    body: { ...correctedActivityStatistics, '@odata.etag': 'W/"x"', '@odata.context': 'x' },
  },
  { operation: 'createMyActivityStatistics', body: { ...correctedActivityStatistics, id: 'a/b' } },
  { operation: 'createMyActivityStatistics', body: { ...correctedActivityStatistics, id: ' a' } },
  { operation: 'createMyActivityStatistics', body: { ...correctedActivityStatistics, id: 'docs-1' } },
  { operation: 'createMyActivityStatistics', body: { ...correctedActivityStatistics, duration: 'P1Y' } },
  {
    operation: 'createMyActivityStatistics',
    body: { ...correctedActivityStatistics, startDate: '2020-02-29', endDate: '2020-03-01' },
  },
  { operation: 'createMyActivityStatistics', body: { ...correctedActivityStatistics, startDate: '2019-02-29' } },
  { operation: 'createMyActivityStatistics', body: { ...correctedActivityStatistics, timeZoneUsed: 'x'.repeat(257) } },
  { operation: 'createMyActivityStatistics', body: { ...correctedActivityStatistics, timeZoneUsed: null } },
  { operation: 'createMyActivityStatistics', body: { ...correctedActivityStatistics, duration: null } },
  {
    operation: 'createMyActivityStatistics',
    body: { ...correctedActivityStatistics, startDate: '2019-06-17', endDate: '2019-06-16' },
    inexpressible: ENDS_BEFORE_STARTS,
  },
  // PATCH of a stored callActivityStatistics.
  { operation: 'updateMyActivityStatistics', body: { duration: 'PT9M' } },
  { operation: 'updateMyActivityStatistics', body: { activity: 'Call', afterHours: 'PT1H' } },
  {
    operation: 'updateMyActivityStatistics',
    body: { activity: 'Email' },
    inexpressible: 'the activity of the stored type: the stored type decides, which the schema cannot know',
  },
  { operation: 'updateMyActivityStatistics', body: { afterHours: 'soon' } },
  { operation: 'updateMyActivityStatistics', body: { nothing: 1 } },
  {
    operation: 'updateMyActivityStatistics',
    body: { '@odata.type': '#microsoft.graph.callActivityStatistics', afterHours: 'PT0S' },
  },
  {
    operation: 'updateMyActivityStatistics',
    body: { readEmail: 'PT1M' },
    inexpressible: 'a property of another concrete type: the stored type decides, which the schema cannot know',
  },
  {
    operation: 'updateMyActivityStatistics',
    body: { '@odata.type': '#microsoft.graph.emailActivityStatistics' },
    inexpressible: 'a change of type: the stored type decides, which the schema cannot know',
  },
  { operation: 'updateMyActivityStatistics', body: { endDate: '2018-01-01' }, inexpressible: ENDS_BEFORE_STARTS },
  // itemActivity: open, with complex values of declared types or their subtypes.
  { operation: 'createItemActivity', body: {} },
  { operation: 'createItemActivity', body: { note: 'x', count: 2, 'count@odata.type': '#Int64' } },
  { operation: 'createItemActivity', body: { pk: 'x' } },
  { operation: 'createItemActivity', body: { _rid: 'x' } },
  { operation: 'createItemActivity', body: { 'pk@odata.type': 'x' } },
  { operation: 'createItemActivity', body: { 'a b': 1 } },
  { operation: 'createItemActivity', body: { '@custom': 1 } },
  { operation: 'createItemActivity', body: { activityDateTime: '2019-06-16T10:00Z' } },
  { operation: 'createItemActivity', body: { activityDateTime: '2019-06-16T10:00:00' } },
  { operation: 'createItemActivity', body: { access: 5 } },
  { operation: 'createItemActivity', body: { access: null, actor: null } },
  {
    operation: 'createItemActivity',
    body: {
      actor: {
        '@odata.type': 'microsoft.graph.sharePointIdentitySet',
        user: { '@odata.type': '#microsoft.graph.userIdentity', id: 'u1', userPrincipalName: 'a@b.c' },
        siteUser: { loginName: 'i:0#.f|membership|a@b.c', extra: true },
      },
    },
  },
  {
    operation: 'createItemActivity',
    body: { actor: { '@odata.type': '#microsoft.graph.sharePointIdentitySet', siteUser: { loginName: 5 } } },
  },
  { operation: 'createItemActivity', body: { actor: { user: { '@odata.type': '#microsoft.graph.identitySet' } } } },
  {
    operation: 'createItemActivity',
    body: { actor: { user: { '@odata.type': '#microsoft.graph.initiator', initiatorType: 'robot' } } },
  },
  {
    operation: 'createItemActivity',
    body: { actor: { user: { '@odata.type': '#microsoft.graph.initiator', initiatorType: 'system' } } },
  },
  { operation: 'createItemActivity', body: { actor: { user: { 'bad name': 1 } } } },
  { operation: 'createItemActivity', body: { actor: { '@odata.type': '#microsoft.graph.office365ActivationCounts' } } },
  { operation: 'updateItemActivity', body: { note: 'changed', actor: { user: { displayName: 'A' } } } },
  { operation: 'updateItemActivity', body: { ref: 1 } },
  // $ref
  {
    operation: 'addItemActivityReference',
    body: { '@odata.id': `${itemActivitiesPath(GROUP, 'stat-other')}/activity-other` },
  },
  { operation: 'addItemActivityReference', body: {} },
  { operation: 'addItemActivityReference', body: { '@odata.id': 5 } },
  { operation: 'addItemActivityReference', body: { '@odata.id': 'x', more: 1 } },
  {
    operation: 'addItemActivityReference',
    body: { '@odata.id': 'https://example.com/nothing' },
    inexpressible: 'whether a URL names an itemActivity is a matter of routing, not of its text',
  },
  // Report rows.
  { operation: 'createOffice365ActivationCounts', body: { ...correctedActivationCounts, windows: -1 } },
  { operation: 'createOffice365ActivationCounts', body: { ...correctedActivationCounts, windows: 3.5 } },
  {
    operation: 'createOffice365ActivationCounts',
    body: { ...correctedActivationCounts, windows: null, mac: 2 ** 53 - 1 },
  },
  { operation: 'createOffice365ActivationCounts', body: { ...correctedActivationCounts, mac: 2 ** 53 } },
  { operation: 'createOffice365ActivationCounts', body: { reportRefreshDate: '2019-06-16' } },
  { operation: 'createOffice365ActivationCounts', body: { ...correctedActivationCounts, productType: null } },
  {
    operation: 'createOffice365ActivationCounts',
    body: { ...correctedActivationCounts, '@odata.type': '#microsoft.graph.office365ActiveUserCounts' },
  },
  { operation: 'createOffice365ActiveUserCounts', body: { ...correctedActiveUserCounts, reportPeriod: '180' } },
  { operation: 'createOffice365ActiveUserCounts', body: { ...correctedActiveUserCounts, reportPeriod: '8' } },
  { operation: 'createOffice365ActiveUserCounts', body: { ...correctedActiveUserCounts, reportPeriod: 7 } },
  { operation: 'createOffice365ActiveUserCounts', body: { ...correctedActiveUserCounts, extra: 1 } },
  // JSON batches.
  { operation: 'batch', body: { requests: [BATCHED] } },
  {
    operation: 'batch',
    body: {
      requests: [
        {
          ...BATCHED,
          id: 'a',
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: { activity: 'Call' },
        },
        { ...BATCHED, id: 'b', dependsOn: ['a'] },
      ],
    },
  },
  { operation: 'batch', body: {} },
  { operation: 'batch', body: { requests: [] } },
  { operation: 'batch', body: { requests: Array.from({ length: 21 }, (_, i) => ({ ...BATCHED, id: `${i}` })) } },
  { operation: 'batch', body: { requests: [{ ...BATCHED, method: 'TRACE' }] } },
  { operation: 'batch', body: { requests: [{ ...BATCHED, id: '' }] } },
  { operation: 'batch', body: { requests: [{ ...BATCHED, more: 1 }] } },
  { operation: 'batch', body: { requests: [BATCHED], more: 1 } },
  {
    operation: 'batch',
    body: { requests: [BATCHED, BATCHED] },
    inexpressible: 'ids unique within the batch: JSON Schema cannot compare one property across items',
  },
  // Imports of Graph's JSON report output (their CSV form is a string: reportImport.test.ts reads it).
  { operation: 'importOffice365ActivationCounts', body: { value: [documentedActivationCountsRow] } },
  { operation: 'importOffice365ActivationCounts', body: { value: [] } },
  {
    operation: 'importOffice365ActivationCounts',
    body: {
      '@odata.context': ACTIVATION_CONTEXT,
      '@odata.nextLink': 'https://x/next',
      value: [documentedActivationCountsRow],
    },
  },
  {
    operation: 'importOffice365ActivationCounts',
    body: { '@odata.context': ACTIVATION_CONTEXT.replace('ActivationCounts', 'ActiveUserCounts'), value: [] },
  },
  { operation: 'importOffice365ActivationCounts', body: { value: [documentedActivationCountsRow], rows: 1 } },
  { operation: 'importOffice365ActivationCounts', body: { value: documentedActivationCountsRow } },
  { operation: 'importOffice365ActivationCounts', body: { rows: [documentedActivationCountsRow] } },
  {
    operation: 'importOffice365ActivationCounts',
    body: { value: [{ ...documentedActivationCountsRow, id: 'row-1' }] },
  },
  {
    operation: 'importOffice365ActivationCounts',
    body: { value: [{ ...documentedActivationCountsRow, mac: undefined }] },
  },
  { operation: 'importOffice365ActivationCounts', body: { value: [{ ...documentedActivationCountsRow, mac: null }] } },
  {
    operation: 'importOffice365ActivationCounts',
    body: { value: [documentedActivationCountsRow, { ...documentedActivationCountsRow, windows: -1 }] },
  },
  { operation: 'importOffice365ActivationCounts', body: { value: [{ ...documentedActivationCountsRow, extra: 1 }] } },
  { operation: 'importOffice365ActivationCounts', body: { value: [5] } },
  {
    operation: 'importOffice365ActivationCounts',
    body: { value: [documentedActivationCountsRow, { ...documentedActivationCountsRow, windows: 1 }] },
    inexpressible: 'two rows with one key: JSON Schema cannot compare the rows of an array by some of their properties',
  },
  { operation: 'importOffice365ActiveUserCounts', body: { value: [{ ...documentedActiveUserCountsRow }] } },
  {
    operation: 'importOffice365ActiveUserCounts',
    body: { value: [{ ...documentedActiveUserCountsRow, reportPeriod: '8' }] },
  },
  {
    operation: 'importOffice365ActiveUserCounts',
    body: { value: [{ ...documentedActiveUserCountsRow, reportDate: 'Date' }] },
  },
];

/** The operation's request body schema with every `#/components/schemas/x` made `#/$defs/x`. */
function bodySchema(document: Json, operation: string): Json {
  const op = findOperation(operation);
  if (op === undefined) throw new Error(operation);
  const paths = document.paths as Operations;
  const requestBody = paths[openApiPath(op.route)]?.[op.method.toLowerCase()]?.requestBody as Json | undefined;
  const schema = ((requestBody?.content as Json | undefined)?.['application/json'] as Json | undefined)?.schema;
  const components = (document.components as { schemas: Json }).schemas;
  const text = JSON.stringify({ ...(schema as Json), $defs: components }).replaceAll(
    '#/components/schemas/',
    '#/$defs/',
  );
  return JSON.parse(text) as Json;
}

describe('the request body schemas and the service agree', () => {
  it('on every fixture and case: the schema accepts what the service accepts (2xx) and refuses what it refuses (400)', async () => {
    const document = await openApi();
    const ajv = new Ajv2020({ strict: true, strictRequired: false, allowUnionTypes: true, validateFormats: false });
    // OpenAPI's keyword: an annotation for code generators, not an assertion.
    ajv.addVocabulary(['discriminator']);
    const validators = new Map<string, ReturnType<typeof ajv.compile>>();
    const validatorOf = (operation: string) => {
      let validator = validators.get(operation);
      if (validator === undefined) {
        validator = ajv.compile(bodySchema(document, operation));
        validators.set(operation, validator);
      }
      return validator;
    };
    // What the PATCH and $ref cases act on.
    expect((await api.request('POST', ACTIVITIES, { body: { id: 'activity-docs' } })).status).toBe(201);
    expect(
      (await api.request('POST', itemActivitiesPath(GROUP, 'stat-other'), { body: { id: 'activity-other' } })).status,
    ).toBe(201);

    const disagreements: string[] = [];
    const inexpressible: string[] = [];
    for (const [index, testCase] of CASES.entries()) {
      const op = findOperation(testCase.operation);
      const path = PATHS[testCase.operation];
      if (op === undefined || path === undefined) throw new Error(testCase.operation);
      if (testCase.operation === 'updateMyActivityStatistics') {
        expect((await api.request('POST', STATISTICS, { body: STORED_CALL })).status).toBeLessThan(300);
      }
      if (testCase.operation === 'addItemActivityReference')
        await api.request('DELETE', `${ACTIVITIES}/activity-other/$ref`);
      const response = await api.request(op.method, path, { body: testCase.body });
      expect(
        [200, 201, 204, 400],
        `${index}: ${JSON.stringify(testCase.body)} → ${response.status} ${response.text}`,
      ).toContain(response.status);
      const service = response.status < 300;
      const validate = validatorOf(testCase.operation);
      const schema = validate(testCase.body);
      const line = `${index} ${testCase.operation} ${JSON.stringify(testCase.body).slice(0, 160)}: service ${service ? 'accepts' : 'refuses'}, schema ${schema ? 'accepts' : `refuses (${ajv.errorsText(validate.errors).slice(0, 200)})`}`;
      if (testCase.inexpressible === undefined) {
        if (service !== schema) disagreements.push(line);
      } else {
        // Only where the service is stricter than the schema can say, and the schema's description says why.
        expect(service, line).toBe(false);
        expect(schema, line).toBe(true);
        inexpressible.push(testCase.inexpressible);
      }
    }
    expect(disagreements).toEqual([]);
    expect(inexpressible.length).toBe(CASES.filter((c) => c.inexpressible !== undefined).length);
    // The cases cover both verdicts for every operation.
    for (const operation of Object.keys(PATHS)) {
      expect(
        CASES.filter((c) => c.operation === operation && c.inexpressible === undefined).length,
        operation,
      ).toBeGreaterThan(1);
    }
  });
});
