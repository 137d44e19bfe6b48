/**
 * The Graph types this service stores, declared as Graph's beta metadata (CSDL) declares them: name, base
 * type, `Abstract`, `OpenType`, and each property's type and nullability. Validation (the zod schemas of
 * `schemas.ts`) and the service's own description of itself are made from these declarations, so the two
 * cannot drift apart; a test compares them with Graph's own CSDL (`test/fixtures/graph-metadata/`).
 *
 * Where this service is stricter than Graph (a key property required on create, a bound on a string or a
 * count, the report period's values), the property says so in `service`: the metadata document shows it
 * and the README lists each such difference.
 */

/** The primitive types the stored properties use. */
export type PrimitiveTypeName =
  'Edm.String' | 'Edm.Date' | 'Edm.DateTimeOffset' | 'Edm.Duration' | 'Edm.Int64' | 'Edm.Boolean';

/** What this service asks of a property beyond Graph's declaration. */
export interface ServiceRestriction {
  /** Required on create (Graph does not say; a report row without its keys is not a row). */
  readonly required?: boolean;
  readonly maxLength?: number;
  readonly minimum?: number;
  /** The only values a string may take. */
  readonly allowed?: readonly string[];
}

export interface PropertyDeclaration {
  /** `Edm.*`, or a Graph type's name (`identity`, `analyticsActivityType`). */
  readonly type: string;
  /** Graph's `Nullable` (its default is true). */
  readonly nullable: boolean;
  readonly service?: ServiceRestriction;
}

/** A navigation property: a link from an entity to another entity or to a collection of them. */
export interface NavigationDeclaration {
  /** The target entity type's name. */
  readonly type: string;
  readonly collection: boolean;
  /** Graph's `ContainsTarget`: the targets live inside the source (their URLs go through it). */
  readonly containsTarget: boolean;
  /** Declared by this service, not by Graph (the report rows' collections under `reports`). */
  readonly serviceOnly?: boolean;
}

export interface StructuredTypeDeclaration {
  readonly kind: 'entity' | 'complex';
  readonly name: string;
  readonly baseType?: string;
  readonly abstract?: boolean;
  readonly open?: boolean;
  /** Its own properties, not the inherited ones. */
  readonly properties: Readonly<Record<string, PropertyDeclaration>>;
  /** Its own navigation properties: only those of the URL paths this service serves. */
  readonly navigation?: Readonly<Record<string, NavigationDeclaration>>;
  /**
   * A type that is only a step of the service's URL paths (`users/{id}/analytics/…`): it declares its key and
   * the navigation properties those paths take, not Graph's other properties, which the service never returns.
   */
  readonly pathOnly?: boolean;
  /**
   * The properties and navigation properties of Graph's definition (the vendored subset) that this
   * declaration leaves out, each because its type is one the service never serves; the README lists them.
   */
  readonly omitted?: readonly string[];
}

export interface EnumTypeDeclaration {
  readonly kind: 'enum';
  readonly name: string;
  readonly members: readonly string[];
}

export type TypeDeclaration = StructuredTypeDeclaration | EnumTypeDeclaration;

const nullable = (type: string, service?: ServiceRestriction): PropertyDeclaration => ({
  type,
  nullable: true,
  ...(service === undefined ? {} : { service }),
});
const required = (type: string, service?: ServiceRestriction): PropertyDeclaration => ({
  type,
  nullable: false,
  ...(service === undefined ? {} : { service }),
});

/** Strings without a bound of Graph's get this one here: an unbounded string is a cost, not a feature. */
export const DEFAULT_MAX_STRING = 1024;
const string = (service: ServiceRestriction = {}) =>
  nullable('Edm.String', { maxLength: DEFAULT_MAX_STRING, ...service });
const count = nullable('Edm.Int64', { minimum: 0 });

const navigation = (type: string, collection: boolean, containsTarget: boolean): NavigationDeclaration => ({
  type,
  collection,
  containsTarget,
});

