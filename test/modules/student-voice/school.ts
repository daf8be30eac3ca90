import { expect } from 'vitest';
import type { Person } from '../../../src/core/entities.ts';
import type { TestUser } from '../../helpers/activities.ts';
import { type Card, cardText, executes, nov, World } from '../mentoring/world.ts';

// A school for the student pulse: students who opened the app in Teams (one of them English-speaking),
// and the pulse module as the bot set it up.

export type Student = { user: TestUser; person: Person };

export async function voiceSchool(count: number, at = nov(16, '08:00'), env: Record<string, string> = {}) {
  const w = await World.start({ at, env });
  const voice = w.t.bot.deps.modules.studentVoice;
  const students: Student[] = [];
  for (let i = 1; i <= count; i++) {
    students.push(await w.person(`Leerling ${i}`, `leerling${i}@school.nl`, 'student', i === count ? 'en-GB' : 'nl-NL'));
  }
  return { w, voice, students };
}

/** Runs the send job as the scheduler runs it. */
export async function runSend(w: World) {
  const outcome = await w.t.bot.deps.jobs.runNow('student-voice.send');
  expect(outcome.status).toBe('ran');
  return (outcome as { result: { sent: number; waiting: number; skipped: number } }).result;
}

export async function runPlan(w: World) {
  const outcome = await w.t.bot.deps.jobs.runNow('student-voice.plan');
  expect(outcome.status).toBe('ran');
  return (outcome as { result: { opened: number; cleared: number } }).result;
}

/** The pulse card in a student's chat, and its send button. */
export function pulseCardOf(w: World, student: Student, pulseId: string): Card | undefined {
  return w
    .cards(student.user)
    .filter((c) => executes(c).some((a) => a.verb === 'student-voice.answer' && a.data['pulseId'] === pulseId))
    .at(-1) as Card | undefined;
}

export const answer = { guidance: '4', choice: '2', internship: '5' };

export { cardText, executes, nov };
