/**
 * Importing Graph's own report output: `POST reports/office365ActivationCounts/import` and
 * `…/office365ActiveUserCounts/import` (OData actions bound to the collections; `…/microsoft.graph.import`
 * too). The body is what Graph's report function returned, unchanged: CSV (`text/csv`: Graph's column titles
 * in any order, an optional byte order mark, RFC 4180 quoting, CRLF or LF, empty cells for missing values)
 * or JSON (`application/json`: `{"value": [...]}`, as `$format=application/json` answers).
 *
 * All or nothing: every row is read and validated before anything is written, and any problem answers 400
 * with one `details` entry per problem, naming the row (CSV line, JSON index) and the column or property.
 * Rows are upserted by their natural key, so the same import twice changes nothing the second time; rows
 * whose stored version is the same are not written again. A failure part-way (the database unreachable, or
 * throttling past the deadline) answers 503 with `Retry-After`: sending the same import again converges.
 */
import {
  BadRequestError,
  type ErrorDetail,
  PayloadTooLargeError,
  ServiceError,
  ServiceUnavailableError,
} from '../errors';
import type { Operation, OperationInput } from '../http/operation';
import { serviceRoot } from '../http/odata';
import { parseCsv } from '../model/csv';
import { IMPORT_RESULT } from '../model/entityContainer';
import { allProperties } from '../model/graphTypes';
import { type Entity, type JsonObject, type ResourceDefinition, parseCreate } from '../model/resource';
import { GRAPH_NAMESPACE } from '../model/schemas';
import type { SqlCondition } from '../odata/filter';
import { DEADLINE_RETRY_AFTER_SECONDS, whileThrottled } from '../store/budget';
import type { EntityStore, StoredEntity } from '../store/entityStore';
import type { CollectionDeclaration } from './collection';
import { REPORTS, type ReportDeclaration } from './reports';

/** The media types an import takes. */
export const IMPORT_MEDIA_TYPES = ['text/csv', 'application/json'] as const;

/** The most problems one answer lists: the message says how many there were. */
export const MAX_IMPORT_DETAILS = 1000;

/** How many refresh dates one query for the stored rows names. */
const DATES_PER_QUERY = 100;

/** What an import did. */
export interface ImportCounts {
  readonly created: number;
  readonly replaced: number;
  readonly unchanged: number;
}

/** A row as it came, before validation. */
interface RowCandidate {
  /** The row, for a problem of the whole row: `line 4` (CSV) or `value[3]` (JSON). */
  readonly where: string;
  /** The row's property `name`, for a problem with it; undefined: not reported (a missing column is, once). */
  target(name: string): string | undefined;
  /** Where the property stands in the row: a row's problems come in this order. */
  order(name: string): number;
  /** Where a missing value is an empty cell (CSV) rather than a null. */
  readonly cells: boolean;
  readonly properties: JsonObject;
}

interface ReadRows {
  readonly candidates: readonly RowCandidate[];
  readonly problems: readonly ErrorDetail[];
}

function tooManyRows(maxRows: number): PayloadTooLargeError {
  return new PayloadTooLargeError(
    maxRows,
    `The import holds more than ${maxRows} rows: send at most ${maxRows} per request.`,
  );
}

/** A CSV cell as the property's value: an empty cell is null (Graph's missing value), a count is a number. */
function cellValue(edmType: string | undefined, text: string): unknown {
  if (text === '') return null;
  if (edmType === 'Edm.Int64' && /^-?\d{1,16}$/.test(text)) return Number(text);
  return text;
}

