import type { FlowCatalog } from '../../core/flows/flows.ts';
import { t } from '../../core/i18n.ts';
import type { Notifier, Repositories } from '../../core/ports.ts';
import { localDate } from '../../core/time/zoned-time.ts';
import type { Clock } from '../../platform/clock.ts';
import type { Reach } from '../../teams/reach.ts';
import { mentorItemCard } from './cards.ts';
import { buildSection } from './sections.ts';

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
