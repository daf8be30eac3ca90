import type { Repositories } from '../../src/core/ports.ts';
import { addDays, localDate, zonedInstant } from '../../src/core/time/zoned-time.ts';
import type { openCampaignRepositories } from '../../src/modules/campaigns/repositories.ts';
import type { DocumentStore } from '../../src/platform/store/document-store.ts';
import { tenantId } from '../../test/helpers/activities.ts';
import type { TestBot } from '../../test/helpers/test-bot.ts';
import { answerMark } from './answer.ts';
import { type Observer, weekOf } from './observer.ts';
import type { NextYearClass } from './rollover.ts';
import type { SoakWorld } from './world.ts';

// The soak's assertions, each a recount from what Teams saw and what the students did, against the plan
// of the year and against what the product itself reports.

const zone = 'Europe/Amsterdam';
/** How long past its slot the product waits before it takes a digest slot (DigestDeps.marginMs, default). */
const digestMarginMs = 60_000;

export interface PageRow {
  name: string;
  /** The campaign's timeline on the page (ISO). */
  from: string;
  to: string;
  hidden: boolean;
  sent?: number;
  answered?: number;
}

export interface Figures {
  backend: string;
  students: number;
  mentors: number;
  campaigns: number;
  prompts: number;
  reminders: number;
  answers: number;
  messages: number;
  lost: number;
  duplicates: number;
  inFlightAtKills: number;
  quietViolations: number;
  digests: number;
  digestWeeksTwice: number;
  digestMissing: number;
  milestones: number;
  milestonesLate: number;
  erasures: number;
  erasuresLate: number;
  messagesAfterErasure: number;
  pageMismatches: number;
  answersInLogs: number;
  answersNeverStored: number;
  stuckDeliveries: number;
  rollover?: Rollover | undefined;
  faults: {
    kills: { at: string; why: string; inFlight: number; messagesBefore: number }[];
    diskFullRefusals: number;
    injected429: number;
    injected5xx: number;
  };
  wallSeconds: number;
  cpuSeconds: number;
  /** Every failed assertion, with enough to find it. */
  violations: string[];
}

/** The new school year's page after the rollover, and what the school imported for it. */
export interface Rollover {
  schoolYear: string;
  /** Campaigns on the new year's page (all of last year's ended before the summer). */
  campaigns: number;
  /** Prompts the new year's page counts (none were sent yet). */
  promptsSent: number;
  /** The new year's classes as imported, and as the page shows them. */
  classes: NextYearClass[];
  groups: { name: string; students: number }[];
  /** Students whose only active mentor is not their new class's mentor. */
  wrongMentors: string[];
}

export interface VerifyInput {
  world: SoakWorld;
  observer: Observer;
  bot: TestBot;
  shared: DocumentStore;
  camp: Awaited<ReturnType<typeof openCampaignRepositories>>;
  repos: Repositories;
  answered: Map<string, { campaign: number | undefined; user: string }>;
  mentorOf: Map<string, { mentor: string; since: Date }[]>;
  submittedAt: { student: string; at: Date }[];
  erasures: { email: string; due: string; done?: Date }[];
  leavers: { email: string; left: string }[];
  faults: Figures['faults'];
  /** Answers a student kept trying to give and the bot never stored. */
  refusedAnswers: string[];
  logLines: string[];
  options: { backend: string; until: string };
  wallSeconds: number;
  cpuSeconds: number;
  page?: PageRow[] | undefined;
  /** The school year of `page`. */
  pageYear?: string;
  rollover?: Figures['rollover'];
}

/** The coordinator page's campaign rows, as the page computes them for the school's coordinator. */
export async function pageRows(
  bot: TestBot,
  coordinatorEmail: string,
): Promise<{ schoolYear: string; rows: PageRow[]; groups: { name: string; students: number }[]; promptsSent: number }> {
  const actor = await bot.bot.repos.people.findByEmail(tenantId, coordinatorEmail);
  if (!actor) throw new Error('no coordinator');
  const snap = await bot.bot.deps.modules.coordinatorPage.figures.of(
    { actor, scope: { kind: 'school' }, teams: [] },
    bot.bot.deps.log,
    { refresh: true },
  );
  const total = snap.overview.response.total.total;
  return {
    schoolYear: snap.overview.schoolYear,
    groups: snap.overview.coverage.groups.map((g) => ({ name: g.name, students: g.students })),
    // Prompts sent in the page's school year (hidden counts only when some were sent).
    promptsSent: total ? (total.hidden ? -1 : total.value.sent) : 0,
    rows: snap.overview.campaigns.map((c) =>
      c.figures.hidden
        ? { name: c.name, from: c.from, to: c.to, hidden: true }
        : { name: c.name, from: c.from, to: c.to, hidden: false, sent: c.figures.value.sent, answered: c.figures.value.answered },
    ),
  };
}

