/**
 * What a Bicep file declares, read from its syntax tree: parameters, variables, resources (nested ones too,
 * with their full type and inherited API version), modules and outputs. A `Program` is a main file and
 * every local module it reaches, read through a `SourceSet` so a test can substitute a file's text.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { type Node, declaredName, parseBicep, propertyKey, stringValue } from './syntax';

/** Files by path relative to the infra folder (`main.bicep`, `modules/cosmos.bicep`, `containers.json`). */
export interface SourceSet {
  read(path: string): string | undefined;
}

/** The files on disk under `directory`, with some replaced by other text (to check a mutation). */
export function sourcesFrom(directory: string, replaced: Readonly<Record<string, string>> = {}): SourceSet {
  return {
    read(path) {
      const key = normalize(path);
      if (key in replaced) return replaced[key];
      const full = join(directory, key);
      return existsSync(full) ? readFileSync(full, 'utf8') : undefined;
    },
  };
}

export interface Loop {
  /** The item variable (`container` of `for container in containers`). */
  readonly item: string;
  /** The index variable of `for (item, index) in …`. */
  readonly index: string | undefined;
  readonly iterable: Node;
}

export interface ParamDeclaration {
  readonly name: string;
  readonly node: Node;
  /** `string`, `int`, `bool`, `object`, `array`, or the text of a user-defined type. */
  readonly type: string;
  readonly defaultValue: Node | undefined;
  /** The items of `@allowed([...])`. */
  readonly allowed: readonly Node[] | undefined;
}

export interface ResourceDeclaration {
  readonly symbol: string;
  readonly node: Node;
  readonly typeNode: Node;
  /** The full type, e.g. `Microsoft.Storage/storageAccounts/blobServices`. */
  readonly type: string;
  /** The API version written on this declaration or inherited from the enclosing resource. */
  readonly apiVersion: string | undefined;
  /** True when the version is written here (and so is the one to move). */
  readonly ownsVersion: boolean;
  readonly existing: boolean;
  readonly body: Node | undefined;
  readonly loop: Loop | undefined;
  readonly enclosing: ResourceDeclaration | undefined;
}

export interface ModuleDeclaration {
  readonly symbol: string;
  readonly node: Node;
  readonly pathNode: Node;
  /** Relative to the infra folder; undefined for a registry module. */
  readonly path: string | undefined;
  readonly body: Node | undefined;
  readonly loop: Loop | undefined;
}

export interface OutputDeclaration {
  readonly name: string;
  readonly node: Node;
  readonly type: string;
  readonly value: Node | undefined;
}

export interface BicepFile {
  readonly path: string;
  readonly root: Node;
  readonly params: ReadonlyMap<string, ParamDeclaration>;
  readonly vars: ReadonlyMap<string, { readonly name: string; readonly node: Node; readonly value: Node | undefined }>;
  readonly resources: ReadonlyMap<string, ResourceDeclaration>;
  readonly modules: ReadonlyMap<string, ModuleDeclaration>;
  readonly outputs: ReadonlyMap<string, OutputDeclaration>;
  /** Names declared by `type` and `func`. */
  readonly others: ReadonlySet<string>;
}

/** The loop of a `[for … in …: body]`, and its body (an `if` inside it kept). */
export function loopOf(node: Node): { readonly loop: Loop | undefined; readonly body: Node | undefined } {
  let item: string | undefined;
  let index: string | undefined;
  let iterable: Node | undefined;
  let body: Node | undefined;
  for (let i = 0; i < node.childCount; i += 1) {
    const child = node.child(i);
    if (child === null || !child.isNamed || child.type === 'comment') continue;
    const field = node.fieldNameForChild(i);
    if (field === 'initializer') item = child.text;
    else if (field === 'body') body = child;
    else if (child.type === 'for_loop_parameters') {
      item = child.namedChildren.find((c) => c.type === 'loop_variable')?.text;
      index = child.namedChildren.find((c) => c.type === 'loop_enumerator')?.text;
    } else iterable = child;
  }
  return { loop: item === undefined || iterable === undefined ? undefined : { item, index, iterable }, body };
}

/** The object of a resource or module body: plain, conditional (`if (…) {…}`) or looped. */
function bodyOf(value: Node | undefined): { readonly body: Node | undefined; readonly loop: Loop | undefined } {
  if (value === undefined) return { body: undefined, loop: undefined };
  if (value.type === 'object') return { body: value, loop: undefined };
  if (value.type === 'if_statement')
    return { body: value.namedChildren.find((c) => c.type === 'object'), loop: undefined };
  if (value.type === 'for_statement') {
    const { loop, body } = loopOf(value);
    return { body: bodyOf(body).body, loop };
  }
  return { body: undefined, loop: undefined };
}

/** The value after `=` of a declaration. */
function assignedValue(declaration: Node): Node | undefined {
  const children = declaration.children;
  const equals = children.findIndex((child) => child.type === '=');
  return equals < 0 ? undefined : children.slice(equals + 1).find((child) => child.isNamed && child.type !== 'comment');
}

