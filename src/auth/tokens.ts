/**
 * Bearer token validation (contract §6) with jose: RS256 signatures against the issuer's keys, issuer,
 * audience, `exp` (required), `nbf`, bounded clock skew, `tid` a GUID (optionally allow-listed). Verified
 * tokens are cached until they expire, so a client reusing its token pays for the signature once.
 */
import type { HttpRequest } from '@azure/functions';
import { type JWTPayload, type JWTVerifyGetKey, errors as joseErrors, jwtVerify } from 'jose';
import { z } from 'zod';
import { ServiceUnavailableError, UnauthenticatedError } from '../errors';
import type { Authenticator, Principal } from './principal';

export const REALM = 'graph-analytics-api';

/** Whom a deployment trusts: the keys, issuers, audiences and tenants of its tokens. */
export interface TokenPolicy {
  /** Resolves the verification key of a token's header (jose key set: local or remote JWKS). */
  readonly keys: JWTVerifyGetKey;
  /** The issuers accepted for a token of tenant `tenantId`. */
  issuersFor(tenantId: string): readonly string[];
  readonly audiences: readonly string[];
  /** When set, only these tenants (lower-case GUIDs) are trusted. */
  readonly allowedTenants: ReadonlySet<string> | undefined;
  /** Tolerance for `exp` and `nbf`, at most 300 seconds. */
  readonly clockSkewSeconds: number;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const claimsSchema = z.object({
  iss: z.string(),
  exp: z.number(),
  tid: z.string(),
  oid: z.string().optional(),
  scp: z.string().optional(),
  roles: z.array(z.string()).optional(),
});

function invalidToken(description: string): UnauthenticatedError {
  return new UnauthenticatedError(
    `Access token validation failure. ${description}`,
    `Bearer realm="${REALM}", error="invalid_token", error_description="${description.replace(/["\\]/g, '')}"`,
  );
}

/** The token of an `Authorization: Bearer …` header, or 401. */
export function bearerToken(request: HttpRequest): string {
  const header = request.headers.get('authorization');
  if (header === null || header.trim() === '') {
    throw new UnauthenticatedError('Access token is empty.', `Bearer realm="${REALM}"`);
  }
  const match = /^Bearer[ ]+([A-Za-z0-9\-_]+\.[A-Za-z0-9\-_]+\.[A-Za-z0-9\-_]*)[ ]*$/i.exec(header);
  if (match?.[1] === undefined) throw invalidToken('The Authorization header is not a Bearer JWT.');
  return match[1];
}

/** A verified token's principal and when it stops being valid (ms since the epoch). */
export interface VerifiedToken {
  readonly principal: Principal;
  readonly expiresAt: number;
}

function principalOf(payload: JWTPayload): VerifiedToken {
  const parsed = claimsSchema.safeParse(payload);
  if (!parsed.success) throw invalidToken('The token lacks a required claim (iss, exp, tid).');
  const claims = parsed.data;
  const tenantId = claims.tid.toLowerCase();
  const scopes = (claims.scp ?? '').split(' ').filter((scope) => scope !== '');
  if (scopes.length > 0) {
    // Delegated: the user is the caller; any `roles` are the user's app roles, not application permissions.
    if (claims.oid === undefined || !GUID.test(claims.oid)) throw invalidToken('A delegated token needs an oid GUID.');
    return {
      principal: { tenantId, userId: claims.oid.toLowerCase(), scopes: new Set(scopes), roles: new Set() },
      expiresAt: claims.exp * 1000,
    };
  }
  return {
    principal: { tenantId, userId: undefined, scopes: new Set(), roles: new Set(claims.roles ?? []) },
    expiresAt: claims.exp * 1000,
  };
}

function unverifiedTenant(payload: JWTPayload): string {
  const tid = payload.tid;
  if (typeof tid !== 'string' || !GUID.test(tid)) throw invalidToken('The tenant id (tid) is not a GUID.');
  return tid.toLowerCase();
}

/** Verifies a token against the policy: the principal, or 401 (503 when the issuer's keys cannot be fetched). */
export async function verifyToken(policy: TokenPolicy, token: string, now = Date.now()): Promise<VerifiedToken> {
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(token, policy.keys, {
      currentDate: new Date(now),
      algorithms: ['RS256'],
      audience: [...policy.audiences],
      clockTolerance: policy.clockSkewSeconds,
      requiredClaims: ['exp', 'iss', 'tid'],
    }));
  } catch (error) {
    throw mapJoseError(error);
  }
  // The signature is verified: the claims below can be trusted.
  const tenantId = unverifiedTenant(payload);
  if (!policy.issuersFor(tenantId).includes(String(payload.iss))) throw invalidToken('Invalid issuer.');
  if (policy.allowedTenants !== undefined && !policy.allowedTenants.has(tenantId)) {
    throw invalidToken('The tenant is not allowed to call this API.');
  }
  return principalOf(payload);
}

