import { HttpRequest } from '@azure/functions';
import fc from 'fast-check';
import { createLocalJWKSet } from 'jose';
import { describe, expect, it } from 'vitest';
import {
  DEV_AUDIENCE,
  developmentIssuerFor,
  generateDevelopmentKeys,
  issueDevelopmentToken,
} from '../../src/auth/developmentIssuer';
import { UnauthenticatedError } from '../../src/errors';
import { TokenAuthenticator, TokenCache, type TokenPolicy } from '../../src/auth/tokens';

const TENANT = '8b6a4a39-4cd4-4d4b-9a57-0f7bd3d2a6e1';
const USER = '5d7f0c8e-2b1a-4c3e-9f6d-7a8b9c0d1e2f';

async function setup(cacheSize: number) {
  const keys = await generateDevelopmentKeys();
  const jwks = createLocalJWKSet({ keys: [keys.publicJwk] });
  let verifications = 0;
  const policy: TokenPolicy = {
    keys: (header, token) => {
      verifications += 1;
      return jwks(header, token);
    },
    issuersFor: (tid) => [developmentIssuerFor(tid)],
    audiences: [DEV_AUDIENCE],
    allowedTenants: undefined,
    clockSkewSeconds: 0,
  };
  let now = Date.now();
  const authenticator = new TokenAuthenticator(policy, cacheSize, () => now);
  const token = await issueDevelopmentToken(keys, {
    tenantId: TENANT,
    userId: USER,
    scopes: ['Reports.Read.All'],
    lifetimeSeconds: 60,
  });
  const request = (t = token) =>
    new HttpRequest({ method: 'GET', url: 'http://localhost/beta/x', headers: { authorization: `Bearer ${t}` } });
  return {
    keys,
    authenticator,
    request,
    verifications: () => verifications,
    advance: (ms: number) => {
      now += ms;
    },
  };
}

