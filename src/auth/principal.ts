/**
 * Who is calling: the tenant, the user (delegated tokens), and what the token grants. The pipeline carries
 * it from authentication into authorization and into the store's partition key.
 */
import type { HttpRequest } from '@azure/functions';

export interface Principal {
  /** The caller's tenant (`tid`), a lower-case GUID. All data the caller reaches is this tenant's. */
  readonly tenantId: string;
  /** The signed-in user's object id (`oid`, lower case) for delegated tokens; undefined for app-only tokens. */
  readonly userId: string | undefined;
  /** Delegated permissions (`scp`). */
  readonly scopes: ReadonlySet<string>;
  /** Application permissions (`roles`). */
  readonly roles: ReadonlySet<string>;
}

export interface Authenticator {
  /** Resolves the request's principal, or throws UnauthenticatedError. */
  authenticate(request: HttpRequest): Promise<Principal>;
}
