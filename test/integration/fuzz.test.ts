/**
 * Property-based fuzzing of every operation through HTTP, as a hostile client would: random and boundary
 * paths and ids (broken percent-encoding too), query options, headers, tokens and bodies (mutated valid
 * bodies, random JSON, bytes that are not JSON or not UTF-8). For every request:
 * - no 500 (nor any 5xx: the database is healthy here);
 * - every response has a `request-id`, and every error is Graph's envelope carrying it;
 * - a refused request changes nothing in the store (a snapshot of the database, not of the API);
 * - a success returns nothing of the store, and a 201's Location reads back.
 * After the run, the stored references keep their invariants.
 *
 * `npm test` runs a fixed-seed share; `npm run test:fuzz` runs 10,000 requests with a new seed, printed so
 * that a failure can be replayed (FUZZ_SEED=… FUZZ_RUNS=… npm run test:fuzz).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { APPLICATION_ROLES, DELEGATED_SCOPES } from '../../src/auth/permissions';
import { OPERATIONS } from '../../src/operations';
import {
  correctedActivationCounts,
  correctedActiveUserCounts,
  correctedActivityStatistics,
  correctedCallActivityStatisticsUpdate,
  itemActivitiesPath,
  seedItemActivity,
} from '../support/fixtures';
import { referenceViolations } from '../support/storeInvariants';
import { DEV_TENANT, DEV_USER, type TestResponse, useTestHost } from '../support/testHost';

const RUNS = Number(process.env.FUZZ_RUNS ?? 300);
const SEED = Number(process.env.FUZZ_SEED ?? 20261123);

const api = useTestHost();

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const GROUP = '0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0';
const OTHER_TENANT = '99999999-aaaa-4bbb-8ccc-dddddddddddd';

/** Names a response body must never show: the store's own fields. */
const STORE_FIELDS = [
  'pk',
  'tenantId',
  '_etag',
  '_rid',
  '_ts',
  '_self',
  'ref',
  'referencedBy',
  'idx',
  'ver',
  'rev',
  'inc',
  'pending',
  'data',
];

// ---- what a request is made of -------------------------------------------------------------------------

/** Ids that exist or could: the fuzzer hits real entities often. */
const knownId = fc.constantFrom('a', 'stat-1', 'x1', 'call_2019-06-16_2019-06-18', 'email_2019-06-16_2019-06-17');

/** Ids a careless or hostile client might send, already written into a path segment (raw). */
const hostileSegment = fc.oneof(
  fc.constantFrom(
    '%20',
    '%C2%A0',
    '%EF%BB%BF',
    '%E2%80%83',
    '.',
    '..',
    '%2E',
    '%2e%2e',
    '%',
    '%zz',
    '%ED%A0%80',
    '%00',
    '%1F',
    '%7F',
    '%C2%85',
    "a'b",
    '%27%27',
    '%F0%9F%98%80',
    'x'.repeat(256),
    '%2F',
    '%5C',
    '%3F',
    '%23',
    '$count',
    '$ref',
    'a%20',
  ),
  fc.string({ maxLength: 12 }).map(encodeURIComponent),
  fc.string({ unit: 'grapheme', maxLength: 6 }).map(encodeURIComponent),
  fc
    .string({ unit: 'binary', maxLength: 6 })
    .map((value) => (value.isWellFormed() ? encodeURIComponent(value) : value)),
);

const segment = fc.oneof({ weight: 5, arbitrary: knownId }, { weight: 2, arbitrary: hostileSegment });

function segmentFor(name: string): fc.Arbitrary<string> {
  if (name === 'userId')
    return fc.oneof({ weight: 5, arbitrary: fc.constant(DEV_USER) }, { weight: 1, arbitrary: segment });
  if (name === 'groupId')
    return fc.oneof({ weight: 5, arbitrary: fc.constant(GROUP) }, { weight: 1, arbitrary: segment });
  if (name === 'itemActivityOLDId')
    return fc.oneof({ weight: 5, arbitrary: fc.constant('old-1') }, { weight: 1, arbitrary: segment });
  if (name === 'itemActivityStatId') {
    return fc.oneof({ weight: 5, arbitrary: fc.constantFrom('stat-1', 'stat-2') }, { weight: 1, arbitrary: segment });
  }
  if (name === 'period') return fc.constantFrom('D7', 'D30', 'D90', 'D180', 'D1', '', 'd7', "D7'", '%27');
  return segment;
}

