/**
 * An import against a faulty database (a proxy between the service and the embedded server): a failure
 * part-way answers 503 with Retry-After by the deadline, having written whole batches only, and the same
 * import sent again converges (what was written counts as unchanged); throttling is retried within the
 * deadline, past the SDK's own retries; throttling that outlasts the deadline is a 503 too.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EmbeddedCosmos, startEmbeddedCosmos } from '../../src/host/embeddedCosmos';
import { type FaultProxy, startFaultProxy } from '../support/faultProxy';
import { DEV_USER, type TestHost, startTestHost } from '../support/testHost';

/** The deadline of the host that meets a cut, and of the one that meets throttling it should outlast. */
const DEADLINE_MS = 3_000;
const PATIENT_DEADLINE_MS = 6_000;
/** Scheduling on a busy 2-core machine, and the response itself. */
const MARGIN_MS = 1_000;

let database: EmbeddedCosmos | undefined;
let proxy: FaultProxy | undefined;
let host: TestHost | undefined;
let patientHost: TestHost | undefined;

beforeAll(async () => {
  database = await startEmbeddedCosmos();
  proxy = await startFaultProxy(database.endpoint);
  const through = { COSMOS_ENDPOINT: proxy.endpoint, COSMOS_KEY: database.key };
  // One batch in flight at a time, so "part-way" is a number of whole batches.
  host = await startTestHost({
    ...through,
    COSMOS_REQUEST_TIMEOUT_MS: String(DEADLINE_MS),
    IMPORT_WRITE_CONCURRENCY: '1',
  });
  patientHost = await startTestHost({ ...through, COSMOS_REQUEST_TIMEOUT_MS: String(PATIENT_DEADLINE_MS) });
});

afterAll(async () => {
  await host?.close();
  await patientHost?.close();
  await proxy?.close();
  await database?.close();
});

function started<T>(value: T | undefined): T {
  if (value === undefined) throw new Error('The test hosts are not started.');
  return value;
}

const ROWS = '/beta/reports/office365ActivationCounts';
const HEADER = 'Report Refresh Date,Product Type,Windows,Mac,Android,iOS,Windows 10 Mobile';

/** Graph's CSV of `count` products, as the report function writes it (by product type). */
function report(count: number, refresh = '2024-06-01'): string {
  const rows = Array.from({ length: count }, (_, i) => `${refresh},Product ${String(i).padStart(4, '0')},${i},1,2,3,4`);
  return [HEADER, ...rows].map((line) => `${line}\r\n`).join('');
}

async function importAs(api: TestHost, token: string, body: string) {
  const begun = performance.now();
  const response = await api.request('POST', `${ROWS}/import`, {
    raw: body,
    token,
    headers: { 'content-type': 'text/csv' },
  });
  return { response, ms: performance.now() - begun };
}

async function storedRows(api: TestHost, token: string): Promise<number> {
  return Number((await api.request('GET', `${ROWS}/$count`, { token })).text);
}

describe('an import against a faulty database', () => {
  it('a cut part-way: 503 with Retry-After by the deadline, whole batches written; sent again, it converges', async () => {
    const api = started(host);
    const faults = started(proxy);
    const token = await api.token({ tenantId: randomUUID(), userId: DEV_USER, scopes: ['Reports.ReadWrite.All'] });
    const body = report(1000);
    // The SDK reads the container's metadata on first use: that happens before the fault.
    expect((await importAs(api, token, report(1, '2000-01-01'))).response.status).toBe(200);

    let batches = 0;
    const third = faults.hold((request) => request.batch && (batches += 1) === 3);
    const pending = importAs(api, token, body);
    await third.arrived;
    // The database becomes unreachable while the third batch of 100 is on its way: it never arrives.
    faults.set({ kind: 'cut' });
    let outcome: Awaited<typeof pending>;
    try {
      outcome = await pending;
    } finally {
      faults.set({ kind: 'pass' });
    }
    expect(outcome.response.status, outcome.response.text).toBe(503);
    expect(outcome.response.headers.get('retry-after')).toMatch(/^[1-9]\d*$/);
    expect(outcome.ms, `answered after ${outcome.ms.toFixed(0)} ms`).toBeLessThan(DEADLINE_MS + MARGIN_MS);
    expect((outcome.response.json?.error as { message: string }).message).toContain(
      'stopped part-way: at least 200 of the 1000 new or changed rows were written',
    );
    expect(await storedRows(api, token)).toBe(201);

    const again = await importAs(api, token, body);
    expect(again.response.status, again.response.text).toBe(200);
    expect(again.response.json).toMatchObject({ created: 800, replaced: 0, unchanged: 200 });
    expect(await storedRows(api, token)).toBe(1001);
    expect((await api.request('GET', '/beta/reports/getOffice365ActivationCounts', { token })).text).toBe(report(1000));
  });

  it('throttling longer than the SDK retries, shorter than the deadline: retried, and the import succeeds', async () => {
    const api = started(patientHost);
    const faults = started(proxy);
    const token = await api.token({ tenantId: randomUUID(), userId: DEV_USER, scopes: ['Reports.ReadWrite.All'] });
    expect((await importAs(api, token, report(1, '2000-01-01'))).response.status).toBe(200);
    const throttledBefore = faults.counts.throttled;
    // The SDK retries 429 for at most half the deadline (3 s here); the throttling lasts longer.
    faults.set({ kind: 'throttle', retryAfterMs: 400 });
    const lifted = new Promise<void>((resolve) =>
      setTimeout(() => {
        faults.set({ kind: 'pass' });
        resolve();
      }, 3_800),
    );
    const outcome = await importAs(api, token, report(300));
    await lifted;
    expect(faults.counts.throttled - throttledBefore).toBeGreaterThan(5);
    expect(outcome.response.status, outcome.response.text).toBe(200);
    expect(outcome.response.json).toMatchObject({ created: 300, replaced: 0, unchanged: 0 });
    expect(outcome.ms).toBeLessThan(PATIENT_DEADLINE_MS + MARGIN_MS);
    expect(await storedRows(api, token)).toBe(301);
  });

  it('throttling that outlasts the deadline: 503 with Retry-After by the deadline, and nothing half-written', async () => {
    const api = started(host);
    const faults = started(proxy);
    const token = await api.token({ tenantId: randomUUID(), userId: DEV_USER, scopes: ['Reports.ReadWrite.All'] });
    expect((await importAs(api, token, report(1, '2000-01-01'))).response.status).toBe(200);
    faults.set({ kind: 'throttle', retryAfterMs: 300 });
    let outcome: Awaited<ReturnType<typeof importAs>>;
    try {
      outcome = await importAs(api, token, report(250));
    } finally {
      faults.set({ kind: 'pass' });
    }
    expect(outcome.response.status, outcome.response.text).toBe(503);
    expect(outcome.response.headers.get('retry-after')).toMatch(/^[1-9]\d*$/);
    expect(outcome.ms).toBeLessThan(DEADLINE_MS + MARGIN_MS);
    expect(await storedRows(api, token)).toBe(1);
    const again = await importAs(api, token, report(250));
    expect(again.response.json).toMatchObject({ created: 250, replaced: 0, unchanged: 0 });
  });
});
