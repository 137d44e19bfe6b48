/**
 * The service's `$metadata`: a CSDL XML document (OData 4.0) made from the declarations the validation is
 * made from (`model/graphTypes.ts`) and the entity container and functions (`model/entityContainer.ts`), so
 * the description cannot drift from what the service accepts.
 *
 * Types, properties, Edm types, nullability, `BaseType`, `Abstract` and `OpenType` are Graph's. What the
 * service asks beyond Graph (`service` in a declaration) is stated in CSDL's own terms: a property required on
 * create is `Nullable="false"`, a bounded string has `MaxLength`, and bounds and allowed values are
 * `Org.OData.Validation.V1` annotations. The README lists each difference.
 */
import {
  type ActionDeclaration,
  type FunctionDeclaration,
  ACTIONS,
  ENTITY_CONTAINER,
  FUNCTIONS,
  SERVICE_TYPES,
} from '../model/entityContainer';
import {
  GRAPH_TYPES,
  type NavigationDeclaration,
  type PropertyDeclaration,
  type StructuredTypeDeclaration,
  type TypeDeclaration,
  isPrimitive,
} from '../model/graphTypes';
import { GRAPH_NAMESPACE } from '../model/schemas';

/** The alias Graph's metadata gives its namespace. */
const ALIAS = 'graph';

/** The largest Edm.Int64 the service accepts: JSON numbers are exact only up to 2^53 − 1 (see `edm.ts`). */
export const MAX_INT64_VALUE = Number.MAX_SAFE_INTEGER;

/** The vocabularies of the annotations used below. */
const VOCABULARIES = [{ namespace: 'Org.OData.Validation.V1', alias: 'Validation' }] as const;

function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function attributes(values: Record<string, string | boolean | number | undefined>): string {
  return Object.entries(values)
    .filter((entry): entry is [string, string | boolean | number] => entry[1] !== undefined)
    .map(([name, value]) => ` ${name}="${escape(String(value))}"`)
    .join('');
}

/** `Edm.Date` stays; a Graph type is written with the namespace's alias, as Graph writes it. */
function typeReference(type: string, collection = false): string {
  const name = isPrimitive(type) ? type : `${ALIAS}.${type}`;
  return collection ? `Collection(${name})` : name;
}

function propertyElement(name: string, property: PropertyDeclaration, indent: string): string[] {
  const service = property.service ?? {};
  // A property the service requires on create is never null (schemas.ts refuses null for it).
  const nullable = property.nullable && service.required !== true;
  const head = `${indent}<Property${attributes({
    Name: name,
    Type: typeReference(property.type),
    Nullable: nullable ? undefined : false,
    MaxLength: property.type === 'Edm.String' && service.allowed === undefined ? service.maxLength : undefined,
  })}`;
  const annotations: string[] = [];
  if (service.minimum !== undefined) {
    annotations.push(`${indent}  <Annotation Term="Validation.Minimum" Decimal="${service.minimum}" />`);
  }
  if (property.type === 'Edm.Int64') {
    annotations.push(`${indent}  <Annotation Term="Validation.Maximum" Decimal="${MAX_INT64_VALUE}" />`);
  }
  if (service.allowed !== undefined) {
    annotations.push(`${indent}  <Annotation Term="Validation.AllowedValues">`, `${indent}    <Collection>`);
    for (const value of service.allowed) {
      annotations.push(
        `${indent}      <Record><PropertyValue Property="Value"${attributes({ String: value })} /></Record>`,
      );
    }
    annotations.push(`${indent}    </Collection>`, `${indent}  </Annotation>`);
  }
  if (annotations.length === 0) return [`${head} />`];
  return [`${head}>`, ...annotations, `${indent}</Property>`];
}

function navigationElement(name: string, navigation: NavigationDeclaration, indent: string): string {
  return `${indent}<NavigationProperty${attributes({
    Name: name,
    Type: typeReference(navigation.type, navigation.collection),
    ContainsTarget: navigation.containsTarget ? true : undefined,
  })} />`;
}

function structuredElement(type: StructuredTypeDeclaration): string[] {
  const element = type.kind === 'entity' ? 'EntityType' : 'ComplexType';
  const head = `    <${element}${attributes({
    Name: type.name,
    BaseType: type.baseType === undefined ? undefined : typeReference(type.baseType),
    Abstract: type.abstract === true ? true : undefined,
    OpenType: type.open === true ? true : undefined,
  })}`;
  const body: string[] = [];
  // The root entity type declares the key every entity inherits (Graph's `entity`: `id`).
  if (type.kind === 'entity' && type.baseType === undefined) {
    body.push(
      '      <Key>',
      ...Object.keys(type.properties).map((n) => `        <PropertyRef Name="${n}" />`),
      '      </Key>',
    );
  }
  for (const [name, property] of Object.entries(type.properties))
    body.push(...propertyElement(name, property, '      '));
  for (const [name, navigation] of Object.entries(type.navigation ?? {})) {
    body.push(navigationElement(name, navigation, '      '));
  }
  if (body.length === 0) return [`${head} />`];
  return [`${head}>`, ...body, `    </${element}>`];
}