function typeText(declaration: Node): string {
  return declaration.namedChildren.find((child) => child.type === 'type')?.text ?? 'unknown';
}

function allowedOf(declaration: Node): readonly Node[] | undefined {
  let previous = declaration.previousNamedSibling;
  while (previous?.type === 'comment') previous = previous.previousNamedSibling;
  if (previous?.type !== 'decorators') return undefined;
  for (const decorator of previous.namedChildren) {
    const call = decorator.firstNamedChild;
    if (call?.childForFieldName('function')?.text.replace(/^sys\./, '') !== 'allowed') continue;
    const array = call.childForFieldName('arguments')?.firstNamedChild;
    return array?.namedChildren.filter((item) => item.type !== 'comment') ?? [];
  }
  return undefined;
}

function readResource(
  node: Node,
  enclosing: ResourceDeclaration | undefined,
  into: Map<string, ResourceDeclaration>,
): void {
  const symbol = declaredName(node)?.text;
  const typeNode = node.namedChildren.find((child) => child.type === 'string');
  if (symbol === undefined || typeNode === undefined) return;
  const written = stringValue(typeNode) ?? '';
  const [typeName = '', version] = written.split('@');
  const type = enclosing === undefined ? typeName : `${enclosing.type}/${typeName}`;
  const { body, loop } = bodyOf(assignedValue(node));
  const declaration: ResourceDeclaration = {
    symbol,
    node,
    typeNode,
    type,
    apiVersion: version ?? enclosing?.apiVersion,
    ownsVersion: version !== undefined,
    existing: node.children.some((child) => child.type === 'existing'),
    body,
    loop,
    enclosing,
  };
  into.set(symbol, declaration);
  for (const property of body?.namedChildren ?? []) {
    const nested = property.type === 'object_property' ? property.firstNamedChild : null;
    if (nested?.type === 'resource_declaration') readResource(nested, declaration, into);
  }
}

/** Reads the declarations of one parsed file. */
export function readFile(path: string, root: Node): BicepFile {
  const params = new Map<string, ParamDeclaration>();
  const vars = new Map<string, { name: string; node: Node; value: Node | undefined }>();
  const resources = new Map<string, ResourceDeclaration>();
  const modules = new Map<string, ModuleDeclaration>();
  const outputs = new Map<string, OutputDeclaration>();
  const others = new Set<string>();
  for (const statement of root.namedChildren) {
    const name = declaredName(statement)?.text ?? '';
    switch (statement.type) {
      case 'parameter_declaration':
        params.set(name, {
          name,
          node: statement,
          type: typeText(statement),
          defaultValue: assignedValue(statement),
          allowed: allowedOf(statement),
        });
        break;
      case 'variable_declaration':
        vars.set(name, { name, node: statement, value: assignedValue(statement) });
        break;
      case 'resource_declaration':
        readResource(statement, undefined, resources);
        break;
      case 'module_declaration': {
        const pathNode = statement.namedChildren.find((child) => child.type === 'string');
        if (pathNode === undefined) break;
        const written = stringValue(pathNode) ?? '';
        const local = !/^(br|ts)[:/]/.test(written);
        modules.set(name, {
          symbol: name,
          node: statement,
          pathNode,
          path: local ? normalize(join(dirname(path), written)) : undefined,
          ...bodyOf(assignedValue(statement)),
        });
        break;
      }
      case 'output_declaration':
        outputs.set(name, { name, node: statement, type: typeText(statement), value: assignedValue(statement) });
        break;
      case 'type_declaration':
      case 'user_defined_function':
        others.add(name);
        break;
      default:
        break;
    }
  }
  return { path, root, params, vars, resources, modules, outputs, others };
}

/** The value of property `name` of an object literal. */
export function propertyOf(object: Node | undefined, name: string): Node | undefined {
  for (const property of object?.namedChildren ?? []) {
    if (property.type !== 'object_property' || propertyKey(property)?.name !== name) continue;
    return property.namedChildren.at(-1);
  }
  return undefined;
}

export interface Program {
  readonly sources: SourceSet;
  /** Every Bicep file reached from the entry, by path. */
  readonly files: ReadonlyMap<string, BicepFile>;
}

/** Parses `entry` and every local module it reaches. A module file that does not exist is simply absent. */
export async function loadProgram(sources: SourceSet, entry = 'main.bicep'): Promise<Program> {
  const files = new Map<string, BicepFile>();
  const pending = [normalize(entry)];
  while (pending.length > 0) {
    const path = pending.pop() ?? '';
    if (files.has(path)) continue;
    const text = sources.read(path);
    if (text === undefined) continue;
    const file = readFile(path, await parseBicep(text));
    files.set(path, file);
    for (const module of file.modules.values()) if (module.path !== undefined) pending.push(module.path);
  }
  return { sources, files };
}
