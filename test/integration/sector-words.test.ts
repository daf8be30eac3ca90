import { afterEach, describe, expect, it } from 'vitest';
import { allKeys, t, withSector } from '../../src/core/i18n.ts';
import { locales, type Sector, sectors } from '../../src/core/types.ts';
import { tenantId } from '../helpers/activities.ts';
import { renderCard } from '../helpers/render-card.ts';
import { nov, plain, World } from '../modules/mentoring/world.ts';

// Words per sector (src/core/i18n.ts): leerling and mentor in vo, student and loopbaanbegeleider in mbo,
// student and SLB'er in hbo, on the student's cards and the mentor's alike. The cards go through the bot
// over HTTP (the turn sets the sector) and through the delivery engine (the at-once card and the digest
// are worded for their recipient), and are drawn by the real Adaptive Cards renderer.

const expected: Record<Sector, { student: RegExp; mentor: RegExp; wrong: RegExp }> = {
  vo: { student: /\bleerling(en)?\b/, mentor: /\bmentor\b/, wrong: /\bstudent(en)?\b|loopbaanbegeleider|SLB/i },
  mbo: { student: /\bstudent(en)?\b/, mentor: /\bloopbaanbegeleider\b/, wrong: /\bleerling(en)?\b|\bmentor(en)?\b|SLB/i },
  hbo: { student: /\bstudent(en)?\b/, mentor: /\bSLB'er\b/, wrong: /\bleerling(en)?\b|\bmentor(en)?\b|loopbaanbegeleider/i },
};

function shown(card: unknown): string {
  const { problems, text } = renderCard(card);
  expect(problems).toEqual([]);
  return text;
}

describe('the words for students and mentors follow the sector', () => {
  let w: World | undefined;
  afterEach(async () => {
    await w?.stop();
    w = undefined;
  });

  for (const sector of sectors) {
    it(`in a ${sector} school: the student's cards name the ${sector} guide, the mentor's cards the ${sector} student`, async () => {
      w = await World.start();
      const world = w;
      const mentor = await world.person('Piet Jansen', 'jansen@school.nl', 'mentor');
      await world.repos.schools.update(tenantId, (s) => ({ ...s, sector }));
      // Each process keeps a school it has seen for 5 minutes (src/teams/known-schools.ts): the new sector
      // shows once that has passed, as it would after a coordinator changes it.
      world.clock.advance(5 * 60_000 + 1);
      const sanne = await world.person('Sanne de Vries', 'sanne@school.nl');
      const daan = await world.person('Daan Smit', 'daan@school.nl');
      await world.assign(sanne.user, mentor.user);
      await world.assign(daan.user, mentor.user);
      const want = expected[sector];

      // The student's reflection card and summary, answered in the turn.
      const card = shown(await world.say(sanne.user, 'reflecteer free'));
      expect(card).toMatch(new RegExp(`met mijn ${want.mentor.source} over praten`));
      expect(card).not.toMatch(want.wrong);
      await world.reflect(sanne.user);

      // The mentor's card at once (through the delivery engine), worded for the mentor's sector.
      await world.reflect(daan.user, { ...plain, 'wants-to-talk': 'true' });
      const atOnce = shown(world.cards(mentor.user).at(-1));
      expect(atOnce).toMatch(new RegExp(`Nieuwe reflectie van je ${want.student.source}`));
      expect(atOnce).not.toMatch(want.wrong);

      // The digest, from the scheduled job.
      world.clock.set(nov(6, '15:05'));
      await world.runDigest();
      const digest = world.cards(mentor.user).filter((c) => /ter voorbereiding op je volgende gesprekken/.test(shown(c)));
      expect(digest.length).toBeGreaterThan(0);
      const digestText = shown(digest.at(-1));
      expect(digestText).toMatch(new RegExp(`Je ${want.student.source.replace(')?', ')')}`));
      expect(digestText).not.toMatch(want.wrong);
    });
  }
});

describe('the sector words', () => {
  it('exist in every sector and language for every text that uses them', () => {
    for (const locale of locales) {
      for (const key of allKeys(locale)) {
        if (key.startsWith('words.')) continue;
        for (const sector of sectors) expect(() => t(locale, key, { sector }), `${locale}:${key}`).not.toThrow();
      }
    }
  });

  it('come from the sector passed, else the one the turn runs in, else vo', () => {
    expect(t('nl', 'core.reflection.wantsToTalk')).toBe('Ik wil hier graag met mijn mentor over praten');
    expect(t('nl', 'core.reflection.wantsToTalk', { sector: 'mbo' })).toBe(
      'Ik wil hier graag met mijn loopbaanbegeleider over praten',
    );
    expect(withSector('hbo', () => t('nl', 'core.reflection.wantsToTalk'))).toBe("Ik wil hier graag met mijn SLB'er over praten");
    expect(withSector('hbo', () => t('en', 'core.reflection.wantsToTalk', { sector: 'vo' }))).toBe(
      "I'd like to talk about this with my mentor",
    );
    expect(t('en', 'core.reflection.wantsToTalk', { sector: 'mbo' })).toBe("I'd like to talk about this with my career coach");
    expect(t('nl', 'campaigns.form.groupChoice', { name: '2A', count: 1, sector: 'mbo' })).toBe('2A (1 student)');
    expect(t('nl', 'campaigns.form.groupChoice', { name: '2A', count: 3, sector: 'hbo' })).toBe('2A (3 studenten)');
    expect(t('nl', 'campaigns.form.groupChoice', { name: '4H', count: 3 })).toBe('4H (3 leerlingen)');
  });
});
