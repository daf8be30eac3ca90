import { messageCard } from '../../core/cards/cards.ts';
import { t } from '../../core/i18n.ts';
import { type CardActionResponse, cardResponse, type Feature, schoolTimeZone, type Turn } from '../../teams/turn.ts';
import { noteCard, replyMaxLength } from './cards.ts';
import { mentorsFeature } from './feature.ts';
import { type ReplyResult, replyToNote } from './replies.ts';

// The student's side of the two-way conversation with the mentor: answering a note. (The mentor's side
// lives in feature.ts.)

const errorKeys: Record<Extract<ReplyResult, { ok: false }>['reason'], string> = {
  gone: 'mentors.replyErrors.gone',
  empty: 'mentors.replyErrors.empty',
  'too-long': 'mentors.replyErrors.tooLong',
  already: 'mentors.replyErrors.already',
};

async function reply(turn: Turn, data: Record<string, unknown>): Promise<CardActionResponse> {
  const deps = turn.deps;
  const m = await mentorsFeature.mentoring(deps);
  const result = await replyToNote(
    { repos: deps.repos, mentoring: m.repos, outbox: m.outbox, clock: deps.clock, log: deps.log, sendPolicy: deps.sendPolicy },
    turn.actor,
    data['noteId'],
    data['reply'],
  );
  if (!result.ok && !result.note) return cardResponse(messageCard(errorKeys[result.reason], turn.locale, 'attention'));
  const note = result.note!;
  const mentorName = (result.ok ? result.mentor : await deps.repos.people.get(note.schoolId, note.mentorId))?.name ?? '';
  const timeZone = await schoolTimeZone(turn);
  const notice = result.ok
    ? {
        text: t(turn.locale, result.delivery === 'digest' ? 'mentors.note.saved' : 'mentors.note.sent', { name: mentorName }),
        color: 'Good' as const,
      }
    : { text: t(turn.locale, errorKeys[result.reason], { max: replyMaxLength }), color: 'Attention' as const };
  const draft = !result.ok && typeof data['reply'] === 'string' ? data['reply'].slice(0, replyMaxLength * 2) : undefined;
  return cardResponse(
    noteCard({
      locale: turn.locale,
      timeZone,
      mentorName,
      text: note.text,
      noteId: note.id,
      ...(note.reply ? { reply: note.reply.text } : {}),
      ...(draft !== undefined ? { draft } : {}),
      notice,
    }),
  );
}

export const conversationFeature: Feature = {
  name: 'conversation',
  verbs: [{ verb: 'note.reply', roles: ['student'], run: reply }],
};
