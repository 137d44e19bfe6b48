/**
 * A CSDL document read with the OASIS OData TC's own library (`odata-csdl`: CSDL XML to CSDL JSON, strict:
 * any unexpected element, attribute or text throws), and a reader of its model: types with inheritance,
 * the entity container, bound functions, and `@odata.context` URLs resolved against it.
 */
import { xml2json } from 'odata-csdl';

type Json = Record<string, unknown>;

export interface CsdlModel {
  /** The CSDL JSON document. */
  readonly json: Json;
  /** The single schema's namespace and alias. */
  readonly namespace: string;
  readonly alias: string | undefined;
  readonly schema: Record<string, unknown>;
}

export function readCsdl(xml: string): CsdlModel {
  const json = xml2json(xml, { strict: true }) as Json;
  const namespaces = Object.keys(json).filter((key) => !key.startsWith('$'));
  if (namespaces.length !== 1) throw new Error(`expected one schema, found ${namespaces.join(', ')}`);
  const namespace = namespaces[0] ?? '';
  const schema = json[namespace] as Record<string, unknown>;
  return { json, namespace, alias: schema.$Alias as string | undefined, schema };
}

/** `graph.user` or `microsoft.graph.user` → `user`; `Edm.String` stays; undefined for another namespace. */
export function localName(model: CsdlModel, qualified: string): string | undefined {
  for (const prefix of [model.namespace, model.alias]) {
    if (prefix !== undefined && qualified.startsWith(`${prefix}.`)) return qualified.slice(prefix.length + 1);
  }
  return qualified.startsWith('Edm.') ? qualified : undefined;
}

export interface CsdlType {
  readonly name: string;
  readonly kind: 'EntityType' | 'ComplexType' | 'EnumType';
  readonly raw: Json;
}

export function typeOf(model: CsdlModel, name: string): CsdlType | undefined {
  const raw = model.schema[name] as Json | undefined;
  const kind = raw?.$Kind;
  if (raw === undefined || (kind !== 'EntityType' && kind !== 'ComplexType' && kind !== 'EnumType')) return undefined;
  return { name, kind, raw };
}

export function types(model: CsdlModel): CsdlType[] {
  return Object.keys(model.schema).flatMap((name) => {
    const type = typeOf(model, name);
    return type === undefined ? [] : [type];
  });
}

/** A structural or navigation property as CSDL JSON writes it (defaults filled in). */
export interface CsdlProperty {
  readonly name: string;
  readonly navigation: boolean;
  /** Local name (or `Edm.*`). */
  readonly type: string;
  readonly collection: boolean;
  readonly nullable: boolean;
  readonly containsTarget: boolean;
  readonly raw: Json;
}

function baseOf(model: CsdlModel, type: CsdlType): CsdlType | undefined {
  const base = type.raw.$BaseType;
  if (typeof base !== 'string') return undefined;
  const name = localName(model, base);
  const found = name === undefined ? undefined : typeOf(model, name);
  if (found === undefined) throw new Error(`${type.name}: unknown base type ${base}`);
  return found;
}

/** The type's own properties (not inherited). */
export function ownProperties(model: CsdlModel, type: CsdlType): CsdlProperty[] {
  return Object.entries(type.raw)
    .filter(([name, value]) => !name.startsWith('$') && !name.startsWith('@') && typeof value === 'object')
    .map(([name, value]) => {
      const raw = value as Json;
      const qualified = typeof raw.$Type === 'string' ? raw.$Type : 'Edm.String';
      return {
        name,
        navigation: raw.$Kind === 'NavigationProperty',
        type: localName(model, qualified) ?? qualified,
        collection: raw.$Collection === true,
        // CSDL JSON: Nullable defaults to false.
        nullable: raw.$Nullable === true,
        containsTarget: raw.$ContainsTarget === true,
        raw,
      };
    });
}

/** Every property of the type, inherited ones first. */
export function allProperties(model: CsdlModel, type: CsdlType): CsdlProperty[] {
  const base = baseOf(model, type);
  return [...(base === undefined ? [] : allProperties(model, base)), ...ownProperties(model, type)];
}

export function isOpen(model: CsdlModel, type: CsdlType): boolean {
  const base = baseOf(model, type);
  return type.raw.$OpenType === true || (base !== undefined && isOpen(model, base));
}

export function keyOf(model: CsdlModel, type: CsdlType): unknown {
  return (
    type.raw.$Key ?? (baseOf(model, type) === undefined ? undefined : keyOf(model, baseOf(model, type) as CsdlType))
  );
}

/** Whether `name` is `ancestor` or derives from it. */
export function derives(model: CsdlModel, name: string, ancestor: string): boolean {
  for (let current = typeOf(model, name); current !== undefined; current = baseOf(model, current)) {
    if (current.name === ancestor) return true;
  }
  return false;
}

/** Functions bound to `typeName` (or one of its base types), by name. */
function boundFunction(model: CsdlModel, typeName: string, name: string): Json | undefined {
  const overloads = model.schema[name];
  if (!Array.isArray(overloads)) return undefined;
  return (overloads as Json[]).find((overload) => {
    if (overload.$Kind !== 'Function' || overload.$IsBound !== true) return false;
    const binding = (overload.$Parameter as Json[] | undefined)?.[0]?.$Type;
    const bound = typeof binding === 'string' ? localName(model, binding) : undefined;
    return bound !== undefined && derives(model, typeName, bound);
  });
}

/** What the resolver says of a select list naming a derived type's property without the type. */
export const UNQUALIFIED_DERIVED = 'unqualified derived-type property';

export interface Resolved {
  /** A local type name. */
  readonly type: string;
  readonly collection: boolean;
}

