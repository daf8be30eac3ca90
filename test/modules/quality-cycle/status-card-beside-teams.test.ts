import { describe, expect, it } from 'vitest';
import type { Delivery } from '../../../src/modules/campaigns/campaigns.ts';
import { campaignLedgerEvidence } from '../../../src/modules/campaigns/evidence.ts';
import type { CampaignRepositories, DeliveryFilter } from '../../../src/modules/campaigns/ports.ts';
import { statusOf } from '../../../src/modules/campaigns/status.ts';
import { evidenceFigures } from '../../../src/modules/coordinator-page/figures.ts';
import type { OverviewDeps } from '../../../src/modules/coordinator-page/overview.ts';
import {
  buildCheckEvidence,
  type CheckEvidence,
  evidencePeriod,
  relatedPeriods,
} from '../../../src/modules/quality-cycle/check-evidence.ts';
import { StoreEvidenceSource } from '../../../src/modules/quality-cycle/store-evidence.ts';
import { campaign, clock, type FakeGroup, now, prompts, schoolId, studentsOf, team } from '../../helpers/fake-school.ts';
import { subtract } from '../../helpers/subtraction-attack.ts';

// A coordinator opens every team's Check evidence and every campaign's status card. A campaign that
// reached class A1 (20 students, team A) and class B1 (3 students, team B) counts on its card (23
// students: shown) what the two teams' evidence counts of it; with team B's prompt figures hidden and
// team A's shown, the card minus team A gave team B back. So every team's prompt figures are decided for
// the whole school at once, with the status cards (school-prompts.ts), by the evidence and the page alike.
// And no more than that takes: a school-wide campaign that also reaches a 3-student team hides that team
// and one other, not every team.

const oct = '2026-10-20T13:00:00.000Z';
const mar = '2027-03-02T13:00:00.000Z';

function school(groups: FakeGroup[], ledger: Delivery[]) {
  const teamIds = [...new Set(groups.map((g) => g.team))];
  const camp = {
    groups: {
      list: async () => groups.map((g) => ({ id: g.id, schoolId, name: g.id, teamId: `19:${g.team}@thread.tacv2` })),
      members: async (_: string, id: string) =>
        studentsOf(groups.find((g) => g.id === id)!).map((personId) => ({ personId, groupId: id })),
    },
    activities: { listEndingBetween: async () => [] },
    deliveries: {
      find: async (_: string, f: DeliveryFilter) =>
        ledger.filter(
          (d) =>
            (!f.campaignId || d.campaignId === f.campaignId) &&
            (!f.sentFrom || (d.sentAt !== undefined && d.sentAt >= f.sentFrom)) &&
            (!f.sentTo || (d.sentAt !== undefined && d.sentAt < f.sentTo)),
        ),
    },
  } as unknown as CampaignRepositories;
  const ledgerEvidence = campaignLedgerEvidence(camp);
  // The source as setupModules wires it: the ledger's groups and figures, the school's teams.
  const source = new StoreEvidenceSource({
    repos: {
      reflections: { listByStudents: async () => [] },
      people: { get: async () => undefined },
    } as unknown as ConstructorParameters<typeof StoreEvidenceSource>[0]['repos'],
    campaigns: ledgerEvidence,
    groups: (t) => ledgerEvidence.groupsOf(t),
    teams: async () => teamIds.map(team),
  });
  return { source, teamIds };
}

async function evidenceOf(source: StoreEvidenceSource, teamId: string, choice: 'year' | 'h1' | 'h2' = 'year') {
  const { year, period } = evidencePeriod(choice, clock);
  return buildCheckEvidence(source, {
    schoolId,
    team: team(teamId),
    schoolYear: year.id,
    period,
    now,
    related: relatedPeriods(choice, clock),
  });
}

