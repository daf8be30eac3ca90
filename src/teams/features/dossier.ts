import type { Request, Response } from 'express';
import { messageCard } from '../../cards/cards.ts';
import { momentText } from '../../cards/dates.ts';
import { exportCard } from '../../cards/student-cards.ts';
import { dossierEntries } from '../../domain/dossier.ts';
import { DownloadLinks } from '../../dossier/download-links.ts';
import { dossierMarkdown } from '../../dossier/markdown.ts';
import { bilingual } from '../../i18n.ts';
import type { DocumentStore } from '../../store/document-store.ts';
import type { BotDeps, Feature, Turn } from '../turn.ts';

// `export`: the student's dossier as a Markdown file, through a short-lived, single-use, signed link to
// this server (Action.OpenUrl), because a bot cannot attach a file to a 1:1 chat without file consent.

export const linkMinutes = 10;

const opened = new WeakMap<DocumentStore, Promise<DownloadLinks>>();
function linksOf(deps: BotDeps): Promise<DownloadLinks> {
  let links = opened.get(deps.store);
  if (!links) {
    links = DownloadLinks.open(deps.store);
    opened.set(deps.store, links);
  }
  return links;
}

async function exportCommand(turn: Turn): Promise<void> {
  const { deps, actor } = turn;
  const count = (await deps.repos.reflections.listByStudent(actor.id)).filter((r) => r.status === 'submitted').length;
  if (count === 0) {
    await turn.sendCard(messageCard('student.export.empty', turn.locale));
    return;
  }
  const links = await linksOf(deps);
  const path = await links.issue({
    schoolId: actor.schoolId,
    personId: actor.id,
    now: deps.clock.now(),
    ttlMs: linkMinutes * 60_000,
  });
  deps.log.info({ personId: actor.id, entries: count }, 'dossier link issued');
  await turn.sendCard(exportCard(turn.locale, { url: `${deps.publicUrl}${path}`, count, minutes: linkMinutes }));
}

function refuse(res: Response, status: number): void {
  res
    .status(status)
    .type('text/plain; charset=utf-8')
    .send(`${bilingual('student.dossier.linkGone')}\n`);
}

async function download(deps: BotDeps, req: Request, res: Response): Promise<void> {
  res.set({
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Content-Security-Policy': "default-src 'none'",
  });
  // A HEAD (or a link preview) must not use the single-use link up.
  if (req.method !== 'GET') {
    res.status(405).set('Allow', 'GET').end();
    return;
  }
  const links = await linksOf(deps);
  const now = deps.clock.now();
  const token = String(req.params['token'] ?? '');
  const redeemed = await links.redeem(token, req.query['e'], req.query['s'], now);
  if (!redeemed.ok) {
    deps.log.info({ reason: redeemed.reason }, 'dossier link refused');
    refuse(res, redeemed.reason === 'gone' ? 410 : 404);
    return;
  }
  const person = await deps.repos.people.get(redeemed.schoolId, redeemed.personId);
  if (!person) {
    refuse(res, 410);
    return;
  }
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
  res
    .status(200)
    .type('text/markdown; charset=utf-8')
    .set('Content-Disposition', `attachment; filename="lob-dossier-${now.toISOString().slice(0, 10)}.md"`)
    .send(body);
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
  http: (deps, app) => {
    app.get('/dossier/:token', (req, res, next) => {
      download(deps, req, res).catch(next);
    });
  },
  jobs: (deps) => [
    {
      name: 'dossier-links-cleanup',
      schedule: '17 * * * *',
      run: async (now) => ({ deleted: await (await linksOf(deps)).sweep(now) }),
    },
  ],
};