/** A path of one operation, its parameters filled in. */
const operationPath = fc.constantFrom(...OPERATIONS).chain((operation) => {
  const names = [...operation.route.matchAll(/\{(\w+)\}/g)].map((match) => match[1] ?? '');
  return fc.tuple(...names.map(segmentFor)).map((values) => {
    let path = operation.route;
    names.forEach((name, i) => {
      path = path.replace(`{${name}}`, values[i] ?? '');
    });
    return { operation, path: `/${path}` };
  });
});

/** Paths no operation serves, and broken ones. */
const strayPath = fc.oneof(
  fc.constantFrom(
    '/beta/%',
    '/beta/users/%/analytics/activityStatistics',
    `/beta/me/joinedGroups/%zz/drive/activities/old-1/driveItem/analytics/itemActivityStats/s/activities`,
    '/beta/%ED%A0%80',
    '/beta/reports/%ED%A0%80',
    '/beta',
    '/beta/',
    '/',
    '/beta/reports',
    '/beta/me/analytics',
    '/beta/users',
    '/beta/$metadata',
    '/beta/reports/getOffice365ActiveUserCounts',
  ),
  fc.array(hostileSegment, { minLength: 1, maxLength: 4 }).map((parts) => `/beta/${parts.join('/')}`),
);

const filterProperty = fc.constantFrom(
  'id',
  'activity',
  'startDate',
  'timeZoneUsed',
  'activityDateTime',
  'actor/user/id',
  'windows',
  'productType',
  'reportPeriod',
  'reportRefreshDate',
  'nothing',
  'data/pk',
);
const filterLiteral = fc.oneof(
  fc.constantFrom("'Call'", "'x''y'", '2019-06-16', '2019-06-16T10:00:00Z', '42', '-1', 'null', 'true', "'7'"),
  fc.string({ maxLength: 6 }).map((value) => `'${value.replace(/'/g, "''")}'`),
);
const comparison = fc
  .tuple(filterProperty, fc.constantFrom('eq', 'ne', 'gt', 'ge', 'lt', 'le', 'has', 'in'), filterLiteral)
  .map(([property, operator, literal]) => `${property} ${operator} ${literal}`);
/** Filters up to two levels deep: the embedded database parses deeper nesting slowly (the service does not). */
const filterExpression = fc.oneof(
  comparison,
  fc.tuple(comparison, fc.constantFrom('and', 'or'), comparison).map((parts) => parts.join(' ')),
  comparison.map((c) => `not (${c})`),
  fc.tuple(comparison, comparison, comparison).map(([a, b, c]) => `${a} and (${b} or ${c})`),
  fc.string({ maxLength: 16 }),
  fc.constantFrom("startswith(id,'a')", '(((', ')', "id eq 'unterminated", 'id eq', ''),
);

const queryOption = fc.oneof(
  fc.tuple(fc.constant('$top'), fc.oneof(fc.integer({ min: -5, max: 1200 }).map(String), fc.string({ maxLength: 5 }))),
  fc.tuple(fc.constant('$skiptoken'), fc.oneof(fc.string({ maxLength: 20 }), fc.base64String({ maxLength: 40 }))),
  fc.tuple(fc.constant('$count'), fc.constantFrom('true', 'false', 'TRUE', '1', '')),
  fc.tuple(
    fc.constant('$select'),
    fc.constantFrom('id', 'id,activity', 'windows', 'nothing', '', 'pk', '_etag', 'data'),
  ),
  fc.tuple(
    fc.constant('$orderby'),
    fc.constantFrom('id', 'windows desc', 'startDate asc', 'id,windows', 'nothing', 'x y z'),
  ),
  fc.tuple(fc.constant('$filter'), filterExpression),
  fc.tuple(fc.constant('$format'), fc.constantFrom('application/json', 'text/csv', 'xml', '')),
  fc.tuple(fc.constantFrom('$expand', '$search', '$skip', '$TOP', '$Filter', 'other'), fc.string({ maxLength: 6 })),
);

type TokenKind = 'valid' | 'none' | 'garbage' | 'noScopes' | 'otherTenant' | 'appOnly' | 'readOnly';
const tokenKind = fc.oneof(
  { weight: 12, arbitrary: fc.constant<TokenKind>('valid') },
  {
    weight: 1,
    arbitrary: fc.constantFrom<TokenKind>('none', 'garbage', 'noScopes', 'otherTenant', 'appOnly', 'readOnly'),
  },
);

