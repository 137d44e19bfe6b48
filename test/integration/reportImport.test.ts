/**
 * Importing Graph's report output through HTTP: the CSV and JSON the report functions return go in as they
 * come and come back out the same (CSV byte for byte, whatever the order of the rows or columns imported);
 * every problem is named, row and column, and a refused import writes nothing; importing again changes
 * nothing; the limits answer 413; permissions and tenants as for writing report rows.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { documentedActivationCountsRow, documentedActiveUserCountsRow } from '../support/fixtures';
import { type TestResponse, DEV_USER, errorCode, useTestHost } from '../support/testHost';

const MAX_ROWS = 300;
const MAX_IMPORT_BYTES = 65_536;
const MAX_BODY_BYTES = 2_048;
const api = useTestHost({
  IMPORT_MAX_ROWS: String(MAX_ROWS),
  IMPORT_MAX_BODY_BYTES: String(MAX_IMPORT_BYTES),
  MAX_REQUEST_BODY_BYTES: String(MAX_BODY_BYTES),
});

const ACTIVATIONS = '/beta/reports/office365ActivationCounts';
const ACTIVE_USERS = '/beta/reports/office365ActiveUserCounts';
const ACTIVATION_REPORT = '/beta/reports/getOffice365ActivationCounts';
const ACTIVE_USERS_REPORT = "/beta/reports/getOffice365ActiveUserCounts(period='D7')";

const ACTIVATION_HEADER = 'Report Refresh Date,Product Type,Windows,Mac,Android,iOS,Windows 10 Mobile';
const ACTIVE_USERS_HEADER =
  'Report Refresh Date,Office 365,Exchange,OneDrive,SharePoint,Skype For Business,Yammer,Teams,Report Date,Report Period';

/** CSV lines as Graph writes them (CRLF, a line end after the last). */
const csv = (lines: readonly string[], end = '\r\n') => lines.map((line) => `${line}${end}`).join('');

/**
 * getOffice365ActivationCounts as Graph's documentation shows its CSV (its header, one row per product; the
 * documented example row), rows in the order the report function writes them (by product type), with a
 * product type that needs quoting and a missing value.
 */
const ACTIVATION_ROWS = [
  '2017-09-01,Microsoft 365 Apps for business,310,22,5,9,0',
  '2017-09-01,Microsoft 365 Apps for enterprise,9157,576,358,1452,2309',
  '2017-09-01,"Project Plan 3, ""online""",120,4,,,',
  '2017-09-01,Visio Plan 2,88,0,0,0,0',
];
const ACTIVATION_CSV = csv([ACTIVATION_HEADER, ...ACTIVATION_ROWS]);

/** getOffice365ActiveUserCounts(period='D7') as Graph's documentation shows it: seven days, newest first. */
const ACTIVE_USERS_ROWS = [31, 30, 29, 28, 27, 26, 25].map(
  (day, i) => `2017-09-01,${1718 - i},${1429 - i},${350 + i},795,251,${i === 3 ? '' : 47},${10 + i},2017-08-${day},7`,
);
const ACTIVE_USERS_CSV = csv([ACTIVE_USERS_HEADER, ...ACTIVE_USERS_ROWS]);

/** The same rows as the report functions' JSON (`$format=application/json`), as Graph documents it. */
const ACTIVATION_JSON = {
  '@odata.context': 'https://graph.microsoft.com/beta/$metadata#Collection(microsoft.graph.office365ActivationCounts)',
  value: [
    documentedActivationCountsRow,
    {
      reportRefreshDate: '2017-09-01',
      productType: 'Project Plan 3',
      windows: 120,
      mac: 4,
      android: null,
      ios: null,
      windows10Mobile: null,
    },
  ],
};
const ACTIVE_USERS_JSON = {
  '@odata.context': 'https://graph.microsoft.com/beta/$metadata#Collection(microsoft.graph.office365ActiveUserCounts)',
  value: [
    documentedActiveUserCountsRow,
    {
      reportRefreshDate: '2017-09-01',
      office365: 1700,
      exchange: 1400,
      oneDrive: 349,
      sharePoint: 790,
      skypeForBusiness: 250,
      yammer: null,
      teams: 11,
      reportDate: '2017-08-28',
      reportPeriod: '7',
    },
  ],
};

