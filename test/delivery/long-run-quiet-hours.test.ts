import { describe, expect, it } from 'vitest';
import type { Person, Reflection } from '../../src/core/entities.ts';
import { loadLibrary } from '../../src/core/flows/load-flows.ts';
import { sendPolicy } from '../../src/core/send-policy/quiet-hours.ts';
import { localTime } from '../../src/core/time/zoned-time.ts';
import { DeliveryEngine } from '../../src/delivery/engine.ts';
import { type FollowUpJobDeps, runFollowUps } from '../../src/modules/reflection/student-follow-up-feature.ts';
import { ManualClock } from '../../src/platform/clock.ts';
import { createLogger } from '../../src/platform/log.ts';

// docs/quiet-hours.md: nothing is sent from quiet-after (20:00) on. The follow-up job (and the digest)
// hand the engine the tick's `now` as a fixed Date; the calendar was asked at that moment for every item,
// so a run that starts at 19:58 with a backlog (one round trip per student) kept sending after 20:00.
// The engine now asks it at each item's own moment.

describe('the follow-up job', () => {
  it('sends nothing after the school’s quiet-after time, however long the run lasts', async () => {
    const clock = new ManualClock('2026-09-14T17:58:00Z'); // Monday 19:58 in Amsterdam
    const flows = loadLibrary();
    const flow = flows.get('free')!;
    const students = new Map<string, Person>();
    const due: Reflection[] = [];
    for (let i = 0; i < 600; i++) {
      const id = `s${i}`;
      students.set(id, { id, schoolId: 'school', locale: 'nl', roles: ['student'] } as unknown as Person);
      due.push({ id: `r${i}`, schoolId: 'school', studentId: id, flowId: flow.id, answers: {} } as unknown as Reflection);
    }
    const sentAt: string[] = [];
    const delivery = new DeliveryEngine({
      sender: {
        sendCard: async () => {
          sentAt.push(localTime(clock.now(), 'Europe/Amsterdam').time); // the moment the request goes out
          clock.advance(250); // open the chat and send: one quarter second per student
          return { conversationId: 'c', activityId: 'a' };
        },
      },
      sendPolicy: async () => sendPolicy(undefined, 'Europe/Amsterdam', []),
      log: createLogger('silent'),
      leaseMs: 30_000,
      clock,
    });
    const deps = {
      repos: { people: { get: async (_school: string, id: string) => students.get(id) } },
      flows,
      log: createLogger('silent'),
      delivery,
      studentFollowUps: {
        due: async () => due,
        stepOf: () => 'Mijn begeleider om feedback vragen.',
        askedRecently: async () => false,
        claim: async (r: Reflection) => r,
        sent: async () => {},
        release: async () => {},
        skip: async () => {},
        postpone: async () => {},
      },
    } as unknown as FollowUpJobDeps;

    const tally = await runFollowUps(deps, clock.now()); // as the job runs it: run(now) with the tick's time
    const late = sentAt.filter((t) => t >= '20:00');
    expect({ late: late.length, first: late[0] }).toEqual({ late: 0, first: undefined });
    expect(tally.sent + tally.waiting).toBe(600);
  });
});
