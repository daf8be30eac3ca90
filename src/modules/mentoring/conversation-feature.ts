import { messageCard } from '../../core/cards/cards.ts';
import { t } from '../../core/i18n.ts';
import { localDate } from '../../core/time/zoned-time.ts';
import { type CardActionResponse, cardResponse, type Feature, schoolTimeZone, type Turn } from '../../teams/turn.ts';
import { type Notice, replyMaxLength } from './cards.ts';
import { meetingCard, momentOf, noteCard, proposalCard } from './conversation-cards.ts';
import { calendarDays, calendarLink, calendarRenderer } from './meeting-calendar.ts';
import { acceptProposal, acceptSuggestion, type MeetingResult, suggestMoment } from './meetings.ts';
import type { ConversationDeps } from './ports.ts';
import { type ReplyResult, replyToNote } from './replies.ts';

// The two-way conversation with the mentor: the student answers a note; a planned conversation is agreed
// (the student takes a proposed moment or suggests another, the mentor takes that). The mentor's other
// actions live in feature.ts; the rules in replies.ts and meetings.ts.

const errorKeys: Record<Extract<ReplyResult, { ok: false }>['reason'], string> = {
  gone: 'mentors.replyErrors.gone',
  empty: 'mentors.replyErrors.empty',
  'too-long': 'mentors.replyErrors.tooLong',
  already: 'mentors.replyErrors.already',
};

async function reply(turn: Turn, data: Record<string, unknown>): Promise<CardActionResponse> {
  const deps = turn.deps;
  const result = await replyToNote(conversationDeps(turn), turn.actor, data['noteId'], data['reply']);
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

function conversationDeps(turn: Turn): ConversationDeps {
  const deps = turn.deps;
  const m = deps.modules.mentoring;
  return {
    repos: deps.repos,
    mentoring: m.repos,
    outbox: m.outbox,
    clock: deps.clock,
    log: deps.log,
    sendPolicy: deps.sendPolicy,
  };
}

/** The agreed conversation for the person who closed it, with their own calendar link. */
async function confirmed(turn: Turn, result: Extract<MeetingResult, { ok: true }>, notice?: Notice) {
  const other = turn.actor.id === result.mentor.id ? result.student : result.mentor;
  const url = await calendarLink(turn.deps.downloads, turn.actor);
  return meetingCard({
    locale: turn.locale,
    timeZone: await schoolTimeZone(turn),
    otherName: other.name,
    at: result.plan.agreed!.at,
    days: calendarDays,
    ...(url ? { calendarUrl: url } : {}),
    ...(notice ? { notice } : {}),
  });
}

/** A refusal: the card it came from again with the reason, or a message when there is nothing to show. */
async function refusedMeeting(turn: Turn, result: Extract<MeetingResult, { ok: false }>, data: Record<string, unknown>) {
  const timeZone = await schoolTimeZone(turn);
  const plan = result.plan;
  if (result.reason === 'gone' || !plan) return cardResponse(messageCard('mentors.meeting.gone', turn.locale, 'attention'));
  if (result.reason === 'agreed') {
    const text = t(turn.locale, 'mentors.meeting.agreed', { moment: momentOf(plan.agreed!.at, turn.locale, timeZone) });
    return cardResponse(messageCardText(text));
  }
  const attention = { text: t(turn.locale, 'mentors.meeting.invalidTime'), color: 'Attention' as const };
  const mentor = await turn.deps.repos.people.get(turn.actor.schoolId, String(data['mentorId']));
  return cardResponse(
    proposalCard({
      locale: turn.locale,
      timeZone,
      mentor: { id: mentor?.id ?? '', name: mentor?.name ?? '' },
      plan: { at: plan.at, proposals: plan.proposals ?? [] },
      today: localDate(turn.deps.clock.now(), timeZone),
      open: true,
      notice: attention,
    }),
  );
}

function messageCardText(text: string) {
  return { type: 'AdaptiveCard', version: '1.5', body: [{ type: 'RichTextBlock', inlines: [{ type: 'TextRun', text }] }] };
}

async function accept(turn: Turn, data: Record<string, unknown>): Promise<CardActionResponse> {
  const result = await acceptProposal(conversationDeps(turn), turn.actor, data);
  return result.ok ? cardResponse(await confirmed(turn, result)) : refusedMeeting(turn, result, data);
}

async function suggest(turn: Turn, data: Record<string, unknown>): Promise<CardActionResponse> {
  const result = await suggestMoment(conversationDeps(turn), turn.actor, data);
  if (!result.ok) return refusedMeeting(turn, result, data);
  const timeZone = await schoolTimeZone(turn);
  return cardResponse(
    proposalCard({
      locale: turn.locale,
      timeZone,
      mentor: result.mentor,
      plan: { at: result.plan.at, proposals: result.plan.proposals ?? [] },
      today: localDate(turn.deps.clock.now(), timeZone),
      open: true,
      notice: { text: t(turn.locale, 'mentors.meeting.suggested', { name: result.mentor.name }), color: 'Good' },
    }),
  );
}

async function take(turn: Turn, data: Record<string, unknown>): Promise<CardActionResponse> {
  const result = await acceptSuggestion(conversationDeps(turn), turn.actor, data);
  if (result.ok) return cardResponse(await confirmed(turn, result));
  if (result.reason === 'agreed' && result.plan) return refusedMeeting(turn, result, data);
  const key = result.reason === 'invalid-time' ? 'mentors.meeting.invalidTime' : 'mentors.meeting.gone';
  return cardResponse(messageCard(key, turn.locale, 'attention'));
}

export const conversationFeature: Feature = {
  name: 'conversation',
  verbs: [
    { verb: 'note.reply', roles: ['student'], run: reply },
    { verb: 'meeting.accept', roles: ['student'], run: accept },
    { verb: 'meeting.suggest', roles: ['student'], run: suggest },
    { verb: 'meeting.take', roles: ['mentor'], run: take },
  ],
  http: (deps) => deps.downloads.register('meetings', calendarRenderer(deps.repos, deps.modules.mentoring.repos)),
};
