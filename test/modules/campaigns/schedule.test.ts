import { describe, expect, it } from 'vitest';
import type { Activity } from '../../../src/modules/campaigns/campaigns.ts';
import { type CampaignInput, type CheckContext, checkCampaign } from '../../../src/modules/campaigns/checks.ts';
import { formatOffset, occurrencesOf, parseOffset, parseWeekly } from '../../../src/modules/campaigns/schedule.ts';

const ams = 'Europe/Amsterdam';
const shadowDay = { id: 'a1', startsAt: '2026-11-25T08:00:00Z', endsAt: '2026-11-25T13:00:00Z' };
const at = (c: Parameters<typeof occurrencesOf>[0]) => occurrencesOf(c, shadowDay, ams).map((o) => [o.kind, o.scheduledAt]);

describe('when a campaign prompts', () => {
  it('reads offsets and weekly moments as coordinators write them', () => {
    expect(parseOffset('0')).toEqual({ kind: 'after', minutes: 0 });
    expect(parseOffset('+90m')).toEqual({ kind: 'after', minutes: 90 });
    expect(parseOffset('2h')).toEqual({ kind: 'after', minutes: 120 });
    expect(parseOffset('0d@16:00')).toEqual({ kind: 'day', days: 0, time: '16:00' });
    expect(parseOffset('1d 9.00')).toEqual({ kind: 'day', days: 1, time: '09:00' });
    for (const bad of ['', 'tomorrow', '1d@25:00', '99d@09:00', '-1h']) expect(parseOffset(bad), bad).toBeUndefined();
    expect(formatOffset({ kind: 'after', minutes: 60 })).toBe('1h');
    expect(parseWeekly('fri@15:00')).toEqual({ weekday: 5, time: '15:00' });
    expect(parseWeekly('vrijdag 15.30')).toEqual({ weekday: 5, time: '15:30' });
    expect(parseWeekly('friday')).toBeUndefined();
  });

  it('halfway: once, on the middle day of the activity at a local time, kept within the activity', () => {
    const midway = (startsAt: string, endsAt: string, time = '10:00') =>
      occurrencesOf({ id: 'c', schedule: { kind: 'midway', time } }, { id: 'a', startsAt, endsAt }, ams).map((o) => [
        o.kind,
        o.scheduledAt,
      ]);
    // Monday 16 November to Friday 4 December: Wednesday 25 November, 10:00 in Amsterdam (UTC+1).
    expect(midway('2026-11-16T07:30:00Z', '2026-12-04T16:00:00Z')).toEqual([['prompt', '2026-11-25T09:00:00.000Z']]);
    // Two days: the first; across the change to winter time the local time holds (UTC+2 in October).
    expect(midway('2026-10-22T06:00:00Z', '2026-10-23T15:00:00Z')).toEqual([['prompt', '2026-10-22T08:00:00.000Z']]);
    expect(midway('2026-10-19T06:00:00Z', '2026-11-02T15:00:00Z')).toEqual([['prompt', '2026-10-26T09:00:00.000Z']]);
    // One day, starting after the time: not before the start.
    expect(midway('2026-11-25T11:00:00Z', '2026-11-25T15:00:00Z')).toEqual([['prompt', '2026-11-25T11:00:00.000Z']]);
  });

  it('after the end: right away, some time after, or on a later day at a local time (never before the end)', () => {
    const promptAt = (offset: Parameters<typeof parseOffset>[0]) =>
      at({ id: 'c', schedule: { kind: 'after-end', offset: parseOffset(offset)! } });
    expect(promptAt('0')).toEqual([['prompt', '2026-11-25T13:00:00.000Z']]);
    expect(promptAt('90m')).toEqual([['prompt', '2026-11-25T14:30:00.000Z']]);
    expect(promptAt('0d@16:00')).toEqual([['prompt', '2026-11-25T15:00:00.000Z']]);
    expect(promptAt('0d@12:00')).toEqual([['prompt', '2026-11-25T13:00:00.000Z']]);
    expect(promptAt('1d@09:00')).toEqual([['prompt', '2026-11-26T08:00:00.000Z']]);
  });

  it('weekly during a long internship, with a preparation prompt before it starts', () => {
    const bpv = { id: 'bpv', startsAt: '2026-11-02T07:00:00Z', endsAt: '2026-11-20T15:00:00Z' };
    const list = occurrencesOf(
      { id: 'c', schedule: { kind: 'weekly', weekday: 5, time: '15:00' }, preparation: { daysBefore: 1, time: '15:00' } },
      bpv,
      ams,
    );
    expect(list.map((o) => [o.kind, o.scheduledAt])).toEqual([
      ['preparation', '2026-11-01T14:00:00.000Z'],
      ['prompt', '2026-11-06T14:00:00.000Z'],
      ['prompt', '2026-11-13T14:00:00.000Z'],
      ['prompt', '2026-11-20T14:00:00.000Z'],
    ]);
    // Ids come from what an occurrence is: the same campaign and activity give the same ids.
    expect(occurrencesOf({ id: 'c', schedule: { kind: 'weekly', weekday: 5, time: '15:00' } }, bpv, ams)[0]!.id).toBe(
      list[1]!.id,
    );
  });
});