/** A tenant of its own for each test, and a token of it that may write report rows. */
async function tenant(scopes = ['Reports.ReadWrite.All']): Promise<string> {
  return api.token({ tenantId: randomUUID(), userId: DEV_USER, scopes });
}

function importCsv(collection: string, body: string | Buffer, token: string | null, contentType = 'text/csv') {
  return api.request('POST', `${collection}/import`, { raw: body, token, headers: { 'content-type': contentType } });
}

function importJson(collection: string, body: unknown, token: string) {
  return api.request('POST', `${collection}/import`, { body, token });
}

function counts(response: TestResponse) {
  const { created, replaced, unchanged } = response.json ?? {};
  return { status: response.status, created, replaced, unchanged };
}

function details(response: TestResponse): { code: string; target: string }[] {
  const error = response.json?.error as { details?: { code: string; target: string }[] } | undefined;
  return (error?.details ?? []).map(({ code, target }) => ({ code, target }));
}

describe('round trips: what the report functions return goes in, and comes back out the same', () => {
  it('activation counts as CSV: the same bytes back', async () => {
    const token = await tenant();
    const imported = await importCsv(ACTIVATIONS, ACTIVATION_CSV, token);
    expect(imported.status, imported.text).toBe(200);
    expect(imported.json).toEqual({
      '@odata.context': `${api.url}/beta/$metadata#microsoft.graph.reportImportResult`,
      created: 4,
      replaced: 0,
      unchanged: 0,
    });
    const exported = await api.request('GET', ACTIVATION_REPORT, { token });
    expect(exported.text).toBe(ACTIVATION_CSV);
  });

  it("active user counts as CSV: the same bytes back from getOffice365ActiveUserCounts(period='D7')", async () => {
    const token = await tenant();
    expect(counts(await importCsv(ACTIVE_USERS, ACTIVE_USERS_CSV, token))).toEqual({
      status: 200,
      created: 7,
      replaced: 0,
      unchanged: 0,
    });
    expect((await api.request('GET', ACTIVE_USERS_REPORT, { token })).text).toBe(ACTIVE_USERS_CSV);
  });

  it('rows in another order, columns in any order, LF line ends, a byte order mark: the same bytes back', async () => {
    const columns = ACTIVATION_HEADER.split(',');
    const order = [6, 2, 0, 4, 1, 5, 3];
    const cells = (line: string) => line.match(/("(?:[^"]|"")*"|[^,]*)(?:,|$)/g)?.map((c) => c.replace(/,$/, '')) ?? [];
    const reordered = [ACTIVATION_HEADER, ...[...ACTIVATION_ROWS].reverse()].map((line) => {
      const fields = line === ACTIVATION_HEADER ? columns : cells(line);
      return order.map((index) => fields[index]).join(',');
    });
    const token = await tenant();
    const imported = await importCsv(ACTIVATIONS, `\uFEFF${csv(reordered, '\n')}`, token, 'text/csv; charset=utf-8');
    expect(counts(imported)).toEqual({ status: 200, created: 4, replaced: 0, unchanged: 0 });
    expect((await api.request('GET', ACTIVATION_REPORT, { token })).text).toBe(ACTIVATION_CSV);

    const users = await tenant();
    const lastLineWithoutEnd = csv([ACTIVE_USERS_HEADER, ...[...ACTIVE_USERS_ROWS].reverse()]).trimEnd();
    expect(counts(await importCsv(ACTIVE_USERS, lastLineWithoutEnd, users))).toMatchObject({ status: 200, created: 7 });
    expect((await api.request('GET', ACTIVE_USERS_REPORT, { token: users })).text).toBe(ACTIVE_USERS_CSV);
  });

  it('quoted fields with line breaks and quotes, and Graph values that need no quotes, round trip', async () => {
    const rows = [
      ACTIVATION_HEADER,
      '2024-05-02,"Microsoft 365 Apps, ""for enterprise""",7,3,,,',
      '2024-05-02,"Visio\nPlan 1",1,0,0,0,0',
      '2024-05-02,"Visio\r\nPlan 2",4,,,,',
    ];
    const token = await tenant();
    expect(counts(await importCsv(ACTIVATIONS, csv(rows), token))).toMatchObject({ status: 200, created: 3 });
    expect((await api.request('GET', ACTIVATION_REPORT, { token })).text).toBe(csv(rows));
    const json = await api.request('GET', `${ACTIVATION_REPORT}?$format=application/json`, { token });
    expect((json.json?.value as { productType: string }[]).map((row) => row.productType)).toEqual([
      'Microsoft 365 Apps, "for enterprise"',
      'Visio\nPlan 1',
      'Visio\r\nPlan 2',
    ]);
  });

  it('JSON, both reports: the same rows back from $format=application/json', async () => {
    for (const [collection, body, report] of [
      [ACTIVATIONS, ACTIVATION_JSON, ACTIVATION_REPORT],
      [ACTIVE_USERS, ACTIVE_USERS_JSON, ACTIVE_USERS_REPORT],
    ] as const) {
      const token = await tenant();
      // With a byte order mark, as some tools save JSON.
      const raw = `\uFEFF${JSON.stringify({ ...body, value: [...body.value].reverse() })}`;
      const imported = await importCsv(collection, raw, token, 'application/json');
      expect(counts(imported), collection).toEqual({ status: 200, created: 2, replaced: 0, unchanged: 0 });
      const exported = await api.request('GET', `${report}?$format=application/json`, { token });
      expect(exported.json?.value, collection).toEqual(body.value);
    }
  });

  it('CSV in, JSON out, and the other way: the same rows', async () => {
    const token = await tenant();
    await importCsv(ACTIVE_USERS, ACTIVE_USERS_CSV, token);
    const json = await api.request('GET', `${ACTIVE_USERS_REPORT}?$format=application/json`, { token });
    const other = await tenant();
    expect(counts(await importJson(ACTIVE_USERS, json.json, other))).toMatchObject({ status: 200, created: 7 });
    expect((await api.request('GET', ACTIVE_USERS_REPORT, { token: other })).text).toBe(ACTIVE_USERS_CSV);
  });

  it('the namespace-qualified form of the action is the same action', async () => {
    const token = await tenant();
    const response = await api.request('POST', `${ACTIVATIONS}/microsoft.graph.import`, {
      raw: ACTIVATION_CSV,
      token,
      headers: { 'content-type': 'text/csv' },
    });
    expect(counts(response)).toEqual({ status: 200, created: 4, replaced: 0, unchanged: 0 });
  });
});

