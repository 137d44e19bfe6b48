/**
 * OData `$filter` over a resource's declared properties: `eq ne gt ge lt le`, `and or not` and parentheses.
 * It compiles to a parameterized Cosmos DB SQL condition: property paths come from the declaration, and
 * every literal becomes a parameter, so no client text is ever part of the query text.
 */
import { BadRequestError } from '../errors';
import { isEdmDate, isEdmDateTimeOffset } from '../model/edm';

export type PropertyType = 'string' | 'date' | 'dateTimeOffset' | 'int64' | 'enum';

/** A property that can be filtered and ordered on, and where the store keeps it. */
export interface QueryableProperty {
  readonly type: PropertyType;
  /** The SQL path in the stored document, e.g. `c.data.startDate`. */
  readonly path: string;
  /** The index path of the same property, e.g. `/data/startDate` (for the container definition). */
  readonly indexPath: string;
  /** Allowed members, for `enum`. */
  readonly members?: readonly string[];
}

export type Queryable = Readonly<Record<string, QueryableProperty>>;

type ComparisonOperator = 'eq' | 'ne' | 'gt' | 'ge' | 'lt' | 'le';

type Literal =
  | { readonly kind: 'string'; readonly value: string }
  | { readonly kind: 'number'; readonly value: number }
  | { readonly kind: 'date'; readonly value: string }
  | { readonly kind: 'dateTimeOffset'; readonly value: string }
  | { readonly kind: 'boolean'; readonly value: boolean }
  | { readonly kind: 'null' };

export type FilterExpression =
  | { readonly kind: 'and' | 'or'; readonly left: FilterExpression; readonly right: FilterExpression }
  | { readonly kind: 'not'; readonly operand: FilterExpression }
  | {
      readonly kind: 'compare';
      readonly operator: ComparisonOperator;
      readonly property: string;
      readonly literal: Literal;
    };

type Token =
  | { readonly kind: 'open' | 'close' | 'comma' }
  | { readonly kind: 'word'; readonly text: string }
  | { readonly kind: 'literal'; readonly literal: Literal; readonly text: string };

const COMPARISONS = new Set(['eq', 'ne', 'gt', 'ge', 'lt', 'le']);
const MAX_FILTER_LENGTH = 2048;
const MAX_DEPTH = 16;

function filterError(message: string): BadRequestError {
  return new BadRequestError(`Invalid $filter: ${message}`, [
    { code: 'invalidQueryOption', target: '$filter', message },
  ]);
}

const TOKEN = new RegExp(
  [
    String.raw`(?<space>\s+)`,
    String.raw`(?<open>\()`,
    String.raw`(?<close>\))`,
    String.raw`(?<comma>,)`,
    String.raw`(?<string>'(?:[^']|'')*')`,
    String.raw`(?<enumLiteral>microsoft\.graph\.[A-Za-z]+'(?:[^']|'')*')`,
    String.raw`(?<dateTime>\d{4}-\d{2}-\d{2}T[0-9:.]+(?:Z|[+-]\d{2}:\d{2}))`,
    String.raw`(?<date>\d{4}-\d{2}-\d{2})`,
    String.raw`(?<number>-?\d+(?:\.\d+)?)`,
    String.raw`(?<word>[A-Za-z_][A-Za-z0-9_]*(?:/[A-Za-z_][A-Za-z0-9_]*)*)`,
  ].join('|'),
  'y',
);

function unquote(text: string): string {
  return text.slice(text.indexOf("'") + 1, -1).replace(/''/g, "'");
}

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < source.length) {
    const at = TOKEN.lastIndex;
    const match = TOKEN.exec(source);
    const groups = match?.groups;
    if (match === null || groups === undefined) throw filterError(`unexpected text at position ${at + 1}.`);
    const text = match[0];
    if (groups.space !== undefined) continue;
    if (groups.open !== undefined) tokens.push({ kind: 'open' });
    else if (groups.close !== undefined) tokens.push({ kind: 'close' });
    else if (groups.comma !== undefined) tokens.push({ kind: 'comma' });
    else if (groups.string !== undefined || groups.enumLiteral !== undefined) {
      tokens.push({ kind: 'literal', literal: { kind: 'string', value: unquote(text) }, text });
    } else if (groups.dateTime !== undefined) {
      if (!isEdmDateTimeOffset(text)) throw filterError(`'${text}' is not a valid DateTimeOffset.`);
      tokens.push({ kind: 'literal', literal: { kind: 'dateTimeOffset', value: text }, text });
    } else if (groups.date !== undefined) {
      if (!isEdmDate(text)) throw filterError(`'${text}' is not a valid Date.`);
      tokens.push({ kind: 'literal', literal: { kind: 'date', value: text }, text });
    } else if (groups.number !== undefined) {
      tokens.push({ kind: 'literal', literal: { kind: 'number', value: Number(text) }, text });
    } else if (text === 'true' || text === 'false') {
      tokens.push({ kind: 'literal', literal: { kind: 'boolean', value: text === 'true' }, text });
    } else if (text === 'null') {
      tokens.push({ kind: 'literal', literal: { kind: 'null' }, text });
    } else tokens.push({ kind: 'word', text });
  }
  return tokens;
}

