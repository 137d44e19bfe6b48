import { dirname, join, normalize } from 'node:path';
/**
 * The infra check, without a Bicep compiler. Over a main Bicep file and the local modules it reaches:
 *
 * - syntax: every file parses (tree-sitter-bicep);
 * - names: every name used is declared, every parameter and variable is used, a module gets exactly the
 *   parameters it declares (and every required one, of the right kind and `@allowed` value), and
 *   `module.outputs.X` names an output the module declares;
 * - Azure: every `resource` type@apiVersion exists in Azure's definitions, and every property its body sets
 *   exists, is not read-only, has a compatible type and an allowed enum value; every property read from a
 *   resource (`account.properties.documentEndpoint`) exists;
 * - the parameters file names only parameters main.bicep declares, and every required one.
 *
 * Values are followed through parameters (`@allowed` lists), variables, conditionals, loops and
 * `loadJsonContent`, so the JSON the Bicep loads (containers.json) is checked against the types too.
 */
import {
  type AzureType,
  FLAGS,
  type TypeFile,
  type TypeLibrary,
  type TypeRef,
  describeType,
  objectProperties,
} from './azureTypes';
import {
  type BicepFile,
  type ModuleDeclaration,
  type Program,
  type ResourceDeclaration,
  type SourceSet,
  loadProgram,
  loopOf,
  propertyOf,
} from './program';
import { type Node, declaredName, positionOf, propertyKey, stringValue, syntaxErrors } from './syntax';
import { type Environment, type Value, anyAt, declaredTypeValue, evaluate, itemOf, memberChain } from './values';

export type Rule =
  | 'syntax'
  | 'unknown-symbol'
  | 'unused-parameter'
  | 'unused-variable'
  | 'unknown-module'
  | 'unknown-module-parameter'
  | 'missing-module-parameter'
  | 'parameter-value'
  | 'unknown-module-output'
  | 'unknown-resource-type'
  | 'unknown-property'
  | 'read-only-property'
  | 'type-mismatch'
  | 'enum-value'
  | 'value-range'
  | 'missing-required-property'
  | 'parameters-file';

export interface Finding {
  /** Relative to the infra folder. */
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly rule: Rule;
  readonly message: string;
}

interface Problem {
  readonly rule: Rule;
  readonly message: string;
  readonly at: Node;
}

/** Properties of a resource body that are Bicep's, not the resource type's. */
const RESOURCE_KEYWORDS = new Set(['parent', 'scope', 'dependsOn']);
const MODULE_KEYWORDS = new Set(['name', 'params', 'scope', 'dependsOn']);
/** Built-in namespaces (`az.resourceGroup()`, `sys.union()`). */
const NAMESPACES = new Set(['az', 'sys']);
const DECLARATIONS = new Set([
  'parameter_declaration',
  'variable_declaration',
  'resource_declaration',
  'module_declaration',
  'output_declaration',
  'metadata_declaration',
  'type_declaration',
  'user_defined_function',
  'assert_statement',
  'parameter',
]);

function describeValue(value: Value): string {
  switch (value.kind) {
    case 'string':
      return value.literal === undefined ? 'a string' : `'${value.literal}'`;
    case 'int':
      return value.literal === undefined ? 'an int' : String(value.literal);
    case 'bool':
      return 'a bool';
    case 'null':
      return 'null';
    case 'object':
      return 'an object';
    case 'array':
      return 'an array';
    default:
      return 'a value';
  }
}

/** The options of a value (a conditional's branches, a parameter's allowed values), flattened. */
function optionsOf(value: Value): Value[] {
  return value.kind === 'oneOf' ? value.options.flatMap(optionsOf) : [value];
}

function kindMatches(value: Value, type: AzureType): boolean {
  switch (type.$type) {
    case 'AnyType':
      return true;
    case 'StringType':
    case 'StringLiteralType':
      return value.kind === 'string';
    case 'IntegerType':
      return value.kind === 'int';
    case 'BooleanType':
      return value.kind === 'bool';
    case 'ArrayType':
      return value.kind === 'array';
    case 'ObjectType':
    case 'DiscriminatedObjectType':
      return value.kind === 'object';
    case 'NullType':
      return value.kind === 'null';
    default:
      return false;
  }
}

