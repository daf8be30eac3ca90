import type { Person } from '../../core/entities.ts';
import { t } from '../../core/i18n.ts';
import { localDate } from '../../core/time/zoned-time.ts';
import type { Clock } from '../../platform/clock.ts';
import type { Reach } from '../../teams/reach.ts';
import {
  digestCard,
  handoverCard,
  meetingCard,
  noteCard,
  proposalCard,
  reminderCard,
  replyCard,
  suggestionCard,
} from './cards.ts';
import { calendarDays } from './meeting-calendar.ts';
import type { MentorMessenger } from './ports.ts';
import type { DigestView } from './views.ts';

/** The mentor side's messages, spoken in Teams: cards in the recipient's language, sent to their 1:1 chat. */
export class TeamsMentorMessenger implements MentorMessenger {
  private readonly reach: Reach;
  private readonly clock: Clock;
  /** The card drawn to see what fits, kept so that sending the same view does not draw it again. */
  private readonly fitted = new WeakMap<DigestView, { today: string; drawn: ReturnType<typeof digestCard> }>();
  private readonly calendarLink: ((person: Person) => Promise<string | undefined>) | undefined;
  constructor(deps: { reach: Reach; clock: Clock; calendarLink?: (person: Person) => Promise<string | undefined> }) {
    this.reach = deps.reach;
    this.clock = deps.clock;
    this.calendarLink = deps.calendarLink;
  }

  proposal({ student, mentor, plan, timeZone }: Parameters<MentorMessenger['proposal']>[0]) {
    const card = proposalCard({
      locale: student.locale,
      timeZone,
      mentor,
      plan: { at: plan.at, proposals: plan.proposals ?? [] },
      today: this.today(timeZone),
      open: true,
    });
    return this.reach.sendCard(student, card, t(student.locale, 'mentors.meeting.proposalTitle'));
  }

  suggestion({ mentor, student, plan, timeZone }: Parameters<MentorMessenger['suggestion']>[0]) {
    const card = suggestionCard({
      locale: mentor.locale,
      timeZone,
      student,
      plan: { at: plan.at, suggested: plan.suggested! },
      open: true,
    });
    return this.reach.sendCard(mentor, card, t(mentor.locale, 'mentors.meeting.suggestionTitle'));
  }

  async meeting({ recipient, other, at, timeZone }: Parameters<MentorMessenger['meeting']>[0]) {
    const url = await this.calendarLink?.(recipient);
    const card = meetingCard({
      locale: recipient.locale,
      timeZone,
      otherName: other.name,
      at,
      days: calendarDays,
      ...(url ? { calendarUrl: url } : {}),
    });
    return this.reach.sendCard(recipient, card, t(recipient.locale, 'mentors.meeting.confirmedTitle'));
  }

  private today(timeZone: string): string {
    return localDate(this.clock.now(), timeZone);
  }

  private draw(view: DigestView): ReturnType<typeof digestCard> {
    const today = this.today(view.timeZone);
    const kept = this.fitted.get(view);
    if (kept?.today === today) return kept.drawn;
    const drawn = digestCard(view, { today, fit: true });
    this.fitted.set(view, { today, drawn });
    return drawn;
  }

  fitDigest(view: DigestView): number {
    return this.draw(view).shown.length;
  }

  async digest({ mentor, view }: Parameters<MentorMessenger['digest']>[0]) {
    const { card, shown } = this.draw(view);
    const sent = await this.reach.sendCard(mentor, card, t(mentor.locale, 'mentors.digest.title'));
    return { ...sent, shown };
  }

  note({ student, mentor, note, about, timeZone }: Parameters<MentorMessenger['note']>[0]) {
    const card = noteCard({
      locale: student.locale,
      timeZone,
      mentorName: mentor.name,
      text: note.text,
      noteId: note.id,
      ...(about ? { about } : {}),
    });
    return this.reach.sendCard(student, card, t(student.locale, 'mentors.note.title'));
  }

  reply({ mentor, student, note }: Parameters<MentorMessenger['reply']>[0]) {
    const card = replyCard({ locale: mentor.locale, studentName: student.name, note: note.text, reply: note.reply?.text ?? '' });
    return this.reach.sendCard(mentor, card, t(mentor.locale, 'mentors.reply.title'));
  }

  planReminder({ mentor, section, timeZone }: Parameters<MentorMessenger['planReminder']>[0]) {
    const card = reminderCard({ locale: mentor.locale, timeZone, section, today: this.today(timeZone) });
    return this.reach.sendCard(mentor, card, t(mentor.locale, 'mentors.reminder.title'));
  }

  handover({ mentor, view, timeZone }: Parameters<MentorMessenger['handover']>[0]) {
    const card = handoverCard({ locale: mentor.locale, timeZone, view, today: this.today(timeZone) });
    return this.reach.sendCard(mentor, card, t(mentor.locale, 'mentors.handover.title'));
  }
}
