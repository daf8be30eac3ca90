import type { Person, Reflection } from '../../core/entities.ts';
import type { FlowCatalog } from '../../core/flows/flows.ts';
import type { MentorItemHead, ReflectionHead, Repositories } from '../../core/ports.ts';
import { activeStudentsIn } from './access.ts';
import type { MentorFollowUp } from './entities.ts';
import type { MentoringRepositories, MentorScope, NonResponders, NonResponse, StudentMessage, StudentMessages } from './ports.ts';
import { compareSections, flowTitle, type SectionInput, sectionOf, stepStatuses, wholeNeeded } from './sections.ts';
import type { DigestView, StudentSection } from './views.ts';

// What a mentor's digest says: the new items, unanswered prompts and messages about the mentor's own
// students in a window, the students in order of importance, and each student's section. Read from the
// store; nothing here sends. Ranking and choosing what to show read heads (a few fields of each item,
// reflection and student); only the reflections a section shows, or whose next step it lists, are read
// whole, and only for the students read for a card (bench/README.md, "Mentor digests").

export interface LogPort {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export interface DigestContentDeps {
  repos: Repositories;
  mentoring: MentoringRepositories;
  flows: FlowCatalog;
  nonResponders: NonResponders;
  /** Talent signals and replies to notes (ports.ts); none when not given. */
  messages?: StudentMessages;
  log: LogPort;
  /** How many sections of a view fit on a digest's first card. */
  fit(view: DigestView): number;
  /** Entries shown per student; the rest is counted. */
  maxEntriesPerStudent?: number;
}

/** What arrived for a mentor in a window, for their own students only. */
export interface WindowContent {
  items: MentorItemHead[];
  nonResponses: NonResponse[];
  messages: StudentMessage[];
}

/**
 * Students read per step while filling a digest's first card. A card holds four or five students with a
 * full week each and up to about twelve with one entry each; the first step reads five, so that a full week
 * reads one student more than fits (not four), and each later step eight.
 */
const firstCardBatches = [5, 8] as const;
const priorityRank = { talk: 0, signal: 1, other: 2 } as const;

/** The later of two ISO timestamps. */
function later(a: string, b: string): string {
  return a < b ? b : a;
}

export class DigestContent {
  private readonly deps: DigestContentDeps;
  constructor(deps: DigestContentDeps) {
    this.deps = deps;
  }

  /** The mentor's follow-ups of these students (only those read for a card). */
  private async followUpsOf(scope: MentorScope, studentIds: readonly string[]): Promise<Map<string, MentorFollowUp>> {
    if (studentIds.length === 0) return new Map();
    const list = await this.deps.mentoring.followUps.listByMentor(scope.mentorId, studentIds);
    return new Map(list.map((f) => [f.studentId, f]));
  }

  /** The mentor's new items and unanswered prompts in the window, for their own students only. */
  async content(scope: MentorScope, from: string | undefined, to: string): Promise<WindowContent> {
    // Both walls on one read of the assignments: the store's query for this mentor, and the domain's own
    // check of each assignment it returned.
    const [scoped, assignments] = await Promise.all([scope.studentIds(), scope.assignments()]);
    const assigned = activeStudentsIn(assignments, { id: scope.mentorId, schoolId: scope.schoolId });
    const students = new Set([...scoped].filter((id) => assigned.has(id)));
    const items = (await this.deps.repos.mentorItems.headsCreatedBetween(scope.mentorId, from, to)).filter(
      (i) => i.mentorId === scope.mentorId && students.has(i.studentId),
    );
    let nonResponses: NonResponse[] = [];
    if (students.size > 0) {
      try {
        nonResponses = (
          await this.deps.nonResponders.list({
            schoolId: scope.schoolId,
            studentIds: [...students],
            ...(from ? { from } : {}),
            to,
          })
        ).filter((n) => students.has(n.studentId));
      } catch (err) {
        this.deps.log.warn({ mentorId: scope.mentorId, err: String(err) }, 'non-responders unavailable; digest without them');
      }
    }
    let messages: StudentMessage[] = [];
    if (students.size > 0 && this.deps.messages) {
      try {
        messages = (
          await this.deps.messages.list({
            schoolId: scope.schoolId,
            mentorId: scope.mentorId,
            studentIds: [...students],
            ...(from ? { from } : {}),
            to,
          })
        ).filter((m) => students.has(m.studentId));
      } catch (err) {
        this.deps.log.warn({ mentorId: scope.mentorId, err: String(err) }, 'student messages unavailable; digest without them');
      }
    }
    return { items, nonResponses, messages };
  }

  /**
   * The digest's students in order of importance, from the mentor's items alone (no answer is read):
   * asked to talk, then a signal, then the rest; the newest answer first; then by name. Students with only
   * unanswered prompts come last.
   */
  async rank(scope: MentorScope, content: WindowContent): Promise<string[]> {
    const best = new Map<string, { rank: number; at: string }>();
    for (const i of content.items) {
      const rank = priorityRank[i.priority ?? (i.mode === 'now' ? 'signal' : 'other')];
      const at = i.submittedAt ?? i.createdAt;
      const seen = best.get(i.studentId);
      if (!seen) best.set(i.studentId, { rank, at });
      else best.set(i.studentId, { rank: Math.min(seen.rank, rank), at: later(seen.at, at) });
    }
    // A reply or a talent signal ranks with the ordinary entries, by when it was written.
    for (const m of content.messages) {
      const seen = best.get(m.studentId);
      best.set(m.studentId, seen ? { rank: seen.rank, at: later(seen.at, m.at) } : { rank: priorityRank.other, at: m.at });
    }
    for (const n of content.nonResponses) if (!best.has(n.studentId)) best.set(n.studentId, { rank: priorityRank.other, at: '' });
    const people = await scope.names([...best.keys()]);
    return [...best.keys()]
      .filter((id) => people.has(id))
      .sort((a, b) => {
        const x = best.get(a)!;
        const y = best.get(b)!;
        if (x.rank !== y.rank) return x.rank - y.rank;
        if (x.at !== y.at) return x.at < y.at ? 1 : -1;
        return people.get(a)!.name.localeCompare(people.get(b)!.name);
      });
  }