/** Per team and period, the prompt figures a coordinator sees (a count: sent or answered). */
async function shownPrompts(source: StoreEvidenceSource, teamIds: string[], count: 'sent' | 'answered') {
  const shown = new Map<string, number>();
  const all = new Map<string, CheckEvidence>();
  for (const id of teamIds)
    for (const p of ['year', 'h1', 'h2'] as const) {
      const e = await evidenceOf(source, id, p);
      all.set(`${id}:${p}`, e);
      if (e.prompts && !e.prompts.hidden) shown.set(`${id}:${p}`, e.prompts.value[count]);
    }
  return { shown, all };
}

describe('Check evidence of every team beside the campaigns’ status cards', () => {
  it('a 3-student team does not follow from a status card minus the other team', async () => {
    const A1: FakeGroup = { id: 'A1', team: 'team-a', size: 20 };
    const B1: FakeGroup = { id: 'B1', team: 'team-b', size: 3 };
    const c = campaign('c-shadow', 'shadow-day', ['A1', 'B1']);
    const ledger = [...prompts(c, A1, oct, 11), ...prompts(c, B1, oct, 1)];
    const { source, teamIds } = school([A1, B1], ledger);
    const card = statusOf(c, ledger, [], [], new Map());
    expect(card.students).toBe(23); // the card shows its counts
    const b = await evidenceOf(source, 'team-b');
    expect(b.prompts?.hidden).toBe(true);
    for (const count of ['sent', 'answered'] as const) {
      const { shown } = await shownPrompts(source, teamIds, count);
      shown.set('card', card[count]);
      const known = subtract(shown, [
        { total: 'card', parts: ['team-a:year', 'team-b:year'] },
        ...teamIds.map((t) => ({ total: `${t}:year`, parts: [`${t}:h1`, `${t}:h2`] })),
      ]);
      expect(known.has('team-b:year'), `${count} of team B: ${known.get('team-b:year')}`).toBe(false);
      expect(known.has('team-b:h1'), `${count} of team B's first half: ${known.get('team-b:h1')}`).toBe(false);
    }
  });

  it('a school-wide campaign hides the small team and one other, and the coordinator page agrees', async () => {
    const groups: FakeGroup[] = [
      { id: 'A1', team: 'team-a', size: 20 },
      { id: 'B1', team: 'team-b', size: 3 },
      { id: 'C1', team: 'team-c', size: 15 },
      { id: 'D1', team: 'team-d', size: 12 },
    ];
    const c = campaign('c-open', 'open-day', ['A1', 'B1', 'C1', 'D1']);
    const ledger = groups.flatMap((g) => [...prompts(c, g, oct, 2), ...prompts(c, g, mar, 1)]);
    const { source, teamIds } = school(groups, ledger);
    const { shown, all } = await shownPrompts(source, teamIds, 'sent');
    const card = statusOf(c, ledger, [], [], new Map());
    shown.set('card', card.sent);
    const known = subtract(shown, [
      { total: 'card', parts: teamIds.map((t) => `${t}:year`) },
      ...teamIds.map((t) => ({ total: `${t}:year`, parts: [`${t}:h1`, `${t}:h2`] })),
    ]);
    for (const p of ['year', 'h1', 'h2']) expect(known.has(`team-b:${p}`), `team B ${p}`).toBe(false);
    // Team B and one more team lose figures; the other two keep all three periods.
    const untouched = teamIds.filter((t) => ['year', 'h1', 'h2'].every((p) => shown.has(`${t}:${p}`)));
    expect(untouched).toHaveLength(2);

    // The coordinator page decides its figures with the evidence's decisions (evidenceFigures).
    const periods = relatedPeriods('year', clock);
    const deps = { evidence: source } as unknown as OverviewDeps;
    const onPage = await evidenceFigures(
      deps,
      { teams: teamIds.map(team), periods },
      {
        schoolId,
        ledger,
        months: ['2026-10', '2027-03'],
        scope: { kind: 'school' },
        groups: groups.map((g) => ({ id: g.id, name: g.id, studentIds: studentsOf(g) })),
        month: (d) => d.sentAt!.slice(0, 7),
      },
    );
    for (const e of onPage) expect(e.fixed === 'hidden', e.key).toBe(all.get(e.key)!.prompts!.hidden);
  });
});