describe('idempotent: rows are upserted by their natural key', () => {
  it('the same import again: every row unchanged and not rewritten; a changed and a new row counted', async () => {
    const token = await tenant();
    expect(counts(await importCsv(ACTIVATIONS, ACTIVATION_CSV, token))).toEqual({
      status: 200,
      created: 4,
      replaced: 0,
      unchanged: 0,
    });
    const before = await api.snapshot();
    expect(counts(await importCsv(ACTIVATIONS, ACTIVATION_CSV, token))).toEqual({
      status: 200,
      created: 0,
      replaced: 0,
      unchanged: 4,
    });
    // Not rewritten: every stored document keeps its version.
    expect(await api.snapshot()).toEqual(before);

    const changed = ACTIVATION_CSV.replace('Visio Plan 2,88', 'Visio Plan 2,89');
    const added = `${changed}2017-09-01,Microsoft Teams,1,2,3,4,5\r\n`;
    expect(counts(await importCsv(ACTIVATIONS, added, token))).toEqual({
      status: 200,
      created: 1,
      replaced: 1,
      unchanged: 3,
    });
    const list = await api.request('GET', `${ACTIVATIONS}/$count`, { token });
    expect(list.text).toBe('5');
  });

  it('a row first created through POST is replaced by the import of its key, not duplicated', async () => {
    const token = await tenant();
    const posted = await api.request('POST', ACTIVATIONS, {
      token,
      body: { reportRefreshDate: '2017-09-01', productType: 'Visio Plan 2', windows: 1 },
    });
    expect(posted.status).toBe(201);
    expect(counts(await importCsv(ACTIVATIONS, ACTIVATION_CSV, token))).toEqual({
      status: 200,
      created: 3,
      replaced: 1,
      unchanged: 0,
    });
    const row = await api.request('GET', `${ACTIVATIONS}/${String(posted.json?.id)}`, { token });
    expect(row.json).toMatchObject({ productType: 'Visio Plan 2', windows: 88, mac: 0 });
    expect((await api.request('GET', `${ACTIVATIONS}/$count`, { token })).text).toBe('4');
  });

  it('an import with no rows (the header only, or an empty value) answers zero counts', async () => {
    const token = await tenant();
    expect(counts(await importCsv(ACTIVATIONS, `${ACTIVATION_HEADER}\r\n`, token))).toEqual({
      status: 200,
      created: 0,
      replaced: 0,
      unchanged: 0,
    });
    expect(counts(await importJson(ACTIVE_USERS, { value: [] }, token))).toMatchObject({ status: 200, created: 0 });
  });
});

