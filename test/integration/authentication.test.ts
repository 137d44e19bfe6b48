/**
 * The negative suite of token validation, through HTTP: every malformed, forged, misdirected or
 * insufficient token is refused with the contract's status, and the store is unchanged afterwards.
 */
import { generateKeyPairSync } from 'node:crypto';
import { SignJWT, calculateJwkThumbprint, exportJWK } from 'jose';
import { describe, expect, it } from 'vitest';
import { DEV_AUDIENCE, developmentIssuerFor } from '../../src/auth/developmentIssuer';
import { type TestHost, DEV_TENANT, DEV_USER, errorCode, useTestHost } from '../support/testHost';

const api = useTestHost();
const OTHER_TENANT = '1a2b3c4d-5e6f-4a8b-9c0d-1e2f3a4b5c6d';
const REPORTS = '/beta/reports/office365ActivationCounts';
const row = { reportRefreshDate: '2023-05-01', productType: 'Visio', windows: 1 };

function base64url(value: object | string): string {
  return Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
}

/** Valid claims for the development issuer; each forged token differs from these in one way. */
function validClaims(now = Math.floor(Date.now() / 1000)): Record<string, unknown> {
  return {
    iss: developmentIssuerFor(DEV_TENANT),
    aud: DEV_AUDIENCE,
    tid: DEV_TENANT,
    oid: DEV_USER,
    scp: 'Reports.ReadWrite.All',
    iat: now,
    nbf: now,
    exp: now + 3600,
  };
}

function sign(
  host: TestHost,
  claims: Record<string, unknown>,
  key = host.keys.privateKey,
  kid = host.keys.publicJwk.kid,
): Promise<string> {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'RS256', typ: 'JWT', ...(kid === undefined ? {} : { kid }) })
    .sign(key);
}

const now = () => Math.floor(Date.now() / 1000);

/** Each case: how the request's Authorization header is made. */
const refusedWith401: [string, (host: TestHost) => Promise<string | undefined>][] = [
  ['no Authorization header', () => Promise.resolve(undefined)],
  ['a scheme other than Bearer', async (host) => `Basic ${await sign(host, validClaims())}`],
  ['garbage', () => Promise.resolve('Bearer not-a-token')],
  ['alg none', () => Promise.resolve(`Bearer ${base64url({ alg: 'none', typ: 'JWT' })}.${base64url(validClaims())}.`)],
  [
    'an HS256 token',
    async () =>
      `Bearer ${await new SignJWT(validClaims()).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode('x'.repeat(32)))}`,
  ],
  [
    'a key the issuer does not publish',
    async (host) => {
      const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
      return `Bearer ${await sign(host, validClaims(), privateKey, await calculateJwkThumbprint(await exportJWK(publicKey)))}`;
    },
  ],
  [
    "another key under the issuer's key id",
    async (host) =>
      `Bearer ${await sign(host, validClaims(), generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey)}`,
  ],
  [
    'a tampered payload',
    async (host) => {
      const [header, , signature] = (await sign(host, { ...validClaims(), scp: 'Reports.Read.All' })).split('.');
      return `Bearer ${header}.${base64url({ ...validClaims(), scp: 'Reports.ReadWrite.All' })}.${signature}`;
    },
  ],
  [
    'a wrong issuer',
    async (host) =>
      `Bearer ${await sign(host, { ...validClaims(), iss: `https://login.microsoftonline.com/${DEV_TENANT}/v2.0` })}`,
  ],
  [
    "another tenant's issuer",
    async (host) => `Bearer ${await sign(host, { ...validClaims(), iss: developmentIssuerFor(OTHER_TENANT) })}`,
  ],
  ['a wrong audience', async (host) => `Bearer ${await sign(host, { ...validClaims(), aud: 'api://someone-else' })}`],
  [
    'an expired token (past the skew)',
    async (host) => `Bearer ${await sign(host, { ...validClaims(), exp: now() - 301 })}`,
  ],
  [
    'nbf in the future (past the skew)',
    async (host) => `Bearer ${await sign(host, { ...validClaims(), nbf: now() + 400 })}`,
  ],
  [
    'no exp',
    async (host) => {
      const { exp: _exp, ...claims } = validClaims();
      return `Bearer ${await sign(host, claims)}`;
    },
  ],
  [
    'a tid that is not a GUID',
    async (host) =>
      `Bearer ${await sign(host, { ...validClaims(), tid: 'contoso.onmicrosoft.com', iss: developmentIssuerFor('contoso.onmicrosoft.com') })}`,
  ],
  [
    'a delegated token without an oid',
    async (host) => `Bearer ${await sign(host, { ...validClaims(), oid: undefined })}`,
  ],
];

