/**
 * The official Microsoft Graph JavaScript client drives the service as it drives Graph: a custom
 * authentication middleware (the client sends no token to a host other than Graph's by itself) in front of
 * the client's own HTTP handler. The host serves https with a throwaway certificate: the client follows
 * only `https://` next links, as every deployed host has.
 */
import {
  BatchRequestContent,
  BatchResponseContent,
  Client,
  type Context,
  GraphError,
  HTTPMessageHandler,
  type Middleware,
  PageIterator,
  ResponseType,
} from '@microsoft/microsoft-graph-client';
import type { Agent } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DELEGATED_SCOPES } from '../../src/auth/permissions';
import { DEV_TENANT, DEV_USER, type TestHost } from '../support/testHost';
import { type TlsTestHost, startTlsTestHost } from '../support/tlsHost';

let api: TestHost;
let client: Client;
let trusting: Agent;
let tls: TlsTestHost;

/** Puts the bearer token on every request, whatever the host, and trusts the test host's certificate. */
class BearerMiddleware implements Middleware {
  private next: Middleware | undefined;

  constructor(
    private readonly token: string,
    private readonly dispatcher: Agent,
  ) {}

  async execute(context: Context): Promise<void> {
    context.options ??= {};
    const headers = new Headers(context.options.headers);
    headers.set('Authorization', `Bearer ${this.token}`);
    context.options.headers = Object.fromEntries(headers.entries());
    Object.assign(context.options, { dispatcher: this.dispatcher });
    if (this.next === undefined) throw new Error('No next middleware.');
    await this.next.execute(context);
  }

  setNext(next: Middleware): void {
    this.next = next;
  }
}

type Item = Record<string, unknown>;

async function graphError(call: () => Promise<unknown>): Promise<GraphError> {
  try {
    await call();
  } catch (error) {
    if (error instanceof GraphError) return error;
    throw error;
  }
  throw new Error('expected a GraphError');
}

beforeAll(async () => {
  tls = await startTlsTestHost();
  api = tls.api;
  trusting = tls.trusting;
  const token = await api.token({ tenantId: DEV_TENANT, userId: DEV_USER, scopes: DELEGATED_SCOPES });
  const auth = new BearerMiddleware(token, trusting);
  auth.setNext(new HTTPMessageHandler());
  client = Client.initWithMiddleware({ baseUrl: api.url, defaultVersion: 'beta', middleware: auth });
});

afterAll(async () => {
  await tls.close();
});

describe('Microsoft Graph JavaScript client', () => {
  const rows = '/reports/office365ActivationCounts';

  it('creates entities', async () => {
    const created = (await client.api('/me/analytics/activityStatistics').post({
      '@odata.type': '#microsoft.graph.callActivityStatistics',
      startDate: '2019-06-16',
      endDate: '2019-06-17',
      duration: 'PT1H',
    })) as Item;
    expect(created).toMatchObject({
      '@odata.type': '#microsoft.graph.callActivityStatistics',
      id: 'call_2019-06-16_2019-06-17',
      activity: 'Call',
    });
    for (let i = 0; i < 25; i += 1) {
      await client
        .api(rows)
        .post({ reportRefreshDate: '2020-02-02', productType: `Product ${String(i).padStart(2, '0')}`, windows: i });
    }
  });

  it('lists, following every @odata.nextLink', async () => {
    const first = (await client.api(rows).top(10).get()) as { value: Item[] };
    const seen: Item[] = [];
    const iterator = new PageIterator(client, first, (item: Item) => {
      seen.push(item);
      return true;
    });
    await iterator.iterate();
    expect(seen).toHaveLength(25);
    expect(new Set(seen.map((item) => item.id)).size).toBe(25);
  });

  it('filters, selects, orders and counts', async () => {
    const page = (await client
      .api(rows)
      .filter('windows ge 20')
      .select(['windows', 'productType'])
      .orderby('windows desc')
      .count(true)
      .get()) as {
      value: Item[];
      '@odata.count': number;
    };
    expect(page['@odata.count']).toBe(5);
    expect(page.value.map((item) => item.windows)).toEqual([24, 23, 22, 21, 20]);
    expect(Object.keys(page.value[0] ?? {}).sort()).toEqual([
      '@odata.etag',
      '@odata.type',
      'id',
      'productType',
      'windows',
    ]);
  });

  it('patches and deletes', async () => {
    const [row] = ((await client.api(rows).filter("productType eq 'Product 07'").get()) as { value: Item[] }).value;
    const id = String(row?.id);
    const patched = (await client.api(`${rows}/${id}`).patch({ windows: 99 })) as Item;
    expect(patched.windows).toBe(99);
    await client.api(`${rows}/${id}`).delete();
    const gone = await graphError(() => client.api(`${rows}/${id}`).get());
    expect(gone.statusCode).toBe(404);
    expect(gone.code).toBe('itemNotFound');
  });

  it('surfaces a 400 as a GraphError with its code', async () => {
    const invalid = await graphError(() => client.api(rows).post({ reportRefreshDate: 'Date', productType: 'x' }));
    expect(invalid.statusCode).toBe(400);
    expect(invalid.code).toBe('BadRequest');
    const badFilter = await graphError(() => client.api(rows).filter('color eq 1').get());
    expect(badFilter.statusCode).toBe(400);
  });

  it('adds a reference and calls a report function', async () => {
    const stat = (id: string) =>
      `/me/joinedGroups/0a0b0c0d-0e0f-4a1b-8c2d-3e4f5a6b7c8d/drive/activities/old/driveItem/analytics/itemActivityStats/${id}/activities`;
    const activity = (await client.api(stat('one')).post({ activityDateTime: '2020-01-01T00:00:00Z' })) as Item;
    await client
      .api(`${stat('two')}/$ref`)
      .post({ '@odata.id': `${api.url}/beta${stat('one')}/${String(activity.id)}` });
    const listed = (await client.api(stat('two')).get()) as { value: Item[] };
    expect(listed.value.map((item) => item.id)).toEqual([activity.id]);
    const csv = (await client
      .api('/reports/getOffice365ActivationCounts')
      .responseType(ResponseType.TEXT)
      .get()) as string;
    expect(csv.split('\r\n')[0]).toBe('Report Refresh Date,Product Type,Windows,Mac,Android,iOS,Windows 10 Mobile');
    expect(csv.split('\r\n')).toHaveLength(24 + 2);
  });

  it("batches with the client's own BatchRequestContent and reads the answer with BatchResponseContent", async () => {
    const create = new Request(`${api.url}/beta${rows}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ reportRefreshDate: '2022-02-02', productType: 'Batched by the client', windows: 3 }),
    });
    const count = new Request(`${api.url}/beta${rows}/$count`, { method: 'GET' });
    const content = new BatchRequestContent([
      { id: 'create', request: create },
      { id: 'count', request: count, dependsOn: ['create'] },
    ]);
    const answer = (await client.api('/$batch').post(await content.getContent())) as ConstructorParameters<
      typeof BatchResponseContent
    >[0];
    const responses = new BatchResponseContent(answer);
    const created = responses.getResponseById('create');
    expect(created.status).toBe(201);
    expect(((await created.json()) as Item).productType).toBe('Batched by the client');
    expect(responses.getResponseById('count').status).toBe(200);
  });
});
