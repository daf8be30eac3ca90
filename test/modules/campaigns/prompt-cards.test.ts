import { describe, expect, it } from 'vitest';
import { preparationCard } from '../../../src/core/cards/cards.ts';
import type { Reflection } from '../../../src/core/entities.ts';
import { createFlowCatalog, loadFlowFiles, shippedPromptsDir } from '../../../src/core/flows/load-flows.ts';
import { campaignPromptCard } from '../../../src/modules/campaigns/cards.ts';
import { PromptCards } from '../../../src/modules/campaigns/prompt-cards.ts';
import { bodyText, cardActivity } from '../../../src/teams/connector.ts';
import { renderCard } from '../../helpers/render-card.ts';

// A campaign draws its prompt card once per run and copies it per student: every copy must be exactly
// the card drawn for that student's reflection, through the real renderer, whatever the id contains.

const flows = createFlowCatalog(loadFlowFiles(shippedPromptsDir));
const activity = { title: 'Meeloopdag "Zorg" $& \\ <at>x</at>', type: 'shadow-day' as const, endsAt: '2026-11-25T12:59:00Z' };
const reflectionOf = (id: string) =>
  ({ id, locale: 'nl', flowId: 'free', createdAt: '2026-11-25T13:00:00Z', status: 'open', answers: {} }) as unknown as Reflection;

describe('prompt cards drawn once per run', () => {
  const ids = ['c1:r-0001', 'c1:r-"quoted"-$&-$1', 'c1:r-\\back\\slash', 'c1:r-ünïcode-✓'];

  for (const [name, draw] of [
    [
      'campaign prompt',
      (r: Reflection) => campaignPromptCard(flows.defaultFlow(), r, { activity, timeZone: 'Europe/Amsterdam', reminder: false }),
    ],
    ['preparation', (r: Reflection) => preparationCard(flows.defaultFlow(), r)],
  ] as const) {
    it(`copies the ${name} card with each student's reflection id, equal to drawing it`, () => {
      const cards = new PromptCards();
      let drawn = 0;
      for (const id of ids) {
        const card = cards.card('one key', id, (rid) => {
          drawn++;
          return draw(reflectionOf(rid));
        });
        const expected = draw(reflectionOf(id));
        // What goes on the wire: the activity's body with the copied card in it, equal to the drawn card's.
        const activity = { ...cardActivity(card, 'Meeloopdag'), from: { id: '28:bot' } };
        const wire = JSON.parse(bodyText(activity));
        expect(wire).toEqual(JSON.parse(JSON.stringify({ ...cardActivity(expected, 'Meeloopdag'), from: { id: '28:bot' } })));
        expect(JSON.parse(JSON.stringify(card))).toEqual(JSON.parse(JSON.stringify(expected)));
        expect(renderCard(wire.attachments[0].content).problems).toEqual([]);
      }
      // Twice to check that only the id differs, then never again for the same key.
      expect(drawn).toBe(2);
    });
  }

  it('draws per prompt a card that differs in more than the id', () => {
    const cards = new PromptCards();
    let drawn = 0;
    const draw = (rid: string) => {
      drawn++;
      // The id shortened in one place: a copy with the id put in would be wrong.
      return {
        type: 'AdaptiveCard' as const,
        version: '1.5',
        body: [{ type: 'TextBlock', text: rid.slice(0, 5) }],
        actions: [{ data: { rid } }],
      };
    };
    const a = cards.card('k', 'first-id', draw);
    const b = cards.card('k', 'second-id', draw);
    expect(JSON.parse(bodyText(cardActivity(a))).attachments[0].content).toEqual(draw('first-id'));
    expect(JSON.parse(bodyText(cardActivity(b))).attachments[0].content).toEqual(draw('second-id'));
    expect(drawn).toBe(2 + 2 + 2);
  });

  it('keeps cards apart by key', () => {
    const shell = { type: 'AdaptiveCard' as const, version: '1.5' };
    const cards = new PromptCards();
    const a = cards.card('a', 'id-1', (rid) => ({ ...shell, body: [{ text: 'A', rid }] }));
    const b = cards.card('b', 'id-1', (rid) => ({ ...shell, body: [{ text: 'B', rid }] }));
    expect(JSON.parse(JSON.stringify(a))).toEqual({ ...shell, body: [{ text: 'A', rid: 'id-1' }] });
    expect(JSON.parse(JSON.stringify(b))).toEqual({ ...shell, body: [{ text: 'B', rid: 'id-1' }] });
  });
});
