import path from 'node:path';
import { type CliContext, CliError, schoolOf } from '../../cli/context.ts';
import { makePrivateFolder, writeCliFiles } from '../../cli/files.ts';
import type { CliCommand } from '../../cli/registry.ts';
import type { Person } from '../../core/entities.ts';
import { isDate } from '../../core/time/zoned-time.ts';
import { personalDataFile, personalDataFormats } from './personal-data-export.ts';
import { isStudentOnly, type PrivacyService } from './privacy-service.ts';
import { maxRetentionMonths } from './retention.ts';

// AVG/GDPR requests that reach the school by e-mail or letter, handled by IT or the LOB administrator:
// export everything about a student to files, erase it, the school's retention term, and the day a
// student left. Output names people by e-mail and counts records; it never prints answers.

function service(ctx: CliContext): PrivacyService {
  return ctx.product.privacy.service;
}

async function student(ctx: CliContext, values: Record<string, unknown>): Promise<{ schoolId: string; person: Person }> {
  const email = values['email'];
  if (typeof email !== 'string' || !email.includes('@')) throw new CliError('pass --email <the student’s school e-mail>');
  const school = await schoolOf(ctx, values);
  const person = await ctx.repos.people.findByEmail(school.id, email);
  if (!person) throw new CliError(`no person with e-mail ${email} in school ${school.id}`);
  if (!isStudentOnly(person)) {
    throw new CliError(
      `${email} has staff roles (${person.roles.join(', ')}); staff data is not exported or erased this way (see docs/privacy.md)`,
    );
  }
  return { schoolId: school.id, person };
}

function total(counts: Record<string, { anonymised: number; deleted: number }>): string {
  return Object.entries(counts)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, c]) => `${name}: ${c.anonymised} anonymised, ${c.deleted} deleted`)
    .join('; ');
}

export const privacyExportCommand: CliCommand = {
  name: 'privacy export',
  usage: 'privacy export --email <e-mail> [--out <folder>] [--force] [--school <tenant-id>]',
  summary:
    'Write everything stored about a student (AVG access request) to two new files only you can read: JSON and a readable Markdown overview (--force replaces earlier ones).',
  options: { email: { type: 'string' }, out: { type: 'string' }, force: { type: 'boolean' }, school: { type: 'string' } },
  async run(ctx, { values }) {
    const { schoolId, person } = await student(ctx, values);
    const data = await (await service(ctx)).export(schoolId, person.id);
    if (!data) throw new CliError(`nothing stored about ${person.email}`);
    const folder = path.resolve(typeof values['out'] === 'string' ? values['out'] : '.');
    makePrivateFolder(folder);
    const flows = ctx.flows;
    const now = ctx.install.clock.now();
    const timeZone = data.school?.timeZone ?? ctx.config.DEFAULT_TIME_ZONE;
    const who = (person.email ?? person.id).split('@')[0]!.replace(/[^A-Za-z0-9._-]/g, '_');
    const files = personalDataFormats.map((format) => {
      const file = personalDataFile(data, format, { flows, now, timeZone })!;
      return { target: path.join(folder, file.filename.replace('lob-gegevens', `lob-gegevens-${who}`)), body: file.body };
    });
    // Only the owner of the process may read them: the files hold a student's answers.
    writeCliFiles(files, values['force'] === true);
    for (const f of files) ctx.out(`Wrote ${f.target}`);
    ctx.out(
      `${person.email}: ${data.reflections.length} reflection(s), ${data.notes.length} note(s), ${data.deliveries.length} campaign prompt(s), ${data.memberships.length} group membership(s), ${data.assignments.length} mentor assignment(s).`,
    );
    return 0;
  },
};

export const privacyEraseCommand: CliCommand = {
  name: 'privacy erase',
  usage: 'privacy erase --email <e-mail> --confirm [--school <tenant-id>]',
  summary:
    'Erase a student’s answers and personal data (AVG erasure request); figures stay right through anonymous counts. Without --confirm it only says what would be erased.',
  options: { email: { type: 'string' }, confirm: { type: 'boolean' }, school: { type: 'string' } },
  async run(ctx, { values }) {
    const { schoolId, person } = await student(ctx, values);
    const privacy = await service(ctx);
    if (!values['confirm']) {
      const data = await privacy.export(schoolId, person.id);
      ctx.out(
        `Would erase ${person.email}: ${data?.reflections.length ?? 0} reflection(s), ${data?.notes.length ?? 0} note(s), the person record, the chat reference; ${data?.deliveries.length ?? 0} campaign prompt(s), ${data?.memberships.length ?? 0} group membership(s) and ${data?.assignments.length ?? 0} mentor assignment(s) are kept anonymously.`,
      );
      ctx.err('Nothing was erased: add --confirm to erase. This cannot be undone; export first if the student wants a copy.');
      return 1;
    }
    const outcome = await privacy.erase(schoolId, person.id, 'operator');
    if (outcome.kind !== 'erased') throw new CliError(`could not erase ${person.email}: ${outcome.kind}`);
    ctx.out(`Erased ${person.email} (erasure ${outcome.erasureId}). ${total(outcome.counts)}.`);
    return 0;
  },
};

