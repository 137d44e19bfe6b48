import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  EDM_DATE_PATTERN,
  EDM_DATE_TIME_OFFSET_PATTERN,
  EDM_DURATION_PATTERN,
  ENTITY_ID_PATTERN,
  analyticsActivityType,
  edmCount,
  edmDate,
  edmDateTimeOffset,
  edmDuration,
  entityId,
  isEdmDate,
  isEdmDateTimeOffset,
  isEdmDuration,
  isEntityId,
} from '../../src/model/edm';

describe('Edm.Date', () => {
  it.each(['2019-06-16', '2020-02-29', '0001-01-01', '9999-12-31'])('accepts %s', (value) => {
    expect(isEdmDate(value)).toBe(true);
  });
  it.each([
    'Date',
    '2019-02-30',
    '2019-02-29',
    '2019-13-01',
    '2019-00-10',
    '2019-6-16',
    '2019-06-16T00:00:00Z',
    '0000-01-01',
    '',
  ])('refuses %s', (value) => {
    expect(isEdmDate(value)).toBe(false);
  });
  it('refuses non-strings with Graph wording', () => {
    const result = edmDate.safeParse(20190616);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toBe(
      "Cannot convert the literal '20190616' to the expected type 'Edm.Date'.",
    );
  });
});

describe('Edm.Date against the JavaScript calendar', () => {
  it('accepts exactly the real days of a whole 400-year cycle and the years around it', () => {
    const real = (year: number, month: number, day: number) => {
      const date = new Date(0);
      date.setUTCFullYear(year, month - 1, day);
      return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
    };
    const years = [...Array.from({ length: 401 }, (_, i) => 1600 + i), 1, 4, 99, 100, 400, 9996, 9999];
    for (const year of years) {
      for (let month = 1; month <= 12; month += 1) {
        for (let day = 28; day <= 32; day += 1) {
          const value = `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
          expect(isEdmDate(value), value).toBe(real(year, month, day));
        }
      }
    }
  });
});

describe('Edm.DateTimeOffset', () => {
  it.each([
    '2017-01-01T00:02:10.8639373+03:00',
    '2017-01-01T00:02:10Z',
    '2017-01-01T00:02Z',
    '2017-01-01T23:59:59.123-14:00',
    '2020-02-29T12:00:00z',
  ])('accepts %s', (value) => {
    expect(isEdmDateTimeOffset(value)).toBe(true);
  });
  it.each([
    'yesterday',
    '2017-01-01T00:02:10',
    '2017-01-01',
    '2017-01-01T24:00:00Z',
    '2017-01-01T00:60:00Z',
    '2017-02-30T00:00:00Z',
    '2017-01-01T00:00:00+15:00',
    '2017-01-01 00:00:00Z',
  ])('refuses %s', (value) => {
    expect(isEdmDateTimeOffset(value)).toBe(false);
  });
  it('names the type in its message', () => {
    expect(edmDateTimeOffset.safeParse('yesterday').error?.issues[0]?.message).toContain('Edm.DateTimeOffset');
  });
});

describe('Edm.Duration', () => {
  it.each(['PT0S', '-PT1M55.0810357S', 'P1DT2H', 'P3D', 'PT1H', 'PT0.5S', '-P1D', 'P1DT2H3M4.5S'])(
    'accepts %s',
    (value) => {
      expect(isEdmDuration(value)).toBe(true);
    },
  );
  it.each(['P1Y', 'P1M', 'PT', 'P', '1h', '-', 'PT1.S', 'P1DT', 'pt1h', '+PT1H', 'PT1H2S3M', ''])(
    'refuses %s',
    (value) => {
      expect(isEdmDuration(value)).toBe(false);
    },
  );
  it('refuses a number', () => {
    expect(edmDuration.safeParse(60).success).toBe(false);
  });
});

describe('Edm.Int64 counts', () => {
  it.each([0, 9157, Number.MAX_SAFE_INTEGER])('accepts %s', (value) => {
    expect(edmCount.safeParse(value).success).toBe(true);
  });
  it.each([3.5, '7', -1, Number.MAX_SAFE_INTEGER + 1, null, true])('refuses %s', (value) => {
    expect(edmCount.safeParse(value).success).toBe(false);
  });
});

describe('analyticsActivityType', () => {
  it.each(['Email', 'Meeting', 'Focus', 'Chat', 'Call'])('accepts %s', (value) => {
    expect(analyticsActivityType.safeParse(value).success).toBe(true);
  });
  it.each(['String', 'call', 'EMAIL', '', 3])('refuses %s', (value) => {
    const result = analyticsActivityType.safeParse(value);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toContain('Allowed values: Email, Meeting, Focus, Chat, Call');
  });
});

describe('entity ids', () => {
  it.each(['a', 'email_2019-06-16_2019-06-17', 'x'.repeat(255), 'with space', 'ünïcode'])('accepts %s', (value) => {
    expect(entityId.safeParse(value).success).toBe(true);
  });
  it.each(['', 'x'.repeat(256), 'a/b', 'a\\b', 'a?b', 'a#b', 'a\u0000b', 'a\nb'])('refuses %j', (value) => {
    expect(entityId.safeParse(value).success).toBe(false);
  });
});

describe('the JSON Schema patterns (OpenAPI) accept exactly what the functions accept', () => {
  const pattern = (source: string) => new RegExp(source, 'u');
  const digits = (n: number, max = 10 ** n - 1) => fc.integer({ min: 0, max }).map((v) => String(v).padStart(n, '0'));
  /** Dates near the calendar's edges: month ends, leap days, centuries, year 0. */
  const dateLike = fc
    .tuple(
      fc.oneof(digits(4), fc.constantFrom('0000', '0001', '1900', '2000', '2100', '2400', '2019', '2020')),
      fc.oneof(digits(2, 13), fc.constantFrom('02')),
      fc.oneof(digits(2, 32), fc.constantFrom('28', '29', '30', '31')),
    )
    .map(([y, m, d]) => `${y}-${m}-${d}`);

  it('Edm.Date', () => {
    fc.assert(
      fc.property(fc.oneof(dateLike, fc.string({ maxLength: 12 })), (value) => {
        expect(pattern(EDM_DATE_PATTERN).test(value), value).toBe(isEdmDate(value));
      }),
      { numRuns: 1000 },
    );
  });

  it('Edm.DateTimeOffset', () => {
    const time = fc
      .tuple(
        digits(2, 25),
        digits(2, 61),
        fc.option(digits(2, 61)),
        fc.option(fc.stringMatching(/^\.\d{1,14}$/)),
        fc.constantFrom('Z', 'z', '+03:00', '-14:00', '+15:00', '+14:60', '', '+0300'),
        fc.constantFrom('T', 't', ' '),
      )
      .map(([h, m, s, f, zone, t]) => [t, h, ':', m, s === null ? '' : `:${s}${f ?? ''}`, zone]);
    fc.assert(
      fc.property(
        fc.oneof(
          fc.tuple(dateLike, time).map(([date, parts]) => `${date}${parts.join('')}`),
          fc.string({ maxLength: 30 }),
        ),
        (value) => {
          expect(pattern(EDM_DATE_TIME_OFFSET_PATTERN).test(value), value).toBe(isEdmDateTimeOffset(value));
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('Edm.Duration', () => {
    const part = fc.constantFrom('1D', '2H', '3M', '4S', '4.5S', 'T', 'P', '-', '1Y', '', '.5S', '12');
    fc.assert(
      fc.property(
        fc.oneof(
          fc.array(part, { maxLength: 6 }).map((parts) => parts.join('')),
          fc.string({ maxLength: 10 }),
        ),
        (value) => {
          expect(pattern(EDM_DURATION_PATTERN).test(value), value).toBe(isEdmDuration(value));
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('entity ids (the length bound aside, which minLength and maxLength carry)', () => {
    const id = fc.oneof(
      fc.string({ maxLength: 8 }),
      fc.string({ unit: 'binary', maxLength: 6 }),
      fc.constantFrom('.', '..', '...', '$count', 'a$', ' a', 'a ', '\u00a0a', 'a/b', 'a#', '\ud800', '😀', "a'b"),
    );
    fc.assert(
      fc.property(id, (value) => {
        const inBounds = value.length >= 1 && value.length <= 255;
        expect(inBounds && pattern(ENTITY_ID_PATTERN).test(value), JSON.stringify(value)).toBe(isEntityId(value));
      }),
      { numRuns: 1000 },
    );
  });
});
