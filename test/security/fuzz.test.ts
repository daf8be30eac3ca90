import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assignMentor } from '../../src/core/assignments.ts';
import { mayUse } from '../../src/core/authorization.ts';
import type { Person } from '../../src/core/entities.ts';
import type { Role } from '../../src/core/types.ts';
import { newGroup } from '../../src/modules/campaigns/campaigns.ts';
import { features } from '../../src/modules/index.ts';
import { createTeam } from '../../src/modules/quality-cycle/education-teams.ts';
import { ManualClock } from '../../src/platform/clock.ts';
import { activity, type TestUser, tenantId, testUser } from '../helpers/activities.ts';
import { createShadowDayCampaign, engineOf, tick } from '../helpers/campaigns.ts';
import { documentCount, snapshot, tempStore } from '../helpers/store-snapshot.ts';
import { startTestBot, type TestBot } from '../helpers/test-bot.ts';

// Hostile input against the running server over HTTP: a seeded generator of malformed, truncated,
// oversized, wrongly typed and replayed activities and card submits, over every command and card verb of
// every feature (read from the features list, so a new one is fuzzed without being named here). The bot
// must not crash, must not leave a promise rejection unhandled, must answer every request with a 2xx or
// 4xx, and must not change a single stored document. FUZZ_SEED=<n> reproduces a run; FUZZ_CASES=<n>
// makes it longer.

const seed = Number(process.env['FUZZ_SEED'] ?? 20_261_129);
const cases = Number(process.env['FUZZ_CASES'] ?? 1500);

/** mulberry32: small, fast, and the same sequence for the same seed on every machine. */
function prng(s: number) {
  let a = s >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = a;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!;
  return { next, int, pick };
}
type Rng = ReturnType<typeof prng>;

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
interface Case {
  kind: string;
  body?: unknown;
  raw?: string;
  headers?: Record<string, string>;
  method?: string;
  path?: string;
}

const clone = <T>(v: T): T => structuredClone(v);

function hostileString(r: Rng): string {
  return r.pick([
    '',
    ' ',
    'x'.repeat(5000),
    '\u0000\u0001\u0002',
    '\ud800',
    '😀'.repeat(600),
    '<at>bot</at>'.repeat(50),
    '../../etc/passwd',
    "'; DROP TABLE c_people; --",
    '{{reflectionId}}',
    '${process.exit(1)}',
    '__proto__',
    'javascript:alert(1)',
    'ftp://127.0.0.1/x',
    'http://169.254.169.254/latest/meta-data',
    'reflecteer\u0000',
    '%00%ff',
    'a'.repeat(70),
  ]);
}

// Nesting too deep for JSON.stringify (and for any recursive conversion, such as Number() on an array):
// a value holds this marker, which the request's text replaces.
const deepMarker = 'fuzz:nested-20000-deep';
const deepRaw = `${'['.repeat(20_000)}${']'.repeat(20_000)}`;

/** A JSON value of a type unlike `original`, or a hostile value of the same type. */
function hostileValue(r: Rng, original: unknown): Json {
  const deep = (n: number): Json => (n === 0 ? 1 : [deep(n - 1)]);
  const options: (() => Json)[] = [
    () => null,
    () => r.pick([true, false]),
    () => r.pick([0, -1, 1e308, -1e-308, 4294967296, Number.MAX_SAFE_INTEGER]),
    () => [],
    () => [hostileString(r), 1, null],
    () => ({}),
    () => ({ __proto__: { admin: true }, constructor: { prototype: { polluted: true } } }) as unknown as Json,
    () => JSON.parse('{"__proto__": {"polluted": true}, "id": 1}') as Json,
    () => deep(200),
    () => deepMarker,
    // Throws when converted to a primitive (String(), Number(), a template literal).
    () => ({ toString: 1 }),
    () => Object.fromEntries(Array.from({ length: 300 }, (_, i) => [`k${i}`, i])),
  ];
  if (typeof original !== 'string') options.push(() => hostileString(r));
  else options.push(() => 'x'.repeat(5000));
  return r.pick(options)();
}