function enumElement(type: Extract<TypeDeclaration, { kind: 'enum' }>): string[] {
  return [
    `    <EnumType Name="${type.name}">`,
    ...type.members.map((member, value) => `      <Member Name="${member}" Value="${value}" />`),
    '    </EnumType>',
  ];
}

function functionElement(declaration: FunctionDeclaration): string[] {
  return [
    `    <Function${attributes({ Name: declaration.name, IsBound: true, IsComposable: declaration.composable })}>`,
    `      <Parameter${attributes({ Name: declaration.boundTo, Type: typeReference(declaration.boundTo) })} />`,
    ...declaration.parameters.map(
      (parameter) =>
        `      <Parameter${attributes({
          Name: parameter.name,
          Type: typeReference(parameter.type),
          Nullable: parameter.nullable ? undefined : false,
          Unicode: parameter.unicode,
        })} />`,
    ),
    `      <ReturnType${attributes({
      Type: typeReference(declaration.returns.type, declaration.returns.collection),
      Nullable: declaration.returns.nullable ? undefined : false,
    })} />`,
    '    </Function>',
  ];
}

function actionElement(declaration: ActionDeclaration): string[] {
  return [
    `    <Action${attributes({ Name: declaration.name, IsBound: true })}>`,
    `      <Parameter${attributes({ Name: 'bindingParameter', Type: typeReference(declaration.boundToCollectionOf, true) })} />`,
    `      <ReturnType${attributes({
      Type: typeReference(declaration.returns.type),
      Nullable: declaration.returns.nullable ? undefined : false,
    })} />`,
    '    </Action>',
  ];
}

function containerElement(): string[] {
  const qualified = (type: string) => `${GRAPH_NAMESPACE}.${type}`;
  const lines = [`    <EntityContainer Name="${ENTITY_CONTAINER.name}">`];
  for (const set of ENTITY_CONTAINER.entitySets) {
    const bindings = Object.entries(set.bindings ?? {});
    const head = `      <EntitySet${attributes({ Name: set.name, EntityType: qualified(set.type) })}`;
    if (bindings.length === 0) {
      lines.push(`${head} />`);
      continue;
    }
    lines.push(`${head}>`);
    for (const [path, target] of bindings) {
      lines.push(`        <NavigationPropertyBinding${attributes({ Path: path, Target: target })} />`);
    }
    lines.push('      </EntitySet>');
  }
  for (const singleton of ENTITY_CONTAINER.singletons) {
    lines.push(`      <Singleton${attributes({ Name: singleton.name, Type: qualified(singleton.type) })} />`);
  }
  lines.push('    </EntityContainer>');
  return lines;
}

/** The CSDL XML document. Pure: the operation that serves it makes it once per process. */
export function metadataDocument(): string {
  const types = [...GRAPH_TYPES.values()];
  const enums = types.filter((t): t is Extract<TypeDeclaration, { kind: 'enum' }> => t.kind === 'enum');
  const structured = types.filter((t): t is StructuredTypeDeclaration => t.kind !== 'enum');
  return [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx">',
    ...VOCABULARIES.flatMap(({ namespace, alias }) => [
      `  <edmx:Reference Uri="https://oasis-tcs.github.io/odata-vocabularies/vocabularies/${namespace}.xml">`,
      `    <edmx:Include Namespace="${namespace}" Alias="${alias}" />`,
      '  </edmx:Reference>',
    ]),
    '  <edmx:DataServices>',
    `    <Schema Namespace="${GRAPH_NAMESPACE}" Alias="${ALIAS}" xmlns="http://docs.oasis-open.org/odata/ns/edm">`,
    ...[
      ...enums.flatMap(enumElement),
      ...structured.filter((t) => t.kind === 'entity').flatMap(structuredElement),
      ...structured.filter((t) => t.kind === 'complex').flatMap(structuredElement),
      ...SERVICE_TYPES.flatMap(structuredElement),
      ...FUNCTIONS.flatMap(functionElement),
      ...ACTIONS.flatMap(actionElement),
      ...containerElement(),
    ].map((line) => `  ${line}`),
    '    </Schema>',
    '  </edmx:DataServices>',
    '</edmx:Edmx>',
    '',
  ].join('\n');
}
