/**
 * Racing writers on every write path (create, PATCH, DELETE, `$ref` add and remove), with and without
 * If-Match, through HTTP; the invariants are then checked on the database itself:
 * - a write without If-Match never answers 412: it succeeds, each response showing the state it wrote;
 * - with If-Match, exactly one writer per version wins;
 * - references: no orphan, no stale copy, no trace of a refused request (test/support/storeInvariants.ts).
 */
import { CosmosClient } from '@azure/cosmos';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EmbeddedCosmos, startEmbeddedCosmos } from '../../src/host/embeddedCosmos';
import { type FaultProxy, type ProxiedRequest, startFaultProxy } from '../support/faultProxy';
import { itemActivitiesPath } from '../support/fixtures';
import { referenceViolations } from '../support/storeInvariants';
import { type RequestOptions, type TestHost, type TestResponse, startTestHost } from '../support/testHost';

const GROUP = '3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f';

/**
 * Three instances of the service on one database, as a scaled-out app: each takes turns only with its own
 * writers, so requests spread over them race through the store's conditional writes too. They reach the
 * database through a proxy that can add jitter, which widens the windows in which writers interleave.
 */
const instances: TestHost[] = [];
let database: EmbeddedCosmos | undefined;
let proxy: FaultProxy | undefined;
let raw: CosmosClient | undefined;
let next = 0;

beforeAll(async () => {
  database = await startEmbeddedCosmos();
  proxy = await startFaultProxy(database.endpoint);
  // A long deadline: these tests are about who wins, not about time (faults.test.ts holds the deadline), and 200
  // writers of one document take turns for several seconds on a busy machine.
  const shared = { COSMOS_ENDPOINT: proxy.endpoint, COSMOS_KEY: database.key, COSMOS_REQUEST_TIMEOUT_MS: '30000' };
  for (let i = 0; i < 3; i += 1) instances.push(await startTestHost(shared));
  raw = new CosmosClient({
    endpoint: database.endpoint,
    key: database.key,
    connectionPolicy: { enableEndpointDiscovery: false },
  });
});

afterAll(async () => {
  for (const instance of instances) await instance.close();
  raw?.dispose();
  await proxy?.close();
  await database?.close();
});

/** One instance: two writers on two instances race only in the database, where a proxy hold can order them. */
function instance(index: number): TestHost {
  const chosen = instances[index];
  if (chosen === undefined) throw new Error('The instances are not started.');
  return chosen;
}

/** Requests go round the instances. */
const api = {
  get url() {
    return instances[0]?.url ?? '';
  },
  request(method: string, path: string, options?: RequestOptions): Promise<TestResponse> {
    next += 1;
    const instance = instances[next % instances.length];
    if (instance === undefined) throw new Error('The instances are not started.');
    return instance.request(method, path, options);
  },
};

function activities() {
  if (raw === undefined) throw new Error('The database is not started.');
  return raw.database('graph-analytics').container('itemActivities');
}

function statuses(responses: readonly TestResponse[]): Record<number, number> {
  const counts: Record<number, number> = {};
  for (const response of responses) counts[response.status] = (counts[response.status] ?? 0) + 1;
  return counts;
}

/**
 * Writers without If-Match: none answers 412. Each succeeds, or, when its turn does not come before the request
 * deadline (200 writers of one document on a busy machine), answers 503 with Retry-After as the contract allows;
 * most must succeed. Answers the counts.
 */
function expectNoPreconditionFailure(responses: readonly TestResponse[]): Record<number, number> {
  const counts = statuses(responses);
  for (const status of Object.keys(counts)) expect(['200', '201', '503']).toContain(status);
  for (const response of responses.filter((r) => r.status === 503)) {
    expect(response.headers.get('retry-after')).toMatch(/^\d+$/);
  }
  expect((counts[503] ?? 0) * 2).toBeLessThan(responses.length);
  return counts;
}

async function ids(path: string): Promise<string[]> {
  const response = await api.request('GET', `${path}?$top=999`);
  expect(response.status).toBe(200);
  return (response.json?.value as { id: string }[]).map((item) => item.id).sort();
}

