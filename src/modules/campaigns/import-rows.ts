import { type CliContext, CliError } from '../../cli/context.ts';
import { type ColumnSpec, readTable } from '../../cli/csv.ts';
import { readCsvFile } from '../mentoring/assignment-cli.ts';

// What every import from the school's student information system shares: the column names it knows in
// Dutch and English (docs/campaigns.md lists them), names and group cells, the duplicate rule, and the
// summary. Every row is checked before anything of it is written; a rejected row is reported with its
// reason and the rest is imported; importing the same file again changes nothing.

export type Outcome = 'created' | 'updated' | 'unchanged' | { rejected: string };

export const col = (key: string, required: boolean, ...aliases: string[]): ColumnSpec => ({ key, required, aliases });

export const studentEmailAliases = [
  'leerling e-mail',
  'e-mail leerling',
  'e-mailadres leerling',
  'email leerling',
  'student e-mail',
  'student email',
  'e-mail student',
];
export const nameParts = [
  col('firstName', false, 'roepnaam', 'voornaam', 'first name', 'given name', 'firstname'),
  col('middleName', false, 'tussenvoegsel', 'tussenvoegsels', 'voorvoegsel', 'middle name', 'prefix'),
  col('lastName', false, 'achternaam', 'last name', 'surname', 'family name', 'lastname'),
];
/** The level column (vmbo/havo/vwo, mbo 1–4, hbo) of a student or a class. */
export const levelAliases = ['niveau', 'level', 'leerweg', 'onderwijsniveau', 'schoolsoort', 'opleidingsniveau'];
export const groupAliases = [
  'klas',
  'stamgroep',
  'basisgroep',
  'mentorgroep',
  'groep',
  'groepscode',
  'klas/groep',
  'group',
  'class',
  'homeroom',
];

export function fullName(row: Record<string, string>): string | undefined {
  if (row['name']) return row['name'];
  const parts = [row['firstName'], row['middleName'], row['lastName']].filter((p) => p?.trim());
  return parts.length ? parts.join(' ') : undefined;
}

/** Group cells may name several groups: "4H, 4V" or "4H|4V". */
export function groupNames(cell: string | undefined): string[] {
  return (cell ?? '')
    .split(/[,|;/]/)
    .map((g) => g.trim())
    .filter(Boolean);
}

export async function summarize(
  ctx: CliContext,
  file: string,
  table: { encoding: string; delimiter: string },
  counts: { created: number; updated: number; unchanged: number },
  rejected: string[],
  what: string,
  extra = '',
): Promise<number> {
  ctx.out(
    `${file} (${table.encoding}, delimiter "${table.delimiter}"): ${counts.created} ${what} imported, ${counts.updated} updated, ${counts.unchanged} unchanged, ${rejected.length} rejected.${extra}`,
  );
  for (const r of rejected) ctx.err(`  ${r}`);
  return rejected.length ? 2 : 0;
}

/** Tells a row that repeats an earlier one (by `key`) with the earlier row's number; remembers the rest. */
export function duplicates(key: (row: Record<string, string>) => string) {
  const seen = new Map<string, number>();
  return (row: Record<string, string>, line: number): string | undefined => {
    const k = key(row);
    const first = seen.get(k);
    if (first !== undefined) return `row ${line}: duplicate of row ${first}`;
    seen.set(k, line);
    return undefined;
  };
}

/** Reads the file, and runs `apply` on every row that is not a duplicate of an earlier one. */
export async function importRows(
  ctx: CliContext,
  file: string,
  columns: ColumnSpec[],
  what: string,
  key: (row: Record<string, string>) => string,
  apply: (row: Record<string, string>) => Promise<Outcome>,
  after?: () => Promise<string>,
): Promise<number> {
  const table = readTable(readCsvFile(file), columns);
  if (!table.ok) throw new CliError(`${file}: ${table.error}`);
  const counts = { created: 0, updated: 0, unchanged: 0 };
  const rejected: string[] = [];
  const duplicate = duplicates(key);
  for (const { line, values } of table.rows) {
    const earlier = duplicate(values, line);
    if (earlier) {
      rejected.push(earlier);
      continue;
    }
    try {
      const outcome = await apply(values);
      if (typeof outcome === 'object') rejected.push(`row ${line}: ${outcome.rejected}`);
      else counts[outcome]++;
    } catch (err) {
      rejected.push(`row ${line}: not imported: ${(err as Error).message}`);
    }
  }
  return summarize(ctx, file, table, counts, rejected, what, after ? await after() : '');
}

export function fileArg(positionals: string[], usage: string): string {
  const file = positionals[0];
  if (!file) throw new CliError(`give the CSV file: ${usage}`);
  return file;
}
