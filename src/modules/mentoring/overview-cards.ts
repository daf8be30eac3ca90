import { type AdaptiveCard, render } from '../../core/cards/cards.ts';
import { t, texts } from '../../core/i18n.ts';
import { calendarText, momentText } from '../../core/time/card-dates.ts';
import { type Competency, competencies, type Locale } from '../../core/types.ts';
import {
  cardBytes,
  dayText,
  followUpText,
  type Notice,
  pageBudget,
  recurringText,
  sectionElement,
  shorten,
  stepMax,
} from './cards.ts';
import type { DigestSchedule } from './schedule.ts';
import type { HandoverView, StudentOverview, StudentSection } from './views.ts';

// The mentor's cards about their students outside the digest: `mijn studenten`, the digest settings,
// the reminder of a planned conversation and the handover of a student to a new mentor.

function coverageTexts(locale: Locale, coverage: Record<Competency, number>) {
  const covered = competencies.filter((c) => coverage[c] > 0);
  const missing = competencies.filter((c) => coverage[c] === 0);
  return {
    coverage: t(locale, 'mentors.students.coverage', {
      list: covered.length ? covered.map((c) => `${t(locale, `core.competencies.${c}`)} ${coverage[c]}`).join(' · ') : '–',
    }),
    notYet: missing.length
      ? t(locale, 'mentors.students.notYet', { list: missing.map((c) => t(locale, `core.competencies.${c}`)).join(', ') })
      : '',
  };
}

/** `mijn studenten`, one page of it. */
export function studentsCard(input: { locale: Locale; timeZone: string; students: StudentOverview[]; page: number }): {
  card: AdaptiveCard;
  pageCount: number;
} {
  const { locale, timeZone } = input;
  const rows = input.students.map((s) => ({
    name: s.student.name,
    talk: s.wantsToTalk ? t(locale, 'mentors.students.wantsToTalk') : '',
    last: s.lastEntry
      ? `${t(locale, 'mentors.students.lastEntry', { flow: s.lastEntry.flowTitle, date: dayText(s.lastEntry.at, locale, timeZone) })} · ${t(locale, 'mentors.students.entries', { count: s.entryCount })}`
      : t(locale, 'mentors.students.noEntries'),
    ...coverageTexts(locale, s.coverage),
    openSteps: s.openSteps.map((o) => ({
      text: shorten(o.text, stepMax),
      status: `${t(locale, `mentors.student.stepStatus.${o.status}`)}, ${dayText(o.at, locale, timeZone)}`,
    })),
    followUp: followUpText({ ...s.followUp, notesSent: 0 }, locale, timeZone),
    thread: recurringText(s.recurring, locale, timeZone),
  }));
  const frame = (list: typeof rows, page: number, pageCount: number) =>
    render('mentor-students', {
      t: texts(locale, 'mentors.students'),
      count: t(locale, 'mentors.students.count', { count: input.students.length }),
      none: input.students.length === 0,
      students: list,
      pageText: pageCount > 1 ? t(locale, 'mentors.students.page', { page: page + 1, pages: pageCount }) : '',
      more: page + 1 < pageCount ? { page: page + 1 } : undefined,
    });
  const base = cardBytes(frame([], 0, 99));
  const pages: (typeof rows)[] = [[]];
  let size = base;
  for (const row of rows) {
    const bytes = cardBytes(row) * 2 + 1; // the drawn row is about twice its data
    if (pages.at(-1)!.length > 0 && size + bytes > pageBudget) {
      pages.push([]);
      size = base;
    }
    pages.at(-1)!.push(row);
    size += bytes;
  }
  const page = Math.min(Math.max(0, input.page), pages.length - 1);
  return { card: frame(pages[page]!, page, pages.length), pageCount: pages.length };
}

export function settingsCard(input: {
  locale: Locale;
  schedule: DigestSchedule;
  reminderDays: number;
  next: string;
  timeZone: string;
  notice?: Notice;
}): AdaptiveCard {
  const { locale, schedule } = input;
  const hour = (h: number) => `${String(h).padStart(2, '0')}:00`;
  const scheduleText =
    schedule.frequency === 'daily'
      ? t(locale, 'mentors.settings.scheduleDaily', { hour: hour(schedule.hour) })
      : t(locale, 'mentors.settings.scheduleWeekly', {
          day: t(locale, `mentors.settings.weekdays.${schedule.weekday}`),
          hour: hour(schedule.hour),
        });
  return render('mentor-settings', {
    t: texts(locale, 'mentors.settings'),
    ...(input.notice ? { notice: input.notice } : {}),
    current: t(locale, 'mentors.settings.current', {
      schedule: scheduleText,
      next: momentText(input.next, locale, input.timeZone),
    }),
    frequency: schedule.frequency,
    frequencies: [
      { title: t(locale, 'mentors.settings.weekly'), value: 'weekly' },
      { title: t(locale, 'mentors.settings.daily'), value: 'daily' },
    ],
    weekday: String(schedule.weekday),
    weekdays: [1, 2, 3, 4, 5].map((d) => ({ title: t(locale, `mentors.settings.weekdays.${d}`), value: String(d) })),
    hour: String(schedule.hour),
    hours: Array.from({ length: 12 }, (_, i) => ({ title: hour(i + 8), value: String(i + 8) })),
    reminderDays: String(input.reminderDays),
    reminderChoices: [3, 5, 7, 14].map((d) => ({ title: t(locale, 'mentors.settings.days', { count: d }), value: String(d) })),
  });
}

export function reminderCard(input: {
  locale: Locale;
  timeZone: string;
  section: StudentSection;
  today: string;
  notice?: Notice;
}): AdaptiveCard {
  const { locale, section } = input;
  return render('mentor-reminder', {
    t: texts(locale, 'mentors.reminder'),
    text: t(locale, 'mentors.reminder.text', {
      name: section.student.name,
      date: section.followUp.plannedAt ? dayText(section.followUp.plannedAt, locale, input.timeZone) : '',
    }),
    sections: [
      sectionElement(section, {
        locale,
        timeZone: input.timeZone,
        context: { ctx: 'student', card: 'reminder' },
        today: input.today,
        ...(input.notice ? { notice: input.notice } : {}),
      }),
    ],
  });
}

export function handoverCard(input: {
  locale: Locale;
  timeZone: string;
  view: HandoverView;
  today: string;
  notice?: Notice;
}): AdaptiveCard {
  const { locale, view, timeZone } = input;
  const name = view.section.student.name;
  const facts = [
    view.previousMentors.length ? t(locale, 'mentors.handover.previous', { names: view.previousMentors.join(', ') }) : undefined,
    view.previousDiscussedOn
      ? t(locale, 'mentors.handover.previousDiscussed', { date: calendarText(view.previousDiscussedOn, locale) })
      : undefined,
    view.firstEntryAt
      ? t(locale, 'mentors.handover.entries', { count: view.entryCount, date: dayText(view.firstEntryAt, locale, timeZone) })
      : undefined,
    coverageTexts(locale, view.coverage).coverage,
  ].filter((x): x is string => Boolean(x));
  return render('mentor-handover', {
    t: texts(locale, 'mentors.handover'),
    intro: t(locale, 'mentors.handover.intro', { name }),
    facts: facts.map((text) => ({ text })),
    sections: [
      sectionElement(view.section, {
        locale,
        timeZone,
        context: { ctx: 'student', card: 'handover' },
        today: input.today,
        ...(input.notice ? { notice: input.notice } : {}),
      }),
    ],
  });
}
