import { describe, expect, it } from 'vitest';
import { campaignTable, tableCsv } from '../../../src/modules/coordinator-page/exports.ts';
import type { CoordinatorOverview } from '../../../src/modules/coordinator-page/overview.ts';

// docs/security.md: "CSV cannot start a formula". Excel opens a .csv with the list separator of the
// Windows region, not of the file: the English export (",") on a Dutch-region Windows (";"), or the
// Dutch export on an English-region one. A field holding the other separator must be quoted, or its
// second part (a campaign name like `Stage;=cmd|…`) starts a live formula.

/** Splits one CSV line as a spreadsheet does with the given list separator (quotes respected). */
function cells(line: string, sep: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cur += c;
    } else if (c === '"' && cur === '') quoted = true;
    else if (c === sep) {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  out.push(cur);
  return out;
}

const overview = (name: string) =>
  ({
    campaigns: [
      {
        id: 'c1',
        name,
        state: 'active',
        activityType: 'internship',
        flowId: 'f',
        groupIds: ['g1'],
        from: '2025-09-01T00:00:00Z',
        to: '2025-09-30T00:00:00Z',
        figures: {
          hidden: false,
          value: { planned: 0, sent: 10, answered: 5, reminded: 0, unreachable: 0, response: 0.5, late: 0 },
        },
      },
    ],
  }) as unknown as CoordinatorOverview;
const labels = { flowTitle: () => 'Flow', groupName: () => '4A' };

describe('coordinator page CSV export and the other list separator', () => {
  for (const [locale, excelSep, name] of [
    ['en', ';', "Stage;=cmd|' /C calc'!A0;"],
    ['nl', ',', "Stage,=cmd|' /C calc'!A0,"],
  ] as const) {
    it(`${locale} export opened with "${excelSep}" as list separator has no cell starting a formula`, () => {
      const csv = tableCsv(locale, campaignTable(locale, overview(name), labels)).replace(/^\ufeff/, '');
      const rows = csv
        .trimEnd()
        .split('\r\n')
        .map((l) => cells(l, excelSep));
      const formulas = rows.flat().filter((c) => /^[=+\-@]/.test(c));
      expect(formulas).toEqual([]);
    });
  }
});