/** The value a property of an Azure type reads as. */
function valueOfType(file: TypeFile, type: AzureType, at: Node): Value {
  switch (type.$type) {
    case 'StringType':
      return { kind: 'string', at };
    case 'StringLiteralType':
      return { kind: 'string', literal: type.value, at };
    case 'IntegerType':
      return { kind: 'int', at };
    case 'BooleanType':
      return { kind: 'bool', at };
    case 'ArrayType':
      return { kind: 'array', items: undefined, at };
    case 'ObjectType':
    case 'DiscriminatedObjectType':
      return { kind: 'object', properties: new Map(), open: true, at };
    case 'UnionType':
      return { kind: 'oneOf', options: type.elements.map((e) => valueOfType(file, file.resolve(e), at)), at };
    default:
      return anyAt(at);
  }
}

/** Checks `value` against an Azure type; `path` names the property for messages. */
function checkValue(file: TypeFile, value: Value, ref: TypeRef, path: string, top = false): Problem[] {
  if (value.kind === 'any' || value.kind === 'null') return [];
  if (value.kind === 'oneOf') return value.options.flatMap((option) => checkValue(file, option, ref, path, top));
  const type = file.resolve(ref);
  const mismatch = (): Problem[] => [
    {
      rule: 'type-mismatch',
      message: `${path} expects ${describeType(file, type)}, not ${describeValue(value)}`,
      at: value.at,
    },
  ];
  switch (type.$type) {
    case 'AnyType':
      return [];
    case 'StringType':
      return value.kind === 'string' ? [] : mismatch();
    case 'StringLiteralType':
      if (value.kind !== 'string') return mismatch();
      return value.literal === undefined || value.literal === type.value
        ? []
        : [{ rule: 'enum-value', message: `${path} must be '${type.value}', not '${value.literal}'`, at: value.at }];
    case 'IntegerType': {
      if (value.kind !== 'int') return mismatch();
      const { literal } = value;
      const outside =
        literal !== undefined &&
        ((type.minValue !== undefined && literal < type.minValue) ||
          (type.maxValue !== undefined && literal > type.maxValue));
      return outside
        ? [
            {
              rule: 'value-range',
              message: `${path} must be within ${type.minValue ?? '…'}..${type.maxValue ?? '…'}, not ${literal}`,
              at: value.at,
            },
          ]
        : [];
    }
    case 'BooleanType':
      return value.kind === 'bool' ? [] : mismatch();
    case 'ArrayType':
      if (value.kind !== 'array') return mismatch();
      return (value.items ?? []).flatMap((item) => checkValue(file, item, type.itemType, `${path}[]`));
    case 'ObjectType':
    case 'DiscriminatedObjectType':
      return value.kind === 'object' ? checkObject(file, value, type, path, top) : mismatch();
    case 'UnionType': {
      const elements = type.elements.map((element) => file.resolve(element));
      if (elements.some((element) => element.$type === 'AnyType')) return [];
      const literals = elements.flatMap((element) => (element.$type === 'StringLiteralType' ? [element.value] : []));
      if (value.kind === 'string' && literals.length > 0) {
        // Azure marks most enums open (`| string`) for clients' sake; the service still takes only the values
        // it lists, and a typo is far likelier than a value newer than the definitions: hold literals to them.
        if (value.literal === undefined || literals.includes(value.literal)) return [];
        const allowed = literals.map((literal) => `'${literal}'`).join(', ');
        return [
          { rule: 'enum-value', message: `${path} must be one of ${allowed}, not '${value.literal}'`, at: value.at },
        ];
      }
      const candidates = type.elements.filter((_, i) => kindMatches(value, elements[i] ?? { $type: 'AnyType' }));
      if (candidates.length === 0) return mismatch();
      const results = candidates.map((candidate) => checkValue(file, value, candidate, path, top));
      return results.some((problems) => problems.length === 0) ? [] : (results[0] ?? []);
    }
    default:
      return [];
  }
}

