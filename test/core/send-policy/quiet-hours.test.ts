import { describe, expect, it } from 'vitest';
import {
  isAllowed,
  type MessageKind,
  messageRules,
  nextAllowed,
  quietReason,
} from '../../../src/core/send-policy/quiet-hours.ts';
import { schoolPolicy } from '../../helpers/send-policy.ts';

// The one rule for "may the bot message this person now?" (docs/quiet-hours.md): the school's quiet
// hours and weekends for every kind, holidays for messages to students, the pause for questions.

const iso = (d: Date | undefined) => d?.toISOString();
const kinds = Object.keys(messageRules) as MessageKind[];
const toStudents: MessageKind[] = ['campaign-prompt', 'student-follow-up', 'mentor-note'];
const toStaff: MessageKind[] = ['mentor-digest', 'mentor-reminder', 'mentor-handover', 'quality-cycle-reminder'];

describe('the next moment a prompt may go out', () => {
  const p = schoolPolicy('midden');
  it('is now on a school day between 08:00 and 20:00', () => {
    expect(iso(nextAllowed(new Date('2026-11-25T13:00:00Z'), p, 'campaign-prompt'))).toBe('2026-11-25T13:00:00.000Z');
    expect(quietReason(new Date('2026-11-25T13:00:00Z'), p, 'campaign-prompt')).toBeUndefined();
  });

  it('is the next school morning after 20:00, before 08:00, at weekends and in holidays', () => {
    expect(iso(nextAllowed(new Date('2026-11-25T19:00:00Z'), p, 'campaign-prompt'))).toBe('2026-11-26T07:00:00.000Z');
    expect(iso(nextAllowed(new Date('2026-11-26T05:00:00Z'), p, 'campaign-prompt'))).toBe('2026-11-26T07:00:00.000Z');
    expect(iso(nextAllowed(new Date('2026-11-27T19:30:00Z'), p, 'campaign-prompt'))).toBe('2026-11-30T07:00:00.000Z');
    expect(quietReason(new Date('2026-11-28T12:00:00Z'), p, 'campaign-prompt')).toBe('weekend');
    expect(iso(nextAllowed(new Date('2026-12-18T20:00:00Z'), p, 'campaign-prompt'))).toBe('2027-01-04T07:00:00.000Z');
    expect(quietReason(new Date('2026-12-24T12:00:00Z'), p, 'campaign-prompt')).toBe('holiday');
  });

  it('waits for the end of a student’s pause, whatever form its time was stored in', () => {
    const pause = { since: '2026-11-20T00:00:00Z', until: '2026-12-01T12:00:00Z' };
    expect(quietReason(new Date('2026-11-25T13:00:00Z'), p, 'campaign-prompt', pause)).toBe('paused');
    expect(iso(nextAllowed(new Date('2026-11-25T13:00:00Z'), p, 'campaign-prompt', pause))).toBe('2026-12-01T12:00:00.000Z');
    expect(quietReason(new Date('2026-12-01T12:00:00.000Z'), p, 'campaign-prompt', pause)).toBeUndefined();
    // A pause that ends at night: the next morning.
    expect(
      iso(nextAllowed(new Date('2026-11-25T13:00:00Z'), p, 'campaign-prompt', { ...pause, until: '2026-11-26T22:00:00Z' })),
    ).toBe('2026-11-27T07:00:00.000Z');
  });

  it('follows the school’s own quiet hours, also allowing weekends', () => {
    const late = schoolPolicy('midden', { quietHours: { before: '09:30', after: '17:00', weekends: false } });
    expect(iso(nextAllowed(new Date('2026-11-28T07:00:00Z'), late, 'campaign-prompt'))).toBe('2026-11-28T08:30:00.000Z');
    expect(iso(nextAllowed(new Date('2026-11-25T16:00:00Z'), late, 'campaign-prompt'))).toBe('2026-11-26T08:30:00.000Z');
  });
});

