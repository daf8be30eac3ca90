import { z } from 'zod';
import { messageCard } from '../../core/cards/cards.ts';
import { t } from '../../core/i18n.ts';
import { nextAllowed } from '../../core/send-policy/quiet-hours.ts';
import { localDate } from '../../core/time/zoned-time.ts';
import { cardResponse, type Feature, schoolTimeZone, type Turn } from '../../teams/turn.ts';
import { act, attention, good, mentoring } from './card-actions-feature.ts';
import type { Notice } from './cards.ts';
import { digestCard } from './digest-card.ts';
import { defaultDigestSettings, digestFrequencies } from './entities.ts';
import { settingsCard, studentsCard } from './overview-cards.ts';
import { nextSlot } from './schedule.ts';

// The mentor's side in Teams: `mijn studenten`, the digest settings, the actions on the digest and on
// the at-once card (discussed, plan a conversation, send a note; answered by card-actions-feature.ts),
// and "show more". Only people with the mentor role reach these; every action is checked
// again in the domain and the store (the student must be the mentor's own).

const mentorOnly = ['mentor'] as const;

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