function checkObject(
  file: TypeFile,
  value: Extract<Value, { kind: 'object' }>,
  type: Extract<AzureType, { $type: 'ObjectType' | 'DiscriminatedObjectType' }>,
  path: string,
  top: boolean,
): Problem[] {
  const problems: Problem[] = [];
  const prefix = path === '' ? '' : `${path}.`;
  let discriminator: string | undefined;
  if (type.$type === 'DiscriminatedObjectType') {
    const chosen = value.properties.get(type.discriminator);
    discriminator = chosen?.kind === 'string' ? chosen.literal : undefined;
    if (chosen !== undefined && discriminator !== undefined && !(discriminator in type.elements)) {
      const allowed = Object.keys(type.elements).map((key) => `'${key}'`);
      problems.push({
        rule: 'enum-value',
        message: `${prefix}${type.discriminator} must be one of ${allowed.join(', ')}, not '${discriminator}'`,
        at: chosen.at,
      });
    }
  }
  const shape = objectProperties(file, type, discriminator);
  if (shape === undefined) return problems;
  for (const [key, item] of value.properties) {
    if (top && RESOURCE_KEYWORDS.has(key)) continue;
    const property = shape.properties[key];
    if (property === undefined) {
      if (shape.additional !== undefined) {
        problems.push(...checkValue(file, item, shape.additional, `${prefix}${key}`));
        continue;
      }
      const near = Object.keys(shape.properties).find((name) => name.toLowerCase() === key.toLowerCase());
      const hint = near === undefined ? '' : ` (did you mean '${near}'?)`;
      problems.push({
        rule: 'unknown-property',
        message: `${prefix}${key} is not a property of ${type.name}${hint}`,
        at: item.at,
      });
    } else if ((property.flags & FLAGS.readOnly) !== 0) {
      problems.push({ rule: 'read-only-property', message: `${prefix}${key} is read-only`, at: item.at });
    } else {
      problems.push(...checkValue(file, item, property.type, `${prefix}${key}`));
    }
  }
  if (!value.open) {
    for (const [name, property] of Object.entries(shape.properties)) {
      const required = (property.flags & FLAGS.required) !== 0 && (property.flags & FLAGS.readOnly) === 0;
      if (required && !value.properties.has(name)) {
        problems.push({ rule: 'missing-required-property', message: `${prefix}${name} is required`, at: value.at });
      }
    }
  }
  return problems;
}

class Checker {
  private readonly findings = new Map<string, Finding>();

  constructor(
    private readonly program: Program,
    private readonly types: TypeLibrary,
    /** API versions to check resources at instead of the ones written (to try newer ones). */
    private readonly versions: ReadonlyMap<ResourceDeclaration, string>,
  ) {}

  private report(file: BicepFile, at: Node, rule: Rule, message: string): void {
    const finding: Finding = { file: file.path, ...positionOf(at), rule, message };
    this.findings.set(`${finding.file}:${finding.line}:${finding.column}:${rule}:${message}`, finding);
  }

  private reportAll(file: BicepFile, problems: readonly Problem[]): void {
    for (const problem of problems) this.report(file, problem.at, problem.rule, problem.message);
  }

  versionOf(resource: ResourceDeclaration): string | undefined {
    const override = this.versions.get(resource);
    if (override !== undefined) return override;
    if (resource.ownsVersion || resource.enclosing === undefined) return resource.apiVersion;
    return this.versionOf(resource.enclosing);
  }

  private environment(file: BicepFile, locals: ReadonlyMap<string, Value> = new Map()): Environment {
    return {
      file,
      locals,
      loadJson: (from, path) => {
        const text = this.program.sources.read(normalize(join(dirname(from.path), path)));
        return text === undefined ? undefined : (JSON.parse(text) as unknown);
      },
      moduleOutput: (from, symbol, name) => {
        const module = from.modules.get(symbol);
        const target = module?.path === undefined ? undefined : this.program.files.get(module.path);
        const output = target?.outputs.get(name);
        return output === undefined ? undefined : declaredTypeValue(output.type, output.node);
      },
      resourceRead: (resource, path, at) => {
        const read = this.readResource(resource, path, at);
        return 'value' in read ? read.value : anyAt(at);
      },
    };
  }

