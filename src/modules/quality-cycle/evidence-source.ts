import type { Repositories } from '../../core/ports.ts';
import type { DocumentStore } from '../../platform/store/document-store.ts';
import { campaignLedgerEvidence } from '../campaigns/evidence.ts';
import { openCampaignRepositories } from '../campaigns/repositories.ts';
import { mentorFollowUpEvidence } from '../mentoring/follow-up-evidence.ts';
import { openMentoringRepositories } from '../mentoring/repositories.ts';
import { type StoreEvidenceDeps, StoreEvidenceSource } from './store-evidence.ts';

/**
 * The PDCA Check evidence over everything the product records: reflections and competencies, the campaign
 * ledger (activities, prompts, answers, reminders, and the classes linked to the team), and the mentors'
 * follow-up. One place, so the bot and the CLI show the same figures.
 */
export async function openEvidenceSource(
  store: DocumentStore,
  repos: Repositories,
  overrides: Pick<StoreEvidenceDeps, 'campaigns' | 'followUp' | 'groups'> = {},
): Promise<StoreEvidenceSource> {
  const [camp, mentoring] = await Promise.all([openCampaignRepositories(store), openMentoringRepositories(store, repos)]);
  const ledger = campaignLedgerEvidence(camp);
  return new StoreEvidenceSource({
    repos,
    campaigns: ledger,
    followUp: mentorFollowUpEvidence(repos, mentoring),
    groups: (team) => ledger.groupsOf(team),
    ...overrides,
  });
}
