import { z } from 'zod';
import { type AdaptiveCard, messageCard } from '../../core/cards/cards.ts';
import type { Person } from '../../core/entities.ts';
import { t } from '../../core/i18n.ts';
import { calendarText } from '../../core/time/card-dates.ts';
import { localDate } from '../../core/time/zoned-time.ts';
import { type BotDeps, type CardActionResponse, cardResponse, schoolTimeZone, type Turn } from '../../teams/turn.ts';
import { dayText, mentorItemCard, type Notice } from './cards.ts';
import { digestCard } from './digest-card.ts';
import type { ActionContext, ActionResult } from './mentor-follow-up.ts';
import type { Mentoring } from './mentoring.ts';
import { handoverCard, reminderCard } from './overview-cards.ts';

// A mentor's action on a card (discussed, plan a conversation, send a note), answered in Teams: the card
// data is checked, the action runs in the domain (which checks the student is the mentor's own), and the
// answer is the card the button was on, drawn again with today's state and a notice.

const actionSchema = z.looseObject({
  ctx: z.enum(['digest', 'item', 'student']),
  studentId: z.string().min(1).max(64),
  digestId: z.string().min(1).max(100).optional(),
  itemId: z.string().min(1).max(200).optional(),
  card: z.enum(['reminder', 'handover']).optional(),
});
type ActionData = z.infer<typeof actionSchema>;

function contextOf(data: ActionData): ActionContext | undefined {
  if (data.ctx === 'item') return data.itemId ? { kind: 'item', itemId: data.itemId } : undefined;
  if (data.ctx === 'digest') return data.digestId ? { kind: 'digest', digestId: data.digestId, page: 0 } : undefined;
  return { kind: 'student' };
}

export const good = (text: string): Notice => ({ text, color: 'Good' });
export const attention = (text: string): Notice => ({ text, color: 'Attention' });

/** The mentor side as the module's setup built it (src/modules/mentoring/setup.ts). */
export const mentoring = (deps: BotDeps): Mentoring => deps.modules.mentoring;

/** The card the action was pressed on, drawn again with today's state; undefined when it is not the mentor's. */
const contextCard = async (
  turn: Turn,
  m: Mentoring,
  data: ActionData,
  notices: { student?: Notice; top?: Notice } = {},
): Promise<AdaptiveCard | undefined> => {
  const actor = turn.actor;
  const locale = actor.locale;
  const timeZone = await schoolTimeZone(turn);
  const today = localDate(turn.deps.clock.now(), timeZone);
  if (data.ctx === 'item' && data.itemId) {
    const found = await m.views.itemSection(actor, data.itemId);
    if (!found) return undefined;
    return mentorItemCard({
      locale,
      timeZone,
      section: found.section,
      itemId: found.item.id,
      today,
      ...(notices.top ? { notice: notices.top } : {}),
      ...(notices.student ? { studentNotice: notices.student } : {}),
    });
  }
  if (data.ctx === 'digest' && data.digestId) {
    const page = await m.digests.pageOf(actor, data.digestId, data.studentId);
    const drawn = await m.digests.page(actor, data.digestId, page);
    if (!drawn) return undefined;
    return digestCard(drawn.view, {
      today,
      fit: !drawn.known,
      ...(notices.top ? { notice: notices.top } : {}),
      ...(notices.student ? { studentNotice: { studentId: data.studentId, notice: notices.student } } : {}),
    }).card;
  }
  if (data.ctx === 'student' && data.card === 'handover') {
    const [entry] = await m.repos.outbox.listAbout(actor.id, 'handover', data.studentId);
    const view = await m.views.handover(actor, data.studentId, entry?.previousMentorIds ?? []);
    if (!view) return undefined;
    return handoverCard({ locale, timeZone, view, today, ...(notices.student ? { notice: notices.student } : {}) });
  }
  const section = await m.views.recent(actor, data.studentId);
  if (!section) return undefined;
  return reminderCard({ locale, timeZone, section, today, ...(notices.student ? { notice: notices.student } : {}) });
};

const errorKeys: Record<Extract<ActionResult, { ok: false }>['reason'], string> = {
  'not-your-student': 'mentors.errors.notYourStudent',
  'not-your-card': 'mentors.errors.notYourCard',
  'invalid-date': 'mentors.errors.invalidDate',
  'empty-note': 'mentors.errors.emptyNote',
  'note-too-long': 'mentors.errors.noteTooLong',
  'invalid-time': 'mentors.errors.invalidTime',
};

const successText = async (turn: Turn, result: Extract<ActionResult, { ok: true }>): Promise<string> => {
  const locale = turn.actor.locale;
  const name = result.student.name;
  if (result.kind === 'discussed') return t(locale, 'mentors.notices.discussed', { name, date: calendarText(result.on, locale) });
  if (result.kind === 'planned')
    return t(locale, result.proposed ? 'mentors.notices.proposed' : 'mentors.notices.planned', {
      name,
      count: result.proposed,
      date: dayText(result.remindAt, locale, await schoolTimeZone(turn)),
    });
  const key = { sent: 'noteSent', queued: 'noteQueued', failed: 'noteFailed' }[result.delivery];
  return t(locale, `mentors.notices.${key}`, { name });
};

/** Runs one follow-up action and answers with the card it was pressed on, updated. */
export const act =
  (run: (m: Mentoring, actor: Person, ctx: ActionContext, data: ActionData) => Promise<ActionResult>) =>
  async (turn: Turn, raw: Record<string, unknown>): Promise<CardActionResponse> => {
    const { log } = turn.deps;
    const parsed = actionSchema.safeParse(raw);
    const ctx = parsed.success ? contextOf(parsed.data) : undefined;
    if (!parsed.success || !ctx) {
      log.warn({ personId: turn.actor.id }, 'mentor action with invalid card data refused');
      return cardResponse(messageCard('core.errors.invalidCard', turn.locale, 'attention'));
    }
    const data = parsed.data;
    const m = await mentoring(turn.deps);
    const result = await run(m, turn.actor, ctx, data);
    if (!result.ok) {
      const text = t(turn.locale, errorKeys[result.reason]);
      const refused = result.reason === 'not-your-student' || result.reason === 'not-your-card';
      if (refused) {
        log.warn(
          { personId: turn.actor.id, studentId: data.studentId, ctx: data.ctx, reason: result.reason },
          'mentor action refused',
        );
      }
      const card = await contextCard(turn, m, data, refused ? { top: attention(text) } : { student: attention(text) });
      return cardResponse(card ?? messageCard(errorKeys[result.reason], turn.locale, 'attention'));
    }
    const notice = good(await successText(turn, result));
    const card = await contextCard(turn, m, data, { student: notice });
    return cardResponse(card ?? render(notice));
  };

/** A short confirmation card, when the card the action came from cannot be drawn again. */
const render = (notice: Notice): AdaptiveCard =>
  ({
    type: 'AdaptiveCard',
    version: '1.5',
    body: [{ type: 'RichTextBlock', inlines: [{ type: 'TextRun', text: notice.text, color: notice.color }] }],
  }) as AdaptiveCard;