/** Every path (as keys) into an object, containers included. */
function paths(v: unknown, prefix: string[] = []): string[][] {
  if (!v || typeof v !== 'object') return [];
  const out: string[][] = [];
  for (const [k, child] of Object.entries(v)) {
    out.push([...prefix, k]);
    out.push(...paths(child, [...prefix, k]));
  }
  return out;
}

function setPath(target: Record<string, unknown>, path: string[], value: unknown, remove: boolean) {
  let node: Record<string, unknown> = target;
  for (const key of path.slice(0, -1)) {
    const next = node[key];
    if (!next || typeof next !== 'object') return;
    node = next as Record<string, unknown>;
  }
  const last = path.at(-1)!;
  if (remove) delete node[last];
  else node[last] = value;
}

// Fields that say who and where someone is: a well-typed new value there would be a real, different
// activity (another user, language or chat), not hostile input, so they only get wrong types or are removed.
const identityFields = new Set([
  'from',
  'recipient',
  'conversation',
  'serviceUrl',
  'locale',
  'channelData',
  'tenant',
  'id',
  'aadObjectId',
  'name',
  'tenantId',
  'conversationType',
  'channelId',
]);

// Every card verb, by what a valid press does. Read verbs change nothing, so they are pressed by anyone
// with real card data. Writing verbs are a real change when valid (that is their job, not hostile input),
// so they get only data that no valid press has: hostile values and unknown ids, or real card data pressed
// by someone whose role does not allow the verb. A verb in neither list fails the test: classify it.
const readVerbs = new Set([
  'help',
  'reflection.feel',
  'overview.show',
  'students.more',
  'digest.more',
  'pdca.status',
  'pdca.evidence',
  'pdca.milestones',
  'pdca.edit',
  'campaign.new',
  'campaign.list',
  'campaign.template',
  'privacy.erase.ask',
  'privacy.erase.cancel',
  'sharing.supervisor.form',
]);
const writeVerbs = new Set([
  'reflection.start',
  'reflection.submit',
  'preparation.submit',
  'follow-up.answer',
  'pause.set',
  'pause.end',
  'language.set',
  'mentor.discussed',
  'mentor.plan',
  'mentor.note',
  'mentor.settings',
  'pdca.done',
  'pdca.export',
  'pdca.save',
  'pdca.remove',
  'campaign.create',
  'campaign.status',
  'campaign.pause',
  'campaign.resume',
  'campaign.cancel',
  'privacy.export',
  'privacy.erase',
  'talent.send',
  'talent.reflect',
  'note.reply',
  'meeting.accept',
  'meeting.suggest',
  'meeting.take',
  'sharing.supervisor',
  'sharing.ask',
  'sharing.parent',
  'sharing.revoke',
  'sharing.decide',
  'student-voice.answer',
]);
/** The data keys of each writing verb's card (the values are replaced by hostile ones). */
const writeKeys: Record<string, string[]> = {
  'reflection.start': ['flowId'],
  'reflection.submit': ['reflectionId', 'feeling', 'happened', 'good-at', 'next-step'],
  'preparation.submit': ['reflectionId', 'preparation'],
  'follow-up.answer': ['reflectionId', 'outcome'],
  'pause.set': ['until', 'days'],
  'pause.end': [],
  'language.set': ['locale'],
  'mentor.discussed': ['studentId', 'ctx', 'itemId', 'digestId', 'page'],
  'mentor.plan': ['studentId', 'ctx', 'itemId', 'digestId', 'page'],
  'mentor.note': ['studentId', 'ctx', 'itemId', 'digestId', 'page'],
  'mentor.settings': ['frequency', 'weekday', 'hour', 'reminderDays'],
  'pdca.done': ['cycleId', 'milestoneId', 'note', 'link'],
  'pdca.export': ['teamId', 'period'],
  'pdca.save': ['teamId', 'cycleId', 'milestoneId', 'phase', 'title', 'due', 'owner', 'ownerEmail', 'description'],
  'pdca.remove': ['teamId', 'cycleId', 'milestoneId'],
  'campaign.create': ['formId', 'template', 'name', 'groupId', 'activityType', 'date', 'startTime', 'endTime', 'flowId'],
  'campaign.status': ['campaignId'],
  'campaign.pause': ['campaignId'],
  'campaign.resume': ['campaignId'],
  'campaign.cancel': ['campaignId'],
  'privacy.export': [],
  'privacy.erase': ['personId', 'until'],
  'talent.send': ['studentId', 'text'],
  'talent.reflect': ['signalId'],
  'note.reply': ['noteId', 'reply'],
  'meeting.accept': ['mentorId', 'plan', 'slot'],
  'meeting.suggest': ['mentorId', 'plan', 'date', 'time'],
  'meeting.take': ['studentId', 'plan'],
  'sharing.supervisor': ['name', 'email', 'company'],
  'sharing.ask': ['reflectionId'],
  'sharing.parent': ['subject', 'reflectionId'],
  'sharing.revoke': ['linkId'],
  'sharing.decide': ['answerId', 'decision'],
  'student-voice.answer': ['pulseId', 'guidance', 'choice', 'internship', 'remark'],
};
/** Commands whose plain use makes something by design, and who may not send them in the corpus. */
const commandMakes: Record<string, (user: string) => boolean> = {
  // The dossier link of a student with reflections: a download link is stored (short-lived, by design).
  export: (user) => user === 'student',
};