const headerValue = fc.oneof(
  fc.constantFrom('*', '"x"', 'W/"x"', '"a", "b"', '', 'garbage'),
  fc.string({ maxLength: 40 }).filter((value) => /^[\x20-\x7e]*$/.test(value)),
);

const extraHeaders = fc
  .record(
    {
      'if-match': fc.oneof({ weight: 4, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: headerValue }),
      'client-request-id': fc.oneof(
        fc.string({ maxLength: 140 }).filter((v) => /^[\x20-\x7e]*$/.test(v)),
        fc.uuid(),
      ),
      'content-type': fc.oneof(
        { weight: 8, arbitrary: fc.constantFrom('application/json', 'application/json; charset=utf-8') },
        {
          weight: 1,
          arbitrary: fc.constantFrom('application/json;charset=latin1', 'text/plain', 'application/xml', 'text/csv'),
        },
      ),
      accept: fc.constantFrom('application/json', 'text/html', '*/*'),
      prefer: fc.constantFrom(
        'return=minimal',
        'return=representation',
        'odata.maxpagesize=2',
        'odata.maxpagesize=x',
        'bogus',
      ),
      'if-none-match': fc.constantFrom('*', '"x"', 'W/"y"'),
    },
    { requiredKeys: ['content-type'] },
  )
  .map((headers) => {
    const defined: Record<string, string> = {};
    for (const [name, value] of Object.entries(headers)) if (value !== undefined) defined[name] = value;
    return defined;
  });

/** The valid body of each kind of create, as a starting point for mutations. */
function validBody(path: string): Record<string, unknown> {
  if (path.includes('activityStatistics')) {
    return path.endsWith('activityStatistics')
      ? { ...correctedActivityStatistics }
      : { ...correctedCallActivityStatisticsUpdate };
  }
  if (path.endsWith('$ref')) return { '@odata.id': `${itemActivitiesPath(GROUP, 'stat-1')}/a` };
  if (path.includes('activities')) return { ...seedItemActivity };
  if (path.includes('office365ActivationCounts')) return { ...correctedActivationCounts };
  return { ...correctedActiveUserCounts };
}

const propertyName = fc.oneof(
  fc.constantFrom(
    'id',
    'activity',
    'startDate',
    'endDate',
    'duration',
    'afterHours',
    'windows',
    'reportPeriod',
    'actor',
    'access',
    '@odata.type',
    '@odata.id',
    '@odata.context',
    '@odata.etag',
    '@odata.bogus',
    'pk',
    'tenantId',
    '_etag',
    '_rid',
    '_ts',
    'ref',
    'referencedBy',
    'type',
    'idx',
    'ver',
    'rev',
    'inc',
    'pending',
    'data',
    '__proto__',
    'constructor',
    'note',
    'count@odata.type',
    'a b',
    '',
  ),
  fc.string({ maxLength: 8 }),
);

const propertyValue = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }),
  fc.constantFrom(
    '#microsoft.graph.callActivityStatistics',
    'microsoft.graph.identitySet',
    '#microsoft.graph.office365ActivationCounts',
    'Call',
    '2019-02-30',
    'PT',
    -1,
    3.5,
    2 ** 53,
    '7',
    ' ',
    '\u00a0',
    '.',
    '..',
    'x'.repeat(2000),
  ),
  hostileSegment.map((value) => {
    try {
      return decodeURIComponent(value);
    } catch {
      return value;
    }
  }),
);

type Mutation = { kind: 'remove'; name: string } | { kind: 'set'; name: string; value: unknown };
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  propertyName.map((name) => ({ kind: 'remove' as const, name })),
  fc.tuple(propertyName, propertyValue).map(([name, value]) => ({ kind: 'set' as const, name, value })),
);

/** A JSON batch of a few requests of the table (ids may repeat, dependencies may dangle or loop). */
const batchBody = fc
  .array(
    fc.record({
      id: fc.constantFrom('1', '2', '3', '4'),
      target: operationPath,
      method: fc.option(fc.constantFrom('GET', 'POST', 'PATCH', 'DELETE', 'PUT'), { freq: 4 }),
      dependsOn: fc.option(fc.array(fc.constantFrom('1', '2', '3', '9'), { maxLength: 2 }), { freq: 3 }),
    }),
    { minLength: 0, maxLength: 5 },
  )
  .map((requests) => ({
    raw: JSON.stringify({
      requests: requests.map(({ id, target, method, dependsOn }) => {
        const chosen = method ?? target.operation.method;
        return {
          id,
          method: chosen,
          url: target.path.replace(/^\/beta/, ''),
          ...(chosen === 'POST' || chosen === 'PATCH' ? { body: validBody(target.path) } : {}),
          ...(dependsOn === null ? {} : { dependsOn }),
        };
      }),
    }),
  }));

