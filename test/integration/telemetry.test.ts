/**
 * Request telemetry, through HTTP: every request becomes one Application Insights custom event (operation,
 * request-id, status, duration, request charge) posted to the ingestion endpoint of the connection string,
 * here a local server standing in for Application Insights.
 */
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HttpRequest, InvocationContext } from '@azure/functions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { operationHandler } from '../../src/http/pipeline';
import { findOperation } from '../../src/operations';
import { ApplicationInsightsSink, REQUEST_EVENT_NAME, parseConnectionString } from '../../src/telemetry';
import { DELEGATED_SCOPES } from '../../src/auth/permissions';
import { DEV_TENANT, DEV_USER, type TestHost, startTestHost } from '../support/testHost';

interface Envelope {
  name: string;
  iKey: string;
  tags: Record<string, string>;
  data: {
    baseType: string;
    baseData: { name: string; properties: Record<string, string>; measurements: Record<string, number> };
  };
}

const IKEY = '11111111-2222-4333-8444-555555555555';
let ingestion: Server;
let port: number;
const received: { authorization: string | undefined; envelopes: Envelope[] }[] = [];
let api: TestHost;

beforeAll(async () => {
  ingestion = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      if (request.url === '/v2.1/track' && request.method === 'POST') {
        received.push({
          authorization: request.headers.authorization,
          envelopes: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Envelope[],
        });
      }
      response.setHeader('content-type', 'application/json');
      response.end('{"itemsReceived":1,"itemsAccepted":1,"errors":[]}');
    });
  });
  await new Promise<void>((resolve) => ingestion.listen(0, '127.0.0.1', resolve));
  port = (ingestion.address() as AddressInfo).port;
  api = await startTestHost({
    APPLICATIONINSIGHTS_CONNECTION_STRING: `InstrumentationKey=${IKEY};IngestionEndpoint=http://127.0.0.1:${port}/`,
  });
});

afterAll(async () => {
  await api.close();
  await new Promise<void>((resolve) => ingestion.close(() => resolve()));
});

const events = (): Envelope[] => received.flatMap((batch) => batch.envelopes);

describe('request telemetry', () => {
  it('sends one event per request with its request-id, status, duration and request charge', async () => {
    const created = await api.request('POST', '/beta/reports/office365ActivationCounts', {
      body: { reportRefreshDate: '2024-01-01', productType: 'x' },
    });
    const invalid = await api.request('POST', '/beta/reports/office365ActivationCounts', {
      body: { reportRefreshDate: 'Date' },
    });
    const unknown = await api.request('GET', '/beta/nowhere');
    await api.host.services.telemetry.flush();

    const byRequest = new Map(events().map((event) => [event.data.baseData.properties.requestId, event]));
    const success = byRequest.get(created.headers.get('request-id') ?? '');
    expect(success).toMatchObject({
      name: 'Microsoft.ApplicationInsights.Event',
      iKey: IKEY,
      data: {
        baseType: 'EventData',
        baseData: {
          name: REQUEST_EVENT_NAME,
          properties: {
            operation: 'createOffice365ActivationCounts',
            method: 'POST',
            status: '201',
            tenantId: expect.any(String) as string,
          },
        },
      },
    });
    expect(success?.data.baseData.measurements.durationMs).toBeGreaterThan(0);
    expect(success?.data.baseData.measurements.requestCharge).toBeGreaterThanOrEqual(1);
    expect(byRequest.get(invalid.headers.get('request-id') ?? '')?.data.baseData.properties.status).toBe('400');
    expect(byRequest.get(unknown.headers.get('request-id') ?? '')?.data.baseData.properties).toMatchObject({
      operation: 'unmatchedRoute',
      status: '404',
    });
    expect(received.every((batch) => batch.authorization === undefined)).toBe(true);
  });
});