describe('fuzzing /api/messages', () => {
  let t: TestBot;
  let temp: ReturnType<typeof tempStore>;
  const warmup: Record<string, unknown>[] = [];
  const users = {
    student: testUser('Sanne de Vries', 'sanne@school.nl'),
    other: testUser('Daan Smit', 'daan@school.nl'),
    mentor: testUser('Piet Jansen', 'jansen@school.nl'),
    coordinator: testUser('Patti Fernandez', 'patti@school.nl'),
    leader: testUser('Lars de Boer', 'lars@school.nl'),
  };
  type UserKey = keyof typeof users;
  const userKeys = Object.keys(users) as UserKey[];
  const people = new Map<UserKey, Person>();
  /** Real card data per verb, from the cards the bot sent during the warm-up, with who received them. */
  const harvested = new Map<string, { user: UserKey; data: Record<string, unknown> }[]>();
  const commandNames = features.flatMap((f) => f.commands ?? []).flatMap((c) => c.names);
  const verbs = features.flatMap((f) => f.verbs ?? []);
  const clock = new ManualClock('2026-11-25T13:30:00Z');
  let openReflection = '';
  let submittedReflection = '';
  let otherReflection = '';
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);

  const post = async (body: Record<string, unknown>) => {
    warmup.push(clone(body));
    const res = await t.post(body);
    expect(res.status).toBe(200);
    return res;
  };
  const reflectionOf = async (user: TestUser) => {
    await post(activity('personal-message', user, t.connector.url, { text: 'reflecteer free' }));
    const person = await t.bot.repos.people.findByEmail(tenantId, user.email);
    const [newest] = await t.bot.repos.reflections.listByStudent(person!.id);
    return newest!.id;
  };
  const answers = {
    feeling: 'good',
    happened: 'Ik mocht meehelpen in de keuken.',
    'good-at': 'Snel en netjes werken.',
    'next-step': 'Vragen of ik vaker mag komen.',
  };

  beforeAll(async () => {
    process.on('unhandledRejection', onUnhandled);
    temp = tempStore();
    // Limits high enough that the fuzz reaches the handlers instead of the flood guard.
    // A school day after the end of the class's shadow day: its campaign prompt is due during the warm-up.
    t = await startTestBot({
      store: temp.store,
      clock,
      env: { RATE_LIMIT_PER_MINUTE: '100000', RATE_LIMIT_BURST: '100000', LOG_LEVEL: 'info' },
    });
    const url = t.connector.url;
    for (const u of Object.values(users)) {
      t.join(u);
      await post(activity('personal-installation-add', u, url));
    }
    await assignMentor(t.bot.deps.install, tenantId, { studentEmail: users.student.email, mentorEmail: users.mentor.email });
    submittedReflection = await reflectionOf(users.student);
    await post(
      activity('card-action-execute', users.student, url, {
        verb: 'reflection.submit',
        data: { reflectionId: submittedReflection, ...answers },
        replyToId: 'a',
      }),
    );
    openReflection = await reflectionOf(users.student);
    otherReflection = await reflectionOf(users.other);
    await post(activity('personal-message', users.student, url, { text: 'help' }));
    await post(activity('card-action-execute', users.other, url, { verb: 'help', data: {}, replyToId: 'a' }));

    // Staff with work to act on: a quality-cycle team, a class with a campaign, a mentor's digest.
    const grant = async (key: UserKey, role: Role) => {
      const p = (await t.bot.repos.people.findByEmail(tenantId, users[key].email))!;
      await t.bot.repos.people.update(tenantId, p.id, (x) => ({ ...x, roles: [...new Set([...x.roles, role])] }));
    };
    await grant('coordinator', 'coordinator');
    await grant('leader', 'team-leader');
    await createTeam(t.bot.deps.modules.qualityCycle.cycle, tenantId, {
      id: 'havo-4',
      name: 'Havo 4',
      leaders: [users.leader.email],
      mentors: [users.mentor.email],
    });
    const engine = await engineOf(t);
    const { group } = await engine.camp.groups.ensure(newGroup(tenantId, '4H', clock.now().toISOString()));
    for (const key of ['student', 'other'] as const) {
      const p = (await t.bot.repos.people.findByEmail(tenantId, users[key].email))!;
      await engine.camp.groups.addMember(tenantId, group.id, p.id, clock.now().toISOString());
    }
    await createShadowDayCampaign(t, users.coordinator, group.id, {
      name: 'Meeloopdag 4H',
      activityTitle: 'Meeloopdag',
      date: '2026-11-25',
    });
    await tick(t);
    await t.bot.router.sweep();
    await t.bot.deps.modules.mentoring.digests.runNow({ schoolId: tenantId });
    // Every command once by everyone (what a first use creates, such as this year's cycle, exists before
    // the snapshot), and every read verb from the cards that came back.
    for (const key of userKeys) {
      for (const command of features.flatMap((f) => f.commands ?? [])) {
        const name = command.names[0]!;
        if (commandMakes[name]?.(key)) continue;
        await post(activity('personal-message', users[key], url, { text: name }));
      }
    }
    for (const key of userKeys) people.set(key, (await t.bot.repos.people.findByEmail(tenantId, users[key].email))!);
    for (const key of userKeys) {
      for (const card of t.connector.cardsIn(users[key].conversationId)) {
        const walk = (n: unknown) => {
          if (Array.isArray(n)) n.forEach(walk);
          else if (n && typeof n === 'object') {
            const o = n as Record<string, unknown>;
            if (o['type'] === 'Action.Execute' && typeof o['verb'] === 'string') {
              const list = harvested.get(o['verb']) ?? [];
              list.push({ user: key, data: (o['data'] as Record<string, unknown>) ?? {} });
              harvested.set(o['verb'], list);
            }
            Object.values(o).forEach(walk);
          }
        };
        walk(card);
      }
    }
    for (const [verb, list] of harvested) {
      if (!readVerbs.has(verb)) continue;
      for (const { user, data } of list.slice(0, 3)) {
        await post(activity('card-action-execute', users[user], url, { verb, data: data as never, replyToId: 'a' }));
      }
    }
    await tick(t);
    await t.bot.router.sweep();
  }, 60_000);
  afterAll(async () => {
    process.off('unhandledRejection', onUnhandled);
    await t.stop();
    await temp.store.close();
    temp.remove();
  });

  /** Activities from known users that change nothing when valid: the bases that field mutations start from. */
  function noopBase(r: Rng): Record<string, unknown> {
    const url = t.connector.url;
    const user = r.pick(Object.values(users));
    const id = `fuzz-${r.int(1e9)}`;
    const submit = (data: Record<string, unknown>, verb = 'reflection.submit') =>
      activity('card-action-execute', user, url, { verb, data, replyToId: 'a', activityId: id });
    return r.pick([
      () =>
        activity('personal-message', user, url, { text: r.pick(['help', 'hulp', '?', 'wat is het weer', '']), activityId: id }),
      () => submit({ reflectionId: submittedReflection, ...answers }),
      // Someone else's open reflection (never its owner's own: that would be a real submit).
      () =>
        activity('card-action-execute', r.pick([users.student, users.mentor]), url, {
          verb: 'reflection.submit',
          data: { reflectionId: otherReflection, ...answers },
          replyToId: 'a',
          activityId: id,
        }),
      () => submit({}, 'help'),
      () => submit({ x: 1 }, r.pick(['admin.grant', 'reflection.delete', 'x'.repeat(64)])),
      () => unusual(r, user, id),
      () => command(r, id),
      () => readVerb(r, id),
    ])();
  }

  /** Any command of any feature, plain or with hostile words after it, from anyone it makes nothing for. */
  function command(r: Rng, id: string): Record<string, unknown> {
    const name = r.pick(commandNames);
    const first = features.flatMap((f) => f.commands ?? []).find((c) => c.names.includes(name))!.names[0]!;
    const who = r.pick(userKeys.filter((k) => !commandMakes[first]?.(k)));
    const text = r.pick([name, name.toUpperCase(), `<at>LOB</at> ${name}`, `${name} ${hostileString(r)}`]);
    return activity('personal-message', users[who], t.connector.url, { text, activityId: id });
  }

  /** A read verb with real card data (or none), a few of its values made hostile, pressed by anyone. */
  function readVerb(r: Rng, id: string): Record<string, unknown> {
    const verb = r.pick([...readVerbs]);
    const data = clone(r.pick(harvested.get(verb) ?? [{ user: 'student' as UserKey, data: {} }]).data);
    for (let i = r.int(3); i > 0; i--) {
      const keys = Object.keys(data);
      const key = keys.length && r.int(2) ? r.pick(keys) : r.pick(['page', 'teamId', 'period', 'digestId', 'template', 'x']);
      data[key] = hostileValue(r, data[key]);
    }
    return activity('card-action-execute', users[r.pick(userKeys)], t.connector.url, {
      verb,
      data: data as never,
      replyToId: 'a',
      activityId: id,
    });
  }

  /**
   * A writing verb that no valid press could be: every value hostile or an unknown id, by anyone (the AVG
   * export, which makes links for any student, only by staff); or real card data pressed by someone whose
   * role does not allow the verb.
   */
  function writeVerb(r: Rng): Record<string, unknown> {
    const verb = r.pick([...writeVerbs]);
    const real = harvested.get(verb) ?? [];
    const entry = verbs.find((v) => v.verb === verb)!;
    const refused = userKeys.filter((k) => !mayUse(people.get(k)!, entry));
    let who: UserKey;
    let data: Record<string, unknown>;
    if (real.length && refused.length && r.int(2) === 0) {
      who = r.pick(refused);
      data = clone(r.pick(real).data);
    } else {
      who = verb === 'privacy.export' ? r.pick(['mentor', 'coordinator', 'leader'] as const) : r.pick(userKeys);
      data = Object.fromEntries(
        writeKeys[verb]!.map((k) => [k, r.int(3) === 0 ? 'does-not-exist' : hostileValue(r, r.int(2) ? '' : 1)]),
      );
    }
    return activity('card-action-execute', users[who], t.connector.url, {
      verb,
      data: data as never,
      replyToId: 'a',
      activityId: `fuzz-${r.int(1e9)}`,
    });
  }

  /** Activity types and invoke names the bot does not handle, with odd values, from a known user. */
  function unusual(r: Rng, user: TestUser, id: string): Record<string, unknown> {
    const url = t.connector.url;
    if (r.int(3) === 0) {
      return {
        ...activity('personal-message', user, url, { text: 'x', activityId: id }),
        type: r.pick([
          'typing',
          'messageReaction',
          'messageUpdate',
          'messageDelete',
          'event',
          'endOfConversation',
          'trace',
          'handoff',
          'command',
        ]),
        ...r.pick([
          {},
          { entities: 'x' },
          { entities: [null] },
          { reactionsAdded: 'x' },
          { attachments: [null] },
          { name: 5 },
          { value: null },
        ]),
      };
    }
    const invoke = activity('card-action-execute', user, url, { verb: 'help', data: {}, replyToId: 'a', activityId: id });
    const value = r.pick([undefined, null, 'x', [], { action: null }, { state: 5 }, hostileValue(r, {})]);
    return {
      ...invoke,
      ...(r.int(3) > 0 ? { value } : {}),
      name: r.pick([
        'composeExtension/query',
        'composeExtension/submitAction',
        'task/fetch',
        'task/submit',
        'config/fetch',
        'message/submitAction',
        'fileConsent/invoke',
        'handoff/action',
        'adaptiveCard/unknown',
        'signin/failure',
        'signin/verifyState',
        'signin/tokenExchange',
        'healthCheck',
        5,
        null,
      ]),
    };
  }

  /** Card submits whose data is tampered with: someone else's reflection, unknown ids, or invalid answers. */
  function tamperedSubmit(r: Rng): Record<string, unknown> {
    const who = r.pick(Object.values(users));
    const target = r.pick([
      otherReflection,
      submittedReflection,
      openReflection,
      'does-not-exist',
      hostileValue(r, ''),
      undefined,
    ]);
    const data: Record<string, unknown> = { ...answers, reflectionId: target };
    // On the owner's own open reflection only invalid answers: a valid one would be a real submit.
    const ownOpen = (who === users.student && target === openReflection) || (who === users.other && target === otherReflection);
    if (ownOpen) data['feeling'] = 'ecstatic';
    const extra = r.int(4);
    if (extra === 0)
      data[r.pick(['studentId', 'schoolId', 'roles', 'mentorId', '__proto__', 'constructor'])] = hostileValue(r, '');
    if (extra === 1) data[r.pick(Object.keys(answers))] = hostileValue(r, '');
    if (extra === 2) Object.assign(data, Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`f${i}`, 'x'.repeat(100)])));
    return activity('card-action-execute', who, t.connector.url, {
      verb: 'reflection.submit',
      data: data as never,
      replyToId: 'a',
      activityId: `fuzz-${r.int(1e9)}`,
    });
  }

  function mutate(r: Rng, base: Record<string, unknown>): Record<string, unknown> {
    const out = clone(base);
    const count = 1 + r.int(3);
    for (let i = 0; i < count; i++) {
      const all = paths(out).filter((p) => p[0] !== 'id');
      if (all.length === 0) break;
      const path = r.pick(all);
      const remove = r.int(5) === 0;
      let current: unknown = out;
      for (const k of path) current = (current as Record<string, unknown>)?.[k];
      let value = hostileValue(r, current);
      if (path.some((k) => identityFields.has(k)) && typeof value === 'string' && value.length < 5000) value = 'x'.repeat(5000);
      setPath(out, path, value, remove);
    }
    return out;
  }

  function generate(r: Rng): Case {
    const url = t.connector.url;
    const kind = r.int(15);
    switch (kind) {
      case 0: {
        // Truncated JSON of a real activity.
        const text = JSON.stringify(r.pick(warmup));
        return { kind: 'truncated', raw: text.slice(0, 1 + r.int(text.length - 2)) };
      }
      case 1:
        return {
          kind: 'garbage',
          raw: r.pick([
            '',
            'null',
            '[]',
            '"x"',
            '123',
            'true',
            '{',
            '}',
            '{"a":',
            '\u0000',
            '[[[[[[[[[[',
            `${'['.repeat(5000)}${']'.repeat(5000)}`,
            '{"type":"message"}',
            '{"__proto__":{"polluted":1}}',
            'ÿþ{',
          ]),
        };
      case 2: {
        const big = { ...noopBase(r), text: 'x'.repeat(120_000) };
        return r.int(2) === 0
          ? { kind: 'oversized', body: big }
          : { kind: 'oversized-raw', raw: `{"type":"message","pad":"${'y'.repeat(110_000)}"}` };
      }
      case 3:
        return {
          kind: 'headers',
          body: noopBase(r),
          headers: r.pick<Record<string, string>>([
            { 'content-type': 'text/plain' },
            { 'content-type': 'application/x-www-form-urlencoded' },
            { 'content-type': 'application/json; charset=utf-7' },
            { 'content-type': 'application/json', 'content-encoding': 'gzip' },
            { 'content-type': 'multipart/form-data; boundary=x' },
          ]),
        };
      case 4:
        return { kind: 'replay', body: clone(r.pick(warmup)) };
      case 5: {
        const replayed = mutate(r, r.pick(warmup));
        return { kind: 'replay-mutated', body: replayed };
      }
      case 6:
        return { kind: 'tampered-submit', body: tamperedSubmit(r) };
      case 7:
        return {
          kind: 'method',
          method: r.pick(['GET', 'HEAD', 'PUT', 'DELETE', 'PATCH']),
          path: r.pick([
            '/api/messages',
            '/api/messages/x',
            '/',
            '/api/../api/messages',
            // The download links: guessed, malformed and oversized tokens and formats.
            `/downloads/${'A'.repeat(43)}/md`,
            `/downloads/${'A'.repeat(43)}/json`,
            '/downloads/..%2f..%2fetc%2fpasswd/md',
            `/downloads/${'a'.repeat(5000)}/csv`,
            `/downloads/${'A'.repeat(43)}/${'x'.repeat(300)}`,
            '/downloads/%00/md',
          ]),
        };
      case 8: {
        // A stranger's malformed activities: nobody may be created from these.
        const stranger = testUser('Mallory', 'mallory@evil.example');
        const base = r.pick([
          'personal-message',
          'card-action-execute',
          'personal-installation-add',
          'personal-conversation-update',
        ]);
        const body = activity(base, stranger, url, { text: 'reflecteer', verb: 'help', data: {}, replyToId: 'a' });
        return { kind: 'stranger', body: mutateStranger(r, body) };
      }
      case 9:
        return { kind: 'unusual', body: unusual(r, r.pick(Object.values(users)), `fuzz-${r.int(1e9)}`) };
      case 10:
        return { kind: 'command', body: command(r, `fuzz-${r.int(1e9)}`) };
      case 11:
        return { kind: 'read-verb', body: readVerb(r, `fuzz-${r.int(1e9)}`) };
      case 12:
      case 13:
        return { kind: 'write-verb', body: writeVerb(r) };
      default:
        return { kind: 'mutated', body: mutate(r, noopBase(r)) };
    }
  }

  /** For a stranger, only mutations that make the activity invalid for the bot. */
  function mutateStranger(r: Rng, body: Record<string, unknown>): Record<string, unknown> {
    const out = clone(body);
    const target = r.pick([
      ['from', 'id'],
      ['recipient', 'id'],
      ['conversation', 'id'],
      ['serviceUrl'],
      ['type'],
      ['text'],
      ['value', 'action', 'verb'],
      ['value', 'action', 'type'],
      ['value', 'action', 'data'],
      ['membersAdded'],
      ['action'],
    ]);
    let value = hostileValue(r, undefined);
    // Strings, null and (for card data) objects can be valid there; a stranger only sends invalid ones.
    if (typeof value === 'string' || value === null || (typeof value === 'object' && !Array.isArray(value))) value = 12345;
    if (target[0] === 'membersAdded') {
      out['type'] = 'conversationUpdate';
      value = r.pick([7, 'x', { id: 1 }, [1, 2], [{ id: null }], [{ id: 'x'.repeat(5000) }]]) as Json;
    }
    if (target[0] === 'action') {
      out['type'] = 'installationUpdate';
      delete out['membersAdded'];
      value = r.pick<Json>([7, 'ADD', { add: true }, ['add'], null, 'add'.repeat(2000), { toString: 1 }]);
    }
    if (target[0] === 'value' && out['type'] !== 'invoke') out['type'] = 'invoke';
    if (target[0] === 'text') out['type'] = 'message';
    setPath(out, target, value, false);
    return out;
  }

  it('covers every card verb of every feature', () => {
    const unclassified = verbs.map((v) => v.verb).filter((v) => !readVerbs.has(v) && !writeVerbs.has(v));
    expect(unclassified).toEqual([]);
    for (const v of writeVerbs) expect(writeKeys[v], v).toBeDefined();
    expect(commandNames.length).toBeGreaterThan(30);
  });

  it(`answers ${cases} hostile requests with 2xx/4xx, stays up, and changes no stored data (seed ${seed})`, async () => {
    const r = prng(seed);
    const before = snapshot(temp.file);
    expect(documentCount(before)).toBeGreaterThan(8);
    const sentBefore = t.connector.recorded.length;
    const tally = new Map<string, Map<number, number>>();
    const bad: string[] = [];
    const conversationsSeen = new Set<string>();
    const started = Date.now();
    for (let i = 0; i < cases; i++) {
      const c = generate(r);
      const conversation = (c.body as { conversation?: { id?: unknown } } | undefined)?.conversation?.id;
      if (typeof conversation === 'string') conversationsSeen.add(conversation);
      let status: number;
      if (c.method) {
        status = (await fetch(`${t.bot.url}${c.path}`, { method: c.method })).status;
      } else {
        const text = c.raw ?? JSON.stringify(c.body);
        const raw = text?.includes(deepMarker) ? text.replaceAll(`"${deepMarker}"`, deepRaw) : c.raw;
        const res = await t.post(c.body, {
          ...(raw !== undefined ? { raw } : {}),
          ...(c.headers ? { headers: c.headers } : {}),
        });
        status = res.status;
      }
      // FUZZ_DEBUG=1 compares the store after every case, to name the first case that changed it.
      if (process.env['FUZZ_DEBUG'] && JSON.stringify(snapshot(temp.file)) !== JSON.stringify(before)) {
        throw new Error(
          `case #${i} (${c.kind}, ${status}) changed the store: ${(c.raw ?? JSON.stringify(c.body)).slice(0, 2000)}`,
        );
      }
      const byStatus = tally.get(c.kind) ?? new Map<number, number>();
      byStatus.set(status, (byStatus.get(status) ?? 0) + 1);
      tally.set(c.kind, byStatus);
      if (status < 200 || status >= 500 || (status >= 300 && status < 400)) {
        bad.push(`#${i} ${c.kind} -> ${status}: ${(c.raw ?? JSON.stringify(c.body) ?? '').slice(0, 300)}`);
      }
    }
    const seconds = (Date.now() - started) / 1000;
    console.info(
      `fuzz seed ${seed}: ${cases} cases in ${seconds.toFixed(1)} s;`,
      Object.fromEntries([...tally].map(([k, v]) => [k, Object.fromEntries(v)])),
    );
    await t.bot.router.sweep();

    expect(bad, `seed ${seed}`).toEqual([]);
    expect(unhandled.map(String), `seed ${seed}`).toEqual([]);
    const after = snapshot(temp.file);
    for (const name of Object.keys(before)) expect(after[name], `${name}, seed ${seed}`).toEqual(before[name]);
    expect(Object.keys(after).sort()).toEqual(Object.keys(before).sort());
    // The bot only ever answered in the chat a request came from: nothing went anywhere else.
    const chats = new Set(Object.values(users).map((u) => u.conversationId));
    for (const id of conversationsSeen) chats.add(id);
    const elsewhere = t.connector.recorded.slice(sentBefore).filter((x) => !chats.has(x.conversationId));
    expect(elsewhere.map((x) => x.conversationId)).toEqual([]);
    // A handler that throws is a bug even when the user sees a polite message.
    expect(
      t.logLines
        .filter((l) =>
          /"msg":"(handler failed|card action failed|request failed|the Teams SDK failed on an activity|an inbound activity failed)"/.test(
            l,
          ),
        )
        .slice(0, 3),
    ).toEqual([]);

    // Still up, and still doing its job for a real user.
    expect((await fetch(`${t.bot.url}/healthz`)).status).toBe(200);
    const newcomer = testUser('Fleur', 'fleur@school.nl');
    t.join(newcomer);
    expect((await t.send('personal-installation-add', newcomer)).status).toBe(200);
    expect(JSON.stringify(t.connector.cardsIn(newcomer.conversationId))).toContain('Welkom');
  }, 60_000);
});