describe('all or nothing: every problem named, nothing written', () => {
  it('CSV: one detail per problem, naming the line and the column, in line order', async () => {
    const token = await tenant();
    const before = await api.snapshot();
    const body = csv([
      ACTIVATION_HEADER,
      '2017-09-01,Valid row,1,2,3,4,5',
      '2017-02-30,Bad date,-1,2.5,x,4,5',
      '2017-09-01,,1,2,3,4,5',
      '2017-09-01,Too few fields,1,2',
      '2017-09-01,Valid row,9,9,9,9,9',
      '2017-09-01,"Bad "quote,1,2,3,4,5',
    ]);
    const response = await importCsv(ACTIVATIONS, body, token);
    expect(response.status).toBe(400);
    expect(errorCode(response)).toBe('BadRequest');
    expect((response.json?.error as { message: string }).message).toBe(
      'The import was refused (8 problems): nothing was written.',
    );
    expect(details(response)).toEqual([
      { code: 'invalidValue', target: 'line 3: Report Refresh Date' },
      { code: 'invalidValue', target: 'line 3: Windows' },
      { code: 'invalidValue', target: 'line 3: Mac' },
      { code: 'invalidValue', target: 'line 3: Android' },
      { code: 'invalidValue', target: 'line 4: Product Type' },
      { code: 'invalidRow', target: 'line 5' },
      { code: 'duplicateKey', target: 'line 6' },
      { code: 'invalidCsv', target: 'line 7' },
    ]);
    const messages = (response.json?.error as { details: { target: string; message: string }[] }).details;
    expect(messages.find((detail) => detail.target === 'line 4: Product Type')?.message).toBe(
      'The cell is empty: this column needs a value.',
    );
    expect(messages.find((detail) => detail.target === 'line 3: Mac')?.message).toBe(
      "Cannot convert the literal '2.5' to the expected type 'Edm.Int64'.",
    );
    expect(JSON.stringify(response.json)).toContain('The row has the key of line 2');
    expect(await api.snapshot()).toEqual(before);
    expect((await api.request('GET', `${ACTIVATIONS}/$count`, { token })).text).toBe('0');
  });

  it('CSV: unknown, missing and repeated columns are problems of the header line', async () => {
    const token = await tenant();
    const before = await api.snapshot();
    const response = await importCsv(
      ACTIVE_USERS,
      csv([
        'Report Refresh Date,Office 365,Exchange,OneDrive,SharePoint,Skype For Business,Yammer,Yammer,Report Date,Report Period,Viva Engage',
        '2017-09-01,1,2,3,4,5,6,6,2017-08-31,7,8',
      ]),
      token,
    );
    expect(response.status).toBe(400);
    expect(details(response)).toEqual([
      { code: 'duplicateColumn', target: 'line 1: Yammer' },
      { code: 'unknownColumn', target: 'line 1: Viva Engage' },
      { code: 'missingColumn', target: 'line 1: Teams' },
    ]);
    // A missing key column is one problem of the header, not one more per row.
    const keyless = await importCsv(
      ACTIVATIONS,
      csv([ACTIVATION_HEADER.replace('Product Type,', ''), '2017-09-01,1,2,3,4,5']),
      token,
    );
    expect(details(keyless)).toEqual([{ code: 'missingColumn', target: 'line 1: Product Type' }]);
    const empty = await importCsv(ACTIVATIONS, '\r\n\r\n', token);
    expect(details(empty)).toEqual([{ code: 'missingColumn', target: 'line 1' }]);
    expect(await api.snapshot()).toEqual(before);
  });

  it('JSON: one detail per problem, naming the row index and the property', async () => {
    const token = await tenant();
    const before = await api.snapshot();
    const [valid] = ACTIVATION_JSON.value;
    const response = await importJson(
      ACTIVATIONS,
      {
        '@odata.context': ACTIVE_USERS_JSON['@odata.context'],
        extra: true,
        value: [
          valid,
          { ...valid, productType: 'Other', windows: '7', id: 'mine' },
          { ...valid, productType: 'Third', teams: 1, mac: undefined },
          'not a row',
          { ...valid, windows: 1 },
        ],
      },
      token,
    );
    expect(response.status).toBe(400);
    expect(details(response)).toEqual([
      { code: 'invalidValue', target: '@odata.context' },
      { code: 'unknownProperty', target: 'extra' },
      { code: 'unknownProperty', target: 'value[1].id' },
      { code: 'invalidValue', target: 'value[1].windows' },
      { code: 'missingProperty', target: 'value[2].mac' },
      { code: 'unknownProperty', target: 'value[2].teams' },
      { code: 'invalidValue', target: 'value[3]' },
      { code: 'duplicateKey', target: 'value[4]' },
    ]);
    expect((await importJson(ACTIVATIONS, { rows: [] }, token)).status).toBe(400);
    expect(details(await importJson(ACTIVATIONS, { value: {} }, token))).toEqual([
      { code: 'invalidValue', target: 'value' },
    ]);
    expect(await api.snapshot()).toEqual(before);
  });

  it('lists at most 1000 problems, and says how many there were', async () => {
    const token = await tenant();
    const rows = Array.from({ length: MAX_ROWS }, (_, i) => `bad,Product ${i},-1,-1,-1,-1,-1`);
    const response = await importCsv(ACTIVATIONS, csv([ACTIVATION_HEADER, ...rows]), token);
    expect(response.status).toBe(400);
    expect(details(response)).toHaveLength(1000);
    expect((response.json?.error as { message: string }).message).toBe(
      'The import was refused (1800 problems; details lists the first 1000): nothing was written.',
    );
  });

  it('a body that is not UTF-8, not JSON, or empty is a 400; another media type a 415', async () => {
    const token = await tenant();
    const latin1 = Buffer.from(`${ACTIVATION_HEADER}\r\n2017-09-01,Caf\xe9,1,2,3,4,5\r\n`, 'latin1');
    expect((await importCsv(ACTIVATIONS, latin1, token)).status).toBe(400);
    expect((await importCsv(ACTIVATIONS, '{"value": [', token, 'application/json')).status).toBe(400);
    expect((await importCsv(ACTIVATIONS, '[]', token, 'application/json')).status).toBe(400);
    expect((await importCsv(ACTIVATIONS, '', token)).status).toBe(400);
    const deep = `{"value": [{"windows": ${'['.repeat(20_000)}${']'.repeat(20_000)}}]}`;
    const nested = await importCsv(ACTIVATIONS, deep, token, 'application/json');
    expect(nested.status).toBe(400);
    expect((nested.json?.error as { message: string }).message).toContain('nested deeper');
    for (const type of ['text/plain', 'text/csv; charset=iso-8859-1', 'application/octet-stream']) {
      const response = await importCsv(ACTIVATIONS, ACTIVATION_CSV, token, type);
      expect(response.status, type).toBe(415);
      expect(errorCode(response)).toBe('UnsupportedMediaType');
    }
  });
});

