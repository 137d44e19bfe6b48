/**
 * Microsoft Entra ID credentials (managed identity in Azure, the developer's sign-in locally), built from
 * `@azure/identity` on their first token request: a process that never asks for a token (key auth to the
 * local database, no signed telemetry) never loads the library.
 */
import type { TokenCredential } from '@azure/identity';

const loadIdentity = () => import('@azure/identity');
type Identity = Awaited<ReturnType<typeof loadIdentity>>;

export function lazyCredential(create: (identity: Identity) => TokenCredential): TokenCredential {
  let credential: Promise<TokenCredential> | undefined;
  return {
    async getToken(scopes, options) {
      credential ??= loadIdentity().then(create);
      return (await credential).getToken(scopes, options);
    },
  };
}
