/**
 * The service's type declarations against Graph's own beta metadata (test/fixtures/graph-metadata), parsed
 * with a strict XML parser: every type Graph's subset defines and the service declares has the same base
 * type, Abstract, OpenType, and the same properties with the same types and nullability. And complex values
 * take their declared type or any subtype of it, with that subtype's properties, and nothing else.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { GRAPH_TYPES, typeAndSubtypes } from '../../src/model/graphTypes';
import { complexSchema } from '../../src/model/schemas';
import { issuesToDetails } from '../../src/model/validation';

const csdl = readFileSync(join(__dirname, '..', 'fixtures', 'graph-metadata', 'analytics-beta.csdl.xml'), 'utf8');

interface XmlProperty {
  '@_Name': string;
  '@_Type': string;
  '@_Nullable'?: string;
}
interface XmlNavigation {
  '@_Name': string;
  '@_Type': string;
  '@_ContainsTarget'?: string;
}
interface XmlType {
  '@_Name': string;
  '@_BaseType'?: string;
  '@_Abstract'?: string;
  '@_OpenType'?: string;
  Property?: XmlProperty[];
  NavigationProperty?: XmlNavigation[];
  Member?: { '@_Name': string }[];
}

function graphSchema() {
  expect(XMLValidator.validate(csdl)).toBe(true);
  const parser = new XMLParser({
    ignoreAttributes: false,
    isArray: (name) =>
      ['EntityType', 'ComplexType', 'EnumType', 'Property', 'Member', 'NavigationProperty'].includes(name),
  });
  const document = parser.parse(csdl) as {
    'edmx:Edmx': { 'edmx:DataServices': { Schema: Record<string, XmlType[] | undefined> } };
  };
  const schema = document['edmx:Edmx']['edmx:DataServices'].Schema;
  return {
    structured: [...(schema.EntityType ?? []), ...(schema.ComplexType ?? [])],
    enums: schema.EnumType ?? [],
    entityNames: new Set((schema.EntityType ?? []).map((type) => type['@_Name'])),
  };
}

/** `graph.identity` or `Edm.String` as the declarations write it. */
function typeName(csdlType: string): string {
  return csdlType.startsWith('graph.') ? csdlType.slice('graph.'.length) : csdlType;
}

describe("the declarations agree with Graph's metadata", () => {
  const { structured, enums, entityNames } = graphSchema();

  it('for every structured type both define: base type, Abstract, OpenType, properties, types, nullability', () => {
    let compared = 0;
    for (const graphType of structured) {
      const declared = GRAPH_TYPES.get(graphType['@_Name']);
      if (declared === undefined || declared.kind === 'enum') continue;
      compared += 1;
      const where = graphType['@_Name'];
      expect(declared.kind, where).toBe(entityNames.has(where) ? 'entity' : 'complex');
      expect(declared.baseType, where).toBe(
        graphType['@_BaseType'] === undefined ? undefined : typeName(graphType['@_BaseType']),
      );
      expect(declared.abstract === true, where).toBe(graphType['@_Abstract'] === 'true');
      expect(declared.open === true, where).toBe(graphType['@_OpenType'] === 'true');
      // What a declaration leaves out is named (the README lists it), and is Graph's.
      const omitted = declared.omitted ?? [];
      const graphNames = [...(graphType.Property ?? []), ...(graphType.NavigationProperty ?? [])].map(
        (p) => p['@_Name'],
      );
      for (const name of omitted) expect(graphNames, `${where}.${name}`).toContain(name);
      const graphProperties = Object.fromEntries(
        (graphType.Property ?? [])
          .filter((p) => !omitted.includes(p['@_Name']))
          .map((p) => [p['@_Name'], { type: typeName(p['@_Type']), nullable: p['@_Nullable'] !== 'false' }]),
      );
      const declaredProperties = Object.fromEntries(
        Object.entries(declared.properties).map(([name, p]) => [name, { type: p.type, nullable: p.nullable }]),
      );
      expect(declaredProperties, where).toEqual(graphProperties);
      const graphNavigation = Object.fromEntries(
        (graphType.NavigationProperty ?? [])
          .filter((n) => !omitted.includes(n['@_Name']))
          .map((n) => {
            const collection = /^Collection\((.+)\)$/.exec(n['@_Type'])?.[1];
            return [
              n['@_Name'],
              {
                type: typeName(collection ?? n['@_Type']),
                collection: collection !== undefined,
                containsTarget: n['@_ContainsTarget'] === 'true',
              },
            ];
          }),
      );
      const declaredNavigation = Object.fromEntries(
        Object.entries(declared.navigation ?? {})
          .filter(([, n]) => n.serviceOnly !== true)
          .map(([name, n]) => [name, { type: n.type, collection: n.collection, containsTarget: n.containsTarget }]),
      );
      expect(declaredNavigation, where).toEqual(graphNavigation);
    }
    expect(compared).toBeGreaterThanOrEqual(34);
  });

  it("declares every type of the service's paths, each navigation property's target included", () => {
    for (const type of GRAPH_TYPES.values()) {
      if (type.kind === 'enum') continue;
      if (type.baseType !== undefined) expect(GRAPH_TYPES.get(type.baseType)?.kind, type.name).toBe(type.kind);
      for (const [name, navigation] of Object.entries(type.navigation ?? {})) {
        expect(GRAPH_TYPES.get(navigation.type)?.kind, `${type.name}.${name}`).toBe('entity');
      }
      for (const [name, property] of Object.entries(type.properties)) {
        if (!property.type.startsWith('Edm.'))
          expect(GRAPH_TYPES.has(property.type), `${type.name}.${name}`).toBe(true);
      }
    }
  });

  it('declares every type Graph uses for the stored ones (and their subtypes)', () => {
    const used = [
      'activityStatistics',
      'itemActivity',
      'office365ActivationCounts',
      'office365ActiveUserCounts',
      'identitySet',
      'identity',
      'accessAction',
    ];
    for (const name of used) {
      const subtypes = structured.filter((t) => t['@_BaseType'] === `graph.${name}`).map((t) => t['@_Name']);
      for (const subtype of subtypes) expect(typeAndSubtypes(name), `${subtype} of ${name}`).toContain(subtype);
    }
  });

  it('for every enum both define: the same members in the same order', () => {
    for (const graphEnum of enums) {
      const declared = GRAPH_TYPES.get(graphEnum['@_Name']);
      if (declared?.kind !== 'enum') continue;
      expect(declared.members).toEqual((graphEnum.Member ?? []).map((m) => m['@_Name']));
    }
  });
});

