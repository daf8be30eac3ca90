import { describe, expect, it } from 'vitest';
import { type Rollover, rolloverViolations } from '../../bench/soak/verify.ts';

// The soak's rollover check finds what it is there to find (the smoke test only sees it hold).

const held: Rollover = {
  schoolYear: '2027-2028',
  campaigns: 0,
  promptsSent: 0,
  classes: [{ name: 'VO1-2027', from: 'VO1', mentor: 'mentor1-2027@soak.example', students: ['a@x', 'b@x'] }],
  groups: [
    { name: 'VO1', students: 0 },
    { name: 'VO1-2027', students: 2 },
  ],
  wrongMentors: [],
};

describe("the soak's rollover check", () => {
  it('holds for a school rolled over as imported', () => {
    expect(rolloverViolations(held)).toEqual([]);
  });

  it("finds last year's campaigns or prompts on the new page, classes not promoted, and old mentors", () => {
    const found = rolloverViolations({
      ...held,
      campaigns: 3,
      promptsSent: 12,
      groups: [
        { name: 'VO1', students: 2 },
        { name: 'VO1-2027', students: 1 },
      ],
      wrongMentors: ['a@x: 2 active mentors, not only mentor1-2027@soak.example'],
    });
    expect(found).toEqual([
      'rollover: the 2027-2028 page still lists 3 campaigns of the year before',
      'rollover: the 2027-2028 page counts prompts (12) before any was sent this year',
      'rollover: the 2027-2028 page shows class VO1-2027 with 1 students, imported 2',
      "rollover: the 2027-2028 page still has 2 students in last year's class VO1",
      'rollover: a@x: 2 active mentors, not only mentor1-2027@soak.example',
    ]);
  });
});