function mapJoseError(error: unknown): unknown {
  if (error instanceof joseErrors.JWTExpired) return invalidToken('The token is expired.');
  if (error instanceof joseErrors.JWTClaimValidationFailed) {
    if (error.claim === 'aud') return invalidToken('Invalid audience.');
    if (error.claim === 'nbf') return invalidToken('The token is not yet valid (nbf).');
    return invalidToken(`Invalid or missing claim '${error.claim}'.`);
  }
  if (error instanceof joseErrors.JWKSTimeout) return new ServiceUnavailableError(5, error);
  if (error instanceof joseErrors.JWKSNoMatchingKey) return invalidToken('The signing key is not trusted.');
  if (error instanceof joseErrors.JWSSignatureVerificationFailed) return invalidToken('Invalid signature.');
  if (error instanceof joseErrors.JOSEAlgNotAllowed) return invalidToken('The signing algorithm is not allowed.');
  if (error instanceof joseErrors.JOSEError) return invalidToken('The token is malformed.');
  // The key set could not be fetched (network): not the caller's fault.
  if (error instanceof TypeError) return new ServiceUnavailableError(5, error);
  return error;
}

/**
 * A cache entry's key: the token's last characters (its signature's, which differ from token to token). The
 * entry keeps the whole token, compared on every hit, so two tokens sharing a key never share a principal;
 * they only take each other's place. Hashing a short key instead of the whole token (about a kilobyte) is
 * most of what a hit costs.
 */
const KEY_LENGTH = 32;

interface CachedToken extends VerifiedToken {
  readonly token: string;
}

/** Verified tokens, least recently used first; an entry never outlives its token. */
export class TokenCache {
  private readonly entries = new Map<string, CachedToken>();
  /** The most recently used key: using it again changes no order (most requests reuse the last token). */
  private newest: string | undefined;

  constructor(private readonly capacity: number) {}

  get(token: string, now: number): Principal | undefined {
    const key = token.slice(-KEY_LENGTH);
    const entry = this.entries.get(key);
    if (entry === undefined || entry.token !== token) return undefined;
    if (entry.expiresAt <= now) {
      this.entries.delete(key);
      if (key === this.newest) this.newest = undefined;
      return undefined;
    }
    if (key !== this.newest) {
      this.entries.delete(key);
      this.entries.set(key, entry);
      this.newest = key;
    }
    return entry.principal;
  }

  set(token: string, verified: VerifiedToken, now: number): void {
    if (this.capacity === 0 || verified.expiresAt <= now) return;
    const key = token.slice(-KEY_LENGTH);
    this.entries.delete(key);
    this.entries.set(key, { token, principal: verified.principal, expiresAt: verified.expiresAt });
    this.newest = key;
    while (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next();
      if (oldest.done === true) break;
      this.entries.delete(oldest.value);
    }
  }

  get size(): number {
    return this.entries.size;
  }
}

export class TokenAuthenticator implements Authenticator {
  private readonly cache: TokenCache;

  constructor(
    private readonly policy: TokenPolicy,
    cacheCapacity: number,
    private readonly now: () => number = Date.now,
  ) {
    this.cache = new TokenCache(cacheCapacity);
  }

  async authenticate(request: HttpRequest): Promise<Principal> {
    const now = this.now();
    // A header exactly 'Bearer <token>' (as clients send it) with a token verified before is answered from the
    // cache without parsing the header: only tokens that passed `bearerToken` are cached.
    const header = request.headers.get('authorization');
    if (header?.startsWith('Bearer ') === true) {
      const cached = this.cache.get(header.slice(7), now);
      if (cached !== undefined) return cached;
    }
    const token = bearerToken(request);
    const cached = this.cache.get(token, now);
    if (cached !== undefined) return cached;
    const verified = await verifyToken(this.policy, token, now);
    this.cache.set(token, verified, now);
    return verified.principal;
  }
}