function details(schema: ReturnType<typeof complexSchema>, value: unknown): string[] {
  const result = schema.safeParse(value, { reportInput: true });
  return result.success ? [] : issuesToDetails(result.error.issues, 'x').map((d) => d.target);
}

describe('complex values take the declared type or a subtype', () => {
  const identitySet = complexSchema('identitySet');

  it("accepts Graph's sharePointIdentitySet with its own properties, typed as declared", () => {
    const value = {
      '@odata.type': 'microsoft.graph.sharePointIdentitySet',
      user: { '@odata.type': '#microsoft.graph.userIdentity', id: 'u1', userPrincipalName: 'a@b.c' },
      siteUser: { '@odata.type': '#microsoft.graph.sharePointIdentity', loginName: 'i:0#.f|membership|a@b.c' },
      siteGroup: { loginName: 'Members', displayName: 'Site members' },
      group: { id: 'g1' },
      sharePointGroup: { principalId: '7', title: 'Owners' },
    };
    const parsed = identitySet.parse(value);
    expect(parsed['@odata.type']).toBe('#microsoft.graph.sharePointIdentitySet');
    expect(parsed.siteUser).toMatchObject({ '@odata.type': '#microsoft.graph.sharePointIdentity' });
  });

  it("checks a subtype's properties", () => {
    expect(
      details(identitySet, { '@odata.type': '#microsoft.graph.sharePointIdentitySet', siteUser: { loginName: 5 } }),
    ).toEqual(['siteUser.loginName']);
    expect(
      details(identitySet, { user: { '@odata.type': '#microsoft.graph.initiator', initiatorType: 'robot' } }),
    ).toEqual(['user.initiatorType']);
    expect(
      details(identitySet, { user: { '@odata.type': '#microsoft.graph.initiator', initiatorType: 'system' } }),
    ).toEqual([]);
  });

  it('refuses a type name that is not the declared type or one of its subtypes', () => {
    for (const odataType of [
      '#microsoft.graph.office365ActivationCounts',
      '#microsoft.graph.identity',
      '#microsoft.graph.nothing',
      'graph.identitySet',
      42,
    ]) {
      expect(details(identitySet, { '@odata.type': odataType }), String(odataType)).toEqual(['@odata.type']);
    }
    expect(details(identitySet, { user: { '@odata.type': '#microsoft.graph.identitySet' } })).toEqual([
      'user.@odata.type',
    ]);
    expect(details(identitySet, { user: { '@odata.type': '#microsoft.graph.office365ActivationCounts' } })).toEqual([
      'user.@odata.type',
    ]);
  });

  it('keeps dynamic properties of open types, with valid names only', () => {
    expect(identitySet.parse({ user: { id: 'u', extra: 1 }, custom: { a: 1 } })).toEqual({
      user: { id: 'u', extra: 1 },
      custom: { a: 1 },
    });
    expect(details(identitySet, { user: { 'bad name': 1 } })).toEqual(['user.bad name']);
  });
});
