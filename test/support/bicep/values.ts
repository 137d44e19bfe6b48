/**
 * What a Bicep expression can be at deploy time, as far as the text tells: a literal, a value of a known
 * kind, one of several (a conditional, an `@allowed` parameter, a loop's items), or unknown. JSON read with
 * `loadJsonContent` is known exactly, so its contents are checked like literals.
 */
import type { BicepFile, ResourceDeclaration } from './program';
import { loopOf } from './program';
import { type Node, propertyKey, stringValue } from './syntax';

export type Value =
  | { readonly kind: 'any'; readonly at: Node }
  | { readonly kind: 'string'; readonly literal?: string; readonly at: Node }
  | { readonly kind: 'int'; readonly literal?: number; readonly at: Node }
  | { readonly kind: 'bool'; readonly at: Node }
  | { readonly kind: 'null'; readonly at: Node }
  | {
      readonly kind: 'object';
      readonly properties: ReadonlyMap<string, Value>;
      /** True when it may hold properties the text does not show (a parameter, a `union` with one). */
      readonly open: boolean;
      readonly at: Node;
    }
  | { readonly kind: 'array'; readonly items: readonly Value[] | undefined; readonly at: Node }
  | { readonly kind: 'oneOf'; readonly options: readonly Value[]; readonly at: Node };

/** What the evaluator needs from the program around an expression. */
export interface Environment {
  readonly file: BicepFile;
  /** Loop variables in scope. */
  readonly locals: ReadonlyMap<string, Value>;
  /** The parsed JSON of `loadJsonContent(path)`, path relative to the file. */
  loadJson(file: BicepFile, path: string): unknown;
  /** The value of `<module>.outputs.<name>`. */
  moduleOutput(file: BicepFile, module: string, name: string): Value | undefined;
  /** The value of reading `path` on a resource (`['properties', 'documentEndpoint']`). */
  resourceRead(resource: ResourceDeclaration, path: readonly string[], at: Node): Value;
}

const STRING_FUNCTIONS = new Set([
  'guid',
  'uniqueString',
  'toLower',
  'toUpper',
  'subscriptionResourceId',
  'resourceId',
  'tenantResourceId',
  'extensionResourceId',
  'managementGroupResourceId',
  'format',
  'replace',
  'substring',
  'trim',
  'string',
  'base64',
  'uri',
  'newGuid',
  'utcNow',
  'padLeft',
]);
const BOOL_FUNCTIONS = new Set(['empty', 'contains', 'startsWith', 'endsWith', 'bool']);
const INT_FUNCTIONS = new Set(['length', 'int', 'indexOf', 'lastIndexOf']);

export function anyAt(at: Node): Value {
  return { kind: 'any', at };
}

/** A JSON value as a Bicep value (objects closed: their keys are all known). */
export function fromJson(json: unknown, at: Node): Value {
  if (typeof json === 'string') return { kind: 'string', literal: json, at };
  if (typeof json === 'number') return Number.isInteger(json) ? { kind: 'int', literal: json, at } : anyAt(at);
  if (typeof json === 'boolean') return { kind: 'bool', at };
  if (json === null) return { kind: 'null', at };
  if (Array.isArray(json)) return { kind: 'array', items: json.map((item) => fromJson(item, at)), at };
  if (typeof json === 'object') {
    const properties = new Map(Object.entries(json).map(([key, item]) => [key, fromJson(item, at)] as const));
    return { kind: 'object', properties, open: false, at };
  }
  return anyAt(at);
}

/** The value of a parameter from its declared type and `@allowed` list. */
function parameterValue(env: Environment, name: string, at: Node): Value {
  const param = env.file.params.get(name);
  if (param === undefined) return anyAt(at);
  if (param.allowed !== undefined) {
    const options = param.allowed.map((item) => evaluate({ ...env, locals: new Map() }, item));
    return { kind: 'oneOf', options, at };
  }
  return declaredTypeValue(param.type, at);
}

