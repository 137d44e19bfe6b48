/**
 * Where the service's URLs start and the functions they call, as Graph's metadata declares them: the entity
 * sets and singletons at the service root (`users`, `invitations`, `me`, `reports`) and the report functions
 * bound to `reportRoot`. With the types of `graphTypes.ts` they make the service's `$metadata`, against which
 * every `@odata.context` it writes resolves.
 */

export interface ParameterDeclaration {
  readonly name: string;
  /** `Edm.*` or a Graph type's name. */
  readonly type: string;
  readonly nullable: boolean;
  /** CSDL's `Unicode` facet, where Graph states it. */
  readonly unicode?: boolean;
}

export interface FunctionDeclaration {
  readonly name: string;
  /** The type of the binding parameter (the function is called on an instance of it). */
  readonly boundTo: string;
  readonly composable: boolean;
  /** The parameters after the binding one. */
  readonly parameters: readonly ParameterDeclaration[];
  readonly returns: { readonly type: string; readonly collection: boolean; readonly nullable: boolean };
}

/** Graph's report functions (its 2021 beta metadata: the vendored subset). */
export const FUNCTIONS: readonly FunctionDeclaration[] = [
  {
    name: 'getOffice365ActivationCounts',
    boundTo: 'reportRoot',
    composable: true,
    parameters: [],
    returns: { type: 'office365ActivationCounts', collection: true, nullable: false },
  },
  {
    name: 'getOffice365ActiveUserCounts',
    boundTo: 'reportRoot',
    composable: true,
    parameters: [{ name: 'period', type: 'Edm.String', nullable: false, unicode: false }],
    returns: { type: 'office365ActiveUserCounts', collection: true, nullable: false },
  },
];

export interface EntitySetDeclaration {
  readonly name: string;
  readonly type: string;
  /** Navigation properties whose targets are members of another entity set (path → set). */
  readonly bindings?: Readonly<Record<string, string>>;
}

export interface ContainerDeclaration {
  /** Graph's container name. */
  readonly name: string;
  readonly entitySets: readonly EntitySetDeclaration[];
  readonly singletons: readonly { readonly name: string; readonly type: string }[];
}

/** The root of every path the service serves; `me` is the signed-in user (contexts write it as `users('<oid>')`). */
export const ENTITY_CONTAINER: ContainerDeclaration = {
  name: 'GraphService',
  entitySets: [
    { name: 'users', type: 'user' },
    // An invited user is a user: Graph binds the navigation to the users set.
    { name: 'invitations', type: 'invitation', bindings: { invitedUser: 'users' } },
  ],
  singletons: [
    { name: 'me', type: 'user' },
    { name: 'reports', type: 'reportRoot' },
  ],
};
