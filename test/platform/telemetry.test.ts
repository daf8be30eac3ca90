import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assignMentor } from '../../src/core/assignments.ts';
import { ManualClock } from '../../src/platform/clock.ts';
import { type TestUser, tenantId, testUser } from '../helpers/activities.ts';
import { OtlpCollector } from '../helpers/otlp-collector.ts';
import { cardActions } from '../helpers/playground.ts';
import { startTestBot, type TestBot } from '../helpers/test-bot.ts';

// Telemetry as an operator receives it: the real bot exports over OTLP/HTTP (as to Application
// Insights' OTLP endpoint or any collector) to a local stand-in. A student's reflection goes through,
// a Teams 429 is retried, the follow-up job sends through the delivery engine; then every exported
// span, metric and log is read, and scanned for the student's words.

const answers = {
  feeling: 'good',
  happened: 'Ik hielp mevrouw Zandvoort-Oerlemans met haar kapotte bakfiets',
  'good-at': 'Geduldig uitleggen aan klanten bij de balie van Fietsplezier',
  'next-step': 'Morgen vragen naar de werkplaats van Oerlemans Tweewielers',
  'wants-to-talk': 'true',
};
const words = ['Zandvoort', 'Oerlemans', 'bakfiets', 'Fietsplezier', 'Geduldig uitleggen', 'werkplaats'];

let collector: OtlpCollector;
let t: TestBot;
let clock: ManualClock;
const student = testUser('Sanne de Vries', 'sanne@school.nl');
const mentor = testUser('Mr. Jansen', 'jansen@school.nl');

async function install(user: TestUser) {
  t.join(user);
  expect((await t.send('personal-installation-add', user)).status).toBe(200);
}

beforeAll(async () => {
  collector = await OtlpCollector.start();
  clock = new ManualClock(new Date('2027-03-15T10:00:00+01:00'));
  t = await startTestBot({ clock, env: { OTEL_EXPORTER_OTLP_ENDPOINT: collector.url, TELEMETRY_EXPORT_SECONDS: '3600' } });
  await install(student);
  await install(mentor);
  expect((await assignMentor(t.bot.deps.install, tenantId, { studentEmail: student.email, mentorEmail: mentor.email })).ok).toBe(
    true,
  );
  // Teams answers the first message to the mentor with a 429: retried after Retry-After, and counted.
  let throttled = false;
  t.connector.failWith = (req) => {
    if (!throttled && req.method === 'POST' && req.conversationId === mentor.conversationId) {
      throttled = true;
      return { status: 429, retryAfterSeconds: 0 };
    }
    return undefined;
  };
  const before = t.connector.cardsIn(student.conversationId).length;
  expect((await t.send('personal-message', student, { text: 'reflecteer iets wat ik meemaakte' })).status).toBe(200);
  const card = await t.connector.waitFor(() => t.connector.cardsIn(student.conversationId)[before]);
  const feel = cardActions(card).find((a) => a.verb === 'reflection.feel');
  const reflectionId = feel!.data['reflectionId'] as string;
  const submitted = await t.send('card-action-execute', student, {
    verb: 'reflection.submit',
    data: { reflectionId, ...answers },
    replyToId: 'act-1',
  });
  expect(submitted.status).toBe(200);
  await t.connector.waitFor(() => t.connector.cardsIn(mentor.conversationId)[0]);
  // A week later the follow-up asks the student about the step they set: through the delivery engine.
  clock.set(new Date('2027-03-22T10:00:00+01:00'));
  const ran = await t.bot.deps.jobs.runNow('reflection.follow-up');
  expect(ran.status).toBe('ran');
  await t.stop(); // flushes every exporter
}, 60_000);

afterAll(async () => {
  await collector?.close();
});

describe('telemetry export (OTLP/HTTP)', () => {
  it('traces every request by its route, with the activity it carried, and each job run', () => {
    const spans = collector.spans();
    const messages = spans.filter((s) => s.name === 'POST /api/messages');
    expect(messages.length).toBeGreaterThanOrEqual(4);
    expect(messages.every((s) => s.attributes['http.response.status_code'] === 200)).toBe(true);
    expect(messages.map((s) => s.attributes['teams.card.verb'])).toContain('reflection.submit');
    expect(messages.map((s) => s.attributes['teams.conversation.type'])).toContain('personal');
    const job = spans.find((s) => s.name === 'job reflection.follow-up');
    expect(job?.attributes).toMatchObject({ 'lob.job': 'reflection.follow-up', 'lob.job.outcome': 'ran' });
  });

  it('counts sends, the 429 from Teams, delivery outcomes per kind and job runs', () => {
    const points = collector.points();
    const sum = (metric: string, match: Record<string, unknown> = {}) =>
      points
        .filter((p) => p.metric === metric && Object.entries(match).every(([k, v]) => p.attributes[k] === v))
        .reduce((n, p) => n + p.value, 0);
    expect(sum('lob.teams.calls', { operation: 'send', outcome: 'ok' })).toBeGreaterThanOrEqual(3);
    expect(sum('lob.teams.throttled')).toBe(1);
    expect(sum('lob.delivery.outcomes', { outcome: 'sent' })).toBe(1);
    expect(sum('lob.jobs.runs', { job: 'reflection.follow-up', outcome: 'ran' })).toBe(1);
    expect(points.some((p) => p.metric === 'lob.delivery.due')).toBe(true);
    expect(sum('lob.http.duration', { 'http.route': '/api/messages' })).toBeGreaterThanOrEqual(4);
  });

  it('exports the log lines as log records', () => {
    const logs = collector.logs();
    expect(logs.map((l) => l.body)).toContain('telemetry export on');
    expect(logs.length).toBeGreaterThan(5);
  });

  it('never exports a word the student wrote (spans, metrics, logs)', () => {
    expect(collector.bodies.length).toBeGreaterThanOrEqual(3);
    // The scan would see them: the same words did reach the mentor's chat and the follow-up.
    const delivered = JSON.stringify(t.connector.recorded);
    for (const w of words.slice(0, 3)) expect(delivered).toContain(w);
    for (const body of collector.bodies) for (const w of words) expect(body.text, `${body.path} holds "${w}"`).not.toContain(w);
  });
});
