import { mentorReflectionCard } from '../cards/cards.ts';
import type { FlowCatalog } from '../domain/flows.ts';
import type { Notifier, Repositories } from '../domain/ports.ts';
import { t } from '../i18n.ts';
import type { Reach } from './reach.ts';

/** The domain's Notifier, spoken in Teams: builds the card in the recipient's language and sends it. */
export class TeamsNotifier implements Notifier {
  private readonly reach: Reach;
  private readonly repos: Repositories;
  private readonly flows: FlowCatalog;
  private readonly defaultTimeZone: string;
  constructor(deps: { reach: Reach; repos: Repositories; flows: FlowCatalog; defaultTimeZone: string }) {
    this.reach = deps.reach;
    this.repos = deps.repos;
    this.flows = deps.flows;
    this.defaultTimeZone = deps.defaultTimeZone;
  }

  async reflectionToMentor(input: Parameters<Notifier['reflectionToMentor']>[0]) {
    const flow = this.flows.get(input.reflection.flowId) ?? this.flows.defaultFlow();
    const school = await this.repos.schools.get(input.reflection.schoolId);
    const card = mentorReflectionCard({ ...input, flow, timeZone: school?.timeZone ?? this.defaultTimeZone });
    return this.reach.sendCard(input.mentor, card, t(input.mentor.locale, 'core.mentor.title'));
  }
}
