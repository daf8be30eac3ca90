import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { MentorItem, Person, Reflection } from '../../../src/core/entities.ts';
import type { Repositories } from '../../../src/core/ports.ts';
import { openRepositories } from '../../../src/core/repositories.ts';
import { sendPolicy } from '../../../src/core/send-policy/quiet-hours.ts';
import type { PersonalSender } from '../../../src/delivery/delivery-kind.ts';
import { DeliveryEngine } from '../../../src/delivery/engine.ts';
import { Router } from '../../../src/modules/mentoring/routing.ts';
import { ManualClock } from '../../../src/platform/clock.ts';
import { createLogger } from '../../../src/platform/log.ts';
import type { DocumentStore } from '../../../src/platform/store/document-store.ts';
import { backends } from '../../helpers/backends.ts';

const school = 'tenant-routing';
const now = '2026-11-02T10:00:00.000Z';

function person(id: string, roles: Person['roles']): Omit<Person, 'version'> {
  return {
    id,
    schoolId: school,
    name: id,
    email: `${id}@school.nl`,
    locale: 'nl',
    localeSource: 'default',
    roles,
    reachability: { state: 'reachable' },
    createdAt: now,
    updatedAt: now,
  };
}

describe.each(backends)('router: $name', (backend) => {
  let store: DocumentStore;
  let repos: Repositories;
  const sent: string[] = [];
  const sender: PersonalSender = {
    // A sender that takes a moment, like a real send, so that concurrent runs overlap.
    sendCard: async (_to, card) => {
      await new Promise((r) => setTimeout(r, 10));
      sent.push((card as { reflectionId: string }).reflectionId);
      return { conversationId: 'c', activityId: `a${sent.length}` };
    },
  };
  const policies = async () => sendPolicy(undefined, 'Europe/Amsterdam', []);
  const routerOf = (clock: ManualClock) =>
    new Router({
      repos,
      delivery: new DeliveryEngine({ sender, sendPolicy: policies, log: createLogger('silent') }),
      message: ({ mentor, reflection }) => ({ to: mentor, card: { reflectionId: reflection.id } }),
      sendPolicy: policies,
      clock,
      log: createLogger('silent'),
    });

  beforeEach(async () => {
    sent.length = 0;
    store = await backend.open();
    repos = await openRepositories(store);
    await repos.people.create(person('student', ['student']));
    await repos.people.create(person('mentor', ['mentor']));
    await repos.assignments.assign(school, 'student', 'mentor', now);
  });
  afterEach(async () => {
    await store.close();
  });

  async function submittedReflection(): Promise<Reflection> {
    return repos.reflections.create({
      id: 'r1',
      schoolId: school,
      studentId: 'student',
      flowId: 'free',
      locale: 'nl',
      status: 'submitted',
      createdAt: now,
      submittedAt: now,
      answers: { happened: 'x' },
      competencies: ['motives'],
      // Asked to talk: goes to the mentor at once rather than into the digest.
      wantsToTalk: true,
      routing: 'pending',
    });
  }

  it('sends an item once when two runs deliver it at the same time', async () => {
    const clock = new ManualClock(now);
    const router = routerOf(clock);
    await submittedReflection();
    const { item } = await repos.mentorItems.ensure({
      id: 'r1:mentor',
      schoolId: school,
      mentorId: 'mentor',
      studentId: 'student',
      reflectionId: 'r1',
      createdAt: now,
      mode: 'now',
      state: 'pending',
      attempts: 0,
    });
    const outcomes = await Promise.all([router.deliver(item), router.deliver(item), router.deliver(item)]);
    expect(sent).toEqual(['r1']);
    expect(outcomes.filter((o) => o === 'sent')).toHaveLength(1);
    expect((await repos.mentorItems.get('mentor', 'r1:mentor')) as MentorItem).toMatchObject({ state: 'sent', attempts: 1 });
  });

  it('routes a reflection to the inbox once, however many sweeps run at once', async () => {
    const router = routerOf(new ManualClock(now));
    await submittedReflection();
    await Promise.all([router.sweep(), router.sweep(), router.sweep()]);
    await router.idle();
    expect(sent).toEqual(['r1']);
    expect(await repos.mentorItems.listByMentor('mentor')).toHaveLength(1);
  });
});
