import fs from 'node:fs';
import { type CliContext, CliError, schoolOf } from '../../cli/context.ts';
import { readTable } from '../../cli/csv.ts';
import type { CliCommand } from '../../cli/registry.ts';
import { type AssignResult, assignMentor } from '../../core/assignments.ts';
import { normalizeEmail } from '../../core/types.ts';

export const reasons: Record<Exclude<AssignResult, { ok: true }>['reason'], string> = {
  'invalid-student-email': 'student e-mail is missing or not an e-mail address',
  'invalid-mentor-email': 'mentor e-mail is missing or not an e-mail address',
  'same-person': 'student and mentor are the same person',
};

export function readCsvFile(file: string): Buffer {
  try {
    return fs.readFileSync(file);
  } catch (err) {
    throw new CliError(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

/** The options of a command about one student and one mentor. */
export const pairOptions = { student: { type: 'string' }, mentor: { type: 'string' }, school: { type: 'string' } } as const;

/** --student and --mentor (both required) and the school they are in. */
export async function studentAndMentor(ctx: CliContext, values: Record<string, unknown>) {
  const studentEmail = values['student'];
  const mentorEmail = values['mentor'];
  if (typeof studentEmail !== 'string' || typeof mentorEmail !== 'string')
    throw new CliError('--student and --mentor are required');
  const school = await schoolOf(ctx, values);
  return { school, pair: { studentEmail, mentorEmail } };
}

export const assignMentorCommand: CliCommand = {
  name: 'assign-mentor',
  usage: 'assign-mentor --student <e-mail> --mentor <e-mail> [--school <tenant-id>]',
  summary: "Make someone a student's mentor (people are created when new). Waiting answers are delivered by the running bot.",
  options: pairOptions,
  async run(ctx, { values }) {
    const { school, pair } = await studentAndMentor(ctx, values);
    const result = await assignMentor(ctx.install, school.id, pair);
    if (!result.ok) throw new CliError(reasons[result.reason]);
    ctx.out(
      result.changed
        ? `Assigned: ${result.mentor.email} is now a mentor of ${result.student.email}.`
        : `Unchanged: ${result.mentor.email} was already a mentor of ${result.student.email}.`,
    );
    const waiting = (await ctx.repos.reflections.listByStudent(result.student.id)).filter(
      (r) => r.routing === 'awaiting-mentor',
    ).length;
    if (waiting) {
      ctx.out(
        `${waiting} answer(s) waiting for a mentor will be delivered by the running bot within ${ctx.config.ROUTER_SWEEP_SECONDS} s.`,
      );
    }
    return 0;
  },
};

export const importAssignmentsCommand: CliCommand = {
  name: 'import assignments',
  usage: 'import assignments <file.csv> [--school <tenant-id>]',
  summary: 'Import student–mentor pairs from CSV (columns in the README). Rejected rows are reported; the rest is imported.',
  options: { school: { type: 'string' } },
  async run(ctx, { values, positionals }) {
    const file = positionals[0];
    if (!file) throw new CliError('give the CSV file: import assignments <file.csv>');
    const table = readTable(readCsvFile(file), [
      {
        key: 'studentEmail',
        aliases: [
          'student e-mail',
          'student email',
          'leerling e-mail',
          'e-mail leerling',
          'e-mailadres leerling',
          'student',
          'leerling',
        ],
        required: true,
      },
      {
        key: 'mentorEmail',
        aliases: [
          'mentor e-mail',
          'mentor email',
          'e-mail mentor',
          'e-mailadres mentor',
          'slb e-mail',
          'mentor',
          'slber',
          'loopbaanbegeleider',
        ],
        required: true,
      },
      { key: 'studentName', aliases: ['student name', 'naam leerling', 'leerling naam', 'naam student'], required: false },
      { key: 'mentorName', aliases: ['mentor name', 'naam mentor', 'mentor naam'], required: false },
    ]);
    if (!table.ok) throw new CliError(`${file}: ${table.error}`);
    const school = await schoolOf(ctx, values);
    let imported = 0;
    let unchanged = 0;
    const rejected: string[] = [];
    const seen = new Map<string, number>();
    for (const { line, values: row } of table.rows) {
      const key = `${normalizeEmail(row['studentEmail'] ?? '')}|${normalizeEmail(row['mentorEmail'] ?? '')}`;
      const first = seen.get(key);
      if (first !== undefined) {
        rejected.push(`row ${line}: duplicate of row ${first}`);
        continue;
      }
      seen.set(key, line);
      try {
        const result = await assignMentor(ctx.install, school.id, {
          studentEmail: row['studentEmail'] ?? '',
          mentorEmail: row['mentorEmail'] ?? '',
          ...(row['studentName'] ? { studentName: row['studentName'] } : {}),
          ...(row['mentorName'] ? { mentorName: row['mentorName'] } : {}),
        });
        if (!result.ok) rejected.push(`row ${line}: ${reasons[result.reason]}`);
        else if (result.changed) imported++;
        else unchanged++;
      } catch (err) {
        rejected.push(`row ${line}: not imported: ${(err as Error).message}`);
      }
    }
    ctx.out(
      `${file} (${table.encoding}, delimiter "${table.delimiter}"): ${imported} imported, ${unchanged} unchanged, ${rejected.length} rejected.`,
    );
    for (const r of rejected) ctx.err(`  ${r}`);
    return rejected.length ? 2 : 0;
  },
};