  /**
   * The sections of the digest's first card: students are read in order of importance, a few at a time,
   * until the card is full. The others are read only when the mentor asks for them ("show more").
   */
  async firstCard(scope: MentorScope, content: WindowContent, ranked: readonly string[], base: DigestView): Promise<DigestView> {
    const position = new Map(ranked.map((id, i) => [id, i]));
    const ctx = { from: base.from, to: base.to, locale: base.locale };
    let view = base;
    for (let next = 0, step = 0; next < ranked.length; step++) {
      const batch = ranked.slice(next, next + firstCardBatches[Math.min(step, firstCardBatches.length - 1)]!);
      next += batch.length;
      const more = await this.sections(scope, content, ctx, new Set(batch));
      const sections = [...view.sections, ...more].sort((a, b) => position.get(a.student.id)! - position.get(b.student.id)!);
      view = { ...view, sections };
      if (this.deps.fit(view) < sections.length) break;
    }
    return view;
  }

  /** One section per student with something to report, most important first. */
  async sections(
    scope: MentorScope,
    content: { items: { studentId: string; reflectionId: string }[]; nonResponses: NonResponse[]; messages: StudentMessage[] },
    ctx: { from: string | undefined; to: string; locale: Person['locale'] },
    onlyStudents?: ReadonlySet<string>,
  ): Promise<StudentSection[]> {
    const { flows } = this.deps;
    const shown = new Map<string, Set<string>>();
    for (const i of content.items) {
      if (onlyStudents && !onlyStudents.has(i.studentId)) continue;
      if (!shown.has(i.studentId)) shown.set(i.studentId, new Set());
      shown.get(i.studentId)!.add(i.reflectionId);
    }
    const missed = new Map<string, NonResponse[]>();
    for (const n of content.nonResponses) {
      if (onlyStudents && !onlyStudents.has(n.studentId)) continue;
      missed.set(n.studentId, [...(missed.get(n.studentId) ?? []), n]);
    }
    const written = new Map<string, StudentMessage[]>();
    for (const m of content.messages) {
      if (onlyStudents && !onlyStudents.has(m.studentId)) continue;
      written.set(m.studentId, [...(written.get(m.studentId) ?? []), m]);
    }
    const ids = [...new Set([...shown.keys(), ...missed.keys(), ...written.keys()])];
    const writers = await this.writerNames(scope.schoolId, [...written.values()].flat());
    const [students, headsOf, followUps] = await Promise.all([
      scope.names(ids),
      scope.reflectionHeadsOf(ids),
      this.followUpsOf(scope, ids),
    ]);
    const inputs = new Map<string, SectionInput<ReflectionHead>>();
    for (const studentId of ids) {
      const student = students.get(studentId);
      if (!student) continue;
      const reflections = headsOf.get(studentId) ?? [];
      const inDigest = shown.get(studentId) ?? new Set<string>();
      inputs.set(studentId, {
        student,
        reflections,
        show: (r) => inDigest.has(r.id),
        maxEntries: this.deps.maxEntriesPerStudent ?? 2,
        statuses: stepStatuses(reflections),
        followUp: followUps.get(studentId),
        nonResponses: (missed.get(studentId) ?? []).map((n) => ({
          flowTitle: flowTitle(flows, n.flowId, ctx.locale),
          sentAt: n.sentAt,
        })),
      });
    }
    const whole = await this.wholeFor([...inputs.values()], scope);
    const sections: StudentSection[] = [];
    for (const [studentId, input] of inputs) {
      const student = input.student;
      const section = sectionOf(input, (r) => whole.get(r.id), { flows, locale: ctx.locale });
      const messages = (written.get(studentId) ?? []).map((m) => ({
        kind: m.kind,
        from: m.fromName ?? (m.kind === 'reply' ? student.name : (writers.get(m.fromId) ?? '')),
        text: m.text,
        at: m.at,
      }));
      if (section.entries.length === 0 && section.nonResponses.length === 0 && messages.length === 0) continue;
      sections.push(messages.length ? { ...section, messages } : section);
    }
    return sections.sort(compareSections);
  }

  /**
   * The whole reflections the sections need (what they show, the open steps they list), read in as few
   * steps as the open steps allow: a reflection without a next step makes room for an older one.
   */
  private async wholeFor(inputs: SectionInput<ReflectionHead>[], scope: MentorScope): Promise<Map<string, Reflection>> {
    const whole = new Map<string, Reflection>();
    const read = new Set<string>();
    for (;;) {
      const needed = inputs
        .flatMap((input) => wholeNeeded(input, (r) => whole.get(r.id), this.deps.flows))
        .filter((r) => !read.has(r.id));
      if (needed.length === 0) return whole;
      for (const r of needed) read.add(r.id);
      for (const [id, r] of await scope.wholeReflections(needed)) whole.set(id, r);
    }
  }

  /** The names of the people who wrote the messages (teachers), read once. */
  private async writerNames(schoolId: string, messages: StudentMessage[]): Promise<Map<string, string>> {
    const ids = [...new Set(messages.filter((m) => m.kind === 'talent').map((m) => m.fromId))];
    if (ids.length === 0) return new Map();
    return new Map((await this.deps.repos.people.getMany(schoolId, ids)).map((p) => [p.id, p.name]));
  }
}