function readCsv(text: string, report: ReportDeclaration, maxRows: number): ReadRows {
  const { records, problems: syntax } = parseCsv(text);
  const problems: ErrorDetail[] = syntax.map((problem) => ({
    code: 'invalidCsv',
    target: `line ${problem.line}`,
    message: problem.message,
  }));
  const [header, ...rows] = records;
  if (rows.length > maxRows) throw tooManyRows(maxRows);
  const titles = report.columns.map((column) => column.header);
  if (header === undefined) {
    problems.push({
      code: 'missingColumn',
      target: 'line 1',
      message: `The CSV has no header line: Graph's report has the columns ${titles.join(', ')}.`,
    });
    return { candidates: [], problems };
  }
  const byTitle = new Map(report.columns.map((column) => [column.header, column]));
  const layout = header.fields.map((title) => byTitle.get(title));
  const seen = new Set<string>();
  header.fields.forEach((title, index) => {
    if (layout[index] === undefined) {
      problems.push({
        code: 'unknownColumn',
        target: `line ${header.line}: ${title}`,
        message: `'${title}' is not a column of this report; its columns are ${titles.join(', ')}.`,
      });
    } else if (seen.has(title)) {
      problems.push({
        code: 'duplicateColumn',
        target: `line ${header.line}: ${title}`,
        message: `The column '${title}' appears more than once.`,
      });
    }
    seen.add(title);
  });
  const missing = new Set<string>();
  for (const column of report.columns) {
    if (seen.has(column.header)) continue;
    missing.add(column.property);
    problems.push({
      code: 'missingColumn',
      target: `line ${header.line}: ${column.header}`,
      message: `The column '${column.header}' is missing: every row of the report has it.`,
    });
  }
  const types = allProperties(report.typeName);
  const titleOf = new Map(report.columns.map((column) => [column.property, column.header]));
  const candidates: RowCandidate[] = [];
  for (const row of rows) {
    if (row.fields.length !== header.fields.length) {
      problems.push({
        code: 'invalidRow',
        target: `line ${row.line}`,
        message: `The line has ${row.fields.length} fields, the header ${header.fields.length}.`,
      });
      continue;
    }
    const properties: JsonObject = {};
    row.fields.forEach((field, index) => {
      const column = layout[index];
      if (column !== undefined) properties[column.property] = cellValue(types[column.property]?.type, field);
    });
    candidates.push({
      where: `line ${row.line}`,
      target: (name) => (missing.has(name) ? undefined : `line ${row.line}: ${titleOf.get(name) ?? name}`),
      order: (name) => header.fields.indexOf(titleOf.get(name) ?? ''),
      cells: true,
      properties,
    });
  }
  return { candidates, problems };
}

/** Report rows are flat: `{"value": [{…}]}` nests three levels; a value nested deeper is refused unread. */
const MAX_JSON_DEPTH = 8;

function deeperThan(value: unknown, limit: number): boolean {
  if (typeof value !== 'object' || value === null) return false;
  if (limit === 0) return true;
  return Object.values(value).some((child) => deeperThan(child, limit - 1));
}

function readJson(text: string, report: ReportDeclaration, maxRows: number): ReadRows {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new BadRequestError('The request body is not valid JSON.');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new BadRequestError(
      'The request body must be a JSON object {"value": [...]}, as the report function answers with $format=application/json.',
    );
  }
  if (deeperThan(parsed, MAX_JSON_DEPTH)) {
    throw new BadRequestError(`The request body is nested deeper than ${MAX_JSON_DEPTH} levels: report rows are flat.`);
  }
  const body = parsed as JsonObject;
  const problems: ErrorDetail[] = [];
  const collectionContext = `$metadata#Collection(${GRAPH_NAMESPACE}.${report.typeName})`;
  for (const [name, value] of Object.entries(body)) {
    if (name === 'value') continue;
    if (name === '@odata.context') {
      if (typeof value !== 'string' || !value.endsWith(collectionContext)) {
        problems.push({
          code: 'invalidValue',
          target: name,
          message: `The context of these rows ends with '${collectionContext}': this is another report's output.`,
        });
      }
    } else if (!name.startsWith('@odata.')) {
      // Other OData annotations (`@odata.nextLink` of a page of rows) say nothing about the rows: ignored.
      problems.push({
        code: 'unknownProperty',
        target: name,
        message: `'${name}' is not part of a report's output: the rows are in 'value'.`,
      });
    }
  }
  const value = body.value;
  if (!Array.isArray(value)) {
    problems.push({
      code: value === undefined ? 'missingProperty' : 'invalidValue',
      target: 'value',
      message: "The rows are an array in 'value'.",
    });
    return { candidates: [], problems };
  }
  if (value.length > maxRows) throw tooManyRows(maxRows);
  const candidates: RowCandidate[] = [];
  value.forEach((item: unknown, index) => {
    const where = `value[${index}]`;
    if (typeof item !== 'object' || item === null || Array.isArray(item)) {
      problems.push({ code: 'invalidValue', target: where, message: 'A row is a JSON object.' });
      return;
    }
    const { id, ...properties } = item as JsonObject;
    if (id !== undefined) {
      problems.push({
        code: 'unknownProperty',
        target: `${where}.id`,
        message: "A report row has no 'id': the service derives it from the row's key.",
      });
    }
    for (const column of report.columns) {
      if (!(column.property in properties)) {
        problems.push({
          code: 'missingProperty',
          target: `${where}.${column.property}`,
          message: `Every row of the report has '${column.property}' (null when it has no value).`,
        });
      }
    }
    candidates.push({
      where,
      target: (name) => `${where}.${name}`,
      order: (name) => report.columns.findIndex((column) => column.property === name),
      cells: false,
      properties,
    });
  });
  return { candidates, problems };
}