describe('limits', () => {
  it(`more than IMPORT_MAX_BODY_BYTES (${MAX_IMPORT_BYTES}) is a 413; an import may exceed MAX_REQUEST_BODY_BYTES`, async () => {
    const token = await tenant();
    const before = await api.snapshot();
    const product = (i: number) => `Product ${String(i).padStart(3, '0')} ${'x'.repeat(200)}`;
    const big = csv([
      ACTIVATION_HEADER,
      ...Array.from({ length: 300 }, (_, i) => `2017-09-01,${product(i)},1,2,3,4,5`),
    ]);
    expect(Buffer.byteLength(big)).toBeGreaterThan(MAX_IMPORT_BYTES);
    const response = await importCsv(ACTIVATIONS, big, token);
    expect(response.status).toBe(413);
    expect(errorCode(response)).toBe('RequestEntityTooLarge');
    expect(await api.snapshot()).toEqual(before);

    const fits = csv([
      ACTIVATION_HEADER,
      ...Array.from({ length: 20 }, (_, i) => `2017-09-01,${product(i)},1,2,3,4,5`),
    ]);
    expect(Buffer.byteLength(fits)).toBeGreaterThan(MAX_BODY_BYTES);
    expect(counts(await importCsv(ACTIVATIONS, fits, token))).toMatchObject({ status: 200, created: 20 });
    const row = { reportRefreshDate: '2017-09-01', productType: 'x'.repeat(200) };
    expect(
      (
        await api.request('POST', ACTIVATIONS, {
          token,
          raw: JSON.stringify({ ...row, pad: 'y'.repeat(MAX_BODY_BYTES) }),
          headers: { 'content-type': 'application/json' },
        })
      ).status,
    ).toBe(413);
  });

  it(`more than IMPORT_MAX_ROWS (${MAX_ROWS}) rows is a 413, in CSV and in JSON; exactly that many is fine`, async () => {
    const token = await tenant();
    const line = (i: number) => `2017-09-01,P${i},1,,,,`;
    const over = await importCsv(
      ACTIVATIONS,
      csv([ACTIVATION_HEADER, ...Array.from({ length: MAX_ROWS + 1 }, (_, i) => line(i))]),
      token,
    );
    expect(over.status).toBe(413);
    expect((over.json?.error as { message: string }).message).toContain(`at most ${MAX_ROWS}`);
    const rows = (n: number) =>
      Array.from({ length: n }, (_, i) => ({ ...ACTIVATION_JSON.value[1], productType: `P${i}` }));
    expect((await importJson(ACTIVATIONS, { value: rows(MAX_ROWS + 1) }, token)).status).toBe(413);
    expect((await api.request('GET', `${ACTIVATIONS}/$count`, { token })).text).toBe('0');
    expect(counts(await importJson(ACTIVATIONS, { value: rows(MAX_ROWS) }, token))).toEqual({
      status: 200,
      created: MAX_ROWS,
      replaced: 0,
      unchanged: 0,
    });
    expect((await api.request('GET', `${ACTIVATIONS}/$count`, { token })).text).toBe(String(MAX_ROWS));
  });
});

