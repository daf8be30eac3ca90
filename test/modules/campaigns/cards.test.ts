import { describe, expect, it } from 'vitest';
import { sampleCampaign, sampleStatus } from '../../../scripts/campaign-samples.ts';
import type { Reflection } from '../../../src/core/entities.ts';
import { createFlowCatalog, loadFlowFiles, shippedPromptsDir } from '../../../src/core/flows/load-flows.ts';
import {
  campaignFormCard,
  campaignListCard,
  campaignPromptCard,
  campaignStatusCard,
  campaignTemplatesCard,
} from '../../../src/modules/campaigns/cards.ts';
import { campaignTemplates } from '../../../src/modules/campaigns/templates.ts';
import { renderCard } from '../../helpers/render-card.ts';

// Every campaign card through the real Adaptive Cards renderer (1.5), under Teams' size limit, with
// everything people typed bound only into TextRuns.

const flows = createFlowCatalog(loadFlowFiles(shippedPromptsDir));
const evil = '**vet** [klik](https://evil.example) <at>iedereen</at>';

const campaign = sampleCampaign(evil);
const status = (unreachable: number) => sampleStatus(evil, unreachable);

function check(card: object) {
  const size = Buffer.byteLength(JSON.stringify(card));
  expect(size, 'card size').toBeLessThan(28 * 1024);
  const { element, problems } = renderCard(card);
  expect(problems, 'parse and validation problems').toEqual([]);
  expect(element.querySelectorAll('*').length).toBeGreaterThan(3);
  return element;
}

/** Texts a TextBlock would read as Markdown, and texts in TextRuns (never read as Markdown). */
function texts(card: unknown) {
  const blocks: string[] = [];
  const runs: string[] = [];
  const walk = (n: unknown) => {
    if (Array.isArray(n)) n.forEach(walk);
    else if (n && typeof n === 'object') {
      const o = n as Record<string, unknown>;
      if (o['type'] === 'TextBlock' && typeof o['text'] === 'string') blocks.push(o['text']);
      if (o['type'] === 'TextRun' && typeof o['text'] === 'string') runs.push(o['text']);
      if (typeof o['title'] === 'string') blocks.push(o['title']);
      Object.values(o).forEach(walk);
    }
  };
  walk(card);
  return { blocks, runs };
}

describe('campaign cards', () => {
  it('render in both languages with the real renderer, under 28 KB', () => {
    for (const locale of ['nl', 'en'] as const) {
      check(campaignTemplatesCard(locale));
      for (const template of campaignTemplates) {
        check(
          campaignFormCard({
            locale,
            template,
            formId: '8c5e4b1e-0d1f-4d8c-9a0e-6f3a2b1c0d9e',
            groups: [{ id: 'g', name: '4H', members: 28 }],
            flows: flows.all(),
            values: {
              name: 'x',
              date: '2026-11-25',
              startTime: '09:00',
              endTime: '13:59',
              offset: '0',
              reminder: '4x1',
              closeAfterDays: '7',
            },
            errors: ['Kies een groep.'],
            offerPreparation: true,
          }),
        );
      }
      check(
        campaignStatusCard({
          locale,
          status: status(3),
          flowTitle: 'Iets',
          groupNames: ['4H'],
          timeZone: 'Europe/Amsterdam',
          now: new Date(),
        }),
      );
      check(campaignListCard(locale, [{ campaign, counts: { total: 300, sent: 170, answered: 90 } }]));
    }
  });

  it('shows the numbers and a progress bar, and keeps a long unreachable list within the size limit', () => {
    const card = campaignStatusCard({
      locale: 'en',
      status: status(400),
      flowTitle: 'Something',
      groupNames: ['4H', '4V'],
      timeZone: 'Europe/Amsterdam',
      now: new Date(),
    });
    const element = check(card);
    const text = element.textContent ?? '';
    expect(text).toContain('Not reached (400)');
    expect(text).toContain('And 375 more');
    expect(text).toContain('60% processed');
    expect(text).toContain('Response: 53% (90 of 170)');
    expect(JSON.stringify(card)).toMatch(/"width":60,"style":"good"/);
  });

  it('shows no count at all when fewer than five students were reached (not only no percentage)', () => {
    const small = { ...status(0), total: 3, toSend: 0, sent: 3, answered: 2, reminded: 1, progress: 1, students: 3 };
    const text = check(
      campaignStatusCard({
        locale: 'nl',
        status: small,
        flowTitle: 'x',
        groupNames: ['klein'],
        timeZone: 'Europe/Amsterdam',
        now: new Date(),
      }),
    ).textContent;
    expect(text).toContain('Geen aantallen: deze campagne gaat over minder dan 5 leerlingen.');
    expect(text).not.toMatch(/2 van 3|Respons/);
    // Planned, sent, answered, reminded, unreachable: a dash each, never the count.
    expect(text.match(/–/g)?.length).toBe(5);
    expect(text).not.toMatch(/\b[123]\b\s*(Verstuurd|Beantwoord|Herinnerd)/);
  });

  it('bind names people typed only into TextRuns, never into Markdown', () => {
    const reflection = { id: 'r1', locale: 'nl', flowId: 'free' } as Reflection;
    const cards = [
      campaignStatusCard({
        locale: 'nl',
        status: status(2),
        flowTitle: 'x',
        groupNames: [evil],
        timeZone: 'Europe/Amsterdam',
        now: new Date(),
      }),
      campaignListCard('nl', [{ campaign, counts: undefined }]),
      campaignPromptCard(flows.defaultFlow(), reflection, {
        activity: { title: evil, type: 'shadow-day', endsAt: '2026-11-25T12:59:00Z' },
        timeZone: 'Europe/Amsterdam',
        reminder: true,
      }),
    ];
    for (const card of cards) {
      check(card);
      const { blocks, runs } = texts(card);
      expect(blocks.some((b) => b.includes('evil.example'))).toBe(false);
      expect(runs.some((r) => r.includes(evil))).toBe(true);
    }
  });
});
