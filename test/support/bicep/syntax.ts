/**
 * Bicep syntax without a Bicep compiler: the tree-sitter grammar that the `tree-sitter-bicep` package ships
 * as WebAssembly, loaded by `web-tree-sitter` (no native build, no install script). Only syntax: what the
 * names mean is the business of `program.ts`.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Language, type Node, Parser } from 'web-tree-sitter';

export type { Node } from 'web-tree-sitter';

let parser: Promise<Parser> | undefined;

async function loadParser(): Promise<Parser> {
  await Parser.init();
  const require = createRequire(__filename);
  const wasm = readFileSync(require.resolve('tree-sitter-bicep/tree-sitter-bicep.wasm'));
  const created = new Parser();
  created.setLanguage(await Language.load(wasm));
  return created;
}

/** The root node of `text`; the parser is loaded once per process. */
export async function parseBicep(text: string): Promise<Node> {
  parser ??= loadParser();
  const tree = (await parser).parse(text);
  if (tree === null) throw new Error('tree-sitter returned no tree');
  return tree.rootNode;
}

/** 1-based line and column, as an editor shows them. */
export function positionOf(node: Node): { readonly line: number; readonly column: number } {
  return { line: node.startPosition.row + 1, column: node.startPosition.column + 1 };
}

/** Every place the parser could not read: an ERROR node or a token it had to invent. */
export function syntaxErrors(root: Node): Node[] {
  const errors: Node[] = [];
  const visit = (node: Node): void => {
    if (node.type === 'ERROR' || node.isMissing) {
      errors.push(node);
      return;
    }
    if (node.hasError) for (const child of node.children) visit(child);
  };
  visit(root);
  return errors;
}

const ESCAPES: Readonly<Record<string, string>> = {
  "\\'": "'",
  '\\\\': '\\',
  '\\n': '\n',
  '\\r': '\r',
  '\\t': '\t',
  '\\$': '$',
};

/** The value of a string literal; undefined when it interpolates (`'a${b}'`), whose value is known only at deploy. */
export function stringValue(node: Node): string | undefined {
  if (node.type !== 'string') return undefined;
  let value = '';
  for (const part of node.namedChildren) {
    if (part.type === 'interpolation') return undefined;
    value += part.type === 'escape_sequence' ? (ESCAPES[part.text] ?? part.text) : part.text;
  }
  return value;
}

/** The key of an object property (`name:` or `'azd-env-name':`); undefined for a nested resource or decorators. */
export function propertyKey(property: Node): { readonly name: string; readonly node: Node } | undefined {
  const key = property.firstNamedChild;
  if (key === null || key.nextSibling?.type !== ':') return undefined;
  if (key.type === 'identifier' || key.type === 'compatible_identifier') return { name: key.text, node: key };
  const name = stringValue(key);
  return name === undefined ? undefined : { name, node: key };
}

/** The name a declaration declares: its first identifier. */
export function declaredName(declaration: Node): Node | undefined {
  return declaration.namedChildren.find((child) => child.type === 'identifier');
}

/** The `@name(...)` decorators written right before a statement (the grammar makes them its previous sibling). */
export function decoratorsOf(statement: Node): Map<string, Node[]> {
  const found = new Map<string, Node[]>();
  let previous = statement.previousNamedSibling;
  while (previous?.type === 'comment') previous = previous.previousNamedSibling;
  if (previous?.type !== 'decorators') return found;
  for (const decorator of previous.namedChildren) {
    const call = decorator.firstNamedChild;
    const name = call?.childForFieldName('function')?.text;
    const args = call?.childForFieldName('arguments')?.namedChildren ?? [];
    if (name !== undefined) found.set(name.replace(/^sys\./, ''), args);
  }
  return found;
}