describe('permissions and tenants: as for writing report rows', () => {
  it('401 without a token, 403 without Reports.ReadWrite.All; an application with the role may import', async () => {
    const before = await api.snapshot();
    const anonymous = await importCsv(ACTIVATIONS, ACTIVATION_CSV, null);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toMatch(/^Bearer/);
    for (const scopes of [['Reports.Read.All'], ['Analytics.ReadWrite.All']]) {
      const response = await importCsv(ACTIVATIONS, ACTIVATION_CSV, await tenant(scopes));
      expect(response.status, scopes.join()).toBe(403);
      expect(errorCode(response)).toBe('Authorization_RequestDenied');
    }
    expect(await api.snapshot()).toEqual(before);
    const app = await api.token({ tenantId: randomUUID(), roles: ['Reports.ReadWrite.All'] });
    expect(counts(await importCsv(ACTIVATIONS, ACTIVATION_CSV, app))).toMatchObject({ status: 200, created: 4 });
  });

  it("a tenant's import is its own: another tenant sees none of it, and its own import creates its own rows", async () => {
    const first = await tenant();
    const second = await tenant();
    expect(counts(await importCsv(ACTIVATIONS, ACTIVATION_CSV, first))).toMatchObject({ created: 4 });
    expect((await api.request('GET', ACTIVATION_REPORT, { token: second })).text).toBe(`${ACTIVATION_HEADER}\r\n`);
    expect(counts(await importCsv(ACTIVATIONS, ACTIVATION_CSV, second))).toEqual({
      status: 200,
      created: 4,
      replaced: 0,
      unchanged: 0,
    });
    const changed = ACTIVATION_CSV.replace(',9157,', ',1,');
    expect(counts(await importCsv(ACTIVATIONS, changed, second))).toMatchObject({ replaced: 1, unchanged: 3 });
    expect((await api.request('GET', ACTIVATION_REPORT, { token: first })).text).toBe(ACTIVATION_CSV);
  });
});
