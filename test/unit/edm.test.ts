import { describe, expect, it } from 'vitest';
import {
  analyticsActivityType,
  edmCount,
  edmDate,
  edmDateTimeOffset,
  edmDuration,
  entityId,
  isEdmDate,
  isEdmDateTimeOffset,
  isEdmDuration,
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
