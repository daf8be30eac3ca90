import { t } from '../../core/i18n.ts';
import { competencies, type Locale } from '../../core/types.ts';
import { type Cell, xlsx } from '../../platform/xlsx.ts';
import { csvField } from '../quality-cycle/evidence-export.ts';
import type { CoordinatorOverview } from './overview.ts';

// The coordinator page's downloads: campaign status and competency coverage per group, as CSV (Dutch
// Excel: `;` and a byte order mark; English: `,`) and as one XLSX workbook with a sheet for each. The
// same figures the page shows: hidden stays hidden, and no student is named.

export interface ExportLabels {
  flowTitle(flowId: string): string;
  groupName(groupId: string): string;
}

type Table = Cell[][];

export function campaignTable(locale: Locale, o: CoordinatorOverview, labels: ExportLabels): Table {
  const tx = (k: string) => t(locale, `coordinator.export.${k}`);
  return [
    [
      'campaign',
      'state',
      'activity',
      'groups',
      'from',
      'to',
      'planned',
      'sent',
      'answered',
      'reminded',
      'unreachable',
      'response',
    ].map(tx),
    ...o.campaigns.map((c) => [
      c.name,
      t(locale, `campaigns.status.states.${c.state}`),
      t(locale, `campaigns.activityTypes.${c.activityType}`),
      c.groupIds.map(labels.groupName).join(', '),
      c.from.slice(0, 10),
      c.to.slice(0, 10),
      ...(c.figures.hidden
        ? Array.from({ length: 6 }, () => tx('hidden'))
        : [
            c.figures.value.planned,
            c.figures.value.sent,
            c.figures.value.answered,
            c.figures.value.reminded,
            c.figures.value.unreachable,
            c.figures.value.sent > 0 ? Math.round(c.figures.value.response * 100) : '',
          ]),
    ]),
  ];
}

export function coverageTable(locale: Locale, o: CoordinatorOverview): Table {
  const tx = (k: string) => t(locale, `coordinator.export.${k}`);
  const row = (name: string, students: number, f: CoordinatorOverview['coverage']['total']): Cell[] => [
    name,
    students,
    ...competencies.map((c) => (f.hidden ? tx('hidden') : Math.round(f.value[c] * 100))),
  ];
  return [
    [tx('group'), tx('students'), ...competencies.map((c) => `${t(locale, `core.competencies.${c}`)} (%)`)],
    ...o.coverage.groups.map((g) => row(g.name, g.students, g.figures)),
    row(t(locale, 'coordinator.coverage.total'), o.coverage.students, o.coverage.total),
  ];
}

export function tableCsv(locale: Locale, table: Table): string {
  const sep = locale === 'nl' ? ';' : ',';
  return `\ufeff${table.map((r) => r.map((v) => csvField(v === null || v === undefined ? '' : String(v))).join(sep)).join('\r\n')}\r\n`;
}

export function overviewWorkbook(locale: Locale, o: CoordinatorOverview, labels: ExportLabels): Buffer {
  return xlsx([
    {
      name: t(locale, 'coordinator.export.campaignsSheet'),
      rows: campaignTable(locale, o, labels),
      widths: [32, 12, 18, 20, 11, 11, 9, 9, 11, 10, 11, 12],
    },
    { name: t(locale, 'coordinator.export.coverageSheet'), rows: coverageTable(locale, o), widths: [20, 10, 16, 16, 16, 16, 16] },
  ]);
}