describe('correlation with the Functions host', () => {
  const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
  const HOST_SPAN = '00f067aa0ba902b7';

  it("joins the host's request: operation id and parent from the invocation's trace context", async () => {
    // What the Functions host does: it records its own request (operation_Id = trace id, id = span id) and
    // hands the worker that span as the invocation's traceparent.
    const operation = findOperation('listOffice365ActivationCounts');
    if (operation === undefined) throw new Error('no listOffice365ActivationCounts operation');
    const handler = operationHandler(operation, () => Promise.resolve(api.host.services));
    const response = await handler(
      new HttpRequest({
        method: 'GET',
        url: `${api.url}/beta/reports/office365ActivationCounts`,
        headers: {
          authorization: `Bearer ${await api.token({ tenantId: DEV_TENANT, userId: DEV_USER, scopes: DELEGATED_SCOPES })}`,
        },
      }),
      new InvocationContext({
        functionName: operation.name,
        traceContext: { traceParent: `00-${TRACE}-${HOST_SPAN}-01` },
        logHandler: () => undefined,
      }),
    );
    await api.host.services.telemetry.flush();
    const requestId = (response.headers as Record<string, string>)['request-id'];
    const event = events().find((e) => e.data.baseData.properties.requestId === requestId);
    expect(response.status).toBe(200);
    expect(event?.tags).toMatchObject({ 'ai.operation.id': TRACE, 'ai.operation.parentId': HOST_SPAN });
  });

  it("the local host continues a caller's trace as the Functions host does, or starts one", async () => {
    const callerSpan = 'b7ad6b7169203331';
    const traced = await api.request('GET', '/beta/reports/office365ActivationCounts', {
      headers: { traceparent: `00-${TRACE}-${callerSpan}-01` },
    });
    const untraced = await api.request('GET', '/beta/reports/office365ActivationCounts');
    const again = await api.request('GET', '/beta/reports/office365ActivationCounts');
    await api.host.services.telemetry.flush();
    const tags = (response: { headers: Headers }) =>
      events().find((e) => e.data.baseData.properties.requestId === response.headers.get('request-id'))?.tags ?? {};
    expect(tags(traced)['ai.operation.id']).toBe(TRACE);
    // The parent is the host's span for this invocation, a child of the caller's.
    expect(tags(traced)['ai.operation.parentId']).toMatch(/^[0-9a-f]{16}$/);
    expect(tags(traced)['ai.operation.parentId']).not.toBe(callerSpan);
    expect(tags(untraced)['ai.operation.id']).toMatch(/^[0-9a-f]{32}$/);
    expect(tags(untraced)['ai.operation.id']).not.toBe(tags(again)['ai.operation.id']);
  });
});

describe('the sink', () => {
  const record = {
    operation: 'op',
    method: 'GET',
    requestId: 'r1',
    clientRequestId: 'r1',
    status: 200,
    durationMs: 1.5,
    requestCharge: 2,
    tenantId: undefined,
  };

  it('signs ingestion with the managed identity token when configured', async () => {
    const sink = new ApplicationInsightsSink({
      connectionString: `InstrumentationKey=${IKEY};IngestionEndpoint=http://127.0.0.1:${port}`,
      credential: {
        getToken: (scope) =>
          Promise.resolve(
            scope === 'https://monitor.azure.com//.default'
              ? { token: 'identity-token', expiresOnTimestamp: Date.now() + 60_000 }
              : null,
          ),
      },
    });
    received.length = 0;
    sink.record(record);
    await sink.close();
    expect(received[0]?.authorization).toBe('Bearer identity-token');
    // Without an invocation trace context, the request-id is the operation.
    expect(received[0]?.envelopes[0]?.tags['ai.operation.id']).toBe('r1');
  });

  it('never fails the caller when ingestion is down: it warns once and drops', async () => {
    const warnings: string[] = [];
    const sink = new ApplicationInsightsSink({
      connectionString: `InstrumentationKey=${IKEY};IngestionEndpoint=http://127.0.0.1:1/`,
      log: (m) => warnings.push(m),
    });
    sink.record(record);
    await sink.flush();
    sink.record(record);
    await sink.close();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/telemetry: 1 events dropped/);
  });

  it('reads connection strings', () => {
    expect(
      parseConnectionString(
        `InstrumentationKey=${IKEY};IngestionEndpoint=https://westeurope-5.in.applicationinsights.azure.com/;LiveEndpoint=https://x/`,
      ),
    ).toEqual({
      instrumentationKey: IKEY,
      ingestionEndpoint: 'https://westeurope-5.in.applicationinsights.azure.com/',
    });
    expect(() => parseConnectionString('IngestionEndpoint=https://x/')).toThrow(/InstrumentationKey/);
  });
});
