import { type CliContext, CliError, resolveSchool } from '../../cli/context.ts';
import type { CliCommand } from '../../cli/registry.ts';
import { everyInterval, HeldLease } from '../../platform/scheduler/run-lease.ts';
import { assignMentorCommand, importAssignmentsCommand, pairOptions, reasons, studentAndMentor } from './assignment-cli.ts';
import { changeMentor } from './handover.ts';
import { mentoringJobs } from './schedule.ts';

// Mentor-side commands for IT and the walk-through. Output names people by e-mail and gives counts:
// never a student's answers or a mentor's notes.

export const digestRunCommand: CliCommand = {
  name: 'digest run',
  usage: 'digest run [--now] [--mentor <e-mail>] [--school <tenant-id>]',
  summary:
    'Send the mentors their digest. Without --now: only the digests that are due (as the bot does every 5 minutes). With --now: every mentor with something new gets it now, whatever their schedule.',
  options: { now: { type: 'boolean' }, mentor: { type: 'string' }, school: { type: 'string' } },
  async run(ctx, { values }) {
    const schoolOption = values['school'] as string | undefined;
    const mentorEmail = values['mentor'] as string | undefined;
    const school = schoolOption || mentorEmail ? await resolveSchool(ctx, schoolOption) : undefined;
    let mentorIds: string[] | undefined;
    if (mentorEmail) {
      const mentor = await ctx.repos.people.findByEmail(school!.id, mentorEmail);
      if (!mentor?.roles.includes('mentor')) throw new CliError(`no mentor with e-mail ${mentorEmail} in this school`);
      mentorIds = [mentor.id];
    }
    // The mentoring module as the bot sets it up: the same sender (Teams connector, the app's
    // credentials) on the same store, and the digest job's lease, so a run here and one in the bot
    // never overlap.
    const mentoring = ctx.product.mentoring;
    const lease = await digestLease(ctx);
    let summary: Awaited<ReturnType<typeof mentoring.digests.runDue>>;
    try {
      summary = await lease.run(() =>
        values['now']
          ? mentoring.digests.runNow({ ...(school ? { schoolId: school.id } : {}), ...(mentorIds ? { mentorIds } : {}) })
          : mentoring.digests.runDue(),
      );
    } finally {
      await lease.end();
    }
    for (const run of summary.mentors) {
      if (run.outcome === 'nothing') continue;
      const person = await ctx.repos.people.get(run.schoolId, run.mentorId);
      const detail = run.outcome === 'sent' ? ` (${run.students} student(s), ${run.entries} entries)` : '';
      ctx.out(`  ${person?.email ?? run.mentorId}: ${run.outcome}${detail}`);
    }
    if (summary.quietSchools)
      ctx.out(`  ${summary.quietSchools} school(s) skipped: quiet hours there (use --now to send anyway).`);
    ctx.out(
      `Digests: ${summary.sent} sent, ${summary.nothing} with nothing new, ${summary.failed} failed${summary.held ? `, ${summary.held} held by another run` : ''}.`,
    );
    return summary.failed ? 2 : 0;
  },
};

export const changeMentorCommand: CliCommand = {
  name: 'change-mentor',
  usage: 'change-mentor --student <e-mail> --mentor <e-mail> [--school <tenant-id>]',
  summary:
    "Make someone the student's only mentor: other mentors lose access, and the new mentor gets the student's history with a short handover (sent by the running bot).",
  options: pairOptions,
  async run(ctx, { values }) {
    const { school, pair } = await studentAndMentor(ctx, values);
    const result = await changeMentor({ ...ctx.install, mentoring: ctx.product.mentoring.repos }, school.id, pair);
    if (!result.ok) throw new CliError(reasons[result.reason]);
    if (!result.changed) {
      ctx.out(`Unchanged: ${result.mentor.email} was already the only mentor of ${result.student.email}.`);
      return 0;
    }
    ctx.out(`Changed: ${result.mentor.email} is now the mentor of ${result.student.email}.`);
    if (result.ended.length) ctx.out(`Ended (no access any more): ${result.ended.map((p) => p.email ?? p.id).join(', ')}.`);
    if (result.handover) ctx.out('The handover summary goes to the new mentor from the running bot within a minute.');
    return 0;
  },
};

/** The mentor-side commands, in the order `npm run cli` lists them. */
export const mentoringCommands: CliCommand[] = [
  assignMentorCommand,
  importAssignmentsCommand,
  digestRunCommand,
  changeMentorCommand,
];

/**
 * The digest job's lease, held as a job run holds it (renewed while the run lasts, LEASE_SECONDS). A
 * scheduled tick leaves its lease to end by itself, so a command right after one waits for that (at most
 * LEASE_SECONDS) instead of refusing; a run still going on elsewhere keeps renewing it and is refused.
 */
async function digestLease(ctx: CliContext): Promise<HeldLease> {
  const deps = { leases: ctx.leases, clock: ctx.clock, log: ctx.log, every: everyInterval };
  const name = `job:${mentoringJobs.digest}`;
  const ms = ctx.config.LEASE_SECONDS * 1000;
  const giveUpAt = Date.now() + ms + 1000;
  for (let waited = false; ; waited = true) {
    const lease = await HeldLease.take(deps, name, ctx.owner, ms);
    if (lease) return lease;
    if (Date.now() >= giveUpAt)
      throw new CliError('a digest run is in progress (in the bot or another command); try again in a few minutes');
    if (!waited) ctx.out('Waiting for the digest job of a running bot to finish (at most its lease time)…');
    await new Promise((r) => setTimeout(r, 1000));
  }
}
