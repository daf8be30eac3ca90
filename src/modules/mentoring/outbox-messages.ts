import type { Person } from '../../core/entities.ts';
import type { FlowCatalog } from '../../core/flows/flows.ts';
import type { Repositories } from '../../core/ports.ts';
import type { Message } from '../../delivery/delivery-kind.ts';
import { isAssigned } from './access.ts';
import type { OutboxEntry } from './entities.ts';
import type { MentorMessages } from './messages.ts';
import type { MentoringRepositories } from './ports.ts';
import { flowTitle } from './sections.ts';
import type { StudentViews } from './student-views.ts';

// What an outbox entry says when its time has come, read from the store at that moment; undefined when
// it no longer applies (the student is no longer the mentor's, the plan moved on, the note is gone).

export interface OutboxMessageDeps {
  repos: Repositories;
  mentoring: MentoringRepositories;
  compose: MentorMessages;
  views: StudentViews;
  flows: FlowCatalog;
}

export async function outboxMessage(deps: OutboxMessageDeps, entry: OutboxEntry, timeZone: string): Promise<Message | undefined> {
  const { repos, mentoring, compose: messages, views, flows } = deps;
  const mentor = await repos.people.get(entry.schoolId, entry.mentorId);
  if (!mentor) return undefined;
  switch (entry.kind) {
    case 'note': {
      if (!(await isAssigned(repos, mentor, entry.studentId))) return undefined;
      const student = await views.scope(mentor).student(entry.studentId);
      const note = entry.ref ? await mentoring.notes.get(entry.studentId, entry.ref) : undefined;
      if (!student || !note || note.mentorId !== mentor.id) return undefined;
      const reflection = note.reflectionId ? await repos.reflections.get(student.id, note.reflectionId) : undefined;
      const about = reflection
        ? { flowTitle: flowTitle(flows, reflection.flowId, student.locale), at: reflection.submittedAt ?? reflection.createdAt }
        : undefined;
      return messages.note({ student, mentor, note, ...(about ? { about } : {}), timeZone });
    }
    case 'plan-reminder': {
      const followUp = await mentoring.followUps.get(mentor.id, entry.studentId);
      const plan = followUp?.plan;
      const discussedSince = followUp?.discussions.some((d) => plan && d.at >= plan.at);
      if (!plan || plan.at !== entry.ref || discussedSince) return undefined;
      const section = await views.recent(mentor, entry.studentId);
      return section ? messages.planReminder({ mentor, section, timeZone }) : undefined;
    }
    case 'reply': {
      if (!(await isAssigned(repos, mentor, entry.studentId))) return undefined;
      const student = await views.scope(mentor).student(entry.studentId);
      const note = entry.ref ? await mentoring.notes.get(entry.studentId, entry.ref) : undefined;
      if (!student || !note?.reply || note.mentorId !== mentor.id) return undefined;
      return messages.reply({ mentor, student, note });
    }
    case 'proposal':
    case 'suggestion':
    case 'meeting':
      return planningMessage(deps, entry, mentor, timeZone);
    case 'handover': {
      const view = await views.handover(mentor, entry.studentId, entry.previousMentorIds ?? []);
      return view ? messages.handover({ mentor, view, timeZone }) : undefined;
    }
  }
}

/** A step of planning a conversation; undefined when the plan moved on or the student is no longer the mentor's. */
async function planningMessage(
  deps: OutboxMessageDeps,
  entry: OutboxEntry,
  mentor: Person,
  timeZone: string,
): Promise<Message | undefined> {
  const { repos, mentoring, compose: messages, views } = deps;
  if (!(await isAssigned(repos, mentor, entry.studentId))) return undefined;
  const student = await views.scope(mentor).student(entry.studentId);
  const plan = (await mentoring.followUps.get(mentor.id, entry.studentId))?.plan;
  if (!student || !plan || plan.at !== entry.ref) return undefined;
  if (entry.kind === 'proposal') return plan.agreed ? undefined : messages.proposal({ student, mentor, plan, timeZone });
  if (entry.kind === 'suggestion') {
    return plan.suggested && !plan.agreed ? messages.suggestion({ mentor, student, plan, timeZone }) : undefined;
  }
  if (!plan.agreed) return undefined;
  const toMentor = entry.recipientId === mentor.id;
  return messages.meeting({
    recipient: toMentor ? mentor : student,
    other: toMentor ? student : mentor,
    at: plan.agreed.at,
    timeZone,
  });
}
