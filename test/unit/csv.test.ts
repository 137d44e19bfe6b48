/**
 * RFC 4180 as Graph's report downloads write it: byte order mark, CRLF or LF, quoted fields with commas,
 * doubled quotes and line breaks, empty fields; malformed quoting reported with its line. And the reverse:
 * what the report functions write reads back as the same fields.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseCsv } from '../../src/model/csv';
import { toCsv } from '../../src/operations/reports';

const fieldsOf = (text: string) => parseCsv(text).records.map((record) => record.fields);

describe('parseCsv', () => {
  it('reads CRLF and LF lines alike, with or without a final line end', () => {
    const expected = [
      ['a', 'b'],
      ['1', '2'],
    ];
    expect(fieldsOf('a,b\r\n1,2\r\n')).toEqual(expected);
    expect(fieldsOf('a,b\n1,2\n')).toEqual(expected);
    expect(fieldsOf('a,b\n1,2')).toEqual(expected);
    expect(fieldsOf('a,b\r\n1,2\n')).toEqual(expected);
    expect(parseCsv('a,b\n1,2').problems).toEqual([]);
  });

  it('drops a UTF-8 byte order mark at the start only', () => {
    expect(fieldsOf('\uFEFFReport Refresh Date,Product Type\r\n')).toEqual([['Report Refresh Date', 'Product Type']]);
    expect(fieldsOf('a,\uFEFFb\r\n')).toEqual([['a', '\uFEFFb']]);
  });

  it('reads quoted fields: commas, doubled quotes, line breaks, empty', () => {
    const parsed = parseCsv('x,"a, ""b""","c\r\nd",""\r\n,,"",e\r\nnext,1\r\n');
    expect(parsed.problems).toEqual([]);
    expect(parsed.records).toEqual([
      { line: 1, fields: ['x', 'a, "b"', 'c\r\nd', ''] },
      { line: 3, fields: ['', '', '', 'e'] },
      { line: 4, fields: ['next', '1'] },
    ]);
  });

  it('keeps each record on the line it starts, and skips empty lines', () => {
    expect(parseCsv('h\n\n"a\nb"\n\nc\n\n').records).toEqual([
      { line: 1, fields: ['h'] },
      { line: 3, fields: ['a\nb'] },
      { line: 6, fields: ['c'] },
    ]);
  });

  it('names the line of malformed quoting', () => {
    expect(parseCsv('h\na"b,c\n').problems).toEqual([
      {
        line: 2,
        message: 'A quote inside a field that is not quoted (RFC 4180: quote the field and double the quote).',
      },
    ]);
    expect(parseCsv('h\n"a"b,c\n').problems).toEqual([
      { line: 2, message: 'A quoted field has characters after its closing quote.' },
    ]);
    expect(parseCsv('h\n"a"b,c\n').records[1]?.fields).toEqual(['a', 'c']);
    expect(parseCsv('h\n1\n"open,\nmore\n').problems).toEqual([
      { line: 3, message: 'A quoted field is not closed: its closing quote is missing.' },
    ]);
  });

  it('reads back whatever the report functions write (any text in any field)', () => {
    const text = fc.string({ unit: fc.constantFrom('a', ',', '"', '\r', '\n', ' ', 'é', '\uFEFF') });
    fc.assert(
      fc.property(fc.array(fc.array(text, { minLength: 2, maxLength: 4 }), { minLength: 1, maxLength: 5 }), (rows) => {
        const width = rows[0]?.length ?? 0;
        const table = [
          ['h1', ...Array.from({ length: width - 1 }, (_, i) => `h${i + 2}`)],
          ...rows.map((row) => row.slice(0, width)),
        ].filter((row) => row.length === width);
        const parsed = parseCsv(toCsv(table[0] ?? [], table.slice(1)));
        expect(parsed.problems).toEqual([]);
        expect(parsed.records.map((record) => record.fields)).toEqual(table);
      }),
      { numRuns: 300, seed: 13 },
    );
  });
});
