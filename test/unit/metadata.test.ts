/**
 * `$metadata` read back with the OASIS OData TC's CSDL library (strict) and checked: it is valid CSDL (the
 * TC's CSDL JSON schema), every reference resolves, it agrees with Graph's own definitions (the vendored
 * subset) except for the differences listed here and in the README, and every property agrees with the zod
 * schemas the service validates with.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { metadataDocument, MAX_INT64_VALUE } from '../../src/metadata/csdl';
import { activityStatistics } from '../../src/model/activityStatistics';
import { GRAPH_TYPES } from '../../src/model/graphTypes';
import { itemActivity } from '../../src/model/itemActivity';
import type { ResourceDefinition } from '../../src/model/resource';
import { office365ActivationCounts, office365ActiveUserCounts } from '../../src/model/reportRows';
import { OPERATIONS } from '../../src/operations';
import {
  type CsdlModel,
  type CsdlProperty,
  allProperties,
  isOpen,
  keyOf,
  localName,
  ownProperties,
  readCsdl,
  typeOf,
  types,
} from '../support/csdl';

const root = join(__dirname, '..', '..');
const xml = metadataDocument();
const model = readCsdl(xml);
const graph = readCsdl(
  readFileSync(join(root, 'test', 'fixtures', 'graph-metadata', 'analytics-beta.csdl.xml'), 'utf8'),
);

describe('$metadata is valid CSDL', () => {
  it('parses with the OData TC library in strict mode, as OData 4.0 with one schema and a container', () => {
    expect(model.json.$Version).toBe('4.0');
    expect(model.namespace).toBe('microsoft.graph');
    expect(model.json.$EntityContainer).toBe('microsoft.graph.GraphService');
    expect(() => readCsdl(xml.replace('<Property Name="duration"', '<Property Nme="duration"'))).toThrow();
  });

  it("passes the TC's CSDL JSON schema", () => {
    const schema = JSON.parse(
      readFileSync(join(root, 'node_modules', 'odata-csdl', 'schemas', 'csdl.schema.json'), 'utf8'),
    ) as object;
    const validate = new Ajv({ strict: false, allErrors: true }).compile(schema);
    expect(validate(model.json), JSON.stringify(validate.errors)).toBe(true);
  });

  it('resolves every type reference, and every entity type has a key', () => {
    const known = (qualified: string) => {
      const name = localName(model, qualified);
      return name !== undefined && (name.startsWith('Edm.') || typeOf(model, name) !== undefined);
    };
    for (const type of types(model)) {
      if (type.kind === 'EnumType') continue;
      if (typeof type.raw.$BaseType === 'string') expect(known(type.raw.$BaseType), type.name).toBe(true);
      if (type.kind === 'EntityType') expect(keyOf(model, type), type.name).toEqual(['id']);
      for (const property of ownProperties(model, type)) {
        expect(
          property.type.startsWith('Edm.') || typeOf(model, property.type) !== undefined,
          `${type.name}.${property.name}`,
        ).toBe(true);
        if (property.navigation) expect(typeOf(model, property.type)?.kind).toBe('EntityType');
      }
    }
    const container = model.schema.GraphService as Record<
      string,
      { $Type: string; $NavigationPropertyBinding?: Record<string, string> }
    >;
    for (const [name, child] of Object.entries(container)) {
      if (name.startsWith('$')) continue;
      expect(known(child.$Type), name).toBe(true);
      for (const target of Object.values(child.$NavigationPropertyBinding ?? {}))
        expect(container[target], target).toBeDefined();
    }
    expect(
      Object.keys(container)
        .filter((k) => !k.startsWith('$'))
        .sort(),
    ).toEqual(['invitations', 'me', 'reports', 'users']);
  });

  it('uses only annotation terms of the vocabularies it references', () => {
    const terms = [...xml.matchAll(/Term="([^"]+)"/g)].map((m) => m[1] ?? '');
    expect(terms.length).toBeGreaterThan(0);
    for (const term of terms) expect(term).toMatch(/^Validation\.(Minimum|Maximum|AllowedValues)$/);
    expect(xml).toContain('<edmx:Include Namespace="Org.OData.Validation.V1" Alias="Validation" />');
  });
});

/** Graph's properties as the service states them: the service's own rules are listed, one by one. */
const DIFFERENCES = [
  'office365ActivationCounts.productType: Nullable="false" (required on create)',
  'office365ActivationCounts.reportRefreshDate: Nullable="false" (required on create)',
  'office365ActiveUserCounts.reportDate: Nullable="false" (required on create)',
  'office365ActiveUserCounts.reportPeriod: Nullable="false" (required on create)',
  'office365ActiveUserCounts.reportRefreshDate: Nullable="false" (required on create)',
];

function shape(property: CsdlProperty) {
  return {
    type: property.type,
    collection: property.collection,
    nullable: property.nullable,
    ...(property.navigation ? { containsTarget: property.containsTarget } : {}),
  };
}