describe('refused with 401 InvalidAuthenticationToken, store unchanged', () => {
  it.each(refusedWith401)('%s', async (_name, authorization) => {
    const header = await authorization(api);
    const before = await api.snapshot();
    const response = await api.request('POST', REPORTS, {
      body: row,
      token: null,
      headers: header === undefined ? {} : { authorization: header },
    });
    expect(response.status).toBe(401);
    expect(errorCode(response)).toBe('InvalidAuthenticationToken');
    expect(response.headers.get('www-authenticate')).toMatch(/^Bearer realm="graph-analytics-api"/);
    expect(await api.snapshot()).toEqual(before);
  });
});

describe('within the clock skew', () => {
  it('accepts a token expired less than 5 minutes ago, or not valid for less than 5 minutes yet', async () => {
    for (const claims of [
      { ...validClaims(), exp: now() - 60 },
      { ...validClaims(), nbf: now() + 60 },
    ]) {
      const response = await api.request('POST', REPORTS, { body: row, token: await sign(api, claims) });
      expect(response.status).toBeLessThan(300);
    }
  });

  it('accepts a token whose tid is an upper-case GUID', async () => {
    const tid = DEV_TENANT.toUpperCase();
    const response = await api.request('POST', REPORTS, {
      body: row,
      token: await sign(api, { ...validClaims(), tid, iss: developmentIssuerFor(DEV_TENANT) }),
    });
    expect(response.status).toBeLessThan(300);
  });
});

describe('refused with 403 Authorization_RequestDenied, store unchanged', () => {
  it.each([
    [
      'a delegated token without the scope',
      { tenantId: DEV_TENANT, userId: DEV_USER, scopes: ['Reports.Read.All', 'Analytics.ReadWrite.All'] },
    ],
    [
      'an app-only token without the role',
      { tenantId: DEV_TENANT, roles: ['Reports.Read.All', 'Files.ReadWrite.All'] },
    ],
    ['a token with neither scopes nor roles', { tenantId: DEV_TENANT, userId: DEV_USER, scopes: [] }],
  ])('%s', async (_name, request) => {
    const before = await api.snapshot();
    const response = await api.request('POST', REPORTS, { body: row, token: await api.token(request) });
    expect(response.status).toBe(403);
    expect(errorCode(response)).toBe('Authorization_RequestDenied');
    expect(await api.snapshot()).toEqual(before);
  });
});

describe('tenant allow-list', () => {
  const restricted = useTestHost({ AUTH_ALLOWED_TENANTS: OTHER_TENANT });

  it('refuses a valid token of a tenant outside the list with 401, store unchanged', async () => {
    const before = await restricted.snapshot();
    const response = await restricted.request('POST', REPORTS, { body: row });
    expect(response.status).toBe(401);
    expect(errorCode(response)).toBe('InvalidAuthenticationToken');
    expect(await restricted.snapshot()).toEqual(before);
  });

  it('accepts a tenant on the list', async () => {
    const token = await restricted.token({
      tenantId: OTHER_TENANT,
      userId: DEV_USER,
      scopes: ['Reports.ReadWrite.All'],
    });
    expect((await restricted.request('POST', REPORTS, { body: row, token })).status).toBe(201);
  });
});
