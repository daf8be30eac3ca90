import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, type LocalDate } from '../../../src/core/time/zoned-time.ts';
import { type TestUser, tenantId } from '../../helpers/activities.ts';
import { at, type PdcaSchool, startPdcaSchool, teamsTeamId } from '../../helpers/quality-cycle.ts';

// A whole school year, day by day, with an injected clock: the reminder job runs at 09:00 and again at
// 14:00 (which must send nothing new), owners mark milestones done on chosen days (from the channel card
// or their chat), and the bot is down for three days in February. Then the next school year starts.

type Card = Record<string, unknown>;

/** The data of the card's "mark done" action. */
function doneData(card: unknown): { cycleId: string; milestoneId: string } {
  let found: { cycleId: string; milestoneId: string } | undefined;
  const walk = (n: unknown) => {
    if (Array.isArray(n)) n.forEach(walk);
    else if (n && typeof n === 'object') {
      const o = n as Card;
      if (o['verb'] === 'pdca.done') found = o['data'] as typeof found;
      Object.values(o).forEach(walk);
    }
  };
  walk(card);
  if (!found) throw new Error('no mark-done action on the card');
  return found;
}

const team = {
  'work-plan': 'Werkplan vastgesteld',
  'fixed-mentor': 'Elke leerling heeft een vaste mentor',
  'supervisor-coordination': 'Afspraken met de praktijkbegeleiders gemaakt',
  'activities-recorded': 'Activiteiten van de eerste helft',
  'mid-year-check': 'Halfjaarcheck',
  'year-evaluation': 'Werkplan geëvalueerd',
  adjustments: 'Bijstellingen voor volgend schooljaar',
} as const;
const school = {
  'policy-plan': 'LOB-beleidsplan vastgesteld',
  'mentor-development': 'Professionalisering van de mentoren gepland',
  'policy-in-practice': 'Halfjaarronde',
  'lob-scan': 'Jaarlijkse LOB-scan ingevuld',
  'student-voice': 'Stem van de leerlingen besproken',
  'policy-evaluation': 'LOB-beleid geëvalueerd',
  'policy-adjustment': 'Beleid bijgesteld',
} as const;

/** When each milestone is marked done; absent: never. */
const doneOn: Record<string, LocalDate> = {
  'work-plan': '2026-08-20',
  'fixed-mentor': '2026-10-16',
  'supervisor-coordination': '2026-10-30',
  'activities-recorded': '2027-01-29',
  'mid-year-check': '2027-02-15',
  'year-evaluation': '2027-06-15',
  'policy-plan': '2026-09-18',
  'mentor-development': '2026-09-25',
  'lob-scan': '2027-03-26',
  'student-voice': '2027-05-28',
  'policy-in-practice': '2027-01-29',
  'policy-evaluation': '2027-06-10',
  'policy-adjustment': '2027-07-09',
};
const botDown = new Set(['2027-02-01', '2027-02-02', '2027-02-03']);