describe("$metadata agrees with Graph's definitions", () => {
  it('for every type both define: kind, BaseType, Abstract, OpenType, and each property and navigation property', () => {
    const differences: string[] = [];
    let compared = 0;
    for (const graphType of types(graph)) {
      const ours = typeOf(model, graphType.name);
      if (ours === undefined) continue;
      compared += 1;
      const where = graphType.name;
      expect(ours.kind, where).toBe(graphType.kind);
      if (graphType.kind === 'EnumType') {
        expect(ours.raw, where).toEqual(graphType.raw);
        continue;
      }
      const base = (t: { raw: Record<string, unknown> }, m: CsdlModel) =>
        typeof t.raw.$BaseType === 'string' ? localName(m, t.raw.$BaseType) : undefined;
      expect(base(ours, model), where).toBe(base(graphType, graph));
      expect(ours.raw.$Abstract === true, where).toBe(graphType.raw.$Abstract === true);
      expect(ours.raw.$OpenType === true, where).toBe(graphType.raw.$OpenType === true);
      const declared = GRAPH_TYPES.get(graphType.name);
      const omitted = declared?.kind === 'enum' ? [] : (declared?.omitted ?? []);
      const oursByName = new Map(ownProperties(model, ours).map((p) => [p.name, p]));
      for (const property of ownProperties(graph, graphType)) {
        const mine = oursByName.get(property.name);
        oursByName.delete(property.name);
        if (omitted.includes(property.name)) {
          expect(mine, `${where}.${property.name} is omitted`).toBeUndefined();
          continue;
        }
        expect(mine, `${where}.${property.name}`).toBeDefined();
        if (mine === undefined) continue;
        const { nullable, ...rest } = shape(mine);
        const { nullable: graphNullable, ...graphRest } = shape(property);
        expect(rest, `${where}.${property.name}`).toEqual(graphRest);
        if (nullable !== graphNullable) {
          differences.push(`${where}.${property.name}: Nullable="${nullable}" (required on create)`);
        }
      }
      // What is left is the service's own: the report rows' collections under reports.
      const added = [...oursByName.keys()];
      expect(added, where).toEqual(
        where === 'reportRoot' ? ['office365ActivationCounts', 'office365ActiveUserCounts'] : [],
      );
    }
    expect(compared).toBeGreaterThanOrEqual(38);
    expect(differences.sort()).toEqual(DIFFERENCES);
  });

  it("declares the import actions, bound to the report rows' collections, and the type they answer", () => {
    const overloads = model.schema.import as Record<string, unknown>[];
    expect(overloads).toEqual(
      ['office365ActivationCounts', 'office365ActiveUserCounts'].map((rows) => ({
        $Kind: 'Action',
        $IsBound: true,
        $Parameter: [{ $Name: 'bindingParameter', $Collection: true, $Type: `graph.${rows}` }],
        $ReturnType: { $Type: 'graph.reportImportResult' },
      })),
    );
    // Graph has no such action: the name is free in its metadata.
    expect(graph.schema.import).toBeUndefined();
    const result = typeOf(model, 'reportImportResult');
    expect(result?.kind).toBe('ComplexType');
    expect(result?.raw.$OpenType).toBeUndefined();
    expect(allProperties(model, result ?? { name: '', kind: 'ComplexType', raw: {} }).map(shape)).toEqual(
      ['created', 'replaced', 'unchanged'].map(() => ({ type: 'Edm.Int64', collection: false, nullable: false })),
    );
    // Each action is an operation of the table, at its collection under reports, and the only POSTs there.
    const reportRoot = typeOf(model, 'reportRoot');
    const collections = allProperties(model, reportRoot ?? { name: '', kind: 'EntityType', raw: {} });
    for (const overload of overloads) {
      const bound = localName(model, String((overload.$Parameter as { $Type: string }[])[0]?.$Type));
      const navigation = collections.find((p) => p.navigation && p.type === bound);
      expect(navigation, bound).toBeDefined();
      const route = `beta/reports/${navigation?.name ?? ''}/import`;
      const operation = OPERATIONS.find((op) => op.route === route);
      expect(operation?.method, route).toBe('POST');
      expect(operation?.aliases).toEqual([`beta/reports/${navigation?.name ?? ''}/microsoft.graph.import`]);
    }
    expect(OPERATIONS.filter((op) => op.route.endsWith('/import')).length).toBe(overloads.length);
  });

  it('declares the report functions as Graph does', () => {
    for (const name of ['getOffice365ActivationCounts', 'getOffice365ActiveUserCounts']) {
      expect(model.schema[name], name).toEqual(graph.schema[name]);
    }
  });

  it('lists each difference in the README', () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    for (const difference of DIFFERENCES) {
      const [property] = difference.split(':');
      expect(readme, property).toContain(`\`${property ?? ''}\``);
    }
    for (const type of GRAPH_TYPES.values()) {
      if (type.kind === 'enum') continue;
      for (const name of type.omitted ?? []) expect(readme, `${type.name}.${name}`).toContain(`\`${name}\``);
    }
  });
});