describe('token cache', () => {
  it('verifies a reused token once', async () => {
    const s = await setup(10);
    const first = await s.authenticator.authenticate(s.request());
    const second = await s.authenticator.authenticate(s.request());
    expect(second).toBe(first);
    expect(first).toMatchObject({ tenantId: TENANT, userId: USER });
    expect(s.verifications()).toBe(1);
  });

  it('verifies every time when disabled', async () => {
    const s = await setup(0);
    await s.authenticator.authenticate(s.request());
    await s.authenticator.authenticate(s.request());
    expect(s.verifications()).toBe(2);
  });

  it('never serves a token past its exp', async () => {
    const s = await setup(10);
    await s.authenticator.authenticate(s.request());
    s.advance(61_000);
    await expect(s.authenticator.authenticate(s.request())).rejects.toBeInstanceOf(UnauthenticatedError);
    expect(s.verifications()).toBe(2);
  });

  it('is bounded, dropping the least recently used', () => {
    const cache = new TokenCache(2);
    const entry = (n: number) => ({
      principal: { tenantId: `t${n}`, userId: undefined, scopes: new Set<string>(), roles: new Set<string>() },
      expiresAt: 10_000,
    });
    cache.set('a', entry(1), 0);
    cache.set('b', entry(2), 0);
    expect(cache.get('a', 0)?.tenantId).toBe('t1');
    cache.set('c', entry(3), 0);
    expect(cache.size).toBe(2);
    expect(cache.get('b', 0)).toBeUndefined();
    expect(cache.get('a', 0)?.tenantId).toBe('t1');
    expect(cache.get('c', 0)?.tenantId).toBe('t3');
    expect(cache.get('a', 10_000)).toBeUndefined();
  });

  it('never serves one token for another that ends the same', () => {
    const cache = new TokenCache(10);
    const principal = (tenantId: string) => ({
      tenantId,
      userId: undefined,
      scopes: new Set<string>(),
      roles: new Set<string>(),
    });
    const tail = 'x'.repeat(64);
    cache.set(`a.b.${tail}`, { principal: principal('t1'), expiresAt: 10_000 }, 0);
    expect(cache.get(`a.b.${tail}`, 0)?.tenantId).toBe('t1');
    expect(cache.get(`a.c.${tail}`, 0)).toBeUndefined();
    // The other token takes the entry's place; the first is verified again when it comes back.
    cache.set(`a.c.${tail}`, { principal: principal('t2'), expiresAt: 10_000 }, 0);
    expect(cache.get(`a.c.${tail}`, 0)?.tenantId).toBe('t2');
    expect(cache.get(`a.b.${tail}`, 0)).toBeUndefined();
  });

  it('answers every spelling of the header the same, from the cache or not', async () => {
    const s = await setup(10);
    await s.authenticator.authenticate(s.request());
    const raw = (s.request().headers.get('authorization') ?? '').slice('Bearer '.length);
    for (const header of [`Bearer ${raw}`, `bearer ${raw}`, `Bearer   ${raw}  `, `BEARER ${raw}`]) {
      const request = new HttpRequest({
        method: 'GET',
        url: 'http://localhost/beta/x',
        headers: { authorization: header },
      });
      await expect(s.authenticator.authenticate(request)).resolves.toMatchObject({ tenantId: TENANT, userId: USER });
    }
    expect(s.verifications()).toBe(1);
    for (const header of [
      `Bearer ${raw}x!`,
      `Bearer ${raw} x`,
      `Bearer${raw}`,
      `Basic ${raw}`,
      `Bearer ${raw.slice(0, -1)}`,
    ]) {
      const request = new HttpRequest({
        method: 'GET',
        url: 'http://localhost/beta/x',
        headers: { authorization: header },
      });
      await expect(s.authenticator.authenticate(request)).rejects.toBeInstanceOf(UnauthenticatedError);
    }
  });

  it('behaves as a least-recently-used list of tokens under any sequence of uses (a model)', () => {
    // Tokens from a small pool; some end alike (the cache's key), so they take each other's place.
    const tail = (n: number) => `${'s'.repeat(40)}${n}`;
    const pool = ['a.b.' + tail(1), 'a.c.' + tail(1), 'a.b.' + tail(2), 'a.b.' + tail(3), 'x.y.' + tail(4)];
    const operation = fc.oneof(
      fc.record({
        kind: fc.constant('get' as const),
        token: fc.constantFrom(...pool),
        now: fc.integer({ min: 0, max: 20 }),
      }),
      fc.record({
        kind: fc.constant('set' as const),
        token: fc.constantFrom(...pool),
        now: fc.integer({ min: 0, max: 20 }),
        expiresAt: fc.integer({ min: 0, max: 60 }),
      }),
    );
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 4 }),
        fc.array(operation, { minLength: 20, maxLength: 80 }),
        (capacity, operations) => {
          const cache = new TokenCache(capacity);
          // The model: entries oldest first, one per key (the token's last 32 characters).
          let model: { key: string; token: string; tenantId: string; expiresAt: number }[] = [];
          operations.forEach((op, i) => {
            const key = op.token.slice(-32);
            if (op.kind === 'set') {
              const tenantId = `t${i}`;
              const principal = { tenantId, userId: undefined, scopes: new Set<string>(), roles: new Set<string>() };
              cache.set(op.token, { principal, expiresAt: op.expiresAt }, op.now);
              if (capacity === 0 || op.expiresAt <= op.now) return;
              model = [
                ...model.filter((e) => e.key !== key),
                { key, token: op.token, tenantId, expiresAt: op.expiresAt },
              ];
              while (model.length > capacity) model.shift();
            } else {
              const found = model.find((e) => e.key === key && e.token === op.token);
              let expected: string | undefined;
              if (found !== undefined) {
                model = model.filter((e) => e !== found);
                if (found.expiresAt > op.now) {
                  model.push(found);
                  expected = found.tenantId;
                }
              }
              expect(cache.get(op.token, op.now)?.tenantId).toBe(expected);
            }
            expect(cache.size).toBe(model.length);
          });
        },
      ),
      { numRuns: 2000 },
    );
  });
});