/** `body` with the mutations applied (a property named `__proto__` becomes an own property, as JSON has it). */
function mutated(body: Record<string, unknown>, mutations: readonly Mutation[]): Record<string, unknown> {
  for (const change of mutations) {
    if (change.kind === 'remove') delete body[change.name];
    else
      Object.defineProperty(body, change.name, {
        value: change.value,
        enumerable: true,
        writable: true,
        configurable: true,
      });
  }
  return body;
}

/** Graph's report CSV columns, and a valid row of each report, for the import actions. */
const REPORT_CSV: Readonly<
  Record<'activation' | 'activeUsers', { header: readonly string[]; row: readonly string[]; json: object }>
> = {
  activation: {
    header: ['Report Refresh Date', 'Product Type', 'Windows', 'Mac', 'Android', 'iOS', 'Windows 10 Mobile'],
    row: ['2019-06-16', 'Fuzzed product', '7', '3', '7', '3', '15'],
    json: correctedActivationCounts,
  },
  activeUsers: {
    header: [
      'Report Refresh Date',
      'Office 365',
      'Exchange',
      'OneDrive',
      'SharePoint',
      'Skype For Business',
      'Yammer',
      'Teams',
      'Report Date',
      'Report Period',
    ],
    row: ['2019-06-16', '9', '8', '8', '10', '0', '6', '5', '2019-06-15', '7'],
    json: correctedActiveUserCounts,
  },
};

const csvCell = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.constantFrom('', '0', '-1', '3.5', '2019-02-30', '2019-06-16', '7', 'D7', '"', '""', '"a,b"'),
  },
  { weight: 1, arbitrary: fc.string({ maxLength: 8 }) },
  { weight: 1, arbitrary: propertyValue.map((value) => (typeof value === 'string' ? value : JSON.stringify(value))) },
);

/** What an import takes: Graph's CSV or JSON, mostly valid, with cells, columns, quoting and rows broken. */
function importBody(path: string): fc.Arbitrary<{ raw: string | Buffer; contentType?: string }> {
  const report = path.includes('office365ActivationCounts') ? REPORT_CSV.activation : REPORT_CSV.activeUsers;
  const quote = (cell: string) => (/[",\r\n]/.test(cell) ? `"${cell.replaceAll('"', '""')}"` : cell);
  const csv = fc
    .record({
      header: fc.oneof(
        { weight: 6, arbitrary: fc.constant<string[]>([...report.header]) },
        { weight: 1, arbitrary: fc.shuffledSubarray<string>([...report.header], { minLength: 1 }) },
        { weight: 1, arbitrary: fc.constant<string[]>([...report.header, 'Extra Column']) },
        { weight: 1, arbitrary: fc.constant<string[]>(report.header.map((h) => h.toLowerCase())) },
      ),
      rows: fc.array(
        fc.array(fc.option(csvCell, { freq: 4 }), { minLength: report.row.length, maxLength: report.row.length }),
        { maxLength: 4 },
      ),
      bom: fc.boolean(),
      end: fc.constantFrom('\r\n', '\n', ''),
      raw: fc.boolean(),
    })
    .map(({ header, rows, bom, end, raw }) => {
      const lines = [
        header.map(quote).join(','),
        ...rows.map((cells) =>
          cells.map((cell, i) => (cell === null ? quote(report.row[i] ?? '') : raw ? cell : quote(cell))).join(','),
        ),
      ];
      return { raw: `${bom ? '\ufeff' : ''}${lines.join('\r\n')}${end}`, contentType: 'text/csv' };
    });
  const json = fc.array(fc.array(mutation, { maxLength: 3 }), { maxLength: 4 }).map((rows) => ({
    raw: JSON.stringify({
      value: rows.map((mutations, i) => {
        return mutated({ ...report.json, reportRefreshDate: `2019-06-1${i}` }, mutations);
      }),
    }),
    contentType: 'application/json',
  }));
  return fc.oneof({ weight: 3, arbitrary: csv }, { weight: 2, arbitrary: json });
}

/** A body: a mutated valid one (most often), random JSON, or bytes that are not a JSON object. */
function bodyFor(path: string): fc.Arbitrary<{ raw: string | Buffer; contentType?: string } | undefined> {
  if (/\/(microsoft\.graph\.)?import$/.test(path)) {
    return fc.oneof({ weight: 6, arbitrary: importBody(path) }, { weight: 1, arbitrary: bodyFor('/beta/other') });
  }
  if (path.endsWith('/$batch'))
    return fc.oneof(
      { weight: 4, arbitrary: batchBody },
      { weight: 1, arbitrary: fc.constant({ raw: '{"requests":"x"}' }) },
    );
  const changed = fc
    .array(mutation, { maxLength: 4 })
    .map((mutations) => ({ raw: JSON.stringify(mutated(validBody(path), mutations)) }));
  const valid = fc.option(fc.oneof(knownId, propertyValue), { freq: 2 }).map((id) => {
    const body = validBody(path);
    return { raw: JSON.stringify(id === null ? body : { ...body, id }) };
  });
  return fc.oneof(
    { weight: 8, arbitrary: valid },
    { weight: 10, arbitrary: changed },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }).map((value) => ({ raw: JSON.stringify(value) ?? 'null' })) },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 64 }).map((bytes) => ({ raw: Buffer.from(bytes) })) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        { raw: '{"a":' },
        { raw: `${'{"a":'.repeat(40)}1${'}'.repeat(40)}` },
        { raw: Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xed, 0xa0, 0x80, 0x22, 0x7d]) },
        { raw: '{"id":"\\ud800"}' },
        { raw: `{"note":"${'x'.repeat(70_000)}"}` },
        { raw: '[]' },
        { raw: '' },
        undefined,
      ),
    },
  );
}