// ---- against the zod schemas ---------------------------------------------------------------------------

const RESOURCES: readonly ResourceDefinition[] = [
  activityStatistics,
  itemActivity,
  office365ActivationCounts,
  office365ActiveUserCounts,
];

/** Values each Edm type takes, and values it does not. */
const SAMPLES: Readonly<Record<string, { valid: unknown[]; invalid: unknown[] }>> = {
  'Edm.String': { valid: ['x', ''], invalid: [5, true, {}] },
  'Edm.Date': {
    valid: ['2019-06-16', '2020-02-29'],
    invalid: ['Date', '2019-02-30', '2019-06-16T00:00:00Z', 20190616],
  },
  'Edm.DateTimeOffset': {
    valid: ['2017-01-01T00:02:10.8639373+03:00', '2019-06-16T10:00Z'],
    invalid: ['yesterday', '2019-06-16T10:00:00', '2019-06-16'],
  },
  'Edm.Duration': { valid: ['PT0S', '-PT1M55.0810357S', 'P1DT2H'], invalid: ['P1Y', 'PT', '1h', 5] },
  'Edm.Int64': { valid: [0, 9157], invalid: [3.5, '7', true] },
  'Edm.Boolean': { valid: [true, false], invalid: ['true', 1] },
};

function accepts(definition: ResourceDefinition, type: string, name: string, value: unknown): boolean {
  return definition.patchSchema(type).safeParse({ [name]: value }).success;
}

function annotation(property: CsdlProperty, term: string): unknown {
  return property.raw[`@Validation.${term}`];
}

describe('$metadata agrees with the zod schemas of every stored type', () => {
  const cases = RESOURCES.flatMap((definition) => definition.concreteTypes.map((type) => [type, definition] as const));

  it.each(cases)('%s: the same properties, types, nullability, bounds and openness', (type, definition) => {
    const csdlType = typeOf(model, type);
    expect(csdlType?.kind).toBe('EntityType');
    if (csdlType === undefined) return;
    const properties = allProperties(model, csdlType).filter((p) => !p.navigation && p.name !== 'id');
    const patch = definition.patchSchema(type);
    expect(patch).toBeInstanceOf(z.ZodObject);
    const zodNames = patch instanceof z.ZodObject ? Object.keys(patch.shape) : [];
    expect(properties.map((p) => p.name).sort()).toEqual(zodNames.sort());
    for (const property of properties) {
      const where = `${type}.${property.name}`;
      expect(accepts(definition, type, property.name, null), `${where} null`).toBe(property.nullable);
      const enumType = typeOf(model, property.type);
      const samples =
        enumType?.kind === 'EnumType'
          ? { valid: Object.keys(enumType.raw).filter((k) => !k.startsWith('$')), invalid: ['x', 0] }
          : enumType?.kind === 'ComplexType'
            ? { valid: [{}], invalid: ['x', 5, []] }
            : SAMPLES[property.type];
      expect(samples, where).toBeDefined();
      const allowed = annotation(property, 'AllowedValues') as { Value: string }[] | undefined;
      for (const value of allowed === undefined ? (samples?.valid ?? []) : allowed.map((a) => a.Value)) {
        expect(accepts(definition, type, property.name, value), `${where} = ${JSON.stringify(value)}`).toBe(true);
      }
      for (const value of [...(samples?.invalid ?? []), ...(allowed === undefined ? [] : ['1'])]) {
        expect(accepts(definition, type, property.name, value), `${where} = ${JSON.stringify(value)}`).toBe(false);
      }
      const maxLength = property.raw.$MaxLength;
      if (typeof maxLength === 'number') {
        expect(accepts(definition, type, property.name, 'x'.repeat(maxLength)), where).toBe(true);
        expect(accepts(definition, type, property.name, 'x'.repeat(maxLength + 1)), where).toBe(false);
      } else if (property.type === 'Edm.String' && allowed === undefined) {
        throw new Error(`${where}: a string without MaxLength`);
      }
      if (property.type === 'Edm.Int64') {
        expect(annotation(property, 'Minimum'), where).toBe(0);
        expect(annotation(property, 'Maximum'), where).toBe(MAX_INT64_VALUE);
        expect(accepts(definition, type, property.name, -1), where).toBe(false);
        expect(accepts(definition, type, property.name, MAX_INT64_VALUE), where).toBe(true);
        expect(accepts(definition, type, property.name, MAX_INT64_VALUE + 2), where).toBe(false);
      }
    }
    expect(accepts(definition, type, 'someDynamicProperty', 1), `${type} keeps dynamic properties`).toBe(
      isOpen(model, csdlType),
    );
  });
});
