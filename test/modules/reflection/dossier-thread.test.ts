import { marked } from 'marked';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { nov, plain, World } from '../mentoring/world.ts';

// The dossier grouped by kernwoord (issue 12, item 4): the download a student gets with `export` shows
// the thread across reflections first (each key word with the activities that named it), then every entry.

function openUrl(card: unknown): string {
  const found =
    JSON.stringify(card).match(/"type":"Action\.OpenUrl"[^}]*"url":"([^"]+)"/) ??
    JSON.stringify(card).match(/"url":"([^"]+)"[^}]*"type":"Action\.OpenUrl"/);
  expect(found).not.toBeNull();
  return found![1]!;
}

describe('the dossier by kernwoord', () => {
  let w: World;
  beforeEach(async () => {
    w = await World.start({ at: nov(2, '10:00') });
  });
  afterEach(async () => {
    await w.stop();
  });

  it('groups the entries under each key word, the most named first, and keeps the words as typed', async () => {
    const sanne = await w.person('Sanne de Vries', 'sanne@school.nl');
    await w.reflect(sanne.user, { ...plain, kernwoord: 'helpen' });
    w.clock.set(nov(3, '10:00'));
    await w.reflect(sanne.user, { ...plain, kernwoord: '<b>rust</b>' });
    w.clock.set(nov(4, '10:00'));
    await w.reflect(sanne.user, { ...plain, kernwoord: 'Helpen ' });
    w.clock.set(nov(5, '10:00'));
    await w.reflect(sanne.user, plain);

    const md = await (await fetch(openUrl(await w.say(sanne.user, 'export')))).text();
    const start = md.indexOf('## Mijn rode draad');
    const thread = md.slice(start, md.indexOf('\n## ', start));
    expect(thread).toContain('Je reflecties per kernwoord');
    // helpen twice (named "helpen" first), before rust once; the entry without a kernwoord is in no group.
    expect(thread.indexOf('### helpen (2 keer)')).toBeGreaterThan(0);
    expect(thread.indexOf('### helpen (2 keer)')).toBeLessThan(thread.indexOf('rust'));
    expect(thread.match(/^- /gm)).toHaveLength(3);
    expect(md).toContain('**Kernwoord:** helpen');
    // Typed markup stays text in a Markdown viewer.
    expect(marked.parse(md, { async: false })).not.toContain('<b>rust</b>');
  });
});
