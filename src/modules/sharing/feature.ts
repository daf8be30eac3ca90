import { messageCard } from '../../core/cards/cards.ts';
import type { Person } from '../../core/entities.ts';
import { t } from '../../core/i18n.ts';
import { type CardActionResponse, cardResponse, type Feature, schoolTimeZone, type Turn } from '../../teams/turn.ts';
import { type Notice, shareLinkCard, shareMenuCard, supervisorFormCard, titlesOf, trialoogAnswerCard } from './cards.ts';
import { companyMaxLength, nameMaxLength, type ShareSubject } from './entities.ts';
import { linkPath } from './links.ts';
import { supervisorMail } from './mail.ts';
import { linkPageRoutes } from './teams-link-page.ts';

// Sharing in Teams: the student adds their internship supervisor, picks a reflection and makes a link
// for the supervisor (a trialoog) or for home (read-only), sees their live links and revokes them, and
// decides whether the supervisor's answer reaches their mentor. Only students reach these verbs; every
// id a card sends is looked up in the student's own data.

const good = (text: string): Notice => ({ text, color: 'Good' });
const attention = (text: string): Notice => ({ text, color: 'Attention' });

async function menu(turn: Turn, notice?: Notice) {
  const { service } = turn.deps.modules.sharing;
  const actor: Person = turn.actor;
  const [reflections, supervisor, links, timeZone] = await Promise.all([
    service.shareable(actor),
    service.supervisorOf(actor),
    service.liveLinks(actor),
    schoolTimeZone(turn),
  ]);
  const all = (await turn.deps.repos.reflections.listByStudent(actor.id)).filter((r) => r.status === 'submitted');
  return shareMenuCard({
    locale: turn.locale,
    timeZone,
    flows: turn.deps.flows,
    reflections,
    supervisor,
    links,
    titles: titlesOf(all, turn.deps.flows, turn.locale, timeZone),
    ...(notice ? { notice } : {}),
  });
}

async function supervisorForm(turn: Turn, notice?: Notice, values?: { name?: string; email?: string; company?: string }) {
  const current = await turn.deps.modules.sharing.service.supervisorOf(turn.actor);
  const shown = values ?? (current ? { name: current.name, email: current.email, company: current.company } : undefined);
  return supervisorFormCard({ locale: turn.locale, ...(shown ? { values: shown } : {}), ...(notice ? { notice } : {}) });
}

const short = (v: unknown, max: number) => (typeof v === 'string' ? v.slice(0, max * 2) : '');

async function saveSupervisor(turn: Turn, data: Record<string, unknown>): Promise<CardActionResponse> {
  const { service } = turn.deps.modules.sharing;
  const result = await service.setSupervisor(turn.actor, { name: data['name'], email: data['email'], company: data['company'] });
  if (!result.ok) {
    const max = result.reason === 'company' ? companyMaxLength : nameMaxLength;
    const values = {
      name: short(data['name'], nameMaxLength),
      email: short(data['email'], 254),
      company: short(data['company'], companyMaxLength),
    };
    return cardResponse(
      await supervisorForm(turn, attention(t(turn.locale, `sharing.supervisor.errors.${result.reason}`, { max })), values),
    );
  }
  turn.deps.log.info({ personId: turn.actor.id, changed: result.changed }, 'supervisor saved');
  const text = result.changed
    ? t(turn.locale, 'sharing.supervisor.saved', { name: result.supervisor.name, company: result.supervisor.company })
    : t(turn.locale, 'sharing.supervisor.unchanged');
  return cardResponse(await menu(turn, good(text)));
}

async function makeLink(turn: Turn, audience: 'supervisor' | 'parent', subject: ShareSubject): Promise<CardActionResponse> {
  const { service } = turn.deps.modules.sharing;
  const result = await service.createLink(turn.actor, audience, subject);
  if (!result.ok) {
    const key = result.reason === 'no-supervisor' ? 'sharing.menu.errors.noSupervisor' : 'sharing.menu.errors.noReflection';
    turn.deps.log.info({ personId: turn.actor.id, reason: result.reason }, 'share link refused');
    return cardResponse(await menu(turn, attention(t(turn.locale, key))));
  }
  const timeZone = await schoolTimeZone(turn);
  let what = t(turn.locale, 'sharing.menu.dossier');
  if (subject.kind === 'reflection') {
    const reflection = await turn.deps.repos.reflections.get(turn.actor.id, subject.reflectionId);
    what = reflection ? (titlesOf([reflection], turn.deps.flows, turn.locale, timeZone).get(reflection.id) ?? what) : what;
  }
  // Ids only: the link's token is the secret and never reaches the log.
  turn.deps.log.info({ personId: turn.actor.id, audience, subject: subject.kind }, 'share link made (consent recorded)');
  const url = `${turn.deps.publicUrl.replace(/\/+$/, '')}${linkPath(result.token)}`;
  const mailed =
    audience === 'supervisor' ? await mailLink(turn, { url, expiresAt: result.link.expiresAt, timeZone }) : undefined;
  return cardResponse(
    shareLinkCard({ locale: turn.locale, timeZone, link: result.link, url, what, ...(mailed ? { mailed } : {}) }),
  );
}

