import { messageCard } from '../../core/cards/cards.ts';
import { momentText } from '../../core/time/card-dates.ts';
import type { BotDeps, Feature, Turn } from '../../teams/turn.ts';
import { dossierEntries } from './dossier.ts';
import { dossierMarkdown } from './dossier-markdown.ts';
import { exportCard } from './student-cards.ts';

// `export`: the student's dossier as a Markdown file, through a short-lived, single-use link to this
// server (Action.OpenUrl), because a bot cannot attach a file to a 1:1 chat without file consent. The
// file is made when the link is opened, from the store, for the link's owner only.

export const linkMinutes = 10;

async function exportCommand(turn: Turn): Promise<void> {
  const { deps, actor } = turn;
  const count = (await deps.repos.reflections.listByStudent(actor.id)).filter((r) => r.status === 'submitted').length;
  if (count === 0) {
    await turn.sendCard(messageCard('student.export.empty', turn.locale));
    return;
  }
  const { urls } = await deps.downloads.create({
    schoolId: actor.schoolId,
    personId: actor.id,
    render: { kind: 'dossier', formats: ['md'] },
    singleUse: true,
    ttlMs: linkMinutes * 60_000,
    goneKey: 'student.dossier.linkGone',
  });
  deps.log.info({ personId: actor.id, entries: count }, 'dossier link issued');
  await turn.sendCard(exportCard(turn.locale, { url: urls['md']!, count, minutes: linkMinutes }));
}

/** The dossier of the link's owner, made at the moment of the download. */
function dossierRenderer(deps: BotDeps) {
  return async (owner: { schoolId: string; personId: string }, _format: string, now: Date) => {
    const person = await deps.repos.people.get(owner.schoolId, owner.personId);
    if (!person) return undefined;
    const school = await deps.repos.schools.get(person.schoolId);
    const timeZone = school?.timeZone ?? deps.config.DEFAULT_TIME_ZONE;
    const entries = dossierEntries(await deps.repos.reflections.listByStudent(person.id), deps.flows, person.locale);
    const body = dossierMarkdown({
      name: person.name,
      entries,
      locale: person.locale,
      madeOn: momentText(now.toISOString(), person.locale, timeZone, 'long'),
      formatDate: (iso) => momentText(iso, person.locale, timeZone, 'long'),
    });
    deps.log.info({ personId: person.id, entries: entries.length }, 'dossier downloaded');
    return {
      filename: `lob-dossier-${now.toISOString().slice(0, 10)}.md`,
      contentType: 'text/markdown; charset=utf-8',
      body,
    };
  };
}

export const dossierFeature: Feature = {
  name: 'dossier',
  commands: [
    {
      names: ['export', 'exporteer', 'exporteren', 'dossier'],
      action: 'self.data',
      help: { section: 'student', words: { nl: 'export', en: 'export' }, text: 'core.help.commands.export', menu: true },
      run: exportCommand,
    },
  ],
  // Not a route of its own: the dossier is served by the download links (features/downloads.ts).
  http: (deps) => deps.downloads.register('dossier', dossierRenderer(deps)),
};
