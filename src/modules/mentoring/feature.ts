import { z } from 'zod';
import { type AdaptiveCard, messageCard } from '../../core/cards/cards.ts';
import type { Person } from '../../core/entities.ts';
import { t } from '../../core/i18n.ts';
import { nextAllowed } from '../../core/send-policy/quiet-hours.ts';
import { calendarText } from '../../core/time/card-dates.ts';
import { localDate } from '../../core/time/zoned-time.ts';
import {
  type BotDeps,
  type CardActionResponse,
  cardResponse,
  type Feature,
  schoolTimeZone,
  type Turn,
} from '../../teams/turn.ts';
import { dayText, digestCard, mentorItemCard, type Notice } from './cards.ts';
import { defaultDigestSettings, digestFrequencies } from './entities.ts';
import type { ActionContext, ActionResult } from './mentor-follow-up.ts';
import type { Mentoring } from './mentoring.ts';
import { handoverCard, reminderCard, settingsCard, studentsCard } from './overview-cards.ts';
import { nextSlot } from './schedule.ts';

// The mentor's side in Teams: `mijn studenten`, the digest settings, the actions on the digest and on
// the at-once card (discussed, plan a conversation, send a note), "show more", and the jobs that send
// digests and queued messages. Only people with the mentor role reach these; every action is checked
// again in the domain and the store (the student must be the mentor's own).

const mentorOnly = ['mentor'] as const;

const actionSchema = z.looseObject({
  ctx: z.enum(['digest', 'item', 'student']),
  studentId: z.string().min(1).max(64),
  digestId: z.string().min(1).max(100).optional(),
  itemId: z.string().min(1).max(200).optional(),
  card: z.enum(['reminder', 'handover']).optional(),
});
type ActionData = z.infer<typeof actionSchema>;

const moreSchema = z.object({ digestId: z.string().min(1).max(100), page: z.coerce.number().int().min(1).max(100) });
const studentsMoreSchema = z.object({ page: z.coerce.number().int().min(1).max(100) });
const settingsSchema = z.object({
  frequency: z.enum(digestFrequencies),
  weekday: z.coerce.number().int().min(1).max(5),
  hour: z.coerce.number().int().min(8).max(19),
  reminderDays: z.coerce
    .number()
    .int()
    .refine((d) => [3, 5, 7, 14].includes(d)),
});

function contextOf(data: ActionData): ActionContext | undefined {
  if (data.ctx === 'item') return data.itemId ? { kind: 'item', itemId: data.itemId } : undefined;
  if (data.ctx === 'digest') return data.digestId ? { kind: 'digest', digestId: data.digestId, page: 0 } : undefined;
  return { kind: 'student' };
}

const good = (text: string): Notice => ({ text, color: 'Good' });
const attention = (text: string): Notice => ({ text, color: 'Attention' });

/** The mentor side as the module's setup built it (src/modules/mentoring/setup.ts). */
const mentoring = (deps: BotDeps): Mentoring => deps.modules.mentoring;

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
const act =
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

const showStudents = async (turn: Turn, page: number) => {
  const m = await mentoring(turn.deps);
  const students = await m.views.overview(turn.actor);
  const timeZone = await schoolTimeZone(turn);
  turn.deps.log.info({ personId: turn.actor.id, students: students.length, page }, 'my students shown');
  return studentsCard({ locale: turn.locale, timeZone, students, page });
};

const settingsView = async (turn: Turn, notice?: Notice) => {
  const m = await mentoring(turn.deps);
  const settings = await m.repos.settings.get(turn.actor.id);
  const schedule = settings ?? { ...defaultDigestSettings };
  const policy = await turn.deps.sendPolicy(turn.actor.schoolId);
  // A slot in the school's quiet hours waits for the next allowed moment: say when it really comes.
  const slot = nextSlot(turn.deps.clock.now(), schedule, policy.timeZone);
  return settingsCard({
    locale: turn.locale,
    schedule,
    reminderDays: schedule.reminderDays,
    next: (nextAllowed(slot, policy, 'mentor-digest') ?? slot).toISOString(),
    timeZone: policy.timeZone,
    ...(notice ? { notice } : {}),
  });
};

