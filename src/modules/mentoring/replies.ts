import type { Person } from '../../core/entities.ts';
import { isAssigned } from './access.ts';
import { isQuestion, replyMaxLength } from './cards.ts';
import type { FeedforwardNote } from './entities.ts';
import type { ConversationDeps, MentoringRepositories, StudentMessages } from './ports.ts';

// The student's side of the conversation with the mentor: one answer to each note. The note is read in
// the student's own partition (another student's note id finds nothing). An answer to a question goes
// to the mentor at once (through the outbox, so the quiet hours hold); any other answer waits for the
// mentor's digest.

export type ReplyResult =
  | { ok: true; note: FeedforwardNote; mentor: Person | undefined; delivery: 'sent' | 'queued' | 'digest' }
  | { ok: false; reason: 'gone' | 'empty' | 'too-long' | 'already'; note?: FeedforwardNote };

export async function replyToNote(
  deps: ConversationDeps,
  student: Person,
  noteInput: unknown,
  textInput: unknown,
): Promise<ReplyResult> {
  const noteId = typeof noteInput === 'string' && noteInput.length > 0 && noteInput.length <= 64 ? noteInput : undefined;
  const note = noteId ? await deps.mentoring.notes.get(student.id, noteId) : undefined;
  if (!note || note.studentId !== student.id || note.schoolId !== student.schoolId) {
    deps.log.warn({ personId: student.id }, 'reply to a note that is not theirs (or gone) refused');
    return { ok: false, reason: 'gone' };
  }
  if (note.reply) return { ok: false, reason: 'already', note };
  const text = typeof textInput === 'string' ? textInput.trim() : '';
  if (!text) return { ok: false, reason: 'empty', note };
  if ([...text].length > replyMaxLength) return { ok: false, reason: 'too-long', note };
  const now = deps.clock.now();
  const at = now.toISOString();
  let first = false;
  const saved = await deps.mentoring.notes.update(student.id, note.id, (n) => {
    if (n.reply) return undefined;
    first = true;
    return { ...n, reply: { text, at }, repliedAt: at };
  });
  if (!first) return { ok: false, reason: 'already', note: saved };
  const mentor = await deps.repos.people.get(student.schoolId, note.mentorId);
  deps.log.info({ personId: student.id, noteId: note.id, chars: [...text].length }, 'note answered');
  // A mentor who no longer has the student gets nothing; the answer stays the student's.
  if (!mentor || !isQuestion(note.text) || !(await isAssigned(deps.repos, mentor, student.id)))
    return { ok: true, note: saved, mentor, delivery: 'digest' };
  const outcome = await deps.outbox.queue({
    id: `reply:${note.id}`,
    schoolId: student.schoolId,
    recipientId: mentor.id,
    kind: 'reply',
    studentId: student.id,
    ref: note.id,
    mentorId: mentor.id,
  });
  return { ok: true, note: saved, mentor, delivery: outcome === 'sent' ? 'sent' : 'queued' };
}

/** Several sources of digest messages as one; a failing source is the digest's to report. */
export function allMessages(sources: StudentMessages[]): StudentMessages {
  return {
    list: async (input) => (await Promise.all(sources.map((s) => s.list(input)))).flat().sort((a, b) => a.at.localeCompare(b.at)),
  };
}

/** Answers to notes that asked nothing, for the digest of the mentor who wrote the note. */
export function replyMessages(mentoring: Pick<MentoringRepositories, 'notes'>): StudentMessages {
  return {
    list: async ({ schoolId, mentorId, studentIds, from, to }) =>
      (await mentoring.notes.listRepliedBetween(studentIds, from, to))
        .filter((n) => n.schoolId === schoolId && n.mentorId === mentorId && n.reply && !isQuestion(n.text))
        .map((n) => ({
          studentId: n.studentId,
          kind: 'reply' as const,
          fromId: n.studentId,
          text: n.reply!.text,
          at: n.reply!.at,
        })),
  };
}
