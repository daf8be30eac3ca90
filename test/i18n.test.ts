import { describe, expect, it } from 'vitest';
import { allKeys, bilingual, placeholderNames, pluralProblems, t } from '../src/core/i18n.ts';

describe('locale files', () => {
  it('have the same keys in Dutch and English', () => {
    expect(allKeys('en')).toEqual(allKeys('nl'));
    expect(allKeys('nl').length).toBeGreaterThan(30);
  });

  it('have no empty texts and the same placeholders in both languages', () => {
    for (const key of allKeys('nl')) {
      const nl = t('nl', key);
      const en = t('en', key);
      expect(nl.trim(), key).not.toBe('');
      expect(en.trim(), key).not.toBe('');
      expect(placeholderNames(en), key).toEqual(placeholderNames(nl));
    }
  });

  it('say every count with the plural rules of the language, never "(en)" or "(s)"', () => {
    // A number directly followed by a noun must come from a plural message: "{count} leerlingen" reads
    // "1 leerlingen" for one student.
    const countedNoun =
      /\{\w+\} (students?|leerlingen?|days?|dagen?|minutes?|minuten?|minuut|months?|maanden?|maand|reflections?|reflecties?|reflectie|times|answers?|antwoorden?|reminders?|herinneringen?|moments?|momenten)\b/;
    for (const locale of ['nl', 'en'] as const) {
      for (const key of allKeys(locale)) {
        const text = t(locale, key);
        expect(text, `${locale}:${key}`).not.toMatch(/\w\((en|s|e|n)\)/);
        expect(text, `${locale}:${key}`).not.toMatch(countedNoun);
        expect(pluralProblems(text), `${locale}:${key}`).toEqual([]);
      }
    }
    expect(t('nl', 'campaigns.form.groupChoice', { name: '4H', count: 1 })).toBe('4H (1 leerling)');
    expect(t('nl', 'campaigns.form.groupChoice', { name: '4H', count: 0 })).toBe('4H (0 leerlingen)');
    expect(t('en', 'campaigns.form.groupChoice', { name: '4H', count: 1 })).toBe('4H (1 student)');
    expect(t('en', 'campaigns.form.groupChoice', { name: '4H', count: 25 })).toBe('4H (25 students)');
    expect(t('nl', 'campaigns.status.late', { count: 1 })).toMatch(/^1 antwoord kwam .*; dat telt gewoon mee\.$/);
    expect(t('en', 'student.overview.times', { count: 1, since: 'May' })).toBe('once, since May');
    expect(t('en', 'student.overview.times', { count: 3, since: 'May' })).toBe('3 times, since May');
    expect(t('nl', 'privacy.file.reminders', { count: 2 })).toBe('2 herinneringen');
  });

  it('interpolates, and fails loudly on a missing key', () => {
    expect(t('en', 'core.competencies.label', { list: 'a, b' })).toBe('Career competencies: a, b');
    expect(() => t('nl', 'core.nope')).toThrow(/missing text/);
    expect(bilingual('core.errors.generic').indexOf('Er ging')).toBe(0);
  });
});
