import { CliError, schoolOf } from '../../cli/context.ts';
import type { CliCommand } from '../../cli/registry.ts';
import { DeliveryError } from '../../core/ports.ts';

// For IT before a campaign: make sure every student of a class can be written to, by installing the app
// for those who never opened it (the same path a campaign prompt takes, src/teams/reach.ts). Sends nothing.

export const installCommand: CliCommand = {
  name: 'install',
  usage: 'install --group <class> [--school <tenant-id>]',
  summary: 'Install the app in Teams for the students of a class who never opened it (needs TEAMS_APP_ID).',
  options: { group: { type: 'string' }, school: { type: 'string' } },
  async run(ctx, { values }) {
    const school = await schoolOf(ctx, values);
    const reach = ctx.outbound.reach;
    if (!reach.installsForPeople)
      throw new CliError('TEAMS_APP_ID is not set: the app cannot install itself for students (docs/deploy.md)');
    const name = typeof values['group'] === 'string' ? values['group'].trim() : '';
    if (!name) throw new CliError('--group is required');
    const { camp } = ctx.product.campaigns;
    const group = await camp.groups.findByName(school.id, name);
    if (!group) throw new CliError(`group "${name.slice(0, 80)}" does not exist (see group list)`);
    const counts = { reachable: 0, installed: 0, refused: 0, failed: 0 };
    for (const m of await camp.groups.members(school.id, group.id)) {
      if (!m.active) continue;
      const person = await ctx.repos.people.get(school.id, m.personId);
      if (!person || person.erasedAt || !person.roles.includes('student')) continue;
      try {
        const ref = await reach.personalConversation(person);
        if (ref.installedBySchool) counts.installed++;
        else counts.reachable++;
      } catch (err) {
        const reason = err instanceof DeliveryError ? err.reason : 'error';
        if (reason === 'error' || reason === 'throttled') counts.failed++;
        else counts.refused++;
        ctx.out(`${person.name} <${person.email ?? '-'}>: ${reason}`);
      }
    }
    ctx.out(
      `${group.name}: ${counts.installed} installed now, ${counts.reachable} could be reached already, ` +
        `${counts.refused} cannot get the app (reason above), ${counts.failed} failed (try again later).`,
    );
    return counts.refused + counts.failed > 0 ? 2 : 0;
  },
};
