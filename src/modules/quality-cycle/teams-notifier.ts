import type { ConversationRef, Person, School } from '../../core/entities.ts';
import { t } from '../../core/i18n.ts';
import type { Repositories } from '../../core/ports.ts';
import type { Locale } from '../../core/types.ts';
import type { Reach } from '../../teams/reach.ts';
import { milestoneCard } from './cards.ts';
import type { PostedCard } from './quality-cycle.ts';
import type { CycleNotifier, MilestoneView } from './reminders.ts';

/**
 * The quality cycle's reminders, spoken in Teams: channel posts, 1:1 cards, and updates in place. All of
 * them go through Reach, so they count in the tenant's send windows like every other proactive message.
 */
export class TeamsCycleNotifier implements CycleNotifier {
  private readonly deps: { reach: Reach; repos: Repositories; defaultLocale: Locale };
  constructor(deps: { reach: Reach; repos: Repositories; defaultLocale: Locale }) {
    this.deps = deps;
  }

  private summary(view: MilestoneView, locale: Locale): string {
    return `${t(locale, `pdca.phases.${view.milestone.phase}`)}: ${view.milestone.title}`.slice(0, 200);
  }

  async postToChannel(ref: ConversationRef, view: MilestoneView, school: School | undefined): Promise<PostedCard> {
    const locale = school?.defaultLocale ?? this.deps.defaultLocale;
    const sent = await this.deps.reach.sendToConversation(
      ref.tenantId,
      ref,
      milestoneCard(view, locale),
      this.summary(view, locale),
    );
    return {
      kind: 'channel',
      conversationId: ref.conversationId,
      activityId: sent.activityId,
      serviceUrl: ref.serviceUrl,
      locale,
    };
  }

  async sendToPerson(person: Person, view: MilestoneView): Promise<PostedCard> {
    const sent = await this.deps.reach.sendCard(person, milestoneCard(view, person.locale), this.summary(view, person.locale));
    const ref = await this.deps.repos.conversations.personal(person.schoolId, person.id);
    const school = ref ? undefined : await this.deps.repos.schools.get(person.schoolId);
    return {
      kind: view.purpose,
      conversationId: sent.conversationId,
      activityId: sent.activityId,
      serviceUrl: ref?.serviceUrl ?? school?.serviceUrl ?? '',
      locale: person.locale,
      personId: person.id,
    };
  }

  async update(card: PostedCard, view: MilestoneView): Promise<void> {
    await this.deps.reach.updateCard(view.cycle.schoolId, card, milestoneCard(view, card.locale), {
      summary: this.summary(view, card.locale),
      // An update that fails for now leaves the card stale; the next reminder run tries again.
      retry: { attempts: 2, budgetMs: 5_000 },
    });
  }
}
