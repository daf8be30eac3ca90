import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assignMentor } from '../../src/core/assignments.ts';
import type { DocumentStore } from '../../src/platform/store/document-store.ts';
import { type TestUser, tenantId, testUser } from '../helpers/activities.ts';
import { openEmulatedCosmosStore, startCosmosEmulator } from '../helpers/cosmos-emulator.ts';
import { type Fault, type FaultProxy, startFaultProxy } from '../helpers/cosmos-fault-proxy.ts';
import { cardActions, cardText } from '../helpers/playground.ts';
import { startTestBot, type TestBot } from '../helpers/test-bot.ts';

// Cosmos DB throttles (429 with x-ms-retry-after-ms), has bad minutes (503, 408) and loses connections.
// Students keep answering through all of it, as they would: a student whose press fails presses again.
// Nothing may be lost or stored twice, the bot stays up, and its health endpoint says when the store is
// not answering.

const faults: (Fault & { share: number })[] = [
  { kind: '429', retryAfterMs: 20, share: 0.5 },
  { kind: '503', share: 0.3 },
  { kind: '408', share: 0.3 },
  { kind: 'drop-after', share: 0.3 },
  { kind: 'drop-before', share: 0.3 },
];

describe('the bot on Cosmos DB while Cosmos DB is unwell', () => {
  let emulator: Awaited<ReturnType<typeof startCosmosEmulator>>;
  let proxy: FaultProxy;
  let store: DocumentStore;
  let t: TestBot;
  const mentor = testUser('Piet Jansen', 'p.jansen@school.nl');
  const students: TestUser[] = faults.map((f, i) => testUser(`Leerling ${f.kind}`, `l${i}@school.nl`));

  beforeAll(async () => {
    emulator = await startCosmosEmulator();
    proxy = await startFaultProxy(emulator.endpoint);
    store = await openEmulatedCosmosStore(proxy.endpoint);
    t = await startTestBot({ store });
    for (const u of [mentor, ...students]) {
      t.join(u);
      expect((await t.send('personal-installation-add', u)).status).toBe(200);
    }
    for (const s of students) {
      const r = await assignMentor(t.bot.deps.install, tenantId, { studentEmail: s.email, mentorEmail: mentor.email });
      expect(r.ok).toBe(true);
    }
  }, 60_000);
  afterAll(async () => {
    proxy.fault = undefined;
    await t?.stop();
    await store?.close();
    await proxy?.close();
    await emulator?.close();
  });

  async function startReflection(s: TestUser): Promise<string> {
    const before = t.connector.cardsIn(s.conversationId).length;
    expect((await t.send('personal-message', s, { text: 'reflecteer iets wat ik meemaakte' })).status).toBe(200);
    const card = await t.connector.waitFor(() => t.connector.cardsIn(s.conversationId)[before]);
    const feel = cardActions(card).find((a) => a.type === 'Action.Execute' && a.verb === 'reflection.feel');
    expect(feel).toBeDefined();
    return feel!.data['reflectionId'] as string;
  }

  it('loses no answer and stores none twice through 429s, 503s, 408s and dropped connections', async () => {
    const attempts: Record<string, number> = {};
    for (const [i, fault] of faults.entries()) {
      for (const s of [students[i]!]) {
        const reflectionId = await startReflection(s);
        const answer = `Ik hielp bij ${s.email} een klant met zijn vraag.`;
        proxy.fault = fault;
        proxy.share = fault.share;
        let done = false;
        // A submit asks the store only a few things: the student presses on (the summary again) until
        // this fault has also met one of them.
        const hit = () => (proxy.stats.faults[fault.kind] ?? 0) > 0;
        for (let press = 1; press <= 12 && !(done && hit()); press++) {
          attempts[fault.kind] = (attempts[fault.kind] ?? 0) + 1;
          const res = await t.send('card-action-execute', s, {
            verb: 'reflection.submit',
            data: {
              reflectionId,
              feeling: 'good',
              happened: answer,
              'good-at': 'Ik bleef rustig.',
              'next-step': 'Vaker meedraaien.',
            },
            replyToId: 'act-1',
          });
          // The bot answers every press: a summary, the answers it already has, or "try again".
          expect(res.status).toBe(200);
          const text = cardText((res.body as { value: unknown }).value, { values: true });
          done ||= text.includes(answer);
        }
        proxy.fault = undefined;
        expect(done, `${s.email} got the summary after pressing again`).toBe(true);
      }
    }
    // With the store well again, everything is there exactly once.
    for (const s of students) {
      const person = await t.bot.repos.people.findByEmail(tenantId, s.email);
      const reflections = await t.bot.repos.reflections.listByStudent(person!.id);
      const submitted = reflections.filter((r) => r.status === 'submitted');
      expect(submitted, s.email).toHaveLength(1);
      expect(Object.values(submitted[0]!.answers)).toContain(`Ik hielp bij ${s.email} een klant met zijn vraag.`);
    }
    expect(Object.keys(proxy.stats.faults).sort()).toEqual(faults.map((f) => f.kind).sort());
    console.info(
      `faults injected ${JSON.stringify(proxy.stats.faults)} of ${proxy.stats.requests} requests; presses ${JSON.stringify(attempts)}`,
    );
  }, 120_000);

  it('stays up and says in /healthz when the store does not answer, and when it is back', async () => {
    expect((await fetch(`${t.bot.url}/healthz`)).status).toBe(200);
    proxy.fault = { kind: '503' };
    proxy.share = 1;
    const down = await fetch(`${t.bot.url}/healthz`);
    expect(down.status).toBe(503);
    expect(await down.json()).toMatchObject({ status: 'degraded', store: 'unavailable' });
    proxy.fault = undefined;
    const up = await fetch(`${t.bot.url}/healthz`);
    expect(up.status).toBe(200);
    expect(await up.json()).toMatchObject({ status: 'ok', store: 'cosmos' });
  }, 60_000);
});
