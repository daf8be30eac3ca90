import { describe, expect, it } from 'vitest';
import { allKeys, bilingual, t } from '../src/core/i18n.ts';

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
      const names = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
      expect(names(en), key).toEqual(names(nl));
    }
  });

  it('interpolates, and fails loudly on a missing key', () => {
    expect(t('en', 'core.competencies.label', { list: 'a, b' })).toBe('Career competencies: a, b');
    expect(() => t('nl', 'core.nope')).toThrow(/missing text/);
    expect(bilingual('core.errors.generic').indexOf('Er ging')).toBe(0);
  });
});