export const mentoringFeature: Feature = {
  name: 'mentoring',
  commands: [
    {
      names: ['mijn studenten', 'my students', 'mijn leerlingen', 'studenten', 'students'],
      roles: mentorOnly,
      help: {
        section: 'mentor',
        words: { nl: 'mijn studenten', en: 'my students' },
        text: 'mentors.help.students',
        menu: true,
      },
      run: async (turn) => {
        await turn.sendCard((await showStudents(turn, 0)).card, t(turn.locale, 'mentors.students.title'));
      },
    },
    {
      names: ['digest', 'samenvatting'],
      roles: mentorOnly,
      help: { section: 'mentor', words: { nl: 'digest', en: 'digest' }, text: 'mentors.help.digest' },
      run: async (turn) => {
        await turn.sendCard(await settingsView(turn), t(turn.locale, 'mentors.settings.title'));
      },
    },
  ],
  verbs: [
    {
      verb: 'mentor.discussed',
      roles: mentorOnly,
      run: act((m, actor, ctx, data) => m.followUps.discussed(actor, ctx, data.studentId, data[`date-${data.studentId}`])),
    },
    {
      verb: 'mentor.plan',
      roles: mentorOnly,
      run: act((m, actor, ctx, data) => m.followUps.plan(actor, ctx, data.studentId, data)),
    },
    {
      verb: 'mentor.note',
      roles: mentorOnly,
      run: act((m, actor, ctx, data) => m.followUps.note(actor, ctx, data.studentId, data[`note-${data.studentId}`])),
    },
    {
      verb: 'digest.more',
      roles: mentorOnly,
      run: async (turn, raw) => {
        const parsed = moreSchema.safeParse(raw);
        if (!parsed.success) return cardResponse(messageCard('core.errors.invalidCard', turn.locale, 'attention'));
        const { digestId, page } = parsed.data;
        const m = await mentoring(turn.deps);
        const next = await m.digests.page(turn.actor, digestId, page);
        const previous = await m.digests.page(turn.actor, digestId, page - 1);
        if (!next || !previous) {
          turn.deps.log.warn({ personId: turn.actor.id, page }, 'show more on a digest that is not there (or not yours)');
          return cardResponse(messageCard('mentors.digest.gone', turn.locale, 'attention'));
        }
        const today = localDate(turn.deps.clock.now(), next.view.timeZone);
        let drawn = digestCard(next.view, { today, fit: !next.known });
        if (!next.known) {
          const recorded = await m.digests.recordPage(turn.actor, digestId, page, drawn.shown);
          // Another tap drew this card first: show what it recorded.
          if (recorded.join() !== drawn.shown.join()) {
            const again = await m.digests.page(turn.actor, digestId, page);
            if (again) drawn = digestCard(again.view, { today, fit: false });
          }
        }
        await turn.sendCard(drawn.card, t(turn.locale, 'mentors.digest.title'));
        return cardResponse(
          digestCard(previous.view, { today, fit: false, notice: good(t(turn.locale, 'mentors.notices.moreSent')) }).card,
        );
      },
    },
    {
      verb: 'students.more',
      roles: mentorOnly,
      run: async (turn, raw) => {
        const parsed = studentsMoreSchema.safeParse(raw);
        if (!parsed.success) return cardResponse(messageCard('core.errors.invalidCard', turn.locale, 'attention'));
        const { page } = parsed.data;
        await turn.sendCard((await showStudents(turn, page)).card, t(turn.locale, 'mentors.students.title'));
        return cardResponse((await showStudents(turn, page - 1)).card);
      },
    },
    {
      verb: 'mentor.settings',
      roles: mentorOnly,
      run: async (turn, raw) => {
        const parsed = settingsSchema.safeParse(raw);
        if (!parsed.success) {
          return cardResponse(await settingsView(turn, attention(t(turn.locale, 'mentors.errors.invalidSettings'))));
        }
        const m = await mentoring(turn.deps);
        const now = turn.deps.clock.now().toISOString();
        await m.repos.settings.ensure(turn.actor.schoolId, turn.actor.id, now);
        await m.repos.settings.update(turn.actor.id, (s) => ({ ...s, ...parsed.data, updatedAt: now }));
        turn.deps.log.info({ personId: turn.actor.id, ...parsed.data }, 'digest settings saved');
        return cardResponse(await settingsView(turn, good(t(turn.locale, 'mentors.settings.saved'))));
      },
    },
  ],
};