const SEGMENT = /^([A-Za-z_][A-Za-z0-9_.]*)(?:\(((?:'(?:[^']|'')*'(?:,)?)+|[^)]*)\))?$/;

/** Splits a path at the `/` outside parentheses and quotes (a select list may hold `Type/property`). */
function pathSegments(path: string): string[] {
  const segments = [''];
  let depth = 0;
  let quoted = false;
  for (const character of path) {
    if (character === "'") quoted = !quoted;
    else if (!quoted && character === '(') depth += 1;
    else if (!quoted && character === ')') depth -= 1;
    if (character === '/' && depth === 0 && !quoted) segments.push('');
    else segments[segments.length - 1] += character;
  }
  return segments;
}

function container(model: CsdlModel): Json {
  const qualified = model.json.$EntityContainer;
  if (typeof qualified !== 'string') throw new Error('the document has no entity container');
  const name = qualified.slice(qualified.lastIndexOf('.') + 1);
  return model.schema[name] as Json;
}

/**
 * Resolves an `@odata.context` URL against the model (OData 4.0 Part 1 §10): `{root}/$metadata#` then a
 * `Collection(type)`, a type (a complex value), or a path from an entity set or singleton through keys, navigation properties and bound
 * functions, then an optional select list `(a,b)`, then `/$entity` for an entity of a collection. Returns
 * what the URL describes, or throws saying which part does not resolve.
 */
export function resolveContextUrl(model: CsdlModel, url: string, serviceRoot: string): Resolved {
  const prefix = `${serviceRoot}/$metadata#`;
  if (!url.startsWith(prefix)) throw new Error(`not under ${prefix}`);
  let fragment = url.slice(prefix.length);
  const collectionOfType = /^Collection\((.+)\)$/.exec(fragment)?.[1];
  if (collectionOfType !== undefined) {
    const name = localName(model, collectionOfType);
    if (name === undefined || typeOf(model, name) === undefined) throw new Error(`unknown type ${collectionOfType}`);
    return { type: name, collection: true };
  }
  // A complex (or primitive) value, such as an action's result: `#{namespace}.{type}` (OData 4.0 Part 1 §10).
  const valueType = localName(model, fragment);
  if (valueType !== undefined && typeOf(model, valueType) !== undefined) return { type: valueType, collection: false };
  const entity = fragment.endsWith('/$entity');
  if (entity) fragment = fragment.slice(0, -'/$entity'.length);
  const segments = pathSegments(fragment);
  let current: Resolved | undefined;
  let select: string | undefined;
  for (const [index, text] of segments.entries()) {
    const match = SEGMENT.exec(text);
    if (match === null) throw new Error(`segment '${text}' is not an identifier with an optional key`);
    const [, name = '', parenthesized] = match;
    const isKey = parenthesized?.startsWith("'") === true;
    if (parenthesized !== undefined && !isKey) {
      if (index !== segments.length - 1) throw new Error(`a select list '(${parenthesized})' before the last segment`);
      select = parenthesized;
    }
    if (current === undefined) {
      const child = container(model)[name] as Json | undefined;
      if (child === undefined) throw new Error(`'${name}' is no entity set or singleton`);
      current = { type: localName(model, String(child.$Type)) ?? '', collection: child.$Collection === true };
    } else {
      if (current.collection) throw new Error(`'${name}' follows a collection without a key`);
      const currentType = typeOf(model, current.type);
      if (currentType === undefined) throw new Error(`unknown type ${current.type}`);
      const navigation = allProperties(model, currentType).find((p) => p.name === name && p.navigation);
      const fn = navigation === undefined ? boundFunction(model, current.type, name) : undefined;
      if (navigation !== undefined) current = { type: navigation.type, collection: navigation.collection };
      else if (fn !== undefined) {
        const returns = fn.$ReturnType as Json;
        current = { type: localName(model, String(returns.$Type)) ?? '', collection: returns.$Collection === true };
      } else throw new Error(`'${name}' is no navigation property of ${current.type} nor a function bound to it`);
    }
    if (isKey) {
      if (!current.collection) throw new Error(`a key on '${name}', which is not a collection`);
      current = { ...current, collection: false };
    }
  }
  if (current === undefined) throw new Error('an empty path');
  const resolvedType = typeOf(model, current.type);
  if (resolvedType === undefined) throw new Error(`unknown type ${current.type}`);
  if (select !== undefined) {
    for (const selected of select.split(',')) {
      // A property of a derived type is qualified by it: `microsoft.graph.callActivityStatistics/afterHours`.
      const cast = /^(.+)\/([^/]+)$/.exec(selected);
      const castType = cast?.[1] === undefined ? undefined : localName(model, cast[1]);
      const onType = castType === undefined ? resolvedType : typeOf(model, castType);
      if (onType === undefined || !derives(model, onType.name, resolvedType.name)) {
        throw new Error(`'${selected}' of the select list names no type derived from ${current.type}`);
      }
      const property = cast?.[2] ?? selected;
      if (!allProperties(model, onType).some((p) => p.name === property) && !isOpen(model, onType)) {
        const derived = types(model).find(
          (t) => derives(model, t.name, onType.name) && allProperties(model, t).some((p) => p.name === property),
        );
        throw new Error(
          derived === undefined
            ? `'${selected}' of the select list is no property of ${onType.name}`
            : `${UNQUALIFIED_DERIVED}: '${selected}' is a property of ${derived.name}, not of ${onType.name}`,
        );
      }
    }
  }
  if (entity) {
    if (!current.collection) throw new Error("'/$entity' after a path that is not a collection");
    return { type: current.type, collection: false };
  }
  return current;
}