describe('checking a campaign', () => {
  const input: CampaignInput = {
    name: 'Meeloopdag 4H',
    flowId: 'free',
    activityType: 'shadow-day',
    groupIds: ['g1'],
    schedule: { kind: 'after-end', offset: { kind: 'after', minutes: 0 } },
    reminders: { afterHours: 4, max: 1 },
    closeAfterDays: 7,
  };
  const activity = {
    ...shadowDay,
    type: 'shadow-day',
    title: 'x',
    schoolId: 's',
    groupIds: ['g1'],
    studentIds: [],
  } as unknown as Activity;
  const ctx: CheckContext = {
    now: new Date('2026-11-25T13:01:00Z'),
    timeZone: ams,
    flow: { id: 'free', title: 'Iets wat ik meemaakte' },
    flowHasPreparation: false,
    groups: [{ id: 'g1', name: '4H', members: 28 }],
    activities: [activity],
  };
  const codes = (i: Partial<CampaignInput>, c: Partial<CheckContext> = {}) =>
    checkCampaign({ ...input, ...i }, { ...ctx, ...c }).map((r) => r.code);

  it('accepts a shadow day that ended a minute ago', () => {
    expect(codes({})).toEqual([]);
  });

  it('refuses what cannot work, with every reason at once', () => {
    expect(codes({}, { now: new Date('2026-12-10T00:00:00Z') })).toEqual(['inPast']);
    expect(codes({}, { flow: undefined })).toEqual(['unknownFlow']);
    expect(codes({ preparation: { daysBefore: 1, time: '15:00' } })).toEqual(['noPreparation']);
    expect(codes({}, { groups: [{ id: 'g1', name: '4H', members: 0 }] })).toEqual(['emptyGroup']);
    expect(codes({}, { groups: [{ id: 'zz', members: 0 }] })).toEqual(['unknownGroup']);
    expect(codes({ groupIds: [] }, { groups: [] })).toEqual(['noGroups']);
    expect(codes({ reminders: { afterHours: 4, max: 9 } })).toEqual(['badReminders']);
    expect(codes({ reminders: { afterHours: 100, max: 2 }, closeAfterDays: 7 })).toEqual(['badReminders']);
    expect(codes({ closeAfterDays: 0 })).toEqual(['badWindow']);
    expect(codes({ activityType: 'party' })).toEqual(['unknownActivityType', 'wrongActivityType']);
    expect(codes({ name: ' ' }, { flow: undefined, groups: [{ id: 'g1', name: '4H', members: 0 }] })).toEqual([
      'badName',
      'unknownFlow',
      'emptyGroup',
    ]);
    expect(codes({ activityIds: ['nope'] }, { activities: [undefined] })).toEqual(['unknownActivity']);
  });

  it('accepts a preparation prompt when the flow has one', () => {
    expect(codes({ preparation: { daysBefore: 1, time: '15:00' } }, { flowHasPreparation: true })).toEqual([]);
  });
});