/** Where the school sends mail (MAIL_SENDER), the link also goes to the supervisor; the card says whether it did. */
async function mailLink(turn: Turn, input: { url: string; expiresAt: string; timeZone: string }): Promise<Notice | undefined> {
  const { mail, service } = turn.deps.modules.sharing;
  const supervisor = mail ? await service.supervisorOf(turn.actor) : undefined;
  if (!mail || !supervisor) return undefined;
  try {
    await mail(turn.actor.schoolId, supervisorMail({ studentName: turn.actor.name, supervisor, ...input }));
    turn.deps.log.info({ personId: turn.actor.id }, 'supervisor link mailed');
    return good(t(turn.locale, 'sharing.mail.mailed', { name: supervisor.name }));
  } catch (err) {
    // Ids and Graph's status only: never the address or the link.
    const status = (err as { status?: unknown }).status;
    turn.deps.log.warn(
      { personId: turn.actor.id, status, code: (err as { code?: unknown }).code },
      'mailing a supervisor link failed',
    );
    return attention(t(turn.locale, 'sharing.mail.notMailed'));
  }
}

function reflectionIdOf(data: Record<string, unknown>): string | undefined {
  const id = data['reflectionId'];
  return typeof id === 'string' && id.length > 0 && id.length <= 64 ? id : undefined;
}

async function ask(turn: Turn, data: Record<string, unknown>): Promise<CardActionResponse> {
  const reflectionId = reflectionIdOf(data);
  if (!reflectionId) return cardResponse(await menu(turn, attention(t(turn.locale, 'sharing.menu.errors.noReflection'))));
  return makeLink(turn, 'supervisor', { kind: 'reflection', reflectionId });
}

async function parent(turn: Turn, data: Record<string, unknown>): Promise<CardActionResponse> {
  if (data['subject'] === 'dossier') return makeLink(turn, 'parent', { kind: 'dossier' });
  const reflectionId = reflectionIdOf(data);
  if (!reflectionId) return cardResponse(await menu(turn, attention(t(turn.locale, 'sharing.menu.errors.noReflection'))));
  return makeLink(turn, 'parent', { kind: 'reflection', reflectionId });
}

async function revoke(turn: Turn, data: Record<string, unknown>): Promise<CardActionResponse> {
  const outcome = await turn.deps.modules.sharing.service.revoke(turn.actor, data['linkId']);
  turn.deps.log.info({ personId: turn.actor.id, outcome }, 'share link revoke');
  const notice =
    outcome === 'revoked'
      ? good(t(turn.locale, 'sharing.menu.revoked'))
      : outcome === 'already'
        ? good(t(turn.locale, 'sharing.menu.alreadyRevoked'))
        : attention(t(turn.locale, 'sharing.menu.errors.notFound'));
  return cardResponse(await menu(turn, notice));
}

async function decide(turn: Turn, data: Record<string, unknown>): Promise<CardActionResponse> {
  const result = await turn.deps.modules.sharing.service.decide(turn.actor, data['answerId'], data['decision']);
  if (!result.ok) {
    turn.deps.log.warn({ personId: turn.actor.id, reason: result.reason }, 'trialoog decision refused');
    return cardResponse(messageCard('sharing.answer.notFound', turn.locale, 'attention'));
  }
  const { answer } = result;
  turn.deps.log.info({ personId: turn.actor.id, answerId: answer.id, decision: answer.decision }, 'trialoog decision');
  const reflection = await turn.deps.repos.reflections.get(turn.actor.id, answer.reflectionId);
  const flow = reflection ? turn.deps.flows.get(reflection.flowId) : undefined;
  return cardResponse(
    trialoogAnswerCard({
      locale: turn.locale,
      timeZone: await schoolTimeZone(turn),
      answer,
      flowTitle: flow?.title[turn.locale] ?? '',
      notice: good(t(turn.locale, answer.decision === 'agreed' ? 'sharing.answer.agreed' : 'sharing.answer.declined')),
    }),
  );
}

export const sharingFeature: Feature = {
  name: 'sharing',
  commands: [
    {
      names: ['deel', 'delen', 'share', 'mijn links', 'my links'],
      action: 'reflection.share',
      help: { section: 'student', words: { nl: 'deel', en: 'share' }, text: 'sharing.help.share' },
      run: async (turn) => {
        await turn.sendCard(await menu(turn), t(turn.locale, 'sharing.menu.title'));
      },
    },
    {
      names: ['stagebegeleider', 'praktijkopleider', 'supervisor', 'internship supervisor'],
      action: 'reflection.share',
      help: { section: 'student', words: { nl: 'stagebegeleider', en: 'supervisor' }, text: 'sharing.help.supervisor' },
      run: async (turn) => {
        await turn.sendCard(await supervisorForm(turn), t(turn.locale, 'sharing.supervisor.title'));
      },
    },
  ],
  verbs: [
    {
      verb: 'sharing.supervisor.form',
      action: 'reflection.share',
      run: async (turn) => cardResponse(await supervisorForm(turn)),
    },
    { verb: 'sharing.supervisor', action: 'reflection.share', run: saveSupervisor },
    { verb: 'sharing.ask', action: 'reflection.share', run: ask },
    { verb: 'sharing.parent', action: 'reflection.share', run: parent },
    { verb: 'sharing.revoke', action: 'reflection.share', run: revoke },
    { verb: 'sharing.decide', action: 'reflection.share', run: decide },
  ],
  http: linkPageRoutes,
};