describe('writers without If-Match never get 412', () => {
  const STATS = '/beta/me/analytics/activityStatistics';

  it('50 concurrent PATCHes of one entity: none answers 412, each success answering the state it wrote', async () => {
    const created = await api.request('POST', STATS, {
      body: { activity: 'Call', startDate: '2020-01-01', endDate: '2020-01-02', duration: 'PT1M' },
    });
    expect(created.status).toBe(201);
    const url = `${STATS}/${String(created.json?.id)}`;
    const written = Array.from({ length: 50 }, (_, i) => `zone ${i}`);
    const responses = await Promise.all(
      written.map((zone) => api.request('PATCH', url, { body: { timeZoneUsed: zone } })),
    );
    expect(expectNoPreconditionFailure(responses)[201]).toBeUndefined();
    const succeeded = responses.flatMap((response, i) => (response.status === 200 ? [{ response, i }] : []));
    succeeded.forEach(({ response, i }) => expect(response.json?.timeZoneUsed).toBe(written[i]));
    const etags = new Set(succeeded.map(({ response }) => response.headers.get('etag')));
    expect(etags.size).toBe(succeeded.length);
    const final = await api.request('GET', url);
    expect(written).toContain(final.json?.timeZoneUsed);
  });

  it('with one If-Match, exactly one of 50 concurrent PATCHes wins and the others answer 412', async () => {
    const created = await api.request('POST', STATS, {
      body: { activity: 'Chat', startDate: '2020-02-01', endDate: '2020-02-02', duration: 'PT1M' },
    });
    const url = `${STATS}/${String(created.json?.id)}`;
    const etag = created.headers.get('etag') ?? '';
    const responses = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        api.request('PATCH', url, { body: { timeZoneUsed: `pinned ${i}` }, headers: { 'if-match': etag } }),
      ),
    );
    expect(statuses(responses)).toEqual({ 200: 1, 412: 49 });
    const winner = responses.find((response) => response.status === 200);
    expect((await api.request('GET', url)).json?.timeZoneUsed).toBe(winner?.json?.timeZoneUsed);
  });

  it('PATCHes and a DELETE with the same If-Match: exactly one of them wins, the others answer 412', async () => {
    for (let round = 0; round < 3; round += 1) {
      const created = await api.request('POST', STATS, {
        body: { activity: 'Meeting', startDate: '2020-06-01', endDate: `2020-06-1${round}`, duration: 'PT1M' },
      });
      const url = `${STATS}/${String(created.json?.id)}`;
      const headers = { 'if-match': created.headers.get('etag') ?? '' };
      const responses = await Promise.all([
        ...Array.from({ length: 10 }, (_, i) => api.request('PATCH', url, { body: { timeZoneUsed: `${i}` }, headers })),
        api.request('DELETE', url, { headers }),
      ]);
      const winners = responses.filter((response) => response.status < 300);
      expect(winners).toHaveLength(1);
      // The losers find the version changed (412) or, once the DELETE has won, the entity gone (404).
      const lost = statuses(responses.filter((response) => response.status >= 300));
      expect(Object.keys(lost).every((status) => status === '412' || status === '404')).toBe(true);
      if (winners[0]?.status === 200) expect(lost[404]).toBeUndefined();
    }
  });

  it('item activities too: one If-Match, many PATCHes through the activity and its references, one winner', async () => {
    const home = itemActivitiesPath(GROUP, 'pinned-home');
    const referrers = [1, 2].map((i) => itemActivitiesPath(GROUP, `pinned-r${i}`));
    const created = await api.request('POST', home, { body: { id: 'pinned', value: 0 } });
    for (const referrer of referrers) {
      expect((await api.request('POST', `${referrer}/$ref`, { body: { '@odata.id': `${home}/pinned` } })).status).toBe(
        204,
      );
    }
    const headers = { 'if-match': created.headers.get('etag') ?? '' };
    const responses = await Promise.all(
      [home, ...referrers, home, ...referrers].map((path, i) =>
        api.request('PATCH', `${path}/pinned`, { body: { value: i + 1 }, headers }),
      ),
    );
    expect(statuses(responses)).toEqual({ 200: 1, 412: 5 });
    expect(await referenceViolations(activities())).toEqual([]);
  });

  it('DELETE racing PATCHes without If-Match: the DELETE succeeds, each PATCH succeeds or finds nothing', async () => {
    for (let round = 0; round < 5; round += 1) {
      const created = await api.request('POST', STATS, {
        body: { activity: 'Focus', startDate: '2020-03-01', endDate: `2020-03-1${round}`, duration: 'PT1M' },
      });
      const url = `${STATS}/${String(created.json?.id)}`;
      const patches = Array.from({ length: 10 }, (_, i) =>
        api.request('PATCH', url, { body: { timeZoneUsed: `${i}` } }),
      );
      const [deleted, ...patched] = await Promise.all([api.request('DELETE', url), ...patches]);
      expect(deleted?.status).toBe(204);
      for (const response of patched) expect([200, 404]).toContain(response.status);
      expect((await api.request('GET', url)).status).toBe(404);
    }
  });

  it('concurrent DELETEs of one entity: one 204, the others 404', async () => {
    const created = await api.request('POST', STATS, {
      body: { activity: 'Email', startDate: '2020-04-01', endDate: '2020-04-02', duration: 'PT1M' },
    });
    const url = `${STATS}/${String(created.json?.id)}`;
    const responses = await Promise.all(Array.from({ length: 10 }, () => api.request('DELETE', url)));
    expect(statuses(responses)).toEqual({ 204: 1, 404: 9 });
  });

  it('100 concurrent creates of one report row: one 201, the others 200 (or 503 past the deadline), one row stored', async () => {
    const rows = '/beta/reports/office365ActivationCounts';
    const responses = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        api.request('POST', rows, { body: { reportRefreshDate: '2020-05-01', productType: 'Race', windows: i } }),
      ),
    );
    expect(expectNoPreconditionFailure(responses)[201]).toBe(1);
    responses.forEach((response, i) => {
      if (response.status < 300) expect(response.json?.windows).toBe(i);
    });
    const listed = await api.request('GET', `${rows}?$filter=${encodeURIComponent("productType eq 'Race'")}`);
    expect((listed.json?.value as unknown[]).length).toBe(1);
  });

  it('200 concurrent creates of one item activity id: one 201, the others 200 or 503 past the deadline (never 412)', async () => {
    const path = itemActivitiesPath(GROUP, 'race-create');
    const responses = await Promise.all(
      Array.from({ length: 200 }, (_, i) => api.request('POST', path, { body: { id: 'same', seq: i } })),
    );
    expect(expectNoPreconditionFailure(responses)[201]).toBe(1);
    responses.forEach((response, i) => {
      if (response.status < 300) expect(response.json?.seq).toBe(i);
    });
    expect(await ids(path)).toEqual(['same']);
  });
});