/** The value of a declared output type (`string`, …). */
export function declaredTypeValue(type: string, at: Node): Value {
  switch (type) {
    case 'string':
      return { kind: 'string', at };
    case 'int':
      return { kind: 'int', at };
    case 'bool':
      return { kind: 'bool', at };
    case 'object':
      return { kind: 'object', properties: new Map(), open: true, at };
    case 'array':
      return { kind: 'array', items: undefined, at };
    default:
      return anyAt(at);
  }
}

/** One loop item: one of the iterable's items when they are known. */
export function itemOf(iterable: Value, at: Node): Value {
  if (iterable.kind === 'array' && iterable.items !== undefined && iterable.items.length > 0) {
    return iterable.items.length === 1
      ? (iterable.items[0] ?? anyAt(at))
      : { kind: 'oneOf', options: iterable.items, at };
  }
  if (iterable.kind === 'oneOf') {
    return { kind: 'oneOf', options: iterable.options.map((option) => itemOf(option, at)), at };
  }
  return anyAt(at);
}

/** Reads a property of a value: of a known object, of each option, or unknown. */
function member(value: Value, name: string, at: Node): Value {
  if (value.kind === 'object') return value.properties.get(name) ?? anyAt(at);
  if (value.kind === 'oneOf') return { kind: 'oneOf', options: value.options.map((o) => member(o, name, at)), at };
  return anyAt(at);
}

/** A member chain `base.a.b[0]` as its base and steps (a number step is an index). */
export function memberChain(node: Node): { readonly base: Node; readonly steps: (string | Node)[] } {
  const steps: (string | Node)[] = [];
  let current = node;
  for (;;) {
    if (current.type === 'member_expression') {
      steps.unshift(current.childForFieldName('property')?.text ?? '');
      current = current.childForFieldName('object') ?? current;
    } else if (current.type === 'subscript_expression') {
      steps.unshift(current.childForFieldName('index') ?? current);
      current = current.childForFieldName('object') ?? current;
    } else return { base: current, steps };
  }
}

const VARIABLES_IN_PROGRESS = new WeakSet<object>();

function evaluateChain(env: Environment, node: Node): Value {
  const { base, steps } = memberChain(node);
  if (base.type === 'identifier' && !env.locals.has(base.text)) {
    const module = env.file.modules.get(base.text);
    if (module !== undefined) {
      if (steps[0] === 'outputs' && typeof steps[1] === 'string') {
        return env.moduleOutput(env.file, base.text, steps[1]) ?? anyAt(node);
      }
      return anyAt(node);
    }
    const resource = env.file.resources.get(base.text);
    if (resource !== undefined) {
      const path = steps.filter((step): step is string => typeof step === 'string');
      return path.length === steps.length ? env.resourceRead(resource, path, node) : anyAt(node);
    }
  }
  let value = evaluate(env, base);
  for (const step of steps) {
    if (typeof step === 'string') value = member(value, step, node);
    else {
      const index = evaluate(env, step);
      if (value.kind === 'array' && index.kind === 'int' && index.literal !== undefined) {
        value = value.items?.[index.literal] ?? anyAt(node);
      } else value = value.kind === 'array' ? itemOf(value, node) : anyAt(node);
    }
  }
  return value;
}

function evaluateCall(env: Environment, node: Node): Value {
  const name = (node.childForFieldName('function')?.text ?? '').replace(/^(sys|az)\./, '');
  const args = node.childForFieldName('arguments')?.namedChildren.filter((arg) => arg.type !== 'comment') ?? [];
  if (name === 'loadJsonContent' && args[0] !== undefined) {
    const path = stringValue(args[0]);
    return path === undefined ? anyAt(node) : fromJson(env.loadJson(env.file, path), node);
  }
  if (name === 'union') {
    const parts = args.map((arg) => evaluate(env, arg));
    if (!parts.every((part) => part.kind === 'object')) return anyAt(node);
    const properties = new Map<string, Value>();
    let open = false;
    for (const part of parts) {
      if (part.kind !== 'object') continue;
      open ||= part.open;
      for (const [key, value] of part.properties) properties.set(key, value);
    }
    return { kind: 'object', properties, open, at: node };
  }
  if (STRING_FUNCTIONS.has(name)) return { kind: 'string', at: node };
  if (name === 'take' || name === 'skip' || name === 'concat') {
    const first = args[0] === undefined ? anyAt(node) : evaluate(env, args[0]);
    return first.kind === 'string' ? { kind: 'string', at: node } : anyAt(node);
  }
  if (BOOL_FUNCTIONS.has(name)) return { kind: 'bool', at: node };
  if (INT_FUNCTIONS.has(name)) return { kind: 'int', at: node };
  return anyAt(node);
}