describe('the default hours for mentors’ messages', () => {
  const tz = schoolPolicy();
  it('allow messages on school days from 08:00 until 20:00 only', () => {
    expect(isAllowed(new Date('2026-11-06T14:00:00Z'), tz, 'mentor-digest')).toBe(true); // Fri 15:00
    expect(isAllowed(new Date('2026-11-06T06:59:00Z'), tz, 'mentor-digest')).toBe(false); // Fri 07:59
    expect(isAllowed(new Date('2026-11-06T19:00:00Z'), tz, 'mentor-digest')).toBe(false); // Fri 20:00
    expect(isAllowed(new Date('2026-11-07T11:00:00Z'), tz, 'mentor-digest')).toBe(false); // Saturday
    expect(nextAllowed(new Date('2026-11-06T19:30:00Z'), tz, 'mentor-note')?.toISOString()).toBe('2026-11-09T07:00:00.000Z'); // Mon 08:00
    expect(nextAllowed(new Date('2026-11-03T05:00:00Z'), tz, 'mentor-note')?.toISOString()).toBe('2026-11-03T07:00:00.000Z'); // Tue 08:00
    const open = new Date('2026-11-03T12:34:00Z');
    expect(nextAllowed(open, tz, 'mentor-note')).toBe(open);
  });
});

describe('one rule for every kind of message', () => {
  it('holds every kind in the school’s own quiet hours and at weekends', () => {
    const school = schoolPolicy('midden', { quietHours: { before: '09:30', after: '17:00', weekends: true } });
    for (const kind of kinds) {
      expect(quietReason(new Date('2026-11-25T07:45:00Z'), school, kind), kind).toBe('night'); // Wed 08:45
      expect(quietReason(new Date('2026-11-25T16:30:00Z'), school, kind), kind).toBe('night'); // Wed 17:30
      expect(quietReason(new Date('2026-11-28T12:00:00Z'), school, kind), kind).toBe('weekend');
      expect(quietReason(new Date('2026-11-25T09:00:00Z'), school, kind), kind).toBeUndefined(); // Wed 10:00
      expect(iso(nextAllowed(new Date('2026-11-27T16:30:00Z'), school, kind)), kind).toBe('2026-11-30T08:30:00.000Z');
    }
    // The same moments are allowed by the default hours: the school's setting is what holds them.
    for (const kind of kinds) expect(isAllowed(new Date('2026-11-25T16:30:00Z'), schoolPolicy('midden'), kind)).toBe(true);
  });

  it('holds messages to students in school holidays and on the school’s own days off, not messages to staff', () => {
    const studyDay = { key: 'school:2026-11-30:studiedag', name: 'Studiedag', from: '2026-11-30', to: '2026-11-30' };
    const school = schoolPolicy('midden', { addedHolidays: [{ ...studyDay, regions: ['noord', 'midden', 'zuid'] }] });
    const christmas = new Date('2026-12-22T10:00:00Z');
    const studyDayNoon = new Date('2026-11-30T11:00:00Z');
    for (const kind of toStudents) {
      expect(quietReason(christmas, school, kind), kind).toBe('holiday');
      expect(quietReason(studyDayNoon, school, kind), kind).toBe('holiday');
      expect(iso(nextAllowed(christmas, school, kind)), kind).toBe('2027-01-04T07:00:00.000Z');
    }
    for (const kind of toStaff) {
      expect(quietReason(christmas, school, kind), kind).toBeUndefined();
      expect(quietReason(studyDayNoon, school, kind), kind).toBeUndefined();
      expect(nextAllowed(christmas, school, kind), kind).toBe(christmas);
    }
  });

  it('holds the questions a student paused, not their mentor’s note nor messages to staff', () => {
    const p = schoolPolicy('midden');
    const pause = { since: '2026-11-20T00:00:00Z', until: '2026-12-01T12:00:00Z' };
    const during = new Date('2026-11-25T13:00:00Z');
    expect(quietReason(during, p, 'campaign-prompt', pause)).toBe('paused');
    expect(quietReason(during, p, 'student-follow-up', pause)).toBe('paused');
    expect(quietReason(during, p, 'mentor-note', pause)).toBeUndefined();
    for (const kind of toStaff) expect(quietReason(during, p, kind, pause), kind).toBeUndefined();
  });

  it('has a rule for every kind, and says which go to students', () => {
    expect([...toStudents, ...toStaff].sort()).toEqual([...kinds].sort());
    expect(kinds.filter((k) => messageRules[k].holidays).sort()).toEqual([...toStudents].sort());
  });
});
