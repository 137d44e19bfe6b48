/**
 * Builds the process's authenticator from configuration: Microsoft Entra ID when identity settings are
 * present (and then only Entra), otherwise the development issuer of local runs.
 */
import { createRemoteJWKSet } from 'jose';
import type { AuthSettings } from '../config';
import { loadDevelopmentKeys, developmentPolicy } from './developmentIssuer';
import type { Authenticator } from './principal';
import { TokenAuthenticator, type TokenPolicy } from './tokens';

/** Entra ID issues v1 (`sts.windows.net`) and v2 (`login.microsoftonline.com/…/v2.0`) access tokens. */
export function entraIssuers(tenantId: string): string[] {
  return [`https://login.microsoftonline.com/${tenantId}/v2.0`, `https://sts.windows.net/${tenantId}/`];
}

export function entraPolicy(settings: AuthSettings & { issuer: { kind: 'entra' } }): TokenPolicy {
  return {
    // Fetched on first use and kept; fetched again only for a key id it does not know (Entra rotates keys),
    // at most once per 30 s.
    keys: createRemoteJWKSet(new URL(settings.issuer.jwksUri), {
      cacheMaxAge: Number.POSITIVE_INFINITY,
      cooldownDuration: 30_000,
      timeoutDuration: 5_000,
    }),
    issuersFor: entraIssuers,
    audiences: settings.issuer.audiences,
    allowedTenants: settings.allowedTenants,
    clockSkewSeconds: settings.clockSkewSeconds,
  };
}

export async function createAuthenticator(settings: AuthSettings): Promise<Authenticator> {
  const policy =
    settings.issuer.kind === 'entra'
      ? entraPolicy({ ...settings, issuer: settings.issuer })
      : developmentPolicy(await loadDevelopmentKeys(settings.issuer.keysDirectory), settings);
  return new TokenAuthenticator(policy, settings.tokenCacheSize);
}
