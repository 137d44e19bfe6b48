import { describe, expect, it } from 'vitest';
import { BadRequestError } from '../../src/errors';
import { activityStatistics } from '../../src/model/activityStatistics';
import { itemActivity } from '../../src/model/itemActivity';
import { type Entity, type JsonObject, applyPatch, parseCreate } from '../../src/model/resource';
import { deterministicId, office365ActivationCounts, office365ActiveUserCounts } from '../../src/model/reportRows';
import {
  correctedActivationCounts,
  correctedActiveUserCounts,
  seedActivationCounts,
  seedActivationCountsInvalid,
  seedActiveUserCounts,
  seedActiveUserCountsInvalid,
  seedActivityStatistics,
  seedActivityStatisticsInvalid,
  seedItemActivity,
} from '../support/fixtures';

function refusal(run: () => unknown): { targets: string[]; error: BadRequestError } {
  try {
    run();
  } catch (error) {
    if (error instanceof BadRequestError) return { targets: error.details.map((d) => d.target).sort(), error };
    throw error;
  }
  throw new Error('expected a BadRequestError');
}

const week = { startDate: '2019-06-16', endDate: '2019-06-22', duration: 'PT2H' };

describe('activityStatistics: concrete type resolution (§2.1)', () => {
  it('takes the type from activity when @odata.type is absent, and fills defaults and the natural id', () => {
    const entity = parseCreate(activityStatistics, { activity: 'Meeting', ...week });
    expect(entity.type).toBe('meetingActivityStatistics');
    expect(entity.id).toBe('meeting_2019-06-16_2019-06-22');
    expect(entity.data).toEqual({
      activity: 'Meeting',
      ...week,
      timeZoneUsed: null,
      afterHours: 'PT0S',
      conflicting: 'PT0S',
      long: 'PT0S',
      multitasking: 'PT0S',
      organized: 'PT0S',
      recurring: 'PT0S',
    });
  });

  it('takes the type from a concrete @odata.type (with or without #) and fills activity', () => {
    for (const odataType of ['#microsoft.graph.focusActivityStatistics', 'microsoft.graph.focusActivityStatistics']) {
      const entity = parseCreate(activityStatistics, { '@odata.type': odataType, ...week });
      expect(entity.type).toBe('focusActivityStatistics');
      expect(entity.data.activity).toBe('Focus');
      expect(entity.id).toBe('focus_2019-06-16_2019-06-22');
    }
  });

  it('uses activity when @odata.type names the base type', () => {
    const entity = parseCreate(activityStatistics, {
      '@odata.type': '#microsoft.graph.activityStatistics',
      activity: 'Chat',
      ...week,
    });
    expect(entity.type).toBe('chatActivityStatistics');
  });

  it('refuses a type and activity that disagree', () => {
    const { targets } = refusal(() =>
      parseCreate(activityStatistics, {
        '@odata.type': '#microsoft.graph.callActivityStatistics',
        activity: 'Email',
        ...week,
      }),
    );
    expect(targets).toEqual(['activity']);
  });

  it('refuses when neither @odata.type nor activity decides', () => {
    expect(refusal(() => parseCreate(activityStatistics, { ...week })).targets).toEqual(['activity']);
    expect(refusal(() => parseCreate(activityStatistics, { activity: null, ...week })).targets).toEqual(['activity']);
  });

  it('refuses an unknown @odata.type', () => {
    expect(
      refusal(() =>
        parseCreate(activityStatistics, { '@odata.type': '#microsoft.graph.user', activity: 'Call', ...week }),
      ).targets,
    ).toEqual(['@odata.type']);
  });

  it('names every invalid property of the seed body, even though no type can be chosen', () => {
    expect(refusal(() => parseCreate(activityStatistics, seedActivityStatistics)).targets).toEqual(
      [...seedActivityStatisticsInvalid].sort(),
    );
  });

  it('refuses unknown properties (closed type), including extras of another concrete type', () => {
    const { targets } = refusal(() =>
      parseCreate(activityStatistics, { activity: 'Focus', ...week, afterHours: 'PT1H', color: 'red' }),
    );
    expect(targets).toEqual(['afterHours', 'color']);
  });

  it('refuses an endDate before the startDate, and missing required properties', () => {
    expect(
      refusal(() => parseCreate(activityStatistics, { activity: 'Call', ...week, endDate: '2019-06-15' })).targets,
    ).toEqual(['endDate']);
    const missing = refusal(() => parseCreate(activityStatistics, { activity: 'Call' }));
    expect(missing.targets).toEqual(['duration', 'endDate', 'startDate']);
    expect(missing.error.details.every((d) => d.code === 'missingProperty')).toBe(true);
  });

  it('keeps a client id, refuses a malformed one, and refuses unknown annotations', () => {
    expect(parseCreate(activityStatistics, { id: 'mine', activity: 'Call', ...week }).id).toBe('mine');
    expect(refusal(() => parseCreate(activityStatistics, { id: 'a/b', activity: 'Call', ...week })).targets).toEqual([
      'id',
    ]);
    expect(refusal(() => parseCreate(activityStatistics, { '@custom': 1, activity: 'Call', ...week })).targets).toEqual(
      ['@custom'],
    );
  });

  it('ignores annotations the server computes (a GET body can be posted back)', () => {
    const entity = parseCreate(activityStatistics, {
      '@odata.context': 'x',
      '@odata.etag': 'y',
      activity: 'Call',
      ...week,
    });
    expect(entity.type).toBe('callActivityStatistics');
  });
});

