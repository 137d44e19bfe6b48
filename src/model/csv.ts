/**
 * CSV as RFC 4180 writes it, read the way Graph's report downloads come: an optional UTF-8 byte order mark,
 * CRLF or LF line ends, fields with a comma, a quote or a line break quoted (quotes doubled). Every record
 * keeps the line it starts on, so a problem can name it; empty lines are no records.
 */

export interface CsvRecord {
  /** The line the record starts on (1-based; a quoted field may span lines). */
  readonly line: number;
  readonly fields: readonly string[];
}

/** Something the text breaks RFC 4180 with, on one line. */
export interface CsvProblem {
  readonly line: number;
  readonly message: string;
}

export interface ParsedCsv {
  readonly records: readonly CsvRecord[];
  readonly problems: readonly CsvProblem[];
}

const BYTE_ORDER_MARK = '\uFEFF';
const COMMA = 0x2c;
const LINE_FEED = 0x0a;
const CARRIAGE_RETURN = 0x0d;
const QUOTE = 0x22;

/**
 * Splits `text` into records of fields. Malformed quoting is reported (with its line) rather than guessed at;
 * the record it is in is still returned, as well as it could be read.
 */
export function parseCsv(text: string): ParsedCsv {
  const source = text.startsWith(BYTE_ORDER_MARK) ? text.slice(1) : text;
  const records: CsvRecord[] = [];
  const problems: CsvProblem[] = [];
  let line = 1;
  let recordLine = 1;
  let fields: string[] = [];
  let field = '';
  let position = 0;
  const length = source.length;

  const endRecord = () => {
    fields.push(field);
    // A line with nothing on it is no record (a trailing line end, or a blank line).
    if (!(fields.length === 1 && fields[0] === '')) records.push({ line: recordLine, fields });
    fields = [];
    field = '';
  };

  while (position < length) {
    const character = source[position];
    if (character === '"' && field === '') {
      // A quoted field: up to the quote that is not doubled.
      const opened = line;
      position += 1;
      let closed = false;
      let start = position;
      while (position < length) {
        const next = source.indexOf('"', position);
        const segmentEnd = next === -1 ? length : next;
        for (let i = position; i < segmentEnd; i += 1) if (source[i] === '\n') line += 1;
        if (next === -1) {
          field += source.slice(start, length);
          position = length;
          break;
        }
        field += source.slice(start, next);
        if (source[next + 1] === '"') {
          field += '"';
          position = next + 2;
          start = position;
          continue;
        }
        position = next + 1;
        closed = true;
        break;
      }
      if (!closed) {
        problems.push({ line: opened, message: 'A quoted field is not closed: its closing quote is missing.' });
        break;
      }
      const after = source[position];
      if (
        after !== undefined &&
        after !== ',' &&
        after !== '\n' &&
        !(after === '\r' && source[position + 1] === '\n')
      ) {
        problems.push({ line, message: 'A quoted field has characters after its closing quote.' });
        // Skip to the end of the field, so the rest of the line still reads as fields.
        while (position < length && source[position] !== ',' && source[position] !== '\n') position += 1;
        if (source[position - 1] === '\r') position -= 1;
      }
      continue;
    }
    if (character === ',') {
      fields.push(field);
      field = '';
      position += 1;
      continue;
    }
    if (character === '\n' || (character === '\r' && source[position + 1] === '\n')) {
      endRecord();
      position += character === '\r' ? 2 : 1;
      line += 1;
      recordLine = line;
      continue;
    }
    // An unquoted field: its characters up to the next comma, line end or quote, in one slice.
    let end = position;
    while (end < length) {
      const code = source.charCodeAt(end);
      if (code === COMMA || code === LINE_FEED || code === QUOTE || code === CARRIAGE_RETURN) break;
      end += 1;
    }
    if (end > position) {
      field += source.slice(position, end);
      position = end;
      continue;
    }
    if (character === '"') {
      problems.push({
        line,
        message: 'A quote inside a field that is not quoted (RFC 4180: quote the field and double the quote).',
      });
    }
    // A quote inside an unquoted field, or a carriage return that ends no line: kept as they are.
    field += character;
    position += 1;
  }
  if (field !== '' || fields.length > 0) endRecord();
  return { records, problems };
}