function parseMonths(value: string | undefined): number | null {
  if (value === 'off') return null;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > maxRetentionMonths)
    throw new CliError(`the retention term is a whole number of months from 1 to ${maxRetentionMonths}, or "off"`);
  return n;
}

export const privacyRetentionCommand: CliCommand = {
  name: 'privacy retention',
  usage: 'privacy retention show | set <months|off> | run [--dry-run] [--school <tenant-id>]',
  summary:
    "The school's retention term: a student's data is erased this many months after they left (show, set), and erasing what is due now (run).",
  options: { school: { type: 'string' }, 'dry-run': { type: 'boolean' } },
  async run(ctx, { values, positionals }) {
    const school = await schoolOf(ctx, values);
    const privacy = await service(ctx);
    const [action = 'show', arg] = positionals;
    if (action === 'set') {
      const months = parseMonths(arg);
      await privacy.setRetention(school.id, months);
      ctx.out(
        months === null
          ? `School ${school.id}: no retention term; data is kept until erased on request.`
          : `School ${school.id}: a student's data is erased ${months} months after they left.`,
      );
      return 0;
    }
    if (action === 'run') {
      const now = ctx.install.clock.now();
      if (values['dry-run']) {
        const interrupted = await privacy.interruptedErasures(now, school.id);
        for (const r of interrupted) ctx.out(`interrupted since ${r.startedAt.slice(0, 16)}: erasure ${r.id} (${r.reason})`);
        const due = await privacy.dueForErasure(school.id, now);
        for (const d of due) ctx.out(`due since ${d.dueAt.slice(0, 10)}: ${d.person.email ?? d.person.id}`);
        if (interrupted.length) ctx.out(`${interrupted.length} interrupted erasure(s) to finish.`);
        ctx.out(`${due.length} student(s) due for erasure; nothing erased (dry run).`);
        return 0;
      }
      // The nightly job's own run, for this school: an erasure a crash interrupted is finished here too.
      const { resumed, erased, relationsEnded } = await privacy.runRetention(now, { schoolId: school.id });
      if (resumed) ctx.out(`${resumed} interrupted erasure(s) finished.`);
      if (relationsEnded) ctx.out(`${relationsEnded} class membership(s) and mentor assignment(s) of erased students ended.`);
      ctx.out(`${erased} student(s) erased by the retention term.`);
      return 0;
    }
    if (action !== 'show') throw new CliError(`unknown action ${action}; use show, set or run`);
    const settings = await privacy.retention(school.id);
    ctx.out(
      settings.monthsAfterLeaving === null
        ? `School ${school.id}: no retention term.`
        : `School ${school.id}: data is erased ${settings.monthsAfterLeaving} months after a student left${settings.updatedAt ? '' : ' (the default)'}.`,
    );
    return 0;
  },
};

export const privacyLeftCommand: CliCommand = {
  name: 'privacy left',
  usage: 'privacy left --email <e-mail> [--on <YYYY-MM-DD>] [--clear] [--school <tenant-id>]',
  summary: 'Record the day a student left the school (retention counts from it), or --clear it.',
  options: { email: { type: 'string' }, on: { type: 'string' }, clear: { type: 'boolean' }, school: { type: 'string' } },
  async run(ctx, { values }) {
    const { schoolId, person } = await student(ctx, values);
    const now = ctx.install.clock.now().toISOString();
    let leftAt: string | undefined;
    if (!values['clear']) {
      const on = typeof values['on'] === 'string' ? values['on'] : now.slice(0, 10);
      // isDate, not Date.parse: that rolls 2026-02-30 over to 2 March.
      if (!isDate(on)) throw new CliError(`--on must be a date like 2026-07-01, not ${on}`);
      leftAt = new Date(`${on}T00:00:00Z`).toISOString();
    }
    await ctx.repos.people.update(schoolId, person.id, (p) => {
      const { leftAt: _old, ...rest } = p;
      return { ...rest, ...(leftAt ? { leftAt } : {}), updatedAt: now };
    });
    ctx.out(leftAt ? `${person.email} left on ${leftAt.slice(0, 10)}.` : `${person.email} no longer marked as left.`);
    return 0;
  },
};

export const privacyErasuresCommand: CliCommand = {
  name: 'privacy erasures',
  usage: 'privacy erasures [--school <tenant-id>]',
  summary: 'The record of erasures: when, why and how many records; never whom.',
  options: { school: { type: 'string' } },
  async run(ctx, { values }) {
    const school = await schoolOf(ctx, values);
    const list = await (await service(ctx)).erasures(school.id);
    for (const e of list) ctx.out(`${e.startedAt} ${e.reason} ${e.state}${e.counts ? ` ${total(e.counts)}` : ''}`);
    ctx.out(`${list.length} erasure(s).`);
    return 0;
  },
};

export const privacyCommands: CliCommand[] = [
  privacyExportCommand,
  privacyEraseCommand,
  privacyRetentionCommand,
  privacyLeftCommand,
  privacyErasuresCommand,
];
