import type { Person } from '../../core/entities.ts';
import type { Repositories } from '../../core/ports.ts';
import { schoolYearOf } from '../../core/time/school-year.ts';
import { addDays, isDate, type LocalDate, localDate, zonedInstant } from '../../core/time/zoned-time.ts';
import type { Clock } from '../../platform/clock.ts';
import {
  defaultOpenDays,
  maxOpenDays,
  type Pulse,
  type PulseAudience,
  type PulseQuestion,
  pulseQuestions,
  remarkMaxLength,
  type ScaleCounts,
  type ScalePoint,
  scalePoints,
} from './entities.ts';
import type { VoiceRepositories } from './repositories.ts';

// The pulse's rules: scheduling one for the school or an education team (a mark per student, due when
// it opens), taking one student's answer (the mark flips to answered first, so a second answer is
// refused without storing who said what; then the counts go up in the tally), and clearing the marks
// once a pulse has closed.

/** The students of an education team (the quality-cycle module knows them); undefined for an unknown team. */
export type TeamStudents = (schoolId: string, teamId: string) => Promise<{ name: string; studentIds: string[] } | undefined>;

export interface VoiceDeps {
  repos: Repositories;
  voice: VoiceRepositories;
  clock: Clock;
  newId: () => string;
  /** A random integer from 0 up to and including `max` (where a remark goes in the list). */
  randomIndex: (max: number) => number;
  teamStudents: TeamStudents;
  defaultTimeZone: string;
  /** Makes deleted marks unreadable in the store's own files now (DocumentStore.purgeErased). */
  purgeErased(): Promise<boolean>;
  log: { warn(obj: object, msg: string): void };
}

export type ScheduleProblem = 'bad-date' | 'bad-days' | 'unknown-team' | 'no-students';
export type ScheduleResult = { ok: true; pulse: Pulse; created: boolean } | { ok: false; problem: ScheduleProblem };

export type AnswerResult =
  | { kind: 'answered'; pulse: Pulse }
  | { kind: 'invalid'; fields: string[] }
  | { kind: 'already' }
  | { kind: 'closed' }
  | { kind: 'not-invited' };

/** The hour a pulse's card may go out on its first day (the school's send policy may hold it longer). */
const sendTime = '09:00';

export class StudentVoice {
  private readonly deps: VoiceDeps;
  constructor(deps: VoiceDeps) {
    this.deps = deps;
  }

  async timeZoneOf(schoolId: string): Promise<string> {
    return (await this.deps.repos.schools.get(schoolId))?.timeZone || this.deps.defaultTimeZone;
  }

  async today(schoolId: string): Promise<LocalDate> {
    return localDate(this.deps.clock.now(), await this.timeZoneOf(schoolId));
  }

  private async audienceStudents(schoolId: string, audience: PulseAudience): Promise<string[]> {
    // Students only: staff who also hold the student role (a test account, say) are not asked about their guidance.
    const current = (p: Person | undefined) =>
      p && !p.erasedAt && !p.leftAt && p.roles.length > 0 && p.roles.every((r) => r === 'student');
    if (audience.kind === 'school') {
      return (await this.deps.repos.people.listByRole(schoolId, 'student')).filter(current).map((p) => p.id);
    }
    const team = await this.deps.teamStudents(schoolId, audience.teamId);
    const out: string[] = [];
    for (const id of new Set(team?.studentIds ?? [])) {
      if (current(await this.deps.repos.people.get(schoolId, id))) out.push(id);
    }
    return out;
  }

  /** A pulse for the whole school or one education team, open `days` days from `opensOn`. */
  async schedule(input: {
    schoolId: string;
    opensOn: string;
    days?: number;
    teamId?: string;
    origin: Pulse['origin'];
    /** A fixed id makes scheduling the same planned pulse twice a no-op. */
    id?: string;
  }): Promise<ScheduleResult> {
    const { schoolId, opensOn } = input;
    const days = input.days ?? defaultOpenDays;
    if (!isDate(opensOn)) return { ok: false, problem: 'bad-date' };
    if (!Number.isInteger(days) || days < 1 || days > maxOpenDays) return { ok: false, problem: 'bad-days' };
    // A pulse that has already closed would reach nobody.
    if (addDays(opensOn, days - 1) < (await this.today(schoolId))) return { ok: false, problem: 'bad-date' };
    let audience: PulseAudience = { kind: 'school' };
    if (input.teamId !== undefined) {
      const team = await this.deps.teamStudents(schoolId, input.teamId);
      if (!team) return { ok: false, problem: 'unknown-team' };
      audience = { kind: 'team', teamId: input.teamId, teamName: team.name };
    }
    const id = input.id ?? `pulse-${this.deps.newId()}`;
    const existing = await this.deps.voice.pulses.get(schoolId, id);
    if (existing) return { ok: true, pulse: existing, created: false };
    const studentIds = await this.audienceStudents(schoolId, audience);
    if (studentIds.length === 0) return { ok: false, problem: 'no-students' };
    const { pulse, created } = await this.deps.voice.pulses.createOrGet({
      id,
      schoolId,
      schoolYear: schoolYearOf(opensOn).id,
      audience,
      opensOn,
      closesOn: addDays(opensOn, days - 1),
      invited: studentIds.length,
      origin: input.origin,
      createdAt: this.deps.clock.now().toISOString(),
    });
    if (created) {
      const dueAt = zonedInstant(opensOn, sendTime, await this.timeZoneOf(schoolId)).toISOString();
      for (const studentId of studentIds) {
        await this.deps.voice.marks.ensure({ id: pulse.id, schoolId, studentId, pulseId: pulse.id, state: 'due', dueAt });
      }
    }
    return { ok: true, pulse, created };
  }

