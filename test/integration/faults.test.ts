/**
 * A faulty database: a proxy between the service and the embedded server cuts, slows (past the deadline) and
 * throttles (429 with x-ms-retry-after-ms) under a steady write load. Asserted: no acknowledged write is lost
 * (every 200/201 reads back as written), faults answer 503 or 429 with Retry-After, no answer comes later
 * than the deadline plus a small margin, and the service recovers by itself once the fault ends.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EmbeddedCosmos, startEmbeddedCosmos } from '../../src/host/embeddedCosmos';
import { type FaultMode, type FaultProxy, startFaultProxy } from '../support/faultProxy';
import { itemActivitiesPath } from '../support/fixtures';
import { type TestHost, type TestResponse, startTestHost } from '../support/testHost';

/** The deadline the outage test uses (as configured when the 10 s wait was found), and the load test's. */
const DEADLINE_MS = 3_000;
const LOAD_DEADLINE_MS = 1_500;
/** Scheduling on a busy 2-core machine (other test files run beside this one), and the response itself. */
const MARGIN_MS = 2_000;

let database: EmbeddedCosmos | undefined;
let proxy: FaultProxy | undefined;
let host: TestHost | undefined;
let loadHost: TestHost | undefined;

beforeAll(async () => {
  database = await startEmbeddedCosmos();
  proxy = await startFaultProxy(database.endpoint);
  host = await startTestHost({
    COSMOS_ENDPOINT: proxy.endpoint,
    COSMOS_KEY: database.key,
    COSMOS_REQUEST_TIMEOUT_MS: String(DEADLINE_MS),
  });
  loadHost = await startTestHost({
    COSMOS_ENDPOINT: proxy.endpoint,
    COSMOS_KEY: database.key,
    COSMOS_REQUEST_TIMEOUT_MS: String(LOAD_DEADLINE_MS),
  });
});

afterAll(async () => {
  await host?.close();
  await loadHost?.close();
  await proxy?.close();
  await database?.close();
});

function api(): TestHost {
  if (host === undefined) throw new Error('The host is not started.');
  return host;
}

function load(): TestHost {
  if (loadHost === undefined) throw new Error('The host is not started.');
  return loadHost;
}

interface Outcome {
  readonly phase: string;
  readonly started: number;
  readonly ms: number;
  readonly status: number;
  readonly retryAfter: string | null;
  readonly write?: { readonly path: string; readonly id: string; readonly value: number };
}

const ROWS = '/beta/reports/office365ActivationCounts';
const ACTIVITIES = itemActivitiesPath('1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d', 'faults');