class Parser {
  private position = 0;

  constructor(
    private readonly tokens: readonly Token[],
    private readonly properties: Queryable,
  ) {}

  parse(): FilterExpression {
    if (this.tokens.length === 0) throw filterError('the expression is empty.');
    const expression = this.or(0);
    const rest = this.tokens[this.position];
    if (rest !== undefined) throw filterError(`unexpected '${describe(rest)}'.`);
    return expression;
  }

  private peekWord(word: string): boolean {
    const token = this.tokens[this.position];
    return token?.kind === 'word' && token.text === word;
  }

  private or(depth: number): FilterExpression {
    let left = this.and(depth);
    while (this.peekWord('or')) {
      this.position += 1;
      left = { kind: 'or', left, right: this.and(depth) };
    }
    return left;
  }

  private and(depth: number): FilterExpression {
    let left = this.unary(depth);
    while (this.peekWord('and')) {
      this.position += 1;
      left = { kind: 'and', left, right: this.unary(depth) };
    }
    return left;
  }

  private unary(depth: number): FilterExpression {
    if (depth > MAX_DEPTH) throw filterError(`the expression is nested deeper than ${MAX_DEPTH} levels.`);
    if (this.peekWord('not')) {
      this.position += 1;
      return { kind: 'not', operand: this.unary(depth + 1) };
    }
    const token = this.tokens[this.position];
    if (token?.kind === 'open') {
      this.position += 1;
      const inner = this.or(depth + 1);
      if (this.tokens[this.position]?.kind !== 'close') throw filterError("a ')' is missing.");
      this.position += 1;
      return inner;
    }
    return this.comparison();
  }

  private comparison(): FilterExpression {
    const subject = this.tokens[this.position];
    const operator = this.tokens[this.position + 1];
    const object = this.tokens[this.position + 2];
    if (subject?.kind !== 'word')
      throw filterError(`expected a property name, found '${subject === undefined ? 'the end' : describe(subject)}'.`);
    if (operator?.kind === 'open') throw filterError(`the function '${subject.text}' is not supported.`);
    const property = this.properties[subject.text];
    if (property === undefined) throw filterError(`the property '${subject.text}' cannot be filtered on.`);
    if (operator?.kind !== 'word' || !COMPARISONS.has(operator.text)) {
      throw filterError(`expected one of eq, ne, gt, ge, lt, le after '${subject.text}'.`);
    }
    if (object?.kind !== 'literal')
      throw filterError(`expected a literal value after '${subject.text} ${operator.text}'.`);
    this.position += 3;
    const comparison = operator.text as ComparisonOperator;
    return {
      kind: 'compare',
      operator: comparison,
      property: subject.text,
      literal: checkLiteral(subject.text, property, comparison, object),
    };
  }
}

function describe(token: Token): string {
  if (token.kind === 'word' || token.kind === 'literal') return token.text;
  return { open: '(', close: ')', comma: ',' }[token.kind];
}

