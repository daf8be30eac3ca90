import { describe, expect, it } from 'vitest';
import { campaign, type FakeGroup, overview, prompts } from '../../helpers/fake-school.ts';
import { subtract } from '../../helpers/subtraction-attack.ts';

// Every campaign row on the page names the classes it reached ("Open dag · K"), so a reader knows that its
// counts add up from those classes' counts: a campaign that reached one class alone is that class's figure
// under another name. Class G (3 students) shares a shadow-day campaign with H; an open-day campaign
// reaches K alone. Hiding K's row to protect G is no use while the open-day row shows: G = total − H − K.

const G: FakeGroup = { id: 'G', team: 'team-x', size: 3 };
const H: FakeGroup = { id: 'H', team: 'team-x', size: 20 };
const K: FakeGroup = { id: 'K', team: 'team-x', size: 10 };
const shadow = campaign('c-shadow', 'shadow-day', ['G', 'H']);
const open = campaign('c-open', 'open-day', ['K']);
const oct = '2026-10-20T13:00:00.000Z';
const deliveries = [...prompts(shadow, G, oct, 1), ...prompts(shadow, H, oct, 12), ...prompts(open, K, oct, 6)];

describe('coordinator page: a campaign row adds up from the classes it reached', () => {
  it('the 3-student class does not follow from the total minus the other class and the campaign row', async () => {
    const o = await overview({ groups: [G, H, K], campaigns: [shadow, open], deliveries, teams: [] }, { kind: 'school' }, []);
    const row = (id: string) => o.response.byGroup.find((s) => s.key === id)!.total!;
    const campaignRow = o.campaigns.find((c) => c.id === 'c-open')!;
    expect(row('G').hidden).toBe(true);
    // The open-day row is its status card's figure (10 students): it stays, so something else goes.
    expect(campaignRow.figures.hidden).toBe(false);
    const total = o.response.total.total!;
    const h = row('H');
    let derived: { sent: number; answered: number } | undefined;
    if (!total.hidden && !h.hidden && !campaignRow.figures.hidden && campaignRow.groupIds.join() === 'K') {
      derived = {
        sent: total.value.sent - h.value.sent - campaignRow.figures.value.sent,
        answered: total.value.answered - h.value.answered - campaignRow.figures.value.answered,
      };
    }
    expect(derived, `G derived: ${JSON.stringify(derived)}; K row hidden: ${row('K').hidden}`).toBeUndefined();

    // And with every sum a reader knows: the classes add up to the total, each campaign row to its classes.
    for (const f of ['sent', 'answered'] as const) {
      const seen = new Map<string, number>();
      const put = (key: string, a: (typeof o.campaigns)[number]['figures'] | typeof total) => {
        if (!a.hidden) seen.set(key, a.value[f]);
      };
      put('total', total);
      for (const g of ['G', 'H', 'K']) put(g, row(g));
      for (const c of o.campaigns) put(c.id, c.figures);
      const known = subtract(seen, [
        { total: 'total', parts: ['G', 'H', 'K'] },
        ...o.campaigns.map((c) => ({ total: c.id, parts: c.groupIds })),
      ]);
      expect(known.has('G'), `${f} of G: ${known.get('G')}`).toBe(false);
    }
  });
});