/** The value of an expression. */
export function evaluate(env: Environment, node: Node): Value {
  switch (node.type) {
    case 'string': {
      const literal = stringValue(node);
      return literal === undefined ? { kind: 'string', at: node } : { kind: 'string', literal, at: node };
    }
    case 'number':
      return { kind: 'int', literal: Number(node.text), at: node };
    case 'boolean':
      return { kind: 'bool', at: node };
    case 'null':
      return { kind: 'null', at: node };
    case 'parenthesized_expression': {
      const inner = node.firstNamedChild;
      return inner === null ? anyAt(node) : evaluate(env, inner);
    }
    case 'object': {
      const properties = new Map<string, Value>();
      for (const property of node.namedChildren) {
        if (property.type !== 'object_property') continue;
        const key = propertyKey(property);
        const value = property.namedChildren.at(-1);
        if (key !== undefined && value !== undefined && value.id !== key.node.id) {
          properties.set(key.name, evaluate(env, value));
        }
      }
      return { kind: 'object', properties, open: false, at: node };
    }
    case 'array': {
      const items: Value[] = [];
      for (const item of node.namedChildren) {
        if (item.type === 'for_statement') return evaluate(env, item);
        if (item.type !== 'comment' && item.type !== 'decorators') items.push(evaluate(env, item));
      }
      return { kind: 'array', items, at: node };
    }
    case 'for_statement': {
      const { loop, body } = loopOf(node);
      if (loop === undefined || body === undefined) return { kind: 'array', items: undefined, at: node };
      const locals = new Map(env.locals);
      locals.set(loop.item, itemOf(evaluate(env, loop.iterable), node));
      if (loop.index !== undefined) locals.set(loop.index, { kind: 'int', at: node });
      const item = body.type === 'if_statement' ? body.namedChildren.at(-1) : body;
      return { kind: 'array', items: item === undefined ? undefined : [evaluate({ ...env, locals }, item)], at: node };
    }
    case 'identifier': {
      const local = env.locals.get(node.text);
      if (local !== undefined) return local;
      if (env.file.params.has(node.text)) return parameterValue(env, node.text, node);
      const variable = env.file.vars.get(node.text);
      if (variable?.value !== undefined && !VARIABLES_IN_PROGRESS.has(variable)) {
        VARIABLES_IN_PROGRESS.add(variable);
        try {
          return evaluate({ ...env, locals: new Map() }, variable.value);
        } finally {
          VARIABLES_IN_PROGRESS.delete(variable);
        }
      }
      return anyAt(node);
    }
    case 'member_expression':
    case 'subscript_expression':
      return evaluateChain(env, node);
    case 'call_expression':
      return evaluateCall(env, node);
    case 'ternary_expression': {
      const consequence = node.childForFieldName('consequence');
      const alternative = node.childForFieldName('alternative');
      if (consequence === null || alternative === null) return anyAt(node);
      return { kind: 'oneOf', options: [evaluate(env, consequence), evaluate(env, alternative)], at: node };
    }
    case 'binary_expression': {
      const operator = node.childForFieldName('operator')?.text ?? '';
      if (operator === '??') {
        const left = node.childForFieldName('left');
        const right = node.childForFieldName('right');
        if (left === null || right === null) return anyAt(node);
        return { kind: 'oneOf', options: [evaluate(env, left), evaluate(env, right)], at: node };
      }
      if (['+', '-', '*', '/', '%'].includes(operator)) return { kind: 'int', at: node };
      return { kind: 'bool', at: node };
    }
    case 'unary_expression':
      return node.childForFieldName('operator')?.text === '!' ? { kind: 'bool', at: node } : { kind: 'int', at: node };
    default:
      return anyAt(node);
  }
}