describe('activityStatistics: PATCH', () => {
  const stored = parseCreate(activityStatistics, { activity: 'Call', ...week }) as Entity<JsonObject>;

  it('merges and re-validates', () => {
    const updated = applyPatch(activityStatistics, stored, {
      afterHours: '-PT1M',
      timeZoneUsed: 'Pacific Standard Time',
    });
    expect(updated.data).toMatchObject({
      afterHours: '-PT1M',
      timeZoneUsed: 'Pacific Standard Time',
      duration: 'PT2H',
    });
    expect(updated.id).toBe(stored.id);
  });

  it('re-validates the merged entity', () => {
    expect(refusal(() => applyPatch(activityStatistics, stored, { endDate: '2019-06-01' })).targets).toEqual([
      'endDate',
    ]);
  });

  it('refuses a change of id, type or activity', () => {
    expect(refusal(() => applyPatch(activityStatistics, stored, { id: 'other' })).targets).toEqual(['id']);
    expect(
      refusal(() =>
        applyPatch(activityStatistics, stored, { '@odata.type': '#microsoft.graph.emailActivityStatistics' }),
      ).targets,
    ).toEqual(['@odata.type']);
    expect(refusal(() => applyPatch(activityStatistics, stored, { activity: 'Chat' })).targets).toEqual(['activity']);
  });

  it('refuses properties of another concrete type', () => {
    expect(refusal(() => applyPatch(activityStatistics, stored, { readEmail: 'PT1M' })).targets).toEqual(['readEmail']);
  });
});

describe('itemActivity (open)', () => {
  it('accepts the seed body as written and normalizes nested @odata.type to Graph form', () => {
    const entity = parseCreate(itemActivity, seedItemActivity);
    expect(entity.type).toBe('itemActivity');
    expect(entity.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(entity.data).toMatchObject({
      access: { '@odata.type': '#microsoft.graph.accessAction' },
      actor: { '@odata.type': '#microsoft.graph.identitySet', application: { id: 'Id value' } },
    });
  });

  it('keeps dynamic properties and property annotations', () => {
    const entity = parseCreate(itemActivity, { custom: { nested: [1, 2] }, 'count@odata.type': '#Int64', count: 3 });
    expect(entity.data).toEqual({ custom: { nested: [1, 2] }, 'count@odata.type': '#Int64', count: 3 });
  });

  it('refuses bad dynamic names, a wrong nested type and a bad date', () => {
    const { targets } = refusal(() =>
      parseCreate(itemActivity, {
        'bad name': 1,
        access: { '@odata.type': 'microsoft.graph.identity' },
        activityDateTime: '2017-01-01',
        actor: { user: { 'a.b': 1 } },
      }),
    );
    expect(targets).toEqual(['access.@odata.type', 'activityDateTime', 'actor.user.a.b', 'bad name']);
  });

  it('refuses a wrong top-level @odata.type', () => {
    expect(refusal(() => parseCreate(itemActivity, { '@odata.type': '#microsoft.graph.driveItem' })).targets).toEqual([
      '@odata.type',
    ]);
  });
});

describe('report rows', () => {
  it('names every invalid property of the seed bodies', () => {
    expect(refusal(() => parseCreate(office365ActivationCounts, seedActivationCounts)).targets).toEqual(
      seedActivationCountsInvalid,
    );
    expect(refusal(() => parseCreate(office365ActiveUserCounts, seedActiveUserCounts)).targets).toEqual(
      [...seedActiveUserCountsInvalid].sort(),
    );
  });

  it('derives a deterministic id from the row key', () => {
    const first = parseCreate(office365ActivationCounts, correctedActivationCounts);
    const again = parseCreate(office365ActivationCounts, { ...correctedActivationCounts, windows: 99 });
    const other = parseCreate(office365ActivationCounts, { ...correctedActivationCounts, productType: 'Other' });
    expect(first.id).toBe(again.id);
    expect(first.id).not.toBe(other.id);
    expect(first.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    // Key parts are framed, so different splits of the same characters never collide.
    expect(deterministicId('a', ['b\u0000c'])).not.toBe(deterministicId('a', ['b', 'c']));
    expect(deterministicId('a', ['b,c'])).not.toBe(deterministicId('a', ['b', 'c']));
  });

  it('returns every declared property, unset counts as null', () => {
    const entity = parseCreate(office365ActiveUserCounts, {
      reportRefreshDate: '2019-06-16',
      reportDate: '2019-06-15',
      reportPeriod: '30',
    });
    expect(entity.data).toMatchObject({ office365: null, teams: null, reportPeriod: '30' });
  });

  it('refuses counts that are not non-negative integers and unknown properties', () => {
    const { targets } = refusal(() =>
      parseCreate(office365ActivationCounts, {
        ...correctedActivationCounts,
        windows: '7',
        mac: -1,
        ios: 3.5,
        linux: 1,
      }),
    );
    expect(targets).toEqual(['ios', 'linux', 'mac', 'windows']);
  });

  it('refuses a period that is not a day count Graph writes', () => {
    expect(
      refusal(() => parseCreate(office365ActiveUserCounts, { ...correctedActiveUserCounts, reportPeriod: 'D7' }))
        .targets,
    ).toEqual(['reportPeriod']);
  });
});