describe('a faulty database', () => {
  it('an outage is answered 503 by the deadline, not after the SDK has retried for 10 s', async () => {
    const created = await api().request('POST', ROWS, {
      body: { reportRefreshDate: '2020-01-01', productType: 'before the cut', windows: 1 },
    });
    expect(created.status).toBe(201);
    proxy?.set({ kind: 'cut' });
    try {
      for (const [method, path] of [
        ['GET', `${ROWS}/${String(created.json?.id)}`],
        ['GET', ROWS],
        ['POST', ROWS],
      ] as const) {
        const started = performance.now();
        const response = await api().request(method, path, {
          ...(method === 'POST' ? { body: { reportRefreshDate: '2020-01-02', productType: 'cut' } } : {}),
        });
        const ms = performance.now() - started;
        expect(response.status, `${method} ${path}`).toBe(503);
        expect(response.headers.get('retry-after')).toMatch(/^\d+$/);
        expect(ms, `${method} ${path} took ${ms.toFixed(0)} ms`).toBeLessThan(DEADLINE_MS + MARGIN_MS);
      }
    } finally {
      proxy?.set({ kind: 'pass' });
    }
  });

  it('under a steady write load through cut, slow and throttle phases: nothing acknowledged is lost', async () => {
    // Each fault outlasts the deadline, so requests meet it rather than wait it out.
    const deadline = LOAD_DEADLINE_MS;
    const phases: { name: string; mode: FaultMode; ms: number }[] = [
      { name: 'healthy', mode: { kind: 'pass' }, ms: 600 },
      { name: 'cut', mode: { kind: 'cut' }, ms: deadline + 500 },
      // Each recovery lasts long enough for what the fault caught to settle (up to the deadline and a busy
      // machine's margin) and for fresh requests to run whole inside it.
      { name: 'after cut', mode: { kind: 'pass' }, ms: deadline + 1_500 },
      { name: 'slow', mode: { kind: 'delay', minMs: deadline + 300, maxMs: deadline + 800 }, ms: deadline + 300 },
      { name: 'after slow', mode: { kind: 'pass' }, ms: deadline + 1_500 },
      { name: 'throttled', mode: { kind: 'throttle', retryAfterMs: 300 }, ms: deadline + 1_000 },
      { name: 'after throttle', mode: { kind: 'pass' }, ms: deadline + 1_500 },
    ];
    // The SDK reads each container's metadata once, on first use: that happens before the load starts.
    for (const path of [ROWS, ACTIVITIES]) {
      expect(
        (await load().request('POST', path, { body: { reportRefreshDate: '2020-01-01', productType: 'warm' } })).status,
      ).toBeLessThan(500);
    }
    let phase = phases[0]?.name ?? '';
    let running = true;
    const outcomes: Outcome[] = [];
    const origin = performance.now();

    const writer = async (w: number): Promise<void> => {
      for (let n = 0; running; n += 1) {
        const item = n % 3 === 2;
        const path = item ? ACTIVITIES : ROWS;
        const id = item ? `w${w}-${n}` : undefined;
        const body = item
          ? { id, value: n }
          : { reportRefreshDate: '2021-01-01', productType: `writer ${w} row ${n}`, windows: n };
        const current = phase;
        const started = performance.now();
        let response: TestResponse;
        try {
          response = await load().request('POST', path, { body });
        } catch (error) {
          throw new Error(`writer ${w}: the service did not answer in phase ${current}`, { cause: error });
        }
        const ms = performance.now() - started;
        const ok = response.status === 200 || response.status === 201;
        outcomes.push({
          phase: current,
          started: started - origin,
          ms,
          status: response.status,
          retryAfter: response.headers.get('retry-after'),
          ...(ok ? { write: { path, id: String(response.json?.id), value: n } } : {}),
        });
        if (!ok) await new Promise((resolve) => setTimeout(resolve, 50));
      }
    };

    const writers = [0, 1, 2, 3].map(writer);
    const spans: Record<string, { start: number; end: number }> = {};
    for (const next of phases) {
      phase = next.name;
      proxy?.set(next.mode);
      const start = performance.now() - origin;
      await new Promise((resolve) => setTimeout(resolve, next.ms));
      spans[next.name] = { start, end: performance.now() - origin };
    }
    running = false;
    await Promise.all(writers);
    proxy?.set({ kind: 'pass' });

    // Figures for the record.
    const byPhase: Record<string, Record<number, number>> = {};
    for (const outcome of outcomes) {
      const counts = (byPhase[outcome.phase] ??= {});
      counts[outcome.status] = (counts[outcome.status] ?? 0) + 1;
    }
    const worst = Math.max(...outcomes.map((outcome) => outcome.ms));
    console.log(`faults: ${outcomes.length} requests, worst ${worst.toFixed(0)} ms; ${JSON.stringify(byPhase)}`);

    for (const outcome of outcomes) {
      const where = `${outcome.phase} at ${outcome.started.toFixed(0)} ms: ${outcome.status}`;
      expect([200, 201, 429, 503], where).toContain(outcome.status);
      if (outcome.status === 429 || outcome.status === 503) expect(outcome.retryAfter, where).toMatch(/^\d+$/);
      expect(outcome.ms, `${where} took ${outcome.ms.toFixed(0)} ms`).toBeLessThan(deadline + MARGIN_MS);
    }
    // Each fault was noticed (by a request that ran while it lasted), and each recovery happened by itself.
    for (const fault of ['cut', 'slow', 'throttled']) {
      const span = spans[fault] ?? { start: 0, end: 0 };
      expect(
        outcomes.some((o) => o.started < span.end && o.started + o.ms > span.start && o.status >= 429),
        fault,
      ).toBe(true);
    }
    // Recovery: once the fault is over (and what was caught in it has settled), every request succeeds.
    for (const after of ['after cut', 'after slow', 'after throttle']) {
      const span = spans[after] ?? { start: 0, end: 0 };
      const settled = outcomes.filter((o) => o.started > span.start + 500 && o.started + o.ms < span.end);
      expect(settled.length, after).toBeGreaterThan(0);
      for (const outcome of settled) expect(outcome.status, `${after}: ${outcome.status}`).toBeLessThan(300);
    }
    // Nothing acknowledged was lost: every acknowledged write reads back as written.
    const acknowledged = outcomes.filter((outcome) => outcome.write !== undefined);
    expect(acknowledged.length).toBeGreaterThan(20);
    for (const { write } of acknowledged) {
      if (write === undefined) continue;
      const read = await load().request('GET', `${write.path}/${encodeURIComponent(write.id)}`);
      expect(read.status, `${write.path}/${write.id}`).toBe(200);
      expect(write.path === ROWS ? read.json?.windows : read.json?.value).toBe(write.value);
    }
  });
});