/** The literal, checked against the property's type (and normalized where the store normalizes). */
function checkLiteral(
  name: string,
  property: QueryableProperty,
  operator: ComparisonOperator,
  token: Token & { kind: 'literal' },
): Literal {
  const { literal } = token;
  if (literal.kind === 'null') {
    if (operator !== 'eq' && operator !== 'ne') throw filterError(`null can only be compared with eq or ne.`);
    return literal;
  }
  const mismatch = () => filterError(`'${token.text}' is not a valid value for '${name}' (${property.type}).`);
  switch (property.type) {
    case 'string':
      if (literal.kind !== 'string') throw mismatch();
      return literal;
    case 'enum':
      if (literal.kind !== 'string' || !(property.members ?? []).includes(literal.value)) throw mismatch();
      return literal;
    case 'int64':
      if (literal.kind !== 'number' || !Number.isSafeInteger(literal.value)) throw mismatch();
      return literal;
    case 'date':
      if (literal.kind === 'date') return literal;
      if (literal.kind === 'string' && isEdmDate(literal.value)) return { kind: 'date', value: literal.value };
      throw mismatch();
    case 'dateTimeOffset':
      if (literal.kind !== 'dateTimeOffset') throw mismatch();
      return { kind: 'dateTimeOffset', value: normalizeDateTimeOffset(literal.value) };
  }
}

/**
 * A DateTimeOffset as UTC with seven fraction digits: in this form, string order is time order. The store
 * keeps this form beside the original value, for filters and ordering.
 */
export function normalizeDateTimeOffset(value: string): string {
  const match = /^(.*T\d{2}:\d{2}(?::\d{2})?)(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i.exec(value);
  if (match === null) throw new Error(`Not a DateTimeOffset: ${value}`);
  const [, main = '', fraction = '', zone = 'Z'] = match;
  const fractionDigits = `${fraction.slice(1)}0000000`.slice(0, 7);
  const instant = new Date(`${main}${zone.toUpperCase() === 'Z' ? 'Z' : zone}`);
  return `${instant.toISOString().slice(0, 19)}.${fractionDigits}Z`;
}

export function parseFilter(source: string, properties: Queryable): FilterExpression {
  if (source.length > MAX_FILTER_LENGTH)
    throw filterError(`the expression is longer than ${MAX_FILTER_LENGTH} characters.`);
  return new Parser(tokenize(source), properties).parse();
}

export interface SqlCondition {
  readonly text: string;
  readonly parameters: { name: string; value: string | number | boolean }[];
}

/** Cosmos DB SQL binds NOT tighter than AND, and AND tighter than OR. */
const PRECEDENCE = { or: 1, and: 2, not: 3 } as const;

/**
 * Compiles to a condition that is always true or false (never undefined), so `not` and `ne` keep OData's
 * meaning when a property is null: `null ne 'x'` is true, `not (null eq 'x')` is true. Parentheses are
 * written only where precedence needs them (and once around the whole), so the text stays as shallow as the
 * expression: the condition is ANDed with the partition's own.
 */
export function compileFilter(expression: FilterExpression, properties: Queryable, prefix = '@f'): SqlCondition {
  const parameters: SqlCondition['parameters'] = [];
  /** The text of `node`, and the precedence of its outermost operator. */
  const compile = (node: FilterExpression): { text: string; precedence: number } => {
    const operand = (child: FilterExpression, least: number): string => {
      const compiled = compile(child);
      return compiled.precedence >= least ? compiled.text : `(${compiled.text})`;
    };
    switch (node.kind) {
      case 'and':
      case 'or': {
        const precedence = PRECEDENCE[node.kind];
        const text = `${operand(node.left, precedence)} ${node.kind.toUpperCase()} ${operand(node.right, precedence)}`;
        return { text, precedence };
      }
      case 'not':
        return { text: `NOT ${operand(node.operand, PRECEDENCE.not + 1)}`, precedence: PRECEDENCE.not };
      case 'compare': {
        const property = properties[node.property];
        if (property === undefined) throw new Error(`Unknown property ${node.property}`);
        const path = property.path;
        if (node.literal.kind === 'null') {
          return node.operator === 'eq'
            ? { text: `NOT IS_DEFINED(${path}) OR IS_NULL(${path})`, precedence: PRECEDENCE.or }
            : { text: `NOT (NOT IS_DEFINED(${path}) OR IS_NULL(${path}))`, precedence: PRECEDENCE.not };
        }
        const name = `${prefix}${parameters.length}`;
        parameters.push({ name, value: node.literal.value });
        const operator = { eq: '=', ne: '=', gt: '>', ge: '>=', lt: '<', le: '<=' }[node.operator];
        const test = `IS_DEFINED(${path}) AND NOT IS_NULL(${path}) AND ${path} ${operator} ${name}`;
        return node.operator === 'ne'
          ? { text: `NOT (${test})`, precedence: PRECEDENCE.not }
          : { text: test, precedence: PRECEDENCE.and };
      }
    }
  };
  return { text: `(${compile(expression).text})`, parameters };
}
