/**
 * The development issuer: a local RSA key pair (kept out of git, in DEV_KEYS_DIR) that signs Entra-shaped
 * tokens for local runs and tests. Its issuer and audience are its own, so its tokens can never pass for
 * Entra ID tokens, and configuration refuses it in Azure.
 */
import { generateKeyPairSync, type KeyObject, createPrivateKey, createPublicKey, randomUUID } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type JWK, SignJWT, calculateJwkThumbprint, createLocalJWKSet, exportJWK } from 'jose';
import type { TokenPolicy } from './tokens';

export const DEV_ISSUER_ORIGIN = 'https://dev-issuer.graph-analytics.invalid';
export const DEV_AUDIENCE = 'api://graph-analytics-dev';
const DEV_CLIENT_ID = 'graph-analytics-dev-client';

export function developmentIssuerFor(tenantId: string): string {
  return `${DEV_ISSUER_ORIGIN}/${tenantId}/v2.0`;
}

export interface DevelopmentKeys {
  readonly privateKey: KeyObject;
  readonly publicJwk: JWK;
}

async function fromPrivateKey(privateKey: KeyObject): Promise<DevelopmentKeys> {
  const jwk = await exportJWK(createPublicKey(privateKey));
  const kid = await calculateJwkThumbprint(jwk);
  return { privateKey, publicJwk: { ...jwk, kid, alg: 'RS256', use: 'sig' } };
}

/** A new key pair, in memory. */
export function generateDevelopmentKeys(): Promise<DevelopmentKeys> {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return fromPrivateKey(privateKey);
}

const PRIVATE_KEY_FILE = 'development-issuer.key.pem';

/** The key pair kept in `directory`, created (readable by its owner only) on first use. */
export async function loadDevelopmentKeys(directory: string): Promise<DevelopmentKeys> {
  const file = join(directory, PRIVATE_KEY_FILE);
  try {
    return await fromPrivateKey(createPrivateKey(await readFile(file, 'utf8')));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  await mkdir(directory, { recursive: true, mode: 0o700 });
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  try {
    await writeFile(file, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600, flag: 'wx' });
  } catch (error) {
    // Another process created it first: use that one.
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return loadDevelopmentKeys(directory);
    throw error;
  }
  return fromPrivateKey(privateKey);
}

export interface DevelopmentTokenRequest {
  readonly tenantId: string;
  /** The signed-in user's object id; absent for an app-only token. */
  readonly userId?: string | undefined;
  readonly scopes?: readonly string[];
  readonly roles?: readonly string[];
  /** `exp`, in seconds from now (default 3600); negative: a token that has already expired. */
  readonly lifetimeSeconds?: number;
  /** `nbf`, in seconds from now (default 0, or an hour before an `exp` in the past); positive: not yet valid. */
  readonly notBeforeSeconds?: number;
}

/** Signs a token shaped like an Entra ID v2 access token. */
export function issueDevelopmentToken(keys: DevelopmentKeys, request: DevelopmentTokenRequest): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const lifetime = request.lifetimeSeconds ?? 3600;
  const expires = now + lifetime;
  const notBefore = now + (request.notBeforeSeconds ?? (lifetime > 0 ? 0 : lifetime - 3600));
  const delegated = request.userId !== undefined;
  const claims: Record<string, unknown> = {
    tid: request.tenantId,
    oid: request.userId ?? randomUUID(),
    azp: DEV_CLIENT_ID,
    ver: '2.0',
    ...(delegated ? { scp: (request.scopes ?? []).join(' ') } : { idtyp: 'app' }),
    ...((request.roles ?? []).length > 0 ? { roles: [...(request.roles ?? [])] } : {}),
  };
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: keys.publicJwk.kid ?? '' })
    .setIssuer(developmentIssuerFor(request.tenantId))
    .setAudience(DEV_AUDIENCE)
    .setSubject(request.userId ?? DEV_CLIENT_ID)
    .setIssuedAt(Math.min(now, notBefore))
    .setNotBefore(notBefore)
    .setExpirationTime(expires)
    .setJti(randomUUID())
    .sign(keys.privateKey);
}

/** Trusts only tokens of the development issuer's own key. */
export function developmentPolicy(
  keys: DevelopmentKeys,
  options: { allowedTenants: ReadonlySet<string> | undefined; clockSkewSeconds: number },
): TokenPolicy {
  return {
    keys: createLocalJWKSet({ keys: [keys.publicJwk] }),
    issuersFor: (tenantId) => [developmentIssuerFor(tenantId)],
    audiences: [DEV_AUDIENCE],
    ...options,
  };
}
