/**
 * Request telemetry: one record per request (operation, request-id, status, duration, Cosmos DB request
 * charge), sent to Application Insights as a custom event, whose properties become `customDimensions` and
 * whose numbers become `customMeasurements`: indexed, so they can be filtered and charted.
 *
 * Events are batched and sent in the background to the ingestion endpoint of the connection string,
 * authenticated as the app's managed identity (local auth is off on the component). Telemetry never fails
 * or slows a request: a failed send is logged once and dropped.
 */
import { randomFillSync } from 'node:crypto';
import type { TokenCredential } from '@azure/identity';

export interface RequestRecord {
  readonly operation: string;
  readonly method: string;
  readonly requestId: string;
  readonly clientRequestId: string;
  readonly status: number;
  readonly durationMs: number;
  /** Cosmos DB request units the request spent. */
  readonly requestCharge: number;
  readonly tenantId: string | undefined;
  /** The invocation's W3C trace context (the Functions host's request span), when the host gave one. */
  readonly traceParent?: string | undefined;
}

export interface TelemetrySink {
  record(record: RequestRecord): void;
  /** Sends what is buffered. */
  flush(): Promise<void>;
}

export const NO_TELEMETRY: TelemetrySink = { record: () => undefined, flush: () => Promise.resolve() };

export const REQUEST_EVENT_NAME = 'GraphAnalyticsRequest';

/**
 * An invocation's trace context as the Functions host makes it, for the local host to make the same: a new
 * span of the caller's trace (its W3C `traceparent`), or of a new trace.
 */
export function invocationTraceParent(callers: string | string[] | undefined): string {
  // Two traceparent headers are as good as none (W3C Trace Context).
  const caller = /^00-([0-9a-f]{32})-[0-9a-f]{16}-([0-9a-f]{2})$/.exec(
    typeof callers === 'string' ? callers.trim() : '',
  );
  const traceId = caller?.[1] !== undefined && !/^0+$/.test(caller[1]) ? caller[1] : randomHex(16);
  return `00-${traceId}-${randomHex(8)}-${caller?.[2] ?? '01'}`;
}

/** Random bytes, drawn from a pool refilled 4 KiB at a time: one `randomBytes` call per request cost more. */
const randomPool = Buffer.alloc(4096);
let randomOffset = randomPool.length;

function randomHex(bytes: number): string {
  if (randomOffset + bytes > randomPool.length) {
    randomFillSync(randomPool);
    randomOffset = 0;
  }
  randomOffset += bytes;
  return randomPool.toString('hex', randomOffset - bytes, randomOffset);
}

/**
 * The operation an event belongs to. Under the Functions host the invocation's `traceparent` names the
 * host's own request (its trace id is the `requests` row's operation_Id, its span id the row's id), so the
 * event joins that row as its child. Without one, the request-id is the operation.
 */
export function operationTags(record: Pick<RequestRecord, 'requestId' | 'traceParent'>): Record<string, string> {
  const parent = /^[0-9a-f]{2}-([0-9a-f]{32})-([0-9a-f]{16})-[0-9a-f]{2}$/.exec(record.traceParent?.trim() ?? '');
  const [, traceId, spanId] = parent ?? [];
  if (traceId === undefined || spanId === undefined || /^0+$/.test(traceId) || /^0+$/.test(spanId)) {
    return { 'ai.operation.id': record.requestId };
  }
  return { 'ai.operation.id': traceId, 'ai.operation.parentId': spanId };
}

interface ConnectionString {
  readonly instrumentationKey: string;
  readonly ingestionEndpoint: string;
}

/** `InstrumentationKey=…;IngestionEndpoint=https://…/` (keys case-insensitive). */
export function parseConnectionString(value: string): ConnectionString {
  const parts = new Map(
    value
      .split(';')
      .map((part) => part.split('='))
      .filter((pair): pair is [string, string] => pair.length >= 2)
      .map(([key, ...rest]) => [key.trim().toLowerCase(), rest.join('=').trim()]),
  );
  const instrumentationKey = parts.get('instrumentationkey');
  if (instrumentationKey === undefined || instrumentationKey === '') {
    throw new Error('The Application Insights connection string has no InstrumentationKey.');
  }
  const endpoint = parts.get('ingestionendpoint') ?? 'https://dc.services.visualstudio.com/';
  return { instrumentationKey, ingestionEndpoint: endpoint.endsWith('/') ? endpoint : `${endpoint}/` };
}

/** The Entra ID scope of Application Insights ingestion. */
const INGESTION_SCOPE = 'https://monitor.azure.com//.default';

export interface ApplicationInsightsOptions {
  readonly connectionString: string;
  /** Signs ingestion requests (the managed identity); undefined: unauthenticated ingestion. */
  readonly credential?: TokenCredential | undefined;
  readonly roleName?: string;
  readonly maxBatch?: number;
  readonly flushIntervalMs?: number;
  readonly log?: (message: string) => void;
}

export class ApplicationInsightsSink implements TelemetrySink {
  private readonly target: ConnectionString;
  private buffer: object[] = [];
  private sending: Promise<void> = Promise.resolve();
  private warned = false;
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly options: ApplicationInsightsOptions) {
    this.target = parseConnectionString(options.connectionString);
    this.timer = setInterval(() => void this.flush(), options.flushIntervalMs ?? 5_000);
    this.timer.unref();
  }

  record(record: RequestRecord): void {
    this.buffer.push({
      name: 'Microsoft.ApplicationInsights.Event',
      time: new Date().toISOString(),
      iKey: this.target.instrumentationKey,
      tags: {
        'ai.cloud.role': this.options.roleName ?? 'graph-analytics-api',
        ...operationTags(record),
        'ai.operation.name': `${record.method} ${record.operation}`,
      },
      data: {
        baseType: 'EventData',
        baseData: {
          ver: 2,
          name: REQUEST_EVENT_NAME,
          properties: {
            operation: record.operation,
            method: record.method,
            requestId: record.requestId,
            clientRequestId: record.clientRequestId,
            status: String(record.status),
            ...(record.tenantId === undefined ? {} : { tenantId: record.tenantId }),
          },
          measurements: { durationMs: record.durationMs, requestCharge: record.requestCharge },
        },
      },
    });
    if (this.buffer.length >= (this.options.maxBatch ?? 100)) void this.flush();
  }

  flush(): Promise<void> {
    const batch = this.buffer;
    this.buffer = [];
    if (batch.length === 0) return this.sending;
    this.sending = this.sending.then(() => this.send(batch));
    return this.sending;
  }

  /** Stops the timer after sending what is left. */
  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }

  private async send(batch: readonly object[]): Promise<void> {
    try {
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (this.options.credential !== undefined) {
        const token = await this.options.credential.getToken(INGESTION_SCOPE);
        if (token === null) throw new Error('no token for Application Insights ingestion');
        headers.authorization = `Bearer ${token.token}`;
      }
      const response = await fetch(`${this.target.ingestionEndpoint}v2.1/track`, {
        method: 'POST',
        headers,
        body: JSON.stringify(batch),
        signal: AbortSignal.timeout(10_000),
      });
      if (!response.ok) throw new Error(`ingestion answered ${response.status}`);
    } catch (error) {
      if (!this.warned) {
        this.warned = true;
        (this.options.log ?? console.warn)(
          `telemetry: ${batch.length} events dropped: ${error instanceof Error ? error.message : String(error)}`,
        );
      }
    }
  }
}
