/**
 * The Kiota-generated Microsoft Graph beta SDK from npm (`@microsoft/msgraph-beta-sdk`, its request adapter
 * and models, `@microsoft/msgraph-sdk-core`'s PageIterator and BatchRequestContent) drives the service as it
 * drives Graph. The per-area request-builder packages (users, reports, drives) are not in the registry, so
 * requests are built as their builders build them: a RequestInformation on the same URL template, sent
 * with the SDK's generated models and error mapping. The host serves https: the SDK follows only https
 * next links.
 */
import {
  BaseBearerTokenAuthenticationProvider,
  DateOnly,
  Duration,
  HttpMethod,
  type Parsable,
  type ParsableFactory,
  type ParseNodeFactoryRegistry,
  RequestInformation,
} from '@microsoft/kiota-abstractions';
import { GraphBetaRequestAdapter } from '@microsoft/msgraph-beta-sdk';
import {
  type ActivityStatistics,
  type ItemActivity,
  type Office365ActiveUserCounts,
  createActivityStatisticsCollectionResponseFromDiscriminatorValue,
  createActivityStatisticsFromDiscriminatorValue,
  createItemActivityFromDiscriminatorValue,
  createOffice365ActiveUserCountsFromDiscriminatorValue,
  serializeActivityStatistics,
  serializeItemActivity,
  serializeOffice365ActiveUserCounts,
} from '@microsoft/msgraph-beta-sdk/models/index.js';
import {
  type ODataError,
  createODataErrorFromDiscriminatorValue,
} from '@microsoft/msgraph-beta-sdk/models/oDataErrors/index.js';
import {
  BatchRequestContent,
  PageIterator,
  type PageCollection,
  createGraphClientFactory,
} from '@microsoft/msgraph-sdk-core';
import type { Agent } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DELEGATED_SCOPES } from '../../src/auth/permissions.js';
import { DEV_TENANT, DEV_USER, type TestHost } from '../support/testHost.js';
import { type TlsTestHost, startTlsTestHost } from '../support/tlsHost.js';

let api: TestHost;
let adapter: GraphBetaRequestAdapter;
let trusting: Agent;
let tls: TlsTestHost;

const errors = { XXX: createODataErrorFromDiscriminatorValue };

// The SDK's generated factories, typed as the adapter takes them.
const statisticsFactory: ParsableFactory<ActivityStatistics> = createActivityStatisticsFromDiscriminatorValue;
const statisticsPageFactory: ParsableFactory<PageCollection<ActivityStatistics>> =
  createActivityStatisticsCollectionResponseFromDiscriminatorValue;
const activeUserCountsFactory: ParsableFactory<Office365ActiveUserCounts> =
  createOffice365ActiveUserCountsFromDiscriminatorValue;
const itemActivityFactory: ParsableFactory<ItemActivity> = createItemActivityFromDiscriminatorValue;

function date(value: string): DateOnly {
  const parsed = DateOnly.parse(value);
  if (parsed === undefined) throw new Error(`not a date: ${value}`);
  return parsed;
}

function duration(value: string): Duration {
  const parsed = Duration.parse(value);
  if (parsed === undefined) throw new Error(`not a duration: ${value}`);
  return parsed;
}

beforeAll(async () => {
  tls = await startTlsTestHost();
  api = tls.api;
  trusting = tls.trusting;
  const token = await api.token({ tenantId: DEV_TENANT, userId: DEV_USER, scopes: DELEGATED_SCOPES });
  const host = new URL(api.url).host;
  const authentication = new BaseBearerTokenAuthenticationProvider({
    getAuthorizationToken: () => Promise.resolve(token),
    getAllowedHostsValidator: () =>
      ({
        getAllowedHosts: () => [host],
        setAllowedHosts: () => undefined,
        isUrlHostValid: (url: string) => new URL(url).host === host,
      }) as never,
  });
  // The SDK's own HTTP client and middleware; only the fetch trusts the test host's certificate.
  const httpClient = createGraphClientFactory(
    {
      graphServiceTargetVersion: 'beta',
      graphProductPrefix: 'graph-analytics-api-test',
      graphServiceLibraryClientVersion: '1',
    },
    (url, init) => fetch(url, { ...init, dispatcher: trusting } as unknown as RequestInit),
  );
  adapter = new GraphBetaRequestAdapter(authentication, undefined, undefined, httpClient);
  adapter.baseUrl = `${api.url}/beta`;
});

afterAll(async () => {
  await tls.close();
});

function request(method: HttpMethod, template: string, query: Record<string, unknown> = {}): RequestInformation {
  const information = new RequestInformation(method, `{+baseurl}${template}`);
  information.pathParameters.baseurl = adapter.baseUrl;
  Object.assign(information.queryParameters, query);
  information.headers.tryAdd('Accept', 'application/json');
  return information;
}

function withBody<T extends Parsable>(
  information: RequestInformation,
  body: T,
  serialize: (writer: never, value?: T) => void,
): RequestInformation {
  information.setContentFromParsable(adapter, 'application/json', body, serialize as never);
  return information;
}

async function odataError(call: () => Promise<unknown>): Promise<ODataError> {
  try {
    await call();
  } catch (error) {
    return error as ODataError;
  }
  throw new Error('expected an ODataError');
}

const STATS = '/me/analytics/activityStatistics';