/** An entity type on the service's paths only: its navigation properties, Graph's base type and flags. */
function pathStep(
  name: string,
  baseType: string,
  links: Record<string, NavigationDeclaration>,
  flags: {
    abstract?: boolean;
    open?: boolean;
    properties?: Record<string, PropertyDeclaration>;
    omitted?: string[];
  } = {},
): StructuredTypeDeclaration {
  const { properties = {}, ...rest } = flags;
  return { kind: 'entity', name, baseType, properties, navigation: links, pathOnly: true, ...rest };
}

function complex(
  name: string,
  properties: Record<string, PropertyDeclaration> = {},
  baseType?: string,
): StructuredTypeDeclaration {
  return { kind: 'complex', name, open: true, properties, ...(baseType === undefined ? {} : { baseType }) };
}

const DECLARATIONS: readonly TypeDeclaration[] = [
  { kind: 'enum', name: 'analyticsActivityType', members: ['Email', 'Meeting', 'Focus', 'Chat', 'Call'] },
  { kind: 'entity', name: 'entity', abstract: true, properties: { id: required('Edm.String') } },
  {
    kind: 'entity',
    name: 'activityStatistics',
    baseType: 'entity',
    abstract: true,
    properties: {
      activity: nullable('analyticsActivityType'),
      duration: required('Edm.Duration', { required: true }),
      endDate: required('Edm.Date', { required: true }),
      startDate: required('Edm.Date', { required: true }),
      timeZoneUsed: string({ maxLength: 256 }),
    },
  },
  {
    kind: 'entity',
    name: 'callActivityStatistics',
    baseType: 'activityStatistics',
    properties: { afterHours: required('Edm.Duration') },
  },
  {
    kind: 'entity',
    name: 'chatActivityStatistics',
    baseType: 'activityStatistics',
    properties: { afterHours: required('Edm.Duration') },
  },
  {
    kind: 'entity',
    name: 'emailActivityStatistics',
    baseType: 'activityStatistics',
    properties: {
      afterHours: required('Edm.Duration'),
      readEmail: required('Edm.Duration'),
      sentEmail: required('Edm.Duration'),
    },
  },
  { kind: 'entity', name: 'focusActivityStatistics', baseType: 'activityStatistics', properties: {} },
  {
    kind: 'entity',
    name: 'meetingActivityStatistics',
    baseType: 'activityStatistics',
    properties: {
      afterHours: required('Edm.Duration'),
      conflicting: required('Edm.Duration'),
      long: required('Edm.Duration'),
      multitasking: required('Edm.Duration'),
      organized: required('Edm.Duration'),
      recurring: required('Edm.Duration'),
    },
  },
  {
    kind: 'entity',
    name: 'itemActivity',
    baseType: 'entity',
    open: true,
    properties: {
      access: nullable('accessAction'),
      activityDateTime: nullable('Edm.DateTimeOffset'),
      actor: nullable('identitySet'),
    },
    // Its drive item is not one of the service's paths.
    omitted: ['driveItem'],
  },
  {
    kind: 'entity',
    name: 'office365ActivationCounts',
    baseType: 'entity',
    properties: {
      android: count,
      ios: count,
      mac: count,
      productType: string({ required: true, maxLength: 256 }),
      reportRefreshDate: nullable('Edm.Date', { required: true }),
      windows: count,
      windows10Mobile: count,
    },
  },
  {
    kind: 'entity',
    name: 'office365ActiveUserCounts',
    baseType: 'entity',
    properties: {
      exchange: count,
      office365: count,
      oneDrive: count,
      reportDate: nullable('Edm.Date', { required: true }),
      reportPeriod: nullable('Edm.String', { required: true, allowed: ['7', '30', '90', '180'] }),
      reportRefreshDate: nullable('Edm.Date', { required: true }),
      sharePoint: count,
      skypeForBusiness: count,
      teams: count,
      yammer: count,
    },
  },
  // The types of the service's URL paths, from the service root to the stored collections. Those in Graph's
  // subset (userAnalytics, itemActivityOLD, itemActivityStat, reportRoot) are compared with it; the others
  // (user, group, drive, …) carry Graph's base type, Abstract and OpenType as its beta metadata has them.
  pathStep('directoryObject', 'entity', {}, { open: true }),
  pathStep(
    'user',
    'directoryObject',
    { analytics: navigation('userAnalytics', false, true), joinedGroups: navigation('group', true, false) },
    { open: true },
  ),
  pathStep(
    'userAnalytics',
    'entity',
    { activityStatistics: navigation('activityStatistics', true, true) },
    { omitted: ['settings'] },
  ),
  pathStep('invitation', 'entity', { invitedUser: navigation('user', false, false) }),
  pathStep('group', 'directoryObject', { drive: navigation('drive', false, true) }, { open: true }),
  pathStep('baseItem', 'entity', {}, { abstract: true }),
  pathStep('drive', 'baseItem', { activities: navigation('itemActivityOLD', true, true) }),
  pathStep(
    'itemActivityOLD',
    'entity',
    { driveItem: navigation('driveItem', false, true) },
    { properties: { actor: nullable('identitySet') }, omitted: ['action', 'times', 'listItem'] },
  ),
  pathStep('driveItem', 'baseItem', { analytics: navigation('itemAnalytics', false, false) }, { open: true }),
  pathStep(
    'itemAnalytics',
    'entity',
    { itemActivityStats: navigation('itemActivityStat', true, true) },
    { open: true },
  ),
  pathStep(
    'itemActivityStat',
    'entity',
    { activities: navigation('itemActivity', true, false) },
    {
      open: true,
      properties: {
        endDateTime: nullable('Edm.DateTimeOffset'),
        isTrending: nullable('Edm.Boolean'),
        startDateTime: nullable('Edm.DateTimeOffset'),
      },
      omitted: ['access', 'create', 'delete', 'edit', 'incompleteData', 'move'],
    },
  ),
  pathStep(
    'reportRoot',
    'entity',
    {
      office365ActivationCounts: { ...navigation('office365ActivationCounts', true, true), serviceOnly: true },
      office365ActiveUserCounts: { ...navigation('office365ActiveUserCounts', true, true), serviceOnly: true },
    },
    {
      omitted: [
        'applicationSignInDetailedSummary',
        'authenticationMethods',
        'credentialUserRegistrationDetails',
        'userCredentialUsageDetails',
        'dailyPrintUsageByPrinter',
        'dailyPrintUsageByUser',
        'dailyPrintUsageSummariesByPrinter',
        'dailyPrintUsageSummariesByUser',
        'monthlyPrintUsageByPrinter',
        'monthlyPrintUsageByUser',
        'monthlyPrintUsageSummariesByPrinter',
        'monthlyPrintUsageSummariesByUser',
      ],
    },
  ),
  complex('accessAction'),
  complex('detailsInfo'),
  complex('identity', { displayName: string(), id: string() }),
  complex('identitySet', {
    application: nullable('identity'),
    device: nullable('identity'),
    user: nullable('identity'),
  }),
  complex('chatMessageFromIdentitySet', {}, 'identitySet'),
  complex(
    'chatMessageMentionedIdentitySet',
    { conversation: nullable('teamworkConversationIdentity'), tag: nullable('teamworkTagIdentity') },
    'identitySet',
  ),
  complex('chatMessageReactionIdentitySet', {}, 'identitySet'),
  complex('customEmojiFromIdentitySet', {}, 'identitySet'),
  complex(
    'sharePointIdentitySet',
    {
      group: nullable('identity'),
      sharePointGroup: nullable('sharePointGroupIdentity'),
      siteGroup: nullable('sharePointIdentity'),
      siteUser: nullable('sharePointIdentity'),
    },
    'identitySet',
  ),
  complex('emailIdentity', { email: string() }, 'identity'),
  complex('groupIdentity', { mailNickname: string() }, 'identity'),
  complex('initiator', { initiatorType: nullable('initiatorType') }, 'identity'),
  complex('programResource', { type: string() }, 'identity'),
  complex('provisionedIdentity', { details: nullable('detailsInfo'), identityType: string() }, 'identity'),
  complex('provisioningServicePrincipal', {}, 'identity'),
  complex('provisioningSystem', { details: nullable('detailsInfo') }, 'identity'),
  complex('servicePrincipalIdentity', { appId: string() }, 'identity'),
  complex('sharePointGroupIdentity', { principalId: string(), title: string() }, 'identity'),
  complex('sharePointIdentity', { loginName: string() }, 'identity'),
  complex(
    'teamworkApplicationIdentity',
    { applicationIdentityType: nullable('teamworkApplicationIdentityType') },
    'identity',
  ),
  complex(
    'teamworkConversationIdentity',
    { conversationIdentityType: nullable('teamworkConversationIdentityType') },
    'identity',
  ),
  complex('teamworkTagIdentity', {}, 'identity'),
  complex('teamworkUserIdentity', { userIdentityType: nullable('teamworkUserIdentityType') }, 'identity'),
  complex('userIdentity', { ipAddress: string(), userPrincipalName: string() }, 'identity'),
  // Enums that the identity subtypes use (Graph's beta metadata; not in the subset under ../shared).
  { kind: 'enum', name: 'initiatorType', members: ['user', 'application', 'system', 'unknownFutureValue'] },
  {
    kind: 'enum',
    name: 'teamworkApplicationIdentityType',
    members: ['aadApplication', 'bot', 'tenantBot', 'office365Connector', 'outgoingWebhook', 'unknownFutureValue'],
  },
  {
    kind: 'enum',
    name: 'teamworkConversationIdentityType',
    members: ['team', 'channel', 'chat', 'unknownFutureValue'],
  },
  {
    kind: 'enum',
    name: 'teamworkUserIdentityType',
    members: [
      'aadUser',
      'onPremiseAadUser',
      'anonymousGuest',
      'federatedUser',
      'personalMicrosoftAccountUser',
      'skypeUser',
      'phoneUser',
      'unknownFutureValue',
      'emailUser',
      'azureCommunicationServicesUser',
    ],
  },
];

