import { describe, expect, it } from 'vitest';
import { editData, evidenceData, milestonesData, milestoneView, statusData } from '../../../scripts/quality-cycle-samples.ts';
import { milestoneCard, statusCard } from '../../../src/modules/quality-cycle/cards.ts';
import { editCard, milestonesCard } from '../../../src/modules/quality-cycle/edit-cards.ts';
import { evidenceCard } from '../../../src/modules/quality-cycle/evidence-cards.ts';
import type { MilestoneView } from '../../../src/modules/quality-cycle/milestone-cards.ts';
import { renderCard } from '../../helpers/render-card.ts';

// The quality cycle's cards through the real Adaptive Cards renderer: they parse without problems, and
// whatever someone at the school typed (titles, notes, links, names) shows as typed, never as Markdown.

const typed = '**Vet** [klik hier](https://evil.example/x) <b>html</b>';

const view = (overrides: Partial<MilestoneView['milestone']> = {}, state: MilestoneView['state'] = 'due-soon') =>
  milestoneView(typed, overrides, state);

function expectPlain(rendered: ReturnType<typeof renderCard>) {
  expect(rendered.problems).toEqual([]);
  expect(rendered.links).toEqual([]);
  expect(rendered.html).not.toContain('<strong>');
  expect(rendered.html).not.toContain('<b>html</b>');
  expect(rendered.text).toContain(typed);
}

describe('quality cycle cards in the Adaptive Cards renderer', () => {
  it('shows a milestone with a form to mark it done, everything typed as plain text', () => {
    const r = renderCard(milestoneCard(view(), 'nl'));
    expectPlain(r);
    expect(r.text).toContain('Herinnering');
    expect(r.text).toContain('31 augustus 2026');
    expect(r.text).toContain('Binnenkort');
    expect(r.buttons).toContain('Afronden');
    expect(r.html).toContain('type="url"');
  });

  it('shows a done milestone with its note and link as text, and the link only as a button', () => {
    const done = view(
      { done: { at: '2026-08-20T13:00:00Z', byPersonId: 'p', note: typed, link: 'https://school.sharepoint.com/werkplan.docx' } },
      'done',
    );
    const r = renderCard(milestoneCard({ ...done, doneByName: 'Lisa' }, 'en', { message: 'Done.' }));
    expectPlain(r);
    expect(r.text).toContain('Done by Lisa on 20 August 2026.');
    expect(r.text).toContain('https://school.sharepoint.com/werkplan.docx');
    expect(r.buttons).toEqual(['Open the document']);
    expect(r.html).not.toContain('Mark done');
  });

  it('dates a milestone done just after midnight on the school’s day, not on UTC’s', () => {
    const done = view({ done: { at: '2026-10-15T22:30:00Z', byPersonId: 'p', note: '' } }, 'done');
    expect(done.timeZone).toBe('Europe/Amsterdam');
    const r = renderCard(milestoneCard({ ...done, doneByName: 'Lisa' }, 'nl'));
    expect(r.text).toContain('Afgerond door Lisa op 16 oktober 2026');
  });

  it('shows problems with the note or link above the form, and keeps what was typed', () => {
    const r = renderCard(
      milestoneCard(view(), 'nl', { problems: [{ field: 'link', code: 'invalid' }], values: { note: typed, link: 'http://x' } }),
    );
    expect(r.problems).toEqual([]);
    expect(r.text).toContain('volledig https-adres');
    expect(r.inputs).toEqual([typed, 'http://x']);
  });

  it('shows the status, the milestone list and the edit form', () => {
    const status = renderCard(statusCard('nl', statusData(typed)));
    expectPlain(status);
    expect(status.text).toContain('0 afgerond · 1 binnenkort · 1 te laat · 0 later');
    expect(status.buttons).toEqual(['Check-gegevens', 'Mijlpalen']);

    const list = renderCard(milestonesCard('nl', milestonesData(typed)));
    expectPlain(list);

    const form = renderCard(editCard('nl', editData(typed)));
    expect(form.problems).toEqual([]);
    expect(form.text).toContain('De deadline valt buiten schooljaar 2026–2027 (1 augustus 2026 t/m 31 juli 2027).');
    expect(form.html).toContain('min="2026-08-01"');
  });

  it('shows the Check evidence without figures for small groups and says what is not connected', () => {
    const evidence = evidenceData(typed);
    const r = renderCard(evidenceCard('nl', evidence, { period: 'year', activityLabel: (x) => x }));
    expectPlain(r);
    expect(r.text).toContain('Minder dan 5 leerlingen: geen cijfers getoond.');
    expect(r.text).toContain('Niet getoond, zodat de cijfers van een kleine groep niet zijn terug te rekenen.');
    expect(r.text).toContain('75%');
    expect(r.text).toContain('Nog niet beschikbaar: de campagneadministratie is nog niet gekoppeld.');
    expect(r.text).toContain('2 van de 17 (12%)');
  });
});