interface FuzzRequest {
  readonly method: string;
  readonly path: string;
  readonly query: readonly (readonly [string, string])[];
  readonly headers: Record<string, string>;
  readonly token: TokenKind;
  /** With the content type it is written in, which the request then (mostly) declares. */
  readonly body: { raw: string | Buffer; contentType?: string } | undefined;
}

const request: fc.Arbitrary<FuzzRequest> = fc
  .tuple(
    fc.oneof(
      { weight: 12, arbitrary: operationPath },
      { weight: 1, arbitrary: strayPath.map((path) => ({ operation: undefined, path })) },
    ),
    fc.oneof(
      { weight: 10, arbitrary: fc.constant(undefined) },
      { weight: 1, arbitrary: fc.constantFrom('GET', 'POST', 'PATCH', 'DELETE', 'PUT', 'OPTIONS') },
    ),
    fc.oneof(
      { weight: 3, arbitrary: fc.constant([]) },
      { weight: 2, arbitrary: fc.array(queryOption, { maxLength: 3 }) },
    ),
    extraHeaders,
    tokenKind,
  )
  .chain(([target, method, query, headers, token]) =>
    bodyFor(target.path).map((body): FuzzRequest => {
      const chosen = method ?? target.operation?.method ?? 'GET';
      // fetch sends no body with GET.
      return { method: chosen, path: target.path, query, headers, token, body: chosen === 'GET' ? undefined : body };
    }),
  );

// ---- running one ---------------------------------------------------------------------------------------

const tokens = new Map<TokenKind, string | null>();

async function tokenOf(kind: TokenKind): Promise<string | null> {
  const cached = tokens.get(kind);
  if (cached !== undefined) return cached;
  const make: Record<TokenKind, () => Promise<string | null>> = {
    valid: () => api.token({ tenantId: DEV_TENANT, userId: DEV_USER, scopes: DELEGATED_SCOPES }),
    none: () => Promise.resolve(null),
    garbage: () => Promise.resolve('not.a.token'),
    noScopes: () => api.token({ tenantId: DEV_TENANT, userId: DEV_USER, scopes: [] }),
    otherTenant: () => api.token({ tenantId: OTHER_TENANT, userId: DEV_USER, scopes: DELEGATED_SCOPES }),
    appOnly: () => api.token({ tenantId: DEV_TENANT, roles: APPLICATION_ROLES }),
    readOnly: () =>
      api.token({ tenantId: DEV_TENANT, userId: DEV_USER, scopes: ['Reports.Read.All', 'Analytics.Read'] }),
  };
  const token = await make[kind]();
  tokens.set(kind, token);
  return token;
}

function url(fuzz: FuzzRequest): string {
  const query = fuzz.query.map(([name, value]) => `${name}=${encodeURIComponent(value)}`).join('&');
  return query === '' ? fuzz.path : `${fuzz.path}?${query}`;
}