/** The rows as entities, or every problem with them; a key appears once per import. */
function validateRows(
  candidates: readonly RowCandidate[],
  definition: ResourceDefinition,
  report: ReportDeclaration,
): { entities: Entity[]; problems: ErrorDetail[] } {
  const entities: Entity[] = [];
  const problems: ErrorDetail[] = [];
  const firstWithKey = new Map<string, string>();
  for (const candidate of candidates) {
    let entity: Entity;
    try {
      entity = parseCreate(definition, candidate.properties);
    } catch (error) {
      if (!(error instanceof BadRequestError)) throw error;
      const ordered = [...error.details].sort((a, b) => candidate.order(a.target) - candidate.order(b.target));
      for (const detail of ordered) {
        const target = candidate.target(detail.target);
        if (target === undefined) continue;
        const empty = candidate.cells && candidate.properties[detail.target] === null;
        problems.push(
          empty
            ? { ...detail, target, message: 'The cell is empty: this column needs a value.' }
            : { ...detail, target },
        );
      }
      continue;
    }
    const first = firstWithKey.get(entity.id);
    if (first !== undefined) {
      const key = report.keys.map((name) => `${name} ${String(entity.data[name])}`).join(', ');
      problems.push({
        code: 'duplicateKey',
        target: candidate.where,
        message: `The row has the key of ${first} (${key}): each row of an import has a key of its own.`,
      });
      continue;
    }
    firstWithKey.set(entity.id, candidate.where);
    entities.push(entity);
  }
  return { entities, problems };
}

/** Where a problem is: 0 for the body or the header line, else its line (CSV) or index + 1 (JSON). */
function positionOf(target: string): number {
  const match = /^(?:line (\d+)|value\[(\d+)\])/.exec(target);
  if (match?.[1] !== undefined) return Number(match[1]) === 1 ? 0 : Number(match[1]);
  return match?.[2] === undefined ? 0 : Number(match[2]) + 1;
}

/** The problems row by row (the body's and the header's first), each once: a property reported missing by
 * the reader and by validation is one problem. */