describe('the Kiota Graph beta SDK', () => {
  it('creates with generated models, reading the concrete type back from @odata.type', async () => {
    const body: ActivityStatistics = {
      odataType: '#microsoft.graph.callActivityStatistics',
      startDate: date('2021-01-04'),
      endDate: date('2021-01-05'),
      duration: duration('PT5M'),
    };
    const created = await adapter.send(
      withBody(request(HttpMethod.POST, STATS), body, serializeActivityStatistics),
      statisticsFactory,
      errors,
    );
    expect(created?.odataType).toBe('#microsoft.graph.callActivityStatistics');
    expect(created?.activity).toBe('Call');
    expect(created?.id).toBe('call_2021-01-04_2021-01-05');
  });

  it('pages with PageIterator over every next link, and reads /$count', async () => {
    for (let day = 10; day < 25; day += 1) {
      const chat: ActivityStatistics = {
        activity: 'Chat',
        startDate: date(`2021-02-${day}`),
        endDate: date(`2021-02-${day}`),
        duration: duration('PT1M'),
      };
      await adapter.send(
        withBody(request(HttpMethod.POST, STATS), chat, serializeActivityStatistics),
        statisticsFactory,
        errors,
      );
    }
    const first = await adapter.send(
      request(HttpMethod.GET, `${STATS}{?%24top,%24filter}`, { '%24top': 4, '%24filter': "activity eq 'Chat'" }),
      statisticsPageFactory,
      errors,
    );
    if (first === undefined) throw new Error('no first page');
    const seen: string[] = [];
    const iterator = new PageIterator<ActivityStatistics>(
      adapter,
      first,
      (item) => {
        seen.push(item.id ?? '');
        return true;
      },
      statisticsPageFactory,
      errors,
    );
    await iterator.iterate();
    expect(seen).toHaveLength(15);
    expect(new Set(seen).size).toBe(15);
    const countInformation = request(HttpMethod.GET, `${STATS}/$count{?%24filter}`, {
      '%24filter': "activity eq 'Chat'",
    });
    countInformation.headers.add('Accept', 'text/plain');
    countInformation.headers.add('ConsistencyLevel', 'eventual');
    expect(await adapter.sendPrimitive<number>(countInformation, 'number', errors)).toBe(15);
  });

  it('calls a report function in its canonical form and reads its CSV', async () => {
    const row: Office365ActiveUserCounts = {
      reportRefreshDate: date('2021-03-01'),
      reportDate: date('2021-02-28'),
      reportPeriod: '7',
      teams: 11,
    };
    await adapter.send(
      withBody(request(HttpMethod.POST, '/reports/office365ActiveUserCounts'), row, serializeOffice365ActiveUserCounts),
      activeUserCountsFactory,
      errors,
    );
    // The URL template the SDK's reports builder uses for this function.
    const report = request(HttpMethod.GET, "/reports/microsoft.graph.getOffice365ActiveUserCounts(period='{period}')");
    report.pathParameters.period = 'D7';
    report.headers.add('Accept', 'application/octet-stream, application/json');
    const csv = await adapter.sendPrimitive<ArrayBuffer>(report, 'ArrayBuffer', errors);
    expect(Buffer.from(csv ?? new ArrayBuffer(0)).toString()).toContain('2021-03-01,,,,,,,11,2021-02-28,7');
  });

  it('surfaces errors as ODataError with Graph code and request-id', async () => {
    const failure = await odataError(() =>
      adapter.send(
        withBody(request(HttpMethod.POST, STATS), { startDate: date('2021-01-01') }, serializeActivityStatistics),
        statisticsFactory,
        errors,
      ),
    );
    expect(failure.responseStatusCode).toBe(400);
    expect(failure.errorEscaped?.code).toBe('BadRequest');
    expect(failure.errorEscaped?.innerError?.requestId).toMatch(/^[0-9a-f-]{36}$/);
    const missing = await odataError(() =>
      adapter.send(request(HttpMethod.GET, `${STATS}/nothing`), statisticsFactory, errors),
    );
    expect(missing.responseStatusCode).toBe(404);
    expect(missing.errorEscaped?.code).toBe('itemNotFound');
  });

  it("batches with the SDK's BatchRequestContent", async () => {
    const activities =
      '/me/joinedGroups/4d5e6f7a-8b9c-4d0e-8f1a-2b3c4d5e6f7a/drive/activities/old/driveItem/analytics/itemActivityStats/kiota/activities';
    const content = new BatchRequestContent(adapter, errors);
    const activity: ItemActivity = { id: 'from-kiota', activityDateTime: new Date('2021-04-01T10:00:00Z') };
    const create = content.addBatchRequest(
      withBody(request(HttpMethod.POST, activities), activity, serializeItemActivity),
    );
    const read = content.addBatchRequest(request(HttpMethod.GET, `${activities}/from-kiota`));
    read.dependsOn = [create.id];
    const answer = await content.postAsync();
    expect(answer?.getResponseById(create.id)?.status).toBe(201);
    expect(answer?.getResponseById(read.id)?.status).toBe(200);
    // The helper's getParsableResponseById reads a body as base64 bytes, which a JSON body (Graph's, and
    // OData's JSON batch format) is not: a limitation of msgraph-sdk-core 1.0.0-preview.17, not of the answer.
    expect(
      answer?.getParsableResponseById(
        read.id,
        adapter.getParseNodeFactory() as ParseNodeFactoryRegistry,
        itemActivityFactory,
      ),
    ).toBeUndefined();
  });
});