describe('the quality cycle through a whole school year', () => {
  let s: PdcaSchool;
  const firstSeen = new Map<string, LocalDate>();
  const chatSeen = new Map<string, LocalDate[]>();
  const sameDayDuplicates: string[] = [];

  beforeAll(async () => {
    s = await startPdcaSchool('2026-08-01');
  });
  afterAll(async () => {
    await s?.stop();
  });

  async function markDoneFromChannel(key: keyof typeof team, day: LocalDate) {
    const post = s.channelPosts().find((p) => p.text.includes(team[key]));
    expect(post, `${key} was posted in the channel before ${day}`).toBeDefined();
    const card = s.t.connector.recorded.find((r) => r.activityId === post!.activityId)!.activity;
    const data = doneData(card);
    const res = await s.t.send('channel-card-action', s.leader, {
      teamId: teamsTeamId,
      replyToId: post!.activityId,
      verb: 'pdca.done',
      data: { ...data, note: `Besproken in de teamvergadering (${key}).`, link: '' },
    });
    expect(res.status).toBe(200);
  }

  async function markDoneFromChat(key: keyof typeof school, user: TestUser) {
    const card = s.t.connector.cardsIn(user.conversationId).find((c) => JSON.stringify(c).includes(school[key]));
    expect(card, `${key} reached the owner's chat`).toBeDefined();
    const res = await s.t.send('card-action-execute', user, {
      verb: 'pdca.done',
      replyToId: 'x',
      data: { ...doneData(card), note: '', link: `https://school.sharepoint.com/sites/lob/${key}.docx` },
    });
    expect(res.status).toBe(200);
  }

  function notice(day: LocalDate) {
    for (const p of s.channelPosts()) {
      const key = Object.entries(team).find(([, title]) => p.text.includes(title))?.[0];
      if (key && !firstSeen.has(`channel:${key}:${p.activityId}`)) firstSeen.set(`channel:${key}:${p.activityId}`, day);
    }
    for (const [who, user] of [
      ['leader', s.leader],
      ['coordinator', s.coordinator],
    ] as const) {
      const cards = s.chat(user);
      const seen = chatSeen.get(who) ?? [];
      for (let i = seen.length; i < cards.length; i++) seen.push(`${day} ${cards[i]!.split('\n')[0]}|${cards[i]}`);
      chatSeen.set(who, seen);
    }
  }

  it('walks from 1 August to 31 July', async () => {
    for (let day: LocalDate = '2026-08-01'; day <= '2027-07-31'; day = addDays(day, 1)) {
      if (botDown.has(day)) continue;
      s.clock.set(at(day, 9));
      await s.runReminders();
      const before = s.t.connector.recorded.filter((r) => r.op === 'create').length;
      s.clock.set(at(day, 14));
      await s.runReminders();
      if (s.t.connector.recorded.filter((r) => r.op === 'create').length !== before) sameDayDuplicates.push(day);
      notice(day);
      s.clock.set(at(day, 15));
      for (const [key, when] of Object.entries(doneOn)) {
        if (when !== day) continue;
        if (key in team) await markDoneFromChannel(key as keyof typeof team, day);
        else await markDoneFromChat(key as keyof typeof school, s.coordinator);
      }
    }
    expect(sameDayDuplicates).toEqual([]);
  }, 120_000);

  it('posted each team milestone once in the channel, on the first working day of its reminder window', () => {
    const posted = [...firstSeen.entries()].filter(([k]) => k.startsWith('channel:')).map(([k, day]) => [k.split(':')[1], day]);
    expect(posted).toEqual([
      ['work-plan', '2026-08-17'],
      ['fixed-mentor', '2026-09-16'],
      // due Saturday 31 October: the window opens on Saturday 17 October, the first working day is Monday
      ['supervisor-coordination', '2026-10-19'],
      // due Sunday 31 January: the window opens on Sunday 17 January, the first working day is Monday
      ['activities-recorded', '2027-01-18'],
      // the bot was down on 1-3 February: caught up on the 4th
      ['mid-year-check', '2027-02-04'],
      ['year-evaluation', '2027-06-01'],
      ['adjustments', '2027-06-28'],
    ]);
  });

  it('reminded the owners in their chat and escalated overdue milestones once a week until done', () => {
    const lines = (who: string) => (chatSeen.get(who) ?? []).map((l) => l.split('|')[0]);
    const leaderReminders = (chatSeen.get('leader') ?? []).filter((l) => l.includes('Jij bent eigenaar'));
    expect(leaderReminders.map((l) => l.slice(0, 10))).toEqual([
      '2026-08-17',
      '2026-09-16',
      '2026-10-19',
      '2027-01-18',
      '2027-02-04',
      '2027-06-01',
      '2027-06-28',
    ]);
    const leaderEscalations = (chatSeen.get('leader') ?? []).filter((l) => l.includes('als teamleider, eens per week'));
    expect(
      leaderEscalations.map((l) => `${l.slice(0, 10)} ${l.includes(team['fixed-mentor']) ? 'fixed-mentor' : 'adjustments'}`),
    ).toEqual([
      '2026-10-01 fixed-mentor',
      '2026-10-08 fixed-mentor',
      '2026-10-15 fixed-mentor',
      // due Saturday 10 July: overdue from Sunday, escalated on the Monday, then weekly
      '2027-07-12 adjustments',
      '2027-07-19 adjustments',
      '2027-07-26 adjustments',
    ]);
    const coordinator = chatSeen.get('coordinator') ?? [];
    expect(coordinator.filter((l) => l.includes('Jij bent eigenaar')).map((l) => l.slice(0, 10))).toEqual([
      '2026-08-17',
      '2026-09-16',
      '2027-01-18',
      '2027-03-17',
      '2027-05-17',
      '2027-06-01',
      '2027-06-28',
    ]);
    expect(coordinator.filter((l) => l.includes('als LOB-coördinator, eens per week')).map((l) => l.slice(0, 10))).toEqual([
      '2026-09-01',
      '2026-09-08',
      '2026-09-15',
    ]);
    expect(lines('leader').length).toBe(1 + 7 + 6); // welcome, reminders, escalations
  });

  it('updated the channel cards in place: overdue, then done with the note', () => {
    const post = (key: keyof typeof team) => s.channelPosts().find((p) => p.text.includes(team[key]))!;
    const workPlan = s.updatesOf(post('work-plan').activityId);
    expect(workPlan.at(-1)).toContain('Afgerond door Lisa de Teamleider op 20 augustus 2026');
    expect(workPlan.at(-1)).toContain('Besproken in de teamvergadering (work-plan).');
    expect(workPlan.at(-1)).not.toContain('Afronden'); // no form left on a done milestone
    const fixedMentor = s.updatesOf(post('fixed-mentor').activityId);
    expect(fixedMentor.some((u) => u.includes('Te laat'))).toBe(true);
    expect(fixedMentor.at(-1)).toContain('Afgerond door Lisa de Teamleider op 16 oktober 2026');
    // The never-done milestone's channel card says it is overdue.
    expect(s.updatesOf(post('adjustments').activityId).at(-1)).toContain('Te laat');
    // The owner's own reminder card was updated too.
    const ownerCard = s.t.connector.recorded.find(
      (r) =>
        r.op === 'create' &&
        r.conversationId === s.leader.conversationId &&
        JSON.stringify(r.activity).includes(team['work-plan']),
    )!;
    expect(s.updatesOf(ownerCard.activityId).at(-1)).toContain('Afgerond door Lisa de Teamleider');
  });

  it('starts the next school year from this one, one year on, nothing done', async () => {
    s.clock.set(at('2027-08-02', 9));
    await s.runReminders();
    const cycles = qualityCycleCycles(s);
    const next = await cycles.get(tenantId, '2027-2028:team:havo-4');
    expect(next?.milestones.map((m) => `${m.id} ${m.due} ${m.done ? 'done' : 'open'}`)).toEqual([
      'work-plan 2027-08-31 open',
      'fixed-mentor 2027-09-30 open',
      'supervisor-coordination 2027-10-31 open',
      'activities-recorded 2028-01-31 open',
      'mid-year-check 2028-02-15 open',
      'year-evaluation 2028-06-15 open',
      'adjustments 2028-07-10 open',
    ]);
    expect((await cycles.get(tenantId, '2027-2028:school'))?.milestones.map((m) => `${m.id} ${m.due}`)).toEqual([
      'policy-plan 2027-08-31',
      'mentor-development 2027-09-30',
      'policy-in-practice 2028-01-31',
      'lob-scan 2028-03-31',
      'student-voice 2028-05-31',
      'policy-evaluation 2028-06-15',
      'policy-adjustment 2028-07-10',
    ]);
  });
});

function qualityCycleCycles(s: PdcaSchool) {
  return s.t.bot.deps.cycles.cycles;
}
