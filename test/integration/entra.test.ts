/**
 * With identity settings the service trusts Microsoft Entra ID only. A local server stands in for Entra's
 * key endpoint (AUTH_JWKS_URI), so the real remote-JWKS path runs: fetched once, kept, fetched again only
 * for an unknown key id (at most once per 30 s), and 503 when it cannot be reached.
 */
import { generateKeyPairSync, type KeyObject, randomUUID } from 'node:crypto';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type JWK, SignJWT, calculateJwkThumbprint, exportJWK } from 'jose';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { type TestHost, DEV_TENANT, DEV_USER, errorCode, startTestHost } from '../support/testHost';

const AUDIENCE = 'api://graph-analytics-test';
const REPORTS = '/beta/reports/office365ActivationCounts';
const row = { reportRefreshDate: '2023-06-01', productType: 'Entra', windows: 3 };

interface SigningKey {
  readonly privateKey: KeyObject;
  readonly jwk: JWK;
}

async function signingKey(): Promise<SigningKey> {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = await exportJWK(publicKey);
  return { privateKey, jwk: { ...jwk, kid: await calculateJwkThumbprint(jwk), use: 'sig' } };
}

let published: JWK[] = [];
let fetches = 0;
let keyServer: Server;
let api: TestHost;
let first: SigningKey;

function entraToken(
  key: SigningKey,
  issuer: (tid: string) => string,
  claims: Record<string, unknown> = {},
): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const payload = {
    iss: issuer(DEV_TENANT),
    aud: AUDIENCE,
    tid: DEV_TENANT,
    oid: DEV_USER,
    scp: 'Reports.ReadWrite.All',
    iat: now,
    nbf: now,
    exp: now + 3600,
    jti: randomUUID(),
    ...claims,
  };
  return new SignJWT(payload)
    .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: key.jwk.kid ?? '' })
    .sign(key.privateKey);
}

const v2 = (tid: string) => `https://login.microsoftonline.com/${tid}/v2.0`;
const v1 = (tid: string) => `https://sts.windows.net/${tid}/`;

beforeAll(async () => {
  first = await signingKey();
  published = [first.jwk];
  keyServer = createServer((_request, response) => {
    fetches += 1;
    response.setHeader('content-type', 'application/json');
    response.end(JSON.stringify({ keys: published }));
  });
  await new Promise<void>((resolve) => keyServer.listen(0, '127.0.0.1', resolve));
  const { port } = keyServer.address() as AddressInfo;
  api = await startTestHost({
    AUTH_AUDIENCE: AUDIENCE,
    AUTH_JWKS_URI: `http://127.0.0.1:${port}/common/discovery/v2.0/keys`,
  });
});

afterAll(async () => {
  await api.close();
  await new Promise<void>((resolve) => keyServer.close(() => resolve()));
});

afterEach(() => {
  vi.useRealTimers();
});

describe('Microsoft Entra ID tokens', () => {
  it('accepts v2 and v1 access tokens for the audience, fetching the keys once', async () => {
    for (const issuer of [v2, v1, v2]) {
      const response = await api.request('POST', REPORTS, { body: row, token: await entraToken(first, issuer) });
      expect(response.status).toBeLessThan(300);
    }
    expect(fetches).toBe(1);
  });

  it('no longer trusts the development issuer', async () => {
    const response = await api.request('POST', REPORTS, { body: row });
    expect(response.status).toBe(401);
    expect(errorCode(response)).toBe('InvalidAuthenticationToken');
  });

  it('refuses an Entra-signed token for another audience or with a v2 issuer of another tenant', async () => {
    expect(
      (await api.request('POST', REPORTS, { body: row, token: await entraToken(first, v2, { aud: 'api://other' }) }))
        .status,
    ).toBe(401);
    const otherTenant = () => v2('1a2b3c4d-5e6f-4a8b-9c0d-1e2f3a4b5c6d');
    expect(
      (await api.request('POST', REPORTS, { body: row, token: await entraToken(first, otherTenant) })).status,
    ).toBe(401);
  });

  it('fetches the keys again for an unknown key id after the cooldown, and not before', async () => {
    const rotated = await signingKey();
    published = [first.jwk, rotated.jwk];
    const before = fetches;
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + 31_000 });
    const response = await api.request('POST', REPORTS, { body: row, token: await entraToken(rotated, v2) });
    expect(response.status).toBeLessThan(300);
    expect(fetches).toBe(before + 1);

    // Within 30 s of that fetch, a token with yet another unknown key costs no fetch.
    const unknown = await signingKey();
    const refused = await api.request('POST', REPORTS, { body: row, token: await entraToken(unknown, v2) });
    expect(refused.status).toBe(401);
    expect(fetches).toBe(before + 1);
  });
});

describe('when the key endpoint cannot be reached', () => {
  it('answers 503 with Retry-After, not 401', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const unreachable = await startTestHost({
      AUTH_AUDIENCE: AUDIENCE,
      AUTH_JWKS_URI: `http://127.0.0.1:${port}/keys`,
    });
    try {
      const response = await unreachable.request('POST', REPORTS, { body: row, token: await entraToken(first, v2) });
      expect(response.status).toBe(503);
      expect(response.headers.get('retry-after')).toMatch(/^\d+$/);
    } finally {
      await unreachable.close();
    }
  });
});
