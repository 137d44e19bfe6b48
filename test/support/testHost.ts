/**
 * Starts the local host with its embedded Cosmos DB server (the real SDK, nothing mocked) and talks to it
 * through HTTP.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CosmosClient } from '@azure/cosmos';
import { afterAll, beforeAll } from 'vitest';
import {
  type DevelopmentKeys,
  type DevelopmentTokenRequest,
  issueDevelopmentToken,
  loadDevelopmentKeys,
} from '../../src/auth/developmentIssuer';
import { DELEGATED_SCOPES } from '../../src/auth/permissions';
import { parseConfig } from '../../src/config';
import { type LocalHost, startLocalHost } from '../../src/host/local';
import { CONTAINER_NAMES } from '../../src/store/containers';

export interface TestResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  /** The parsed JSON body (undefined when there is none). */
  readonly json: Record<string, unknown> | undefined;
}

export interface RequestOptions {
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
  readonly raw?: string | Buffer;
  /** The bearer token; by default the development user's with every delegated scope; null: none. */
  readonly token?: string | null;
}

export interface TestHost {
  readonly host: LocalHost;
  readonly url: string;
  request(method: string, path: string, options?: RequestOptions): Promise<TestResponse>;
  /** A token of the host's development issuer. */
  token(request: DevelopmentTokenRequest): Promise<string>;
  /** The development issuer's keys (to forge tokens that differ from valid ones in one way). */
  readonly keys: DevelopmentKeys;
  /** Every stored document (container, id, version), to prove a refused request changed nothing. */
  snapshot(): Promise<string[]>;
  /** A raw Cosmos client on the same database, for tests that need to reach past the API. */
  readonly cosmos: CosmosClient;
  close(): Promise<void>;
}

export const DEV_TENANT = '8b6a4a39-4cd4-4d4b-9a57-0f7bd3d2a6e1';
export const DEV_USER = '5d7f0c8e-2b1a-4c3e-9f6d-7a8b9c0d1e2f';

/** A fresh key directory per host: tests never touch the developer's own `.dev-keys`. */
export function temporaryKeysDirectory(): string {
  return join(mkdtempSync(join(tmpdir(), 'graph-analytics-keys-')), 'keys');
}

export async function startTestHost(
  env: Record<string, string> = {},
  tls?: { key: string; cert: string },
): Promise<TestHost> {
  const keysDirectory = temporaryKeysDirectory();
  const config = parseConfig({ DEV_TENANT_ID: DEV_TENANT, DEV_USER_ID: DEV_USER, DEV_KEYS_DIR: keysDirectory, ...env });
  const host = await startLocalHost({
    config,
    log:
      process.env.TEST_HOST_LOG === undefined
        ? () => undefined
        : (level, message) => console.error(`[${level}] ${message}`),
    ...(tls === undefined ? {} : { tls }),
  });
  const keys = await loadDevelopmentKeys(keysDirectory);
  const defaultToken = await issueDevelopmentToken(keys, {
    tenantId: DEV_TENANT,
    userId: DEV_USER,
    scopes: DELEGATED_SCOPES,
  });
  const cosmos = new CosmosClient({
    endpoint: host.cosmos.endpoint,
    key: host.cosmos.key ?? '',
    connectionPolicy: { enableEndpointDiscovery: false },
  });
  const database = cosmos.database(host.cosmos.database);
  return {
    host,
    url: host.url,
    cosmos,
    keys,
    token: (request) => issueDevelopmentToken(keys, request),
    async request(method, path, options = {}) {
      const token = options.token === undefined ? defaultToken : options.token;
      const headers: Record<string, string> = {
        ...(token === null ? {} : { authorization: `Bearer ${token}` }),
        ...options.headers,
      };
      let body: string | Buffer | undefined = options.raw;
      if (options.body !== undefined) {
        body = JSON.stringify(options.body);
        headers['content-type'] ??= 'application/json';
      }
      const response = await fetch(`${host.url}${path}`, { method, headers, ...(body === undefined ? {} : { body }) });
      const text = await response.text();
      let json: Record<string, unknown> | undefined;
      if (text.length > 0 && (response.headers.get('content-type') ?? '').includes('json')) {
        json = JSON.parse(text) as Record<string, unknown>;
      }
      return { status: response.status, headers: response.headers, text, json };
    },
    async snapshot() {
      const rows: string[] = [];
      for (const name of CONTAINER_NAMES) {
        const { resources } = await database
          .container(name)
          .items.query<{ id: string; pk: string; _etag: string }>('SELECT c.id, c.pk, c._etag FROM c')
          .fetchAll();
        rows.push(...resources.map((r) => `${name}|${r.pk}|${r.id}|${r._etag}`));
      }
      return rows.sort();
    },
    async close() {
      cosmos.dispose();
      await host.close();
    },
  };
}

/** A test host started before the file's tests and closed after them. */
export function useTestHost(env: Record<string, string> = {}): TestHost {
  let current: TestHost | undefined;
  beforeAll(async () => {
    current = await startTestHost(env);
  });
  afterAll(async () => {
    await current?.close();
    current = undefined;
  });
  const started = (): TestHost => {
    if (current === undefined) throw new Error('The test host is not started.');
    return current;
  };
  return {
    get host() {
      return started().host;
    },
    get url() {
      return started().url;
    },
    get cosmos() {
      return started().cosmos;
    },
    get keys() {
      return started().keys;
    },
    token: (request) => started().token(request),
    request: (method, path, options) => started().request(method, path, options),
    snapshot: () => started().snapshot(),
    close: () => started().close(),
  };
}

/** The `target`s of a Graph error's details. */
export function errorTargets(response: TestResponse): string[] {
  const error = response.json?.error as { details?: { target: string }[] } | undefined;
  return (error?.details ?? []).map((detail) => detail.target).sort();
}

export function errorCode(response: TestResponse): unknown {
  return (response.json?.error as { code?: unknown } | undefined)?.code;
}
