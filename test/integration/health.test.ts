/**
 * Readiness against a real database: through HTTP on the local host (no token, outside /beta), and the
 * verdict over the real SDK when the database is missing or the server is gone.
 */
import { HttpRequest, type HttpResponseInit, InvocationContext } from '@azure/functions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServices } from '../../src/app';
import { createAuthenticator } from '../../src/auth/authentication';
import { parseConfig } from '../../src/config';
import { type EmbeddedCosmos, startEmbeddedCosmos } from '../../src/host/embeddedCosmos';
import { Readiness, healthHandler } from '../../src/http/health';
import { createCosmosClient, ensureDatabase } from '../../src/store/cosmos';
import { temporaryKeysDirectory, useTestHost } from '../support/testHost';

const api = useTestHost();

describe('GET /health on the local host', () => {
  it('answers 200 without a token, with the correlation headers', async () => {
    const response = await api.request('GET', '/health', { token: null, headers: { 'client-request-id': 'probe' } });
    expect(response.status).toBe(200);
    expect(response.json).toEqual({ status: 'ready' });
    expect(response.headers.get('client-request-id')).toBe('probe');
    expect(response.headers.get('request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('is not under /beta, and serves only GET', async () => {
    expect((await api.request('GET', '/beta/health', { token: null })).status).toBe(404);
    expect((await api.request('POST', '/health', { token: null })).status).toBe(404);
  });
});

describe('readiness over the real SDK', () => {
  let cosmos: EmbeddedCosmos;
  const config = parseConfig({ DEV_KEYS_DIR: temporaryKeysDirectory() });

  beforeAll(async () => {
    cosmos = await startEmbeddedCosmos();
  });
  afterAll(async () => {
    await cosmos.close();
  });

  async function readinessOf(databaseName: string, create: boolean): Promise<Readiness> {
    const client = createCosmosClient({ ...config.cosmos, endpoint: cosmos.endpoint, key: cosmos.key });
    const database = create ? await ensureDatabase(client, databaseName) : client.database(databaseName);
    const services = createServices(config, database, await createAuthenticator(config.auth));
    return new Readiness(() => Promise.resolve(services), { cacheMs: 0, timeoutMs: 2_000 });
  }

  async function answer(readiness: Readiness): Promise<HttpResponseInit> {
    const request = new HttpRequest({ method: 'GET', url: 'https://api.example.net/health' });
    return healthHandler(readiness)(request, new InvocationContext({ logHandler: () => undefined }));
  }

  it('is ready when the database answers', async () => {
    expect((await answer(await readinessOf('ready-db', true))).status).toBe(200);
  });

  it('answers 503 when the database does not exist, without naming it', async () => {
    const response = await answer(await readinessOf('missing-db', false));
    expect(response.status).toBe(503);
    expect(response.body).toBe('{"status":"unavailable"}');
    expect((response.headers as Record<string, string>)['Retry-After']).toBe('1');
  });

  it('answers 503 once the server is gone', async () => {
    const readiness = await readinessOf('gone-db', true);
    expect((await answer(readiness)).status).toBe(200);
    await cosmos.close();
    expect((await answer(readiness)).status).toBe(503);
    cosmos = await startEmbeddedCosmos();
  });
});