function expectWellFormed(fuzz: FuzzRequest, response: TestResponse): void {
  const where = `${fuzz.method} ${url(fuzz)} (${fuzz.token}) → ${response.status} ${response.text.slice(0, 300)}`;
  expect(response.status, where).toBeLessThan(500);
  expect(response.headers.get('request-id'), where).toMatch(GUID);
  expect(response.headers.get('client-request-id'), where).toBeTruthy();
  if (response.status >= 400) {
    const error = response.json?.error as Record<string, unknown> | undefined;
    expect(typeof error?.code, where).toBe('string');
    expect(typeof error?.message, where).toBe('string');
    expect((error?.innerError as Record<string, unknown> | undefined)?.['request-id'], where).toBe(
      response.headers.get('request-id'),
    );
    if (response.status === 401) expect(response.headers.get('www-authenticate'), where).toMatch(/^Bearer/);
    if (response.status === 405) expect(response.headers.get('allow'), where).toBeTruthy();
  } else if (Array.isArray(response.json?.responses)) {
    // A batch answers 200 whatever its requests answered: each of them must be well formed too.
    for (const sub of response.json.responses as { status: number; body?: { error?: { code?: unknown } } }[]) {
      expect(sub.status, `${where}: a batched request`).toBeLessThan(500);
      if (sub.status >= 400) expect(typeof sub.body?.error?.code, `${where}: a batched error`).toBe('string');
    }
  } else if (response.json !== undefined) {
    const bodies = Array.isArray(response.json.value)
      ? (response.json.value as Record<string, unknown>[])
      : [response.json];
    for (const body of bodies) {
      for (const field of STORE_FIELDS) expect(Object.hasOwn(body, field), `${where}: shows '${field}'`).toBe(false);
    }
  }
}

describe('fuzzing every operation', () => {
  it(`${RUNS} random requests: no 5xx, Graph's errors, refused requests change nothing, ids read back`, async () => {
    console.log(`fuzz: ${RUNS} requests, seed ${SEED} (replay: FUZZ_SEED=${SEED} FUZZ_RUNS=${RUNS} npm run test:fuzz)`);
    const tally: Record<number, number> = {};
    // The imports' own, to see that valid files get through as well as broken ones are refused.
    const imports: Record<number, number> = {};
    // Entities the fuzzer can hit by id.
    for (const [path, body] of [
      ['/beta/me/analytics/activityStatistics', { ...correctedActivityStatistics, id: 'a' }],
      [`/beta/users/${DEV_USER}/analytics/activityStatistics`, { ...correctedActivityStatistics, id: 'stat-1' }],
      [itemActivitiesPath(GROUP, 'stat-1'), { id: 'a' }],
      [itemActivitiesPath(GROUP, 'stat-1'), { id: 'x1' }],
      ['/beta/reports/office365ActivationCounts', { ...correctedActivationCounts, id: 'a' }],
    ] as const) {
      expect((await api.request('POST', path, { body })).status).toBe(201);
    }
    await fc.assert(
      fc.asyncProperty(request, async (fuzz) => {
        const before = await api.snapshot();
        const headers: Record<string, string> = { ...fuzz.headers };
        if (fuzz.body === undefined) delete headers['content-type'];
        else if (fuzz.body.contentType !== undefined && headers['content-type']?.startsWith('application/json')) {
          headers['content-type'] = fuzz.body.contentType;
        }
        const response = await api.request(fuzz.method, url(fuzz), {
          headers,
          token: await tokenOf(fuzz.token),
          ...(fuzz.body === undefined ? {} : { raw: fuzz.body.raw }),
        });
        tally[response.status] = (tally[response.status] ?? 0) + 1;
        if (fuzz.path.endsWith('/import')) imports[response.status] = (imports[response.status] ?? 0) + 1;
        expectWellFormed(fuzz, response);
        if (response.status >= 400) {
          expect(await api.snapshot(), `${fuzz.method} ${url(fuzz)} → ${response.status} changed the store`).toEqual(
            before,
          );
        }
        const location = response.headers.get('location');
        if (response.status === 201 && location !== null) {
          const read = await api.request('GET', new URL(location).pathname, { token: await tokenOf(fuzz.token) });
          expect(read.status, `GET ${location} after ${fuzz.method} ${url(fuzz)}`).toBe(200);
        }
      }),
      { numRuns: RUNS, seed: SEED, endOnFailure: true },
    );
    console.log(`fuzz: statuses ${JSON.stringify(tally)}; of the imports ${JSON.stringify(imports)}`);
    expect(
      await referenceViolations(api.cosmos.database(api.host.cosmos.database).container('itemActivities')),
    ).toEqual([]);
  });
});