export async function verify(input: VerifyInput): Promise<Figures> {
  const { world, observer } = input;
  const violations: string[] = [];
  const leavers = new Set(input.leavers.map((l) => l.email));

  // 0 prompts lost: every student of a campaign's classes (who stayed) got its first prompt.
  let lost = 0;
  const got = new Set(observer.prompts.filter((p) => !p.reminder).map((p) => `${p.campaign}|${p.user.email}`));
  for (const c of world.campaigns) {
    for (const k of world.classes.filter((x) => c.groups.includes(x.name))) {
      for (const s of k.students) {
        if (leavers.has(s.email) || got.has(`${c.index}|${s.email}`)) continue;
        lost++;
        if (lost <= 5) violations.push(`lost: campaign ${c.index + 1} (${c.date}) never reached ${s.email}`);
      }
    }
  }
  const stuck = await input.camp.deliveries.count(tenantId, { states: ['planned', 'sending'] });
  if (stuck) violations.push(`${stuck} deliveries still planned or being sent at the end of the year`);

  const duplicates = observer.duplicates();
  const inFlight = input.faults.kills.reduce((n, k) => n + k.inFlight, 0);
  if (duplicates > inFlight)
    violations.push(`duplicates: ${duplicates}, more than the ${inFlight} prompts in flight at the kills`);
  if (observer.quietViolations.length) violations.push(...observer.quietViolations.slice(0, 5).map((v) => `quiet hours: ${v}`));

  // Digests: at most one per mentor per week, and one in every week a student of theirs answered.
  let digests = 0;
  let twice = 0;
  for (const [mentor, weeks] of observer.digests)
    for (const [week, n] of weeks) {
      digests += n;
      if (n > 1) {
        twice++;
        if (twice <= 5) violations.push(`digest: ${mentor} got ${n} in the week of ${week}`);
      }
    }
  let missing = 0;
  const expected = new Map<string, string>();
  for (const s of input.submittedAt) {
    const history = input.mentorOf.get(s.student) ?? [];
    const mentor = [...history].reverse().find((h) => h.since <= s.at)?.mentor;
    if (!mentor) continue;
    // The digest of a week is Friday's 15:00 slot. The product takes a slot only once it is a minute past
    // (digest.ts, marginMs: writes of other instances may still be in flight), so a digest job at 15:00
    // sharp still works on last week's slot and the first run after 15:01 sends this week's digest with
    // everything up to then: an answer given at 15:00 sharp (a step on the hour) is in this week's digest.
    const week = weekOf(s.at, zone);
    const slotTaken = zonedInstant(addDays(week, 4), '15:00', zone).getTime() + digestMarginMs;
    const key = `${mentor}|${s.at.getTime() < slotTaken ? week : addDays(week, 7)}`;
    if (!expected.has(key)) expected.set(key, `${s.student} answered ${s.at.toISOString()}`);
  }
  for (const [key, why] of expected) {
    const [mentor, week] = key.split('|') as [string, string];
    if (week > input.options.until) continue;
    if (!observer.digests.get(mentor)?.get(week)) {
      missing++;
      if (missing <= 5)
        violations.push(
          `digest: ${mentor} had news but no digest in the week of ${week} (${why}; digests in weeks ${[...(observer.digests.get(mentor)?.keys() ?? [])].filter((w) => w >= addDays(week, -14) && w <= addDays(week, 14)).join(', ')})`,
        );
    }
  }

  // Every quality-cycle reminder on time: on the day `remindDays` before the due date, or the first
  // moment after it the calendar allows (a weekend, the night).
  let late = 0;
  for (const m of world.milestones) {
    const at = observer.milestoneReminders.get(m.title);
    const from = zonedInstant(addDays(m.due, -world.remindDays - 1), '00:00', zone);
    const to = zonedInstant(addDays(m.due, -world.remindDays + 3), '23:59', zone);
    if (!at || at < from || at > to) {
      late++;
      violations.push(`milestone "${m.title}" due ${m.due}: reminded ${at ? at.toISOString() : 'never'}`);
    }
  }

  // Every retention erasure done on the night it fell due.
  let erasuresLate = 0;
  const runEnd = zonedInstant(addDays(input.options.until, 1), '12:00', zone);
  for (const e of input.erasures) {
    // An erasure that falls due after the run's end (a short run) is not asserted.
    if (zonedInstant(e.due, '03:00', zone) > runEnd) continue;
    const limit = zonedInstant(addDays(e.due, 1), '12:00', zone);
    const early = zonedInstant(addDays(e.due, -1), '00:00', zone);
    if (!e.done || e.done > limit || e.done < early) {
      erasuresLate++;
      violations.push(`erasure of ${e.email} due ${e.due}: ${e.done ? localDate(e.done, zone) : 'never'}`);
    }
  }
  if (observer.afterErasure.length) violations.push(...observer.afterErasure.slice(0, 5).map((v) => `after erasure: ${v}`));

  // The coordinator page against the recount: sent = students who got the prompt, answered = answers stored.
  let pageMismatches = 0;
  for (const c of world.campaigns) {
    const row = input.page?.find((r) => r.name === `Soak ${c.index + 1}`);
    const sent = new Set(observer.prompts.filter((p) => p.campaign === c.index && !p.reminder).map((p) => p.user.email)).size;
    const answers = [...input.answered.values()].filter((a) => a.campaign === c.index).length;
    // A campaign about 1 to 4 students shows no figures at all (the small-group rule, aggregates.ts).
    const small = sent > 0 && sent < 5;
    if (!row || row.hidden !== small || (!small && (row.sent !== sent || row.answered !== answers))) {
      pageMismatches++;
      violations.push(
        `page: campaign ${c.index + 1} (${c.date}) shows ${JSON.stringify(row)} on the ${input.pageYear ?? '?'} page of ${input.page?.length ?? 0} rows, recount sent ${sent} answered ${answers}`,
      );
    }
  }

  if (input.refusedAnswers.length) violations.push(...input.refusedAnswers.slice(0, 5).map((r) => `answer never stored: ${r}`));
  if (input.rollover) violations.push(...rolloverViolations(input.rollover));
  const answersInLogs = input.logLines.filter((l) => l.includes(answerMark)).length;
  if (answersInLogs) violations.push(`${answersInLogs} log lines hold a student's answer`);

  return {
    backend: input.options.backend,
    students: world.students.length,
    mentors: world.mentors.length,
    campaigns: world.campaigns.length,
    prompts: observer.prompts.filter((p) => !p.reminder).length,
    reminders: observer.prompts.filter((p) => p.reminder).length,
    answers: input.answered.size,
    messages: observer.messages,
    lost,
    duplicates,
    inFlightAtKills: inFlight,
    quietViolations: observer.quietViolations.length,
    digests,
    digestWeeksTwice: twice,
    digestMissing: missing,
    milestones: world.milestones.length,
    milestonesLate: late,
    erasures: input.erasures.length,
    erasuresLate,
    messagesAfterErasure: observer.afterErasure.length,
    pageMismatches,
    answersInLogs,
    answersNeverStored: input.refusedAnswers.length,
    stuckDeliveries: stuck,
    rollover: input.rollover,
    faults: input.faults,
    wallSeconds: input.wallSeconds,
    cpuSeconds: input.cpuSeconds,
    violations,
  };
}

/** 1 August: the new school year's page starts from the new classes, with none of last year's figures. */
export function rolloverViolations(r: Rollover): string[] {
  const out: string[] = [];
  const year = `the ${r.schoolYear} page`;
  // All of last year's campaigns ended before the summer.
  if (r.campaigns > 0) out.push(`rollover: ${year} still lists ${r.campaigns} campaigns of the year before`);
  if (r.promptsSent !== 0) out.push(`rollover: ${year} counts prompts (${r.promptsSent}) before any was sent this year`);
  const onPage = new Map(r.groups.map((g) => [g.name, g.students]));
  for (const k of r.classes) {
    if (onPage.get(k.name) !== k.students.length)
      out.push(
        `rollover: ${year} shows class ${k.name} with ${onPage.get(k.name) ?? 'no'} students, imported ${k.students.length}`,
      );
    // Promoted: nobody is left in last year's class.
    if (onPage.get(k.from)) out.push(`rollover: ${year} still has ${onPage.get(k.from)} students in last year's class ${k.from}`);
  }
  out.push(...r.wrongMentors.slice(0, 5).map((w) => `rollover: ${w}`));
  return out;
}
