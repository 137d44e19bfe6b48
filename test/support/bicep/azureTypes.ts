/**
 * Azure's own resource type definitions, as Bicep reads them: `<provider>/<api version>/types.json` from the
 * public Azure/bicep-types-az repository (one array of types; `{"$ref": "#/N"}` points at entry N). This
 * module finds a resource type at an API version and walks the types of its body.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

export interface TypeRef {
  readonly $ref: string;
}

export interface Property {
  readonly type: TypeRef;
  readonly flags: number;
}

/** One entry of a types.json; only the fields the checker reads. */
export type AzureType =
  | { readonly $type: 'AnyType' | 'BooleanType' | 'NullType' }
  | { readonly $type: 'StringType'; readonly minLength?: number; readonly maxLength?: number }
  | { readonly $type: 'StringLiteralType'; readonly value: string }
  | { readonly $type: 'IntegerType'; readonly minValue?: number; readonly maxValue?: number }
  | { readonly $type: 'ArrayType'; readonly itemType: TypeRef }
  | { readonly $type: 'UnionType'; readonly elements: readonly TypeRef[] }
  | {
      readonly $type: 'ObjectType';
      readonly name: string;
      readonly properties: Readonly<Record<string, Property>>;
      readonly additionalProperties?: TypeRef;
    }
  | {
      readonly $type: 'DiscriminatedObjectType';
      readonly name: string;
      readonly discriminator: string;
      readonly baseProperties: Readonly<Record<string, Property>>;
      readonly elements: Readonly<Record<string, TypeRef>>;
    }
  | { readonly $type: 'ResourceType'; readonly name: string; readonly body: TypeRef }
  | { readonly $type: 'ResourceFunctionType' };

/** Property flags of bicep-types (TypePropertyFlags). */
export const FLAGS = { required: 1, readOnly: 2, writeOnly: 4 } as const;

/** The types of one provider at one API version. */
export class TypeFile {
  constructor(
    readonly provider: string,
    readonly apiVersion: string,
    private readonly entries: readonly AzureType[],
  ) {}

  resolve(ref: TypeRef): AzureType {
    const index = Number(ref.$ref.replace('#/', ''));
    const entry = this.entries[index];
    if (entry === undefined) throw new Error(`${this.provider}@${this.apiVersion}: no type ${ref.$ref}`);
    return entry;
  }

  /** The body type of `type` (case-insensitive, as ARM compares types), if this file defines it. */
  resourceBody(type: string): TypeRef | undefined {
    const name = `${type}@${this.apiVersion}`.toLowerCase();
    for (const entry of this.entries) {
      if (entry.$type === 'ResourceType' && entry.name.toLowerCase() === name) return entry.body;
    }
    return undefined;
  }
}

/** The definitions folder: `<provider lower-case>/<api version>/types.json`. */
export class TypeLibrary {
  private readonly files = new Map<string, TypeFile | undefined>();

  constructor(readonly directory: string) {
    if (!existsSync(directory)) throw new Error(`Azure resource type definitions not found at ${directory}`);
  }

  /** The API versions the folder holds for the provider of `type`, newest first. */
  versions(type: string): string[] {
    const folder = join(this.directory, providerOf(type));
    if (!existsSync(folder)) return [];
    return readdirSync(folder)
      .filter((version) => existsSync(join(folder, version, 'types.json')))
      .sort()
      .reverse();
  }

  file(type: string, apiVersion: string): TypeFile | undefined {
    const provider = providerOf(type);
    const key = `${provider}@${apiVersion}`;
    if (!this.files.has(key)) {
      const path = join(this.directory, provider, apiVersion, 'types.json');
      this.files.set(
        key,
        existsSync(path)
          ? new TypeFile(provider, apiVersion, JSON.parse(readFileSync(path, 'utf8')) as AzureType[])
          : undefined,
      );
    }
    return this.files.get(key);
  }

  /** The body of `type@apiVersion` with the file that resolves its references, if defined. */
  resource(type: string, apiVersion: string): { readonly file: TypeFile; readonly body: TypeRef } | undefined {
    const file = this.file(type, apiVersion);
    const body = file?.resourceBody(type);
    return file === undefined || body === undefined ? undefined : { file, body };
  }
}

function providerOf(type: string): string {
  return (type.split('/')[0] ?? '').toLowerCase();
}

/** The properties of an object type, or of a discriminated one's base plus the element `discriminator` picks. */
export function objectProperties(
  file: TypeFile,
  type: AzureType,
  discriminatorValue: string | undefined,
): { readonly properties: Readonly<Record<string, Property>>; readonly additional?: TypeRef } | undefined {
  if (type.$type === 'ObjectType') {
    return {
      properties: type.properties,
      ...(type.additionalProperties === undefined ? {} : { additional: type.additionalProperties }),
    };
  }
  if (type.$type !== 'DiscriminatedObjectType') return undefined;
  const element = discriminatorValue === undefined ? undefined : type.elements[discriminatorValue];
  if (element === undefined) return { properties: type.baseProperties };
  const chosen = objectProperties(file, file.resolve(element), undefined);
  return { properties: { ...type.baseProperties, ...chosen?.properties } };
}

/** A short description of a type for messages: `string`, `'Tls12'`, `object (IndexingPolicy)`, … */
export function describeType(file: TypeFile, type: AzureType): string {
  switch (type.$type) {
    case 'StringType':
      return 'string';
    case 'StringLiteralType':
      return `'${type.value}'`;
    case 'IntegerType':
      return 'int';
    case 'BooleanType':
      return 'bool';
    case 'ArrayType':
      return 'array';
    case 'ObjectType':
    case 'DiscriminatedObjectType':
      return `object (${type.name})`;
    case 'UnionType':
      return type.elements.map((element) => describeType(file, file.resolve(element))).join(' | ');
    default:
      return type.$type;
  }
}
