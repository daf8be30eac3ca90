import { mentorItemCard } from '../cards/mentor-cards.ts';
import type { Clock } from '../clock.ts';
import type { FlowCatalog } from '../domain/flows.ts';
import { buildSection } from '../domain/mentoring/sections.ts';
import type { Notifier, Repositories } from '../domain/ports.ts';
import { localDate } from '../domain/zoned-time.ts';
import { t } from '../i18n.ts';
import type { Reach } from './reach.ts';

/** The domain's Notifier, spoken in Teams: builds the card in the recipient's language and sends it. */
export class TeamsNotifier implements Notifier {
  private readonly reach: Reach;
  private readonly repos: Repositories;
  private readonly flows: FlowCatalog;
  private readonly clock: Clock;
  private readonly defaultTimeZone: string;
  constructor(deps: { reach: Reach; repos: Repositories; flows: FlowCatalog; clock: Clock; defaultTimeZone: string }) {
    this.reach = deps.reach;
    this.repos = deps.repos;
    this.flows = deps.flows;
    this.clock = deps.clock;
    this.defaultTimeZone = deps.defaultTimeZone;
  }

  /** The at-once card: the whole reflection, why it came now, and the mentor's actions. */
  async reflectionToMentor(input: Parameters<Notifier['reflectionToMentor']>[0]) {
    const { mentor, student, reflection } = input;
    const school = await this.repos.schools.get(reflection.schoolId);
    const timeZone = school?.timeZone ?? this.defaultTimeZone;
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
      { flows: this.flows, locale: mentor.locale },
    );
    const card = mentorItemCard({
      locale: mentor.locale,
      timeZone,
      section,
      ...(input.itemId ? { itemId: input.itemId } : {}),
      today: localDate(this.clock.now(), timeZone),
    });
    return this.reach.sendCard(mentor, card, t(mentor.locale, 'core.mentor.title'));
  }
}
