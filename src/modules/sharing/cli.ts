import { CliError, schoolOf } from '../../cli/context.ts';
import { type ColumnSpec, readTable } from '../../cli/csv.ts';
import type { CliCommand } from '../../cli/registry.ts';
import { isEmail } from '../../core/assignments.ts';
import { normalizeEmail } from '../../core/types.ts';
import { readCsvFile } from '../mentoring/assignment-cli.ts';

// `import placements`: the coordinator's list of internship placements (student, company, supervisor
// name and e-mail), as exported from the school's BPV or internship administration. Each row sets the
// student's current supervisor; every row is checked before it is written, and a bad row is reported
// with its line number while the rest is imported. Importing the same file again changes nothing.

const col = (key: string, required: boolean, ...aliases: string[]): ColumnSpec => ({ key, required, aliases });

const columns = [
  col(
    'student',
    true,
    'e-mail student',
    'student e-mail',
    'student email',
    'leerling e-mail',
    'e-mail leerling',
    'student',
    'leerling',
  ),
  col(
    'company',
    true,
    'bedrijf',
    'leerbedrijf',
    'stagebedrijf',
    'organisatie',
    'company',
    'organisation',
    'organization',
    'employer',
  ),
  col(
    'name',
    true,
    'praktijkopleider',
    'naam praktijkopleider',
    'stagebegeleider',
    'naam stagebegeleider',
    'supervisor',
    'supervisor name',
  ),
  col(
    'email',
    true,
    'e-mail praktijkopleider',
    'praktijkopleider e-mail',
    'e-mail stagebegeleider',
    'stagebegeleider e-mail',
    'supervisor e-mail',
    'supervisor email',
  ),
];

const reasons = {
  name: 'the supervisor name is missing or too long',
  email: 'the supervisor e-mail is missing or not an e-mail address',
  company: 'the company is missing or too long',
} as const;

export const importPlacementsCommand: CliCommand = {
  name: 'import placements',
  usage: 'import placements <file.csv> [--school <tenant-id>]',
  summary:
    'Import internship placements (student e-mail, company, supervisor name and e-mail): each sets the student’s supervisor.',
  options: { school: { type: 'string' } },
  async run(ctx, { values, positionals }) {
    const file = positionals[0];
    if (!file) throw new CliError(`give the CSV file: ${this.usage}`);
    const school = await schoolOf(ctx, values);
    const table = readTable(readCsvFile(file), columns);
    if (!table.ok) throw new CliError(`${file}: ${table.error}`);
    const { service } = ctx.product.sharing;
    const counts = { set: 0, unchanged: 0 };
    const rejected: string[] = [];
    const seen = new Map<string, number>();
    for (const { line, values: row } of table.rows) {
      const studentEmail = normalizeEmail(row['student'] ?? '');
      if (!isEmail(studentEmail)) {
        rejected.push(`row ${line}: student e-mail "${row['student'] ?? ''}" is missing or not an e-mail address`);
        continue;
      }
      const first = seen.get(studentEmail);
      if (first !== undefined) {
        rejected.push(`row ${line}: a second placement for ${studentEmail} (row ${first}); one supervisor per student`);
        continue;
      }
      const student = await ctx.repos.people.findByEmail(school.id, studentEmail);
      if (!student || student.erasedAt || !student.roles.includes('student')) {
        rejected.push(`row ${line}: no student with e-mail ${studentEmail} in this school (import students first)`);
        continue;
      }
      const result = await service.setSupervisor(
        student,
        { name: row['name'], email: row['email'], company: row['company'] },
        'import',
      );
      if (!result.ok) {
        rejected.push(`row ${line}: ${reasons[result.reason]}`);
        continue;
      }
      // A later row for the same student would silently replace this one: it is reported instead.
      seen.set(studentEmail, line);
      counts[result.changed ? 'set' : 'unchanged']++;
    }
    ctx.out(
      `${file} (${table.encoding}, delimiter "${table.delimiter}"): ${counts.set} placements imported, ${counts.unchanged} unchanged, ${rejected.length} rejected.`,
    );
    for (const r of rejected) ctx.err(`  ${r}`);
    return rejected.length ? 2 : 0;
  },
};

export const sharingCommands: CliCommand[] = [importPlacementsCommand];