  /** What reading `path` on a resource gives, or why it cannot be read. */
  private readResource(
    resource: ResourceDeclaration,
    path: readonly string[],
    at: Node,
  ): { readonly value: Value } | { readonly problem: string } {
    const version = this.versionOf(resource);
    const found = version === undefined ? undefined : this.types.resource(resource.type, version);
    if (found === undefined) return { value: anyAt(at) };
    let type = found.file.resolve(found.body);
    for (const [index, step] of path.entries()) {
      const shape = objectProperties(found.file, type, undefined);
      if (shape === undefined) {
        if (type.$type === 'AnyType') return { value: anyAt(at) };
        return { problem: `${resource.symbol}.${path.slice(0, index).join('.')} has no property '${step}'` };
      }
      const property = shape.properties[step];
      if (property === undefined && shape.additional === undefined) {
        return {
          problem: `${resource.symbol}.${path.slice(0, index + 1).join('.')} is not a property of ${resource.type}@${version}`,
        };
      }
      if (property !== undefined && (property.flags & FLAGS.writeOnly) !== 0) {
        return { problem: `${resource.symbol}.${path.slice(0, index + 1).join('.')} is write-only` };
      }
      type = found.file.resolve(property?.type ?? shape.additional ?? found.body);
    }
    return { value: valueOfType(found.file, type, at) };
  }