describe('racing references', () => {
  it('20 concurrent $ref adds of one activity into 20 collections all succeed, and a DELETE removes every one', async () => {
    const home = itemActivitiesPath(GROUP, 'home-20');
    expect((await api.request('POST', home, { body: { id: 'target-20' } })).status).toBe(201);
    const collections = Array.from({ length: 20 }, (_, i) => itemActivitiesPath(GROUP, `referrer-${i}`));
    const added = await Promise.all(
      collections.map((path) =>
        api.request('POST', `${path}/$ref`, { body: { '@odata.id': `${api.url}${home}/target-20` } }),
      ),
    );
    expect(statuses(added)).toEqual({ 204: 20 });
    expect(await referenceViolations(activities())).toEqual([]);
    for (const path of collections) expect(await ids(path)).toEqual(['target-20']);

    expect((await api.request('DELETE', `${home}/target-20`)).status).toBe(204);
    for (const path of collections) expect(await ids(path)).toEqual([]);
    expect(await referenceViolations(activities())).toEqual([]);
  });

  it('concurrent adds of the same reference to one collection: one 204, the others 409', async () => {
    const home = itemActivitiesPath(GROUP, 'home-dup');
    const other = itemActivitiesPath(GROUP, 'referrer-dup');
    await api.request('POST', home, { body: { id: 'dup' } });
    const added = await Promise.all(
      Array.from({ length: 10 }, () => api.request('POST', `${other}/$ref`, { body: { '@odata.id': `${home}/dup` } })),
    );
    expect(statuses(added)).toEqual({ 204: 1, 409: 9 });
    expect(await referenceViolations(activities())).toEqual([]);
  });

  /**
   * Pairs of writers that race on one target, many rounds each with jitter on every database call: each kind
   * of race the reference protocol must survive, on its own, so a wrong step order shows up reliably.
   */
  describe('targeted races (with jitter)', () => {
    const ROUNDS = 12;
    let round = 0;

    async function raceRounds(
      name: string,
      concurrent: (home: string, referrers: string[], id: string) => (() => Promise<TestResponse>)[],
      setupReferences: number,
    ): Promise<void> {
      proxy?.set({ kind: 'delay', minMs: 0, maxMs: 4 });
      try {
        for (let i = 0; i < ROUNDS; i += 1) {
          round += 1;
          const home = itemActivitiesPath(GROUP, `${name}-${round}-home`);
          const referrers = [0, 1, 2, 3].map((r) => itemActivitiesPath(GROUP, `${name}-${round}-r${r}`));
          const id = 'raced';
          expect((await api.request('POST', home, { body: { id, value: 0 } })).status).toBe(201);
          for (const referrer of referrers.slice(0, setupReferences)) {
            const added = await api.request('POST', `${referrer}/$ref`, { body: { '@odata.id': `${home}/${id}` } });
            expect(added.status).toBe(204);
          }
          // Each writer starts a little apart from the others, so their steps meet in ever other orders.
          const responses = await Promise.all(
            concurrent(home, referrers, id).map(async (request) => {
              await new Promise((resolve) => setTimeout(resolve, Math.random() * 12));
              return request();
            }),
          );
          for (const response of responses) expect(response.status).toBeLessThan(500);
          expect(await referenceViolations(activities())).toEqual([]);
        }
      } finally {
        proxy?.set({ kind: 'pass' });
      }
    }

    it('adds racing a DELETE of the target', async () => {
      await raceRounds(
        'add-delete',
        (home, referrers, id) => [
          ...referrers.map((r) => () => api.request('POST', `${r}/$ref`, { body: { '@odata.id': `${home}/${id}` } })),
          () => api.request('DELETE', `${home}/${id}`),
        ],
        0,
      );
    });

    it('a removal racing a new add of the same reference', async () => {
      await raceRounds(
        'remove-add',
        (home, referrers, id) =>
          referrers
            .slice(0, 2)
            .flatMap((r) => [
              () => api.request('DELETE', `${r}/${id}/$ref`),
              () => api.request('POST', `${r}/$ref`, { body: { '@odata.id': `${home}/${id}` } }),
            ]),
        2,
      );
    });

    it('PATCHes racing each other through the target and its references', async () => {
      await raceRounds(
        'patch-patch',
        (home, referrers, id) =>
          [home, ...referrers.slice(0, 2), home, ...referrers.slice(0, 2)].map(
            (path, i) => () => api.request('PATCH', `${path}/${id}`, { body: { value: i + 1 } }),
          ),
        2,
      );
    });

    it('adds racing PATCHes and a re-create of the target', async () => {
      await raceRounds(
        'add-patch',
        (home, referrers, id) => [
          ...referrers.map((r) => () => api.request('POST', `${r}/$ref`, { body: { '@odata.id': `${home}/${id}` } })),
          () => api.request('PATCH', `${home}/${id}`, { body: { value: 'patched' } }),
          () => api.request('POST', home, { body: { id, value: 'replaced' } }),
        ],
        0,
      );
    });
  });

  /**
   * Two writers' steps put in a chosen order by holding one database call at the proxy: each ordering the
   * reference protocol exists for, made to happen every time.
   */
  describe('chosen orders', () => {
    const documentCall = (method: string, partition: string, id: string) => (request: ProxiedRequest) =>
      request.method === method &&
      request.url.endsWith(`/docs/${encodeURIComponent(id)}`) &&
      (request.partitionKey ?? '').includes(partition);

    it('a reference registered between a DELETE reading the target and deleting it is removed too', async () => {
      const home = itemActivitiesPath(GROUP, 'order-delete-home');
      const other = itemActivitiesPath(GROUP, 'order-delete-other');
      expect((await api.request('POST', home, { body: { id: 'o1' } })).status).toBe(201);
      const hold = proxy?.hold(documentCall('DELETE', 'order-delete-home', 'o1'));
      const deleting = instance(0).request('DELETE', `${home}/o1`);
      await hold?.arrived;
      const added = await instance(1).request('POST', `${other}/$ref`, { body: { '@odata.id': `${home}/o1` } });
      expect(added.status).toBe(204);
      hold?.release();
      expect((await deleting).status).toBe(204);
      expect(await ids(other)).toEqual([]);
      expect(await referenceViolations(activities())).toEqual([]);
    });

    it("a reference added again while its removal is taking the target's registration back stays registered", async () => {
      const home = itemActivitiesPath(GROUP, 'order-remove-home');
      const other = itemActivitiesPath(GROUP, 'order-remove-other');
      expect((await api.request('POST', home, { body: { id: 'o2' } })).status).toBe(201);
      expect((await api.request('POST', `${other}/$ref`, { body: { '@odata.id': `${home}/o2` } })).status).toBe(204);
      // The removal's last step: replacing the target without this partition in its referencedBy.
      const hold = proxy?.hold(documentCall('PUT', 'order-remove-home', 'o2'));
      const removing = instance(0).request('DELETE', `${other}/o2/$ref`);
      await hold?.arrived;
      const added = await instance(1).request('POST', `${other}/$ref`, { body: { '@odata.id': `${home}/o2` } });
      expect(added.status).toBe(204);
      hold?.release();
      expect((await removing).status).toBe(204);
      expect(await ids(other)).toEqual(['o2']);
      expect(await referenceViolations(activities())).toEqual([]);
      // …and deleting the target now removes that reference.
      expect((await api.request('DELETE', `${home}/o2`)).status).toBe(204);
      expect(await ids(other)).toEqual([]);
    });

    it('an add whose target is deleted before it registers answers 404 and leaves nothing', async () => {
      const home = itemActivitiesPath(GROUP, 'order-gone-home');
      const other = itemActivitiesPath(GROUP, 'order-gone-other');
      expect((await api.request('POST', home, { body: { id: 'o3' } })).status).toBe(201);
      // The add's registration: replacing the target with this partition in its referencedBy.
      const hold = proxy?.hold(documentCall('PUT', 'order-gone-home', 'o3'));
      const adding = instance(0).request('POST', `${other}/$ref`, { body: { '@odata.id': `${home}/o3` } });
      await hold?.arrived;
      expect((await instance(1).request('DELETE', `${home}/o3`)).status).toBe(204);
      hold?.release();
      expect((await adding).status).toBe(404);
      expect(await ids(other)).toEqual([]);
      expect(await referenceViolations(activities())).toEqual([]);
    });
  });

  /** The operations a random interleaving is made of, on a few collections and two activities. */
  type Step =
    | { kind: 'add' | 'remove' | 'get'; collection: number; target: number }
    | { kind: 'patch'; collection: number; target: number; pinned: boolean }
    | { kind: 'delete' | 'recreate'; target: number };

  const step: fc.Arbitrary<Step> = fc.oneof(
    fc.record({ kind: fc.constantFrom('add', 'remove', 'get'), collection: fc.nat(3), target: fc.nat(1) }),
    fc.record({ kind: fc.constant('patch'), collection: fc.nat(3), target: fc.nat(1), pinned: fc.boolean() }),
    fc.record({ kind: fc.constantFrom('delete', 'recreate'), target: fc.nat(1) }),
  );

  const ALLOWED: Record<Step['kind'], number[]> = {
    add: [204, 404, 409],
    remove: [204, 404],
    get: [200, 404],
    patch: [200, 404],
    delete: [204, 404],
    recreate: [200, 201],
  };

  it('any interleaving of $ref add/remove, PATCH, DELETE and re-create leaves no orphan, no stale copy, no trace', async () => {
    let run = 0;
    proxy?.set({ kind: 'delay', minMs: 0, maxMs: 6 });
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 4, maxLength: 24 }), async (steps) => {
        run += 1;
        const collections = [0, 1, 2, 3].map((i) => itemActivitiesPath(GROUP, `run${run}-c${i}`));
        const home = collections[0] ?? '';
        const targets = ['t0', 't1'];
        const etags: string[] = [];
        for (const id of targets) {
          const created = await api.request('POST', home, { body: { id, value: 'initial' } });
          etags.push(created.headers.get('etag') ?? '');
        }
        const responses = await Promise.all(
          steps.map((s, i) => {
            const id = targets[s.target] ?? 't0';
            switch (s.kind) {
              case 'add':
                return api.request('POST', `${collections[s.collection] ?? home}/$ref`, {
                  body: { '@odata.id': `${home}/${id}` },
                });
              case 'remove':
                return api.request('DELETE', `${collections[s.collection] ?? home}/${id}/$ref`);
              case 'get':
                return api.request('GET', `${collections[s.collection] ?? home}/${id}`);
              case 'patch':
                return api.request('PATCH', `${collections[s.collection] ?? home}/${id}`, {
                  body: { value: `step ${i}` },
                  headers: s.pinned ? { 'if-match': etags[s.target] ?? '' } : {},
                });
              case 'delete':
                return api.request('DELETE', `${home}/${id}`);
              case 'recreate':
                return api.request('POST', home, { body: { id, value: `recreated ${i}` } });
            }
          }),
        );
        responses.forEach((response, i) => {
          const s = steps[i];
          if (s === undefined) return;
          const allowed = s.kind === 'patch' && s.pinned ? [...ALLOWED.patch, 412] : ALLOWED[s.kind];
          expect(allowed, `${JSON.stringify(s)} answered ${response.status}: ${response.text}`).toContain(
            response.status,
          );
        });
        expect(await referenceViolations(activities())).toEqual([]);
      }),
      { numRuns: Number(process.env.INTERLEAVING_RUNS ?? 12), seed: Number(process.env.INTERLEAVING_SEED ?? 20261123) },
    );
    proxy?.set({ kind: 'pass' });
  });
});
