import type { MentorItem, Person, Reflection } from '../../core/entities.ts';
import type { FlowCatalog } from '../../core/flows/flows.ts';
import type { Repositories } from '../../core/ports.ts';
import { assignedStudents, isAssigned } from './access.ts';
import type { MentorFollowUp } from './entities.ts';
import type { MentoringRepositories, MentorScope } from './ports.ts';
import { buildSection, coverageOf, flowTitle, followUpSummary, stepStatuses } from './sections.ts';
import type { HandoverView, OpenStep, StudentOverview, StudentSection } from './views.ts';

// The mentor's views of single students: the at-once card, `mijn studenten`, the plan reminder and the
// handover. Every read goes through the mentor's scope: a student who is not (or no longer) the mentor's
// gives `undefined`, never data.

export interface StudentViewDeps {
  repos: Repositories;
  mentoring: MentoringRepositories;
  flows: FlowCatalog;
}

export class StudentViews {
  private readonly deps: StudentViewDeps;
  constructor(deps: StudentViewDeps) {
    this.deps = deps;
  }

  scope(mentor: Person): MentorScope {
    return this.deps.mentoring.scope(mentor.schoolId, mentor.id);
  }

  /** The item behind an at-once card, when it is this mentor's and the student is still theirs. */
  async item(mentor: Person, itemId: string): Promise<MentorItem | undefined> {
    const item = await this.deps.repos.mentorItems.get(mentor.id, itemId);
    if (!item || item.mentorId !== mentor.id || !(await isAssigned(this.deps.repos, mentor, item.studentId))) return undefined;
    return (await this.scope(mentor).student(item.studentId)) ? item : undefined;
  }

  private async section(
    mentor: Person,
    scope: MentorScope,
    studentId: string,
    show: (r: Reflection, index: number) => boolean,
    maxEntries: number,
    full = false,
  ): Promise<StudentSection | undefined> {
    if (!(await isAssigned(this.deps.repos, mentor, studentId))) return undefined;
    const student = await scope.student(studentId);
    if (!student) return undefined;
    const reflections = await scope.reflections(studentId);
    const indexOf = new Map(reflections.map((r, i) => [r.id, i]));
    return buildSection(
      {
        student,
        reflections,
        show: (r) => show(r, indexOf.get(r.id) ?? 0),
        maxEntries,
        statuses: stepStatuses(reflections),
        followUp: await this.deps.mentoring.followUps.get(mentor.id, studentId),
        full,
      },
      { flows: this.deps.flows, locale: mentor.locale },
    );
  }

  /** One reflection of a student (the at-once card). */
  async itemSection(mentor: Person, itemId: string): Promise<{ item: MentorItem; section: StudentSection } | undefined> {
    const item = await this.item(mentor, itemId);
    if (!item) return undefined;
    const section = await this.section(mentor, this.scope(mentor), item.studentId, (r) => r.id === item.reflectionId, 1, true);
    return section ? { item, section } : undefined;
  }

  /** A student with their most recent entries (plan reminder, and after an action on it). */
  async recent(mentor: Person, studentId: string, entries = 2): Promise<StudentSection | undefined> {
    return this.section(mentor, this.scope(mentor), studentId, (_r, i) => i < entries, entries);
  }

  /** `mijn studenten`: every active student with their last entry, coverage and open next steps. */
  async overview(mentor: Person): Promise<StudentOverview[]> {
    const scope = this.scope(mentor);
    const followUps = new Map((await this.deps.mentoring.followUps.listByMentor(mentor.id)).map((f) => [f.studentId, f]));
    const out: StudentOverview[] = [];
    const assigned = await assignedStudents(this.deps.repos, mentor);
    for (const id of await scope.studentIds()) {
      if (!assigned.has(id)) continue;
      const student = await scope.student(id);
      if (!student) continue;
      const reflections = await scope.reflections(id);
      const statuses = stepStatuses(reflections);
      const section = buildSection(
        { student, reflections, show: () => false, maxEntries: 0, statuses, followUp: followUps.get(id) },
        { flows: this.deps.flows, locale: mentor.locale },
      );
      const last = reflections[0];
      const followUp = followUpSummary(followUps.get(id));
      out.push({
        student: { id: student.id, name: student.name },
        ...(last
          ? {
              lastEntry: {
                flowTitle: flowTitle(this.deps.flows, last.flowId, mentor.locale),
                at: last.submittedAt ?? last.createdAt,
              },
            }
          : {}),
        entryCount: reflections.length,
        coverage: coverageOf(reflections),
        openSteps: section.openSteps.slice(0, 2) as OpenStep[],
        recurring: section.recurring,
        wantsToTalk: reflections.some((r) => r.wantsToTalk && !discussedAfter(followUps.get(id), r)),
        followUp: {
          ...(followUp.lastDiscussedOn ? { lastDiscussedOn: followUp.lastDiscussedOn } : {}),
          ...(followUp.plannedAt ? { plannedAt: followUp.plannedAt } : {}),
        },
      });
    }
    return out.sort(
      (a, b) =>
        Number(b.wantsToTalk) - Number(a.wantsToTalk) ||
        (b.lastEntry?.at ?? '').localeCompare(a.lastEntry?.at ?? '') ||
        a.student.name.localeCompare(b.student.name),
    );
  }

  /** What a new mentor gets about a student handed to them. */
  async handover(mentor: Person, studentId: string, previousMentorIds: readonly string[]): Promise<HandoverView | undefined> {
    const scope = this.scope(mentor);
    const section = await this.section(mentor, scope, studentId, (_r, i) => i < 4, 4);
    if (!section) return undefined;
    const reflections = await scope.reflections(studentId);
    const previous: string[] = [];
    let previousDiscussedOn: string | undefined;
    for (const id of previousMentorIds) {
      const person = await this.deps.repos.people.get(mentor.schoolId, id);
      if (person) previous.push(person.name);
      const on = (await this.deps.mentoring.followUps.get(id, studentId))?.discussions[0]?.on;
      if (on && (!previousDiscussedOn || on > previousDiscussedOn)) previousDiscussedOn = on;
    }
    const first = reflections.at(-1);
    return {
      section,
      previousMentors: previous,
      ...(previousDiscussedOn ? { previousDiscussedOn } : {}),
      entryCount: reflections.length,
      ...(first ? { firstEntryAt: first.submittedAt ?? first.createdAt } : {}),
      coverage: coverageOf(reflections),
    };
  }
}

function discussedAfter(followUp: MentorFollowUp | undefined, r: Reflection): boolean {
  return followUp?.discussions.some((d) => d.reflectionIds.includes(r.id) || d.at >= (r.submittedAt ?? r.createdAt)) ?? false;
}