  /** The answer as the card sends it: three scale points (strings "1"–"5") and an optional remark. */
  static parse(
    data: Record<string, unknown>,
  ): { ok: true; scores: Record<PulseQuestion, ScalePoint>; remark: string } | { ok: false; fields: string[] } {
    const fields: string[] = [];
    const scores = {} as Record<PulseQuestion, ScalePoint>;
    for (const q of pulseQuestions) {
      const v = data[q];
      const n = typeof v === 'string' && /^[1-5]$/.test(v) ? Number(v) : typeof v === 'number' ? v : Number.NaN;
      if ((scalePoints as readonly number[]).includes(n)) scores[q] = n as ScalePoint;
      else fields.push(q);
    }
    const raw = data['remark'];
    if (raw !== undefined && typeof raw !== 'string') fields.push('remark');
    const remark = typeof raw === 'string' ? raw.trim() : '';
    if (remark.length > remarkMaxLength) fields.push('remark');
    return fields.length ? { ok: false, fields } : { ok: true, scores, remark };
  }

  /** One student's answer. Refused when invalid, not invited, closed or answered before. */
  async answer(actor: Person, pulseId: unknown, data: Record<string, unknown>): Promise<AnswerResult> {
    const { voice } = this.deps;
    const mark = typeof pulseId === 'string' && pulseId.length <= 64 ? await voice.marks.get(actor.id, pulseId) : undefined;
    if (!mark || mark.schoolId !== actor.schoolId) return { kind: 'not-invited' };
    if (mark.state === 'answered') return { kind: 'already' };
    const pulse = await voice.pulses.get(actor.schoolId, mark.pulseId);
    const today = await this.today(actor.schoolId);
    if (!pulse || today < pulse.opensOn || today > pulse.closesOn) return { kind: 'closed' };
    const parsed = StudentVoice.parse(data);
    if (!parsed.ok) return { kind: 'invalid', fields: parsed.fields };
    // The mark first: of two answers at once only one flips it. It keeps no time and nothing of the answer.
    let flipped = false;
    await voice.marks.update(actor.id, mark.pulseId, (m) => {
      flipped = false;
      if (m.state === 'answered') return undefined;
      flipped = true;
      return { ...m, state: 'answered', dueAt: undefined, claimedUntil: undefined };
    });
    if (!flipped) return { kind: 'already' };
    try {
      await voice.tallies.add(actor.schoolId, pulse.id, (t) => {
        const counts = { ...t.counts };
        for (const q of pulseQuestions) {
          const row = [...counts[q]] as ScaleCounts;
          row[parsed.scores[q] - 1] = (row[parsed.scores[q] - 1] ?? 0) + 1;
          counts[q] = row;
        }
        const remarks = [...t.remarks];
        if (parsed.remark) remarks.splice(this.deps.randomIndex(remarks.length), 0, parsed.remark);
        return { ...t, respondents: t.respondents + 1, counts, remarks };
      });
    } catch (err) {
      // Not counted: the student may answer again rather than lose their say.
      await voice.marks.update(actor.id, mark.pulseId, (m) => ({ ...m, state: 'sent' }));
      throw err;
    }
    return { kind: 'answered', pulse };
  }

  /** Deletes the marks of every pulse that has closed: after that nothing in the store says who took part. */
  async clearClosed(): Promise<number> {
    const { voice } = this.deps;
    let cleared = 0;
    const today = localDate(this.deps.clock.now(), this.deps.defaultTimeZone);
    // A day's margin: a school in another time zone may still be on the pulse's last day.
    for (const pulse of await voice.pulses.listClosedWithMarks(addDays(today, -1))) {
      for (const mark of await voice.marks.listByPulse(pulse.id)) {
        if (await voice.marks.remove(mark.studentId, mark.pulseId)) cleared++;
      }
      await voice.pulses.update(pulse.schoolId, pulse.id, (p) => ({ ...p, marksClearedAt: this.deps.clock.now().toISOString() }));
    }
    // On SQLite the write-ahead log still holds every version of the marks, each written just before the
    // tally took that student's answer: until it is truncated, the files say who answered what.
    if (cleared > 0 && !(await this.deps.purgeErased()))
      this.deps.log.warn({ cleared }, 'cleared pulse marks stay in the store journal until the other process closes the store');
    return cleared;
  }
}
