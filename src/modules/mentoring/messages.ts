import { CardJson } from '../../core/cards/card-json.ts';
import type { Person, Reflection } from '../../core/entities.ts';
import type { FlowCatalog } from '../../core/flows/flows.ts';
import { t } from '../../core/i18n.ts';
import { localDate } from '../../core/time/zoned-time.ts';
import type { Message } from '../../delivery/delivery-kind.ts';
import type { Clock } from '../../platform/clock.ts';
import { mentorItemCard } from './cards.ts';
import { meetingCard, noteCard, proposalCard, replyCard, suggestionCard } from './conversation-cards.ts';
import { type DigestCard, digestCard } from './digest-card.ts';
import type { ConversationPlan, FeedforwardNote } from './entities.ts';
import { calendarDays } from './meeting-calendar.ts';
import { handoverCard, reminderCard } from './overview-cards.ts';
import { buildSection } from './sections.ts';
import type { DigestView, HandoverView, StudentSection } from './views.ts';

// What the mentor side sends, as messages: the card in the recipient's language, the recipient and the
// notification's summary. Nothing here sends; the delivery engine does (src/delivery/engine.ts).

export interface MentorMessagesDeps {
  clock: Clock;
  flows: FlowCatalog;
  /** A download link to the calendar file of an agreed conversation, when downloads are set up. */
  calendarLink?: (person: Person) => Promise<string | undefined>;
}

export class MentorMessages {
  private readonly deps: MentorMessagesDeps;
  /** The digest card drawn to see what fits, kept so that sending the same view does not draw it again. */
  private readonly fitted = new WeakMap<DigestView, { today: string; drawn: DigestCard }>();
  constructor(deps: MentorMessagesDeps) {
    this.deps = deps;
  }

  private today(timeZone: string): string {
    return localDate(this.deps.clock.now(), timeZone);
  }

  /** The at-once card: the whole reflection, why it came now, and the mentor's actions. */
  atOnce(input: { mentor: Person; student: Person; reflection: Reflection; itemId: string; timeZone: string }): Message {
    const { mentor, student, reflection, timeZone } = input;
    const section = buildSection(
      {
        student,
        reflections: [reflection],
        show: () => true,
        maxEntries: 1,
        statuses: new Map(),
        followUp: undefined,
        full: true,
      },
      { flows: this.deps.flows, locale: mentor.locale },
    );
    const card = mentorItemCard({ locale: mentor.locale, timeZone, section, itemId: input.itemId, today: this.today(timeZone) });
    return { to: mentor, card, summary: t(mentor.locale, 'core.mentor.title') };
  }

  private draw(view: DigestView): DigestCard {
    const today = this.today(view.timeZone);
    const kept = this.fitted.get(view);
    if (kept?.today === today) return kept.drawn;
    const drawn = digestCard(view, { today, fit: true });
    this.fitted.set(view, { today, drawn });
    return drawn;
  }

  /** How many of the view's sections fit on the first card of a digest. */
  fitDigest(view: DigestView): number {
    return this.draw(view).shown.length;
  }

  /** The first card of a digest, and the students that fitted on it (the rest come with "show more"). */
  digest(mentor: Person, view: DigestView): { message: Message; shown: string[] } {
    const drawn = this.draw(view);
    // Sent as the JSON text its sections were measured in: the card is not written out a second time.
    const card = new CardJson(drawn.json());
    return { message: { to: mentor, card, summary: t(mentor.locale, 'mentors.digest.title') }, shown: drawn.shown };
  }

  note(input: {
    student: Person;
    mentor: Person;
    note: FeedforwardNote;
    about?: { flowTitle: string; at: string };
    timeZone: string;
  }): Message {
    const { student, mentor, note, about, timeZone } = input;
    const card = noteCard({
      locale: student.locale,
      timeZone,
      mentorName: mentor.name,
      text: note.text,
      noteId: note.id,
      ...(about ? { about } : {}),
    });
    return { to: student, card, summary: t(student.locale, 'mentors.note.title') };
  }

  /** The student's answer to the mentor's note. */
  reply({ mentor, student, note }: { mentor: Person; student: Person; note: FeedforwardNote }): Message {
    const card = replyCard({ locale: mentor.locale, studentName: student.name, note: note.text, reply: note.reply?.text ?? '' });
    return { to: mentor, card, summary: t(mentor.locale, 'mentors.reply.title') };
  }

  planReminder({ mentor, section, timeZone }: { mentor: Person; section: StudentSection; timeZone: string }): Message {
    const card = reminderCard({ locale: mentor.locale, timeZone, section, today: this.today(timeZone) });
    return { to: mentor, card, summary: t(mentor.locale, 'mentors.reminder.title') };
  }

  handover({ mentor, view, timeZone }: { mentor: Person; view: HandoverView; timeZone: string }): Message {
    const card = handoverCard({ locale: mentor.locale, timeZone, view, today: this.today(timeZone) });
    return { to: mentor, card, summary: t(mentor.locale, 'mentors.handover.title') };
  }

  /** The mentor's proposed times, to the student. */
  proposal({
    student,
    mentor,
    plan,
    timeZone,
  }: {
    student: Person;
    mentor: Person;
    plan: ConversationPlan;
    timeZone: string;
  }): Message {
    const card = proposalCard({
      locale: student.locale,
      timeZone,
      mentor,
      plan: { at: plan.at, proposals: plan.proposals ?? [] },
      today: this.today(timeZone),
      open: true,
    });
    return { to: student, card, summary: t(student.locale, 'mentors.meeting.proposalTitle') };
  }

  /** The student's other time, to the mentor. */
  suggestion({
    mentor,
    student,
    plan,
    timeZone,
  }: {
    mentor: Person;
    student: Person;
    plan: ConversationPlan;
    timeZone: string;
  }): Message {
    const card = suggestionCard({
      locale: mentor.locale,
      timeZone,
      student,
      plan: { at: plan.at, suggested: plan.suggested! },
      open: true,
    });
    return { to: mentor, card, summary: t(mentor.locale, 'mentors.meeting.suggestionTitle') };
  }

  /** The agreed conversation, with a calendar file, to one of the two. */
  async meeting({
    recipient,
    other,
    at,
    timeZone,
  }: {
    recipient: Person;
    other: Person;
    at: string;
    timeZone: string;
  }): Promise<Message> {
    const url = await this.deps.calendarLink?.(recipient);
    const card = meetingCard({
      locale: recipient.locale,
      timeZone,
      otherName: other.name,
      at,
      days: calendarDays,
      ...(url ? { calendarUrl: url } : {}),
    });
    return { to: recipient, card, summary: t(recipient.locale, 'mentors.meeting.confirmedTitle') };
  }
}
