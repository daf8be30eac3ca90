import type { Campaign } from '../src/modules/campaigns/campaigns.ts';
import type { CampaignStatus } from '../src/modules/campaigns/status.ts';

// Sample data for the campaign cards: used by the card tests (test/modules/campaigns/cards.test.ts) and by the
// gallery (scripts/card-samples.ts). `typed` stands for whatever someone at the school typed.

export function sampleCampaign(typed: string): Campaign {
  return {
    id: 'cmp-1',
    version: 1,
    schoolId: 's',
    name: `Meeloopdag 4H ${typed}`,
    flowId: 'free',
    activityType: 'shadow-day',
    groupIds: ['g'],
    schedule: { kind: 'after-end', offset: { kind: 'after', minutes: 0 } },
    reminders: { afterHours: 4, max: 1 },
    closeAfterDays: 7,
    state: 'active',
    notBefore: '2026-11-18T13:00:00Z',
    createdAt: '2026-11-25T13:00:00Z',
    updatedAt: '2026-11-25T13:00:00Z',
    statusCards: [],
  };
}

export function sampleStatus(typed: string, unreachable: number): CampaignStatus {
  return {
    campaign: sampleCampaign(typed),
    total: 300,
    toSend: 120,
    upcoming: 0,
    sent: 170,
    answered: 90,
    late: 2,
    reminded: 40,
    unreachable,
    closed: 3,
    cancelled: 0,
    superseded: 1,
    withoutSupervisor: 0,
    students: 170,
    progress: 0.6,
    unreachableStudents: Array.from({ length: unreachable }, (_, i) => ({
      studentId: `p${i}`,
      name: i === 0 ? typed : `Leerling ${i}`,
      reason: ['blocked', 'uninstalled', 'no-conversation', 'error'][i % 4]!,
    })),
  };
}