  run(): Finding[] {
    for (const file of this.program.files.values()) {
      for (const error of syntaxErrors(file.root)) {
        const text = error.text.length > 40 ? `${error.text.slice(0, 40)}…` : error.text;
        this.report(file, error, 'syntax', error.isMissing ? `missing ${error.type}` : `cannot parse '${text}'`);
      }
      this.checkNames(file);
      this.checkChains(file);
      for (const resource of file.resources.values()) this.checkResource(file, resource);
      for (const module of file.modules.values()) this.checkModule(file, module);
      for (const output of file.outputs.values()) {
        if (output.value === undefined) continue;
        const value = evaluate(this.environment(file), output.value);
        this.reportAll(file, this.checkDeclared(value, output.type, undefined, file, `output ${output.name}`));
      }
      for (const param of file.params.values()) {
        if (param.defaultValue === undefined) continue;
        const value = evaluate(this.environment(file), param.defaultValue);
        this.reportAll(file, this.checkDeclared(value, param.type, param.allowed, file, `param ${param.name}`));
      }
    }
    return [...this.findings.values()].sort(
      (a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column,
    );
  }

  /** Every name used is declared; every parameter and variable is used. */
  private checkNames(file: BicepFile): void {
    const declared = new Set([
      ...file.params.keys(),
      ...file.vars.keys(),
      ...file.resources.keys(),
      ...file.modules.keys(),
      ...file.others,
    ]);
    const used = new Set<string>();
    const isReference = (node: Node): boolean => {
      const parent = node.parent;
      if (parent === null) return false;
      if (DECLARATIONS.has(parent.type) && declaredName(parent)?.id === node.id) return false;
      if (parent.type === 'object_property' && propertyKey(parent)?.node.id === node.id) return false;
      if (parent.type === 'compatible_identifier') return false;
      if (parent.type === 'for_statement' && parent.childForFieldName('initializer')?.id === node.id) return false;
      if (parent.type === 'call_expression' && parent.childForFieldName('function')?.id === node.id) return false;
      if (parent.type === 'resource_expression' && parent.childForFieldName('resource')?.id === node.id) return false;
      if (parent.type === 'member_expression' && parent.childForFieldName('object')?.id === node.id) {
        // `az.resourceGroup()`: a namespace, not a symbol.
        return !NAMESPACES.has(node.text);
      }
      return true;
    };
    const visit = (node: Node, locals: ReadonlySet<string>): void => {
      if (node.type === 'for_statement') {
        const { loop } = loopOf(node);
        const inner = new Set(locals);
        if (loop !== undefined) {
          inner.add(loop.item);
          if (loop.index !== undefined) inner.add(loop.index);
        }
        for (const child of node.namedChildren) visit(child, child.id === loop?.iterable.id ? locals : inner);
        return;
      }
      if (node.type === 'lambda_expression') {
        const inner = new Set(locals);
        for (const child of node.children) {
          if (child.type === '=>') break;
          if (child.type === 'identifier') inner.add(child.text);
        }
        for (const child of node.namedChildren) visit(child, inner);
        return;
      }
      if (node.type === 'identifier' && isReference(node)) {
        if (locals.has(node.text)) return;
        if (declared.has(node.text)) used.add(node.text);
        else this.report(file, node, 'unknown-symbol', `'${node.text}' is not declared`);
        return;
      }
      for (const child of node.namedChildren) visit(child, locals);
    };
    visit(file.root, new Set());
    for (const param of file.params.values()) {
      if (!used.has(param.name)) {
        this.report(
          file,
          declaredName(param.node) ?? param.node,
          'unused-parameter',
          `param ${param.name} is never used`,
        );
      }
    }
    for (const variable of file.vars.values()) {
      if (!used.has(variable.name)) {
        this.report(
          file,
          declaredName(variable.node) ?? variable.node,
          'unused-variable',
          `var ${variable.name} is never used`,
        );
      }
    }
  }

  /** `module.outputs.X` names a declared output; `resource.a.b` a readable property of its type. */
  private checkChains(file: BicepFile): void {
    const visit = (node: Node): void => {
      const parent = node.parent;
      const chainStart =
        (node.type === 'member_expression' || node.type === 'subscript_expression') &&
        !(
          (parent?.type === 'member_expression' || parent?.type === 'subscript_expression') &&
          parent.childForFieldName('object')?.id === node.id
        );
      if (chainStart) this.checkChain(file, node);
      for (const child of node.namedChildren) visit(child);
    };
    visit(file.root);
  }

  private checkChain(file: BicepFile, node: Node): void {
    const { base, steps } = memberChain(node);
    if (base.type !== 'identifier') return;
    const module = file.modules.get(base.text);
    if (module !== undefined) {
      const target = module.path === undefined ? undefined : this.program.files.get(module.path);
      const [first, name] = steps;
      if (target !== undefined && first === 'outputs' && typeof name === 'string' && !target.outputs.has(name)) {
        this.report(
          file,
          node,
          'unknown-module-output',
          `module ${module.symbol} (${module.path ?? ''}) has no output '${name}'`,
        );
      }
      return;
    }
    const resource = file.resources.get(base.text);
    if (resource === undefined) return;
    const path: string[] = [];
    for (const [index, step] of steps.entries()) {
      if (typeof step !== 'string') {
        if (index === 0 && resource.loop !== undefined) continue;
        break;
      }
      path.push(step);
    }
    if (path.length === 0) return;
    const read = this.readResource(resource, path, node);
    if ('problem' in read) this.report(file, node, 'unknown-property', read.problem);
  }

  private checkResource(file: BicepFile, resource: ResourceDeclaration): void {
    const version = this.versionOf(resource);
    if (version === undefined) {
      this.report(
        file,
        resource.typeNode,
        'unknown-resource-type',
        `${resource.symbol}: '${resource.type}' has no API version`,
      );
      return;
    }
    const found = this.types.resource(resource.type, version);
    if (found === undefined) {
      const known = this.types
        .versions(resource.type)
        .filter((v) => this.types.resource(resource.type, v) !== undefined);
      const hint = known.length === 0 ? 'no version of it is' : `versions there: ${known.join(', ')}`;
      this.report(
        file,
        resource.typeNode,
        'unknown-resource-type',
        `${resource.type}@${version} is not in Azure's definitions (${hint})`,
      );
      return;
    }
    if (resource.existing || resource.body === undefined) return;
    const parent = propertyOf(resource.body, 'parent');
    const parentResource = parent?.type === 'identifier' ? file.resources.get(parent.text) : undefined;
    if (
      parentResource !== undefined &&
      !resource.type.toLowerCase().startsWith(`${parentResource.type.toLowerCase()}/`)
    ) {
      this.report(
        file,
        parent ?? resource.body,
        'unknown-resource-type',
        `${resource.type} is not a child of ${parentResource.type}`,
      );
    }
    const locals = new Map<string, Value>();
    const env = this.environment(file);
    if (resource.loop !== undefined) {
      locals.set(resource.loop.item, itemOf(evaluate(env, resource.loop.iterable), resource.loop.iterable));
      if (resource.loop.index !== undefined)
        locals.set(resource.loop.index, { kind: 'int', at: resource.loop.iterable });
    }
    const body = evaluate(this.environment(file, locals), resource.body);
    this.reportAll(file, checkValue(found.file, body, found.body, '', true));
  }

  private checkModule(file: BicepFile, module: ModuleDeclaration): void {
    if (module.path === undefined) {
      this.report(
        file,
        module.pathNode,
        'unknown-module',
        `${stringValue(module.pathNode) ?? ''}: only local modules can be checked`,
      );
      return;
    }
    const target = this.program.files.get(module.path);
    if (target === undefined) {
      this.report(file, module.pathNode, 'unknown-module', `${module.path} does not exist`);
      return;
    }
    for (const property of module.body?.namedChildren ?? []) {
      const key = property.type === 'object_property' ? propertyKey(property) : undefined;
      if (key !== undefined && !MODULE_KEYWORDS.has(key.name)) {
        this.report(
          file,
          key.node,
          'unknown-property',
          `module ${module.symbol}: '${key.name}' is not a module property`,
        );
      }
    }
    const params = propertyOf(module.body, 'params');
    if (params?.type !== 'object') return;
    const locals = new Map<string, Value>();
    if (module.loop !== undefined) {
      locals.set(
        module.loop.item,
        itemOf(evaluate(this.environment(file), module.loop.iterable), module.loop.iterable),
      );
    }
    const env = this.environment(file, locals);
    const passed = new Set<string>();
    for (const property of params.namedChildren) {
      const key = property.type === 'object_property' ? propertyKey(property) : undefined;
      const valueNode = property.namedChildren.at(-1);
      if (key === undefined || valueNode === undefined) continue;
      passed.add(key.name);
      const declared = target.params.get(key.name);
      if (declared === undefined) {
        this.report(
          file,
          key.node,
          'unknown-module-parameter',
          `module ${module.symbol}: ${module.path} declares no parameter '${key.name}'`,
        );
        continue;
      }
      const value = evaluate(env, valueNode);
      this.reportAll(
        file,
        this.checkDeclared(
          value,
          declared.type,
          declared.allowed,
          target,
          `module ${module.symbol}: param ${key.name}`,
        ),
      );
    }
    for (const declared of target.params.values()) {
      const optional = declared.defaultValue !== undefined || declared.type.endsWith('?');
      if (!optional && !passed.has(declared.name)) {
        this.report(
          file,
          module.pathNode,
          'missing-module-parameter',
          `module ${module.symbol}: required parameter '${declared.name}' of ${module.path} is not passed`,
        );
      }
    }
  }

  /** A value against a declared Bicep type (`string`, `int`, …) and its `@allowed` list. */
  private checkDeclared(
    value: Value,
    type: string,
    allowed: readonly Node[] | undefined,
    declaredIn: BicepFile,
    what: string,
  ): Problem[] {
    const expected = declaredTypeValue(type, value.at).kind;
    const allowedValues =
      allowed === undefined
        ? undefined
        : allowed.map((item) => evaluate(this.environment(declaredIn), item)).map((item) => describeValue(item));
    const problems: Problem[] = [];
    for (const option of optionsOf(value)) {
      if (option.kind === 'any') continue;
      if (expected !== 'any' && option.kind !== expected && option.kind !== 'null') {
        problems.push({
          rule: 'parameter-value',
          message: `${what} expects ${type}, not ${describeValue(option)}`,
          at: option.at,
        });
        continue;
      }
      const literal = (option.kind === 'string' || option.kind === 'int') && option.literal !== undefined;
      if (allowedValues !== undefined && literal && !allowedValues.includes(describeValue(option))) {
        problems.push({
          rule: 'parameter-value',
          message: `${what} must be one of ${allowedValues.join(', ')}, not ${describeValue(option)}`,
          at: option.at,
        });
      }
    }
    return problems;
  }

  /** The parameters file (`main.parameters.json`) against the entry file's parameters. */
  checkParametersFile(entry: BicepFile, path: string): void {
    const text = this.program.sources.read(path);
    if (text === undefined) return;
    const parsed = JSON.parse(text) as { parameters?: Record<string, unknown> };
    const given = Object.keys(parsed.parameters ?? {});
    const root = entry.root;
    for (const name of given) {
      if (!entry.params.has(name)) {
        this.findings.set(`${path}:${name}`, {
          file: path,
          line: 1,
          column: 1,
          rule: 'parameters-file',
          message: `${name} is not a parameter of ${entry.path}`,
        });
      }
    }
    for (const param of entry.params.values()) {
      if (param.defaultValue === undefined && !given.includes(param.name)) {
        this.report(
          entry,
          declaredName(param.node) ?? root,
          'parameters-file',
          `required parameter ${param.name} is not in ${path}`,
        );
      }
    }
  }
}

export interface CheckOptions {
  readonly sources: SourceSet;
  readonly types: TypeLibrary;
  /** The entry file, relative to the infra folder. */
  readonly entry?: string;
  /** The azd parameters file, relative to the infra folder. */
  readonly parametersFile?: string;
}

function checkProgram(
  program: Program,
  types: TypeLibrary,
  options: Pick<CheckOptions, 'entry' | 'parametersFile'>,
  versions: ReadonlyMap<ResourceDeclaration, string> = new Map(),
): Finding[] {
  const checker = new Checker(program, types, versions);
  const entry = program.files.get(normalize(options.entry ?? 'main.bicep'));
  if (entry !== undefined && options.parametersFile !== undefined)
    checker.checkParametersFile(entry, options.parametersFile);
  return checker.run();
}

/** Loads the program from `sources` and checks it. */
export async function checkInfra(
  options: CheckOptions,
): Promise<{ readonly program: Program; readonly findings: Finding[] }> {
  const program = await loadProgram(options.sources, options.entry);
  return { program, findings: checkProgram(program, options.types, options) };
}

export interface VersionAdvice {
  readonly file: string;
  readonly resource: string;
  readonly type: string;
  readonly from: string;
  /** The newest version in the definitions at which the whole check finds nothing new. */
  readonly to: string;
}

/**
 * For each resource that writes its API version: the newest version in the definitions folder at which the
 * check finds nothing it did not find already, when that differs from the version written.
 */
export function apiVersionAdvice(
  program: Program,
  types: TypeLibrary,
  options: Pick<CheckOptions, 'entry' | 'parametersFile'> = {},
): VersionAdvice[] {
  const key = (finding: Finding) => `${finding.file}:${finding.rule}:${finding.message}`;
  const baseline = new Set(checkProgram(program, types, options).map(key));
  const advice: VersionAdvice[] = [];
  for (const file of program.files.values()) {
    for (const resource of file.resources.values()) {
      if (!resource.ownsVersion || resource.apiVersion === undefined) continue;
      for (const version of types.versions(resource.type)) {
        if (types.resource(resource.type, version) === undefined) continue;
        if (version === resource.apiVersion) break;
        const findings = checkProgram(program, types, options, new Map([[resource, version]]));
        if (findings.every((finding) => baseline.has(key(finding)))) {
          advice.push({
            file: file.path,
            resource: resource.symbol,
            type: resource.type,
            from: resource.apiVersion,
            to: version,
          });
          break;
        }
      }
    }
  }
  return advice;
}