export const GRAPH_TYPES: ReadonlyMap<string, TypeDeclaration> = new Map(DECLARATIONS.map((type) => [type.name, type]));

export function declarationOf(name: string): TypeDeclaration {
  const type = GRAPH_TYPES.get(name);
  if (type === undefined) throw new Error(`No Graph type '${name}' is declared.`);
  return type;
}

export function structuredType(name: string): StructuredTypeDeclaration {
  const type = declarationOf(name);
  if (type.kind === 'enum') throw new Error(`'${name}' is an enum type, not a structured one.`);
  return type;
}

export function isPrimitive(type: string): type is PrimitiveTypeName {
  return type.startsWith('Edm.');
}

/** Every property of a structured type, inherited ones first (as Graph's serializers write them). */
export function allProperties(name: string): Readonly<Record<string, PropertyDeclaration>> {
  const type = structuredType(name);
  const inherited = type.baseType === undefined ? {} : allProperties(type.baseType);
  return { ...inherited, ...type.properties };
}

/** Whether `name` is `ancestor` or derives from it. */
export function derivesFrom(name: string, ancestor: string): boolean {
  for (let current: string | undefined = name; current !== undefined;) {
    if (current === ancestor) return true;
    const type = GRAPH_TYPES.get(current);
    current = type?.kind === 'enum' ? undefined : type?.baseType;
  }
  return false;
}

/** `name` and every type that derives from it. */
export function typeAndSubtypes(name: string): string[] {
  return [...GRAPH_TYPES.values()]
    .filter((type) => type.kind !== 'enum' && derivesFrom(type.name, name))
    .map((t) => t.name);
}

/** Every navigation property of an entity type, inherited ones first. */
export function allNavigation(name: string): Readonly<Record<string, NavigationDeclaration>> {
  const type = structuredType(name);
  const inherited = type.baseType === undefined ? {} : allNavigation(type.baseType);
  return { ...inherited, ...type.navigation };
}
