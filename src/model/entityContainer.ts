/**
 * Where the service's URLs start and the functions they call, as Graph's metadata declares them: the entity
 * sets and singletons at the service root (`users`, `invitations`, `me`, `reports`) and the report functions
 * bound to `reportRoot`. With the types of `graphTypes.ts` they make the service's `$metadata`, against which
 * every `@odata.context` it writes resolves.
 */

import type { PropertyDeclaration, StructuredTypeDeclaration } from './graphTypes';

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

/**
 * An action bound to a collection of entities, declared by this service (Graph has none of them): the
 * import of Graph's report output into the report rows' collections.
 */
export interface ActionDeclaration {
  readonly name: string;
  /** The entity type of the collection the action is bound to. */
  readonly boundToCollectionOf: string;
  readonly returns: { readonly type: string; readonly nullable: boolean };
}

const importedCount: PropertyDeclaration = { type: 'Edm.Int64', nullable: false, service: { minimum: 0 } };

/** What an import answers: how many rows it created, replaced, and left as they were. */
export const IMPORT_RESULT: StructuredTypeDeclaration = {
  kind: 'complex',
  name: 'reportImportResult',
  properties: { created: importedCount, replaced: importedCount, unchanged: importedCount },
};

/** The service's own actions: `…/office365ActivationCounts/import` and `…/office365ActiveUserCounts/import`. */
export const ACTIONS: readonly ActionDeclaration[] = ['office365ActivationCounts', 'office365ActiveUserCounts'].map(
  (rows) => ({ name: 'import', boundToCollectionOf: rows, returns: { type: IMPORT_RESULT.name, nullable: false } }),
);

/** The service's own types (Graph has none of them), returned by its actions. */
export const SERVICE_TYPES: readonly StructuredTypeDeclaration[] = [IMPORT_RESULT];

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