function inRowOrder(problems: readonly ErrorDetail[]): ErrorDetail[] {
  const seen = new Set<string>();
  return problems
    .filter((problem) => {
      const key = `${problem.code} ${problem.target}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    })
    .map((problem, index) => ({ problem, index, position: positionOf(problem.target) }))
    .sort((a, b) => a.position - b.position || a.index - b.index)
    .map(({ problem }) => problem);
}

function refused(problems: readonly ErrorDetail[]): BadRequestError {
  const listed = problems.slice(0, MAX_IMPORT_DETAILS);
  const count = problems.length === 1 ? 'one problem' : `${problems.length} problems`;
  const which = problems.length > listed.length ? `; details lists the first ${listed.length}` : '';
  return new BadRequestError(`The import was refused (${count}${which}): nothing was written.`, listed);
}

/**
 * The stored rows an import can replace: those of the refresh dates (the first key property) it holds. A
 * row's id is derived from its key, so a stored row with an imported row's id has its refresh date.
 */
async function storedRows(
  store: EntityStore,
  input: OperationInput,
  report: ReportDeclaration,
  entities: readonly Entity[],
): Promise<Map<string, StoredEntity>> {
  const [first] = report.keys;
  const property = first === undefined ? undefined : store.query.queryable[first];
  if (first === undefined || property === undefined) throw new Error(`The report ${report.name} has no queryable key.`);
  const values = [...new Set(entities.map((entity) => String(entity.data[first])))];
  const stored = new Map<string, StoredEntity>();
  for (let start = 0; start < values.length; start += DATES_PER_QUERY) {
    const chunk = values.slice(start, start + DATES_PER_QUERY);
    const filter: SqlCondition = {
      text: `${property.path} IN (${chunk.map((_value, index) => `@k${index}`).join(', ')})`,
      parameters: chunk.map((value, index) => ({ name: `@k${index}`, value })),
    };
    let continuation: string | undefined;
    do {
      const page = await store.list(input.scope, { filter, orderBy: undefined, top: 1000, continuation }, input.budget);
      for (const entity of page.items) stored.set(entity.id, entity);
      continuation = page.continuation;
    } while (continuation !== undefined);
  }
  return stored;
}

function sameEntity(stored: StoredEntity | undefined, entity: Entity): boolean {
  return (
    stored !== undefined && stored.type === entity.type && JSON.stringify(stored.data) === JSON.stringify(entity.data)
  );
}

/** Writes the rows that differ from the stored ones; a failure part-way is a 503 the client retries. */
async function writeRows(
  collection: CollectionDeclaration,
  report: ReportDeclaration,
  input: OperationInput,
  entities: readonly Entity[],
): Promise<ImportCounts> {
  const store = input.services.stores[collection.container];
  const stored = await whileThrottled(input.budget, () => storedRows(store, input, report, entities));
  const changed = entities.filter((entity) => !sameEntity(stored.get(entity.id), entity));
  let written = 0;
  try {
    const { created, replaced } = await store.upsertMany(input.scope, changed, input.budget, {
      concurrency: input.services.config.import.writeConcurrency,
      onWritten: (counts) => {
        written += counts.created + counts.replaced;
      },
    });
    return { created, replaced, unchanged: entities.length - changed.length };
  } catch (error) {
    if (!(error instanceof ServiceError) || (error.status < 500 && error.status !== 429)) throw error;
    const retryAfter = Number(error.headers['Retry-After'] ?? DEADLINE_RETRY_AFTER_SECONDS);
    const stopped = new ServiceUnavailableError(retryAfter, error);
    throw new ServiceError(
      503,
      stopped.code,
      `The import stopped part-way: at least ${written} of the ${changed.length} new or changed rows were written. ` +
        'Send the same import again: the rows already written count as unchanged.',
      { headers: { ...stopped.headers }, cause: error },
    );
  }
}

/** The import action of a report-row collection. */
export function importOperation(collection: CollectionDeclaration): Operation {
  const report = REPORTS.find((candidate) => candidate.container === collection.container);
  if (report === undefined) throw new Error(`No report reads the container '${collection.container}'.`);
  return {
    name: `import${collection.name}`,
    method: 'POST',
    route: `${collection.route}/import`,
    aliases: [`${collection.route}/${GRAPH_NAMESPACE}.import`],
    hasBody: false,
    rawBody: { mediaTypes: IMPORT_MEDIA_TYPES, maxBytes: (config) => config.import.maxBodyBytes },
    queryOptions: [],
    access: (principal, params) => collection.access(principal, params, 'write'),
    async handle(input) {
      const raw = input.rawBody;
      if (raw === undefined) throw new Error('The import ran without its body.');
      let text: string;
      try {
        // A byte order mark is consumed here (as Graph's CSV downloads carry one).
        text = new TextDecoder('utf-8', { fatal: true }).decode(raw.bytes);
      } catch {
        throw new BadRequestError('The request body is not valid UTF-8.');
      }
      const { maxRows } = input.services.config.import;
      const read = raw.mediaType === 'text/csv' ? readCsv(text, report, maxRows) : readJson(text, report, maxRows);
      const validated = validateRows(read.candidates, collection.definition, report);
      const problems = inRowOrder([...read.problems, ...validated.problems]);
      if (problems.length > 0) throw refused(problems);
      const counts = await writeRows(collection, report, input, validated.entities);
      return {
        status: 200,
        body: {
          '@odata.context': `${serviceRoot(input.url)}/$metadata#${GRAPH_NAMESPACE}.${IMPORT_RESULT.name}`,
          ...counts,
        },
      };
    },
  };
}
