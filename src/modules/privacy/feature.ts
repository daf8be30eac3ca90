import { messageCard } from '../../core/cards/cards.ts';
import { type BotDeps, type CardActionResponse, cardResponse, type Feature, type Turn } from '../../teams/turn.ts';
import { eraseConfirmCard, privacyCard } from './cards.ts';
import { personalDataFile, personalDataFormats } from './personal-data-export.ts';
import { isStudentOnly, type PrivacyService } from './privacy-service.ts';

// The student's AVG/GDPR rights in Teams: `mijn gegevens` / `my data` (what is stored, the retention term,
// and everything about them as a JSON file plus a readable overview), and `verwijder mijn gegevens` /
// `delete my data` (erasure, confirmed by a second button on a card that says what happens). And the
// daily retention job. Staff are pointed to the school: their names sit in other people's records.

/** How long the export's links work. */
export const exportMinutes = 10;
/** How long the confirmation button of an erasure works. */
export const confirmMinutes = 15;

/** The AVG service as the module's setup built it (src/modules/privacy/setup.ts). */
const privacyOf = (deps: BotDeps): PrivacyService => deps.modules.privacy.service;

async function homeCard(turn: Turn) {
  const settings = await privacyOf(turn.deps).retention(turn.actor.schoolId);
  return privacyCard(turn.locale, { retentionMonths: settings.monthsAfterLeaving });
}

function confirmCard(turn: Turn) {
  const until = new Date(turn.deps.clock.now().getTime() + confirmMinutes * 60_000).toISOString();
  return eraseConfirmCard(turn.locale, { personId: turn.actor.id, until });
}

async function exportLinks(turn: Turn): Promise<CardActionResponse> {
  const { deps, actor } = turn;
  const { urls } = await deps.downloads.create({
    schoolId: actor.schoolId,
    personId: actor.id,
    render: { kind: 'personal-data', formats: [...personalDataFormats] },
    singleUse: true,
    ttlMs: exportMinutes * 60_000,
    goneKey: 'privacy.export.linkGone',
  });
  deps.log.info({ personId: actor.id }, 'personal data export links issued');
  const settings = await privacyOf(deps).retention(actor.schoolId);
  return cardResponse(
    privacyCard(turn.locale, {
      retentionMonths: settings.monthsAfterLeaving,
      links: { markdown: urls['md']!, json: urls['json']!, minutes: exportMinutes },
    }),
  );
}

/**
 * The second action. Card data is not trusted: it must name the person pressing the button (so a card
 * from before an earlier erasure, or anyone else's, does nothing) and still be within its time.
 */
async function erase(turn: Turn, data: Record<string, unknown>): Promise<CardActionResponse> {
  const { deps, actor, locale } = turn;
  const now = deps.clock.now().getTime();
  const until = typeof data['until'] === 'string' && data['until'].length <= 40 ? Date.parse(data['until']) : Number.NaN;
  if (data['personId'] !== actor.id || !(until > now && until <= now + (confirmMinutes + 1) * 60_000)) {
    deps.log.info({ personId: actor.id }, 'erasure confirmation refused: not theirs or expired');
    return cardResponse(messageCard('privacy.erase.expired', locale, 'attention'));
  }
  const outcome = await privacyOf(deps).erase(actor.schoolId, actor.id, 'student');
  if (outcome.kind === 'staff') return cardResponse(messageCard('privacy.staff', locale));
  if (outcome.kind === 'not-found') return cardResponse(messageCard('privacy.erase.gone', locale));
  return cardResponse(messageCard('privacy.erase.done', locale));
}

/** Students only; staff get the pointer to the school instead of the card. */
function forStudents(run: (turn: Turn, data: Record<string, unknown>) => Promise<CardActionResponse>) {
  return (turn: Turn, data: Record<string, unknown>) =>
    isStudentOnly(turn.actor) ? run(turn, data) : Promise.resolve(cardResponse(messageCard('privacy.staff', turn.locale)));
}

async function send(turn: Turn, make: () => Promise<unknown> | unknown): Promise<void> {
  await turn.sendCard(isStudentOnly(turn.actor) ? await make() : messageCard('privacy.staff', turn.locale));
}

/** The export's files, made for the link's owner when it is opened. */
function exportRenderer(deps: BotDeps) {
  return async (owner: { schoolId: string; personId: string }, format: string, now: Date) => {
    const data = await privacyOf(deps).export(owner.schoolId, owner.personId);
    if (!data) return undefined;
    const timeZone = data.school?.timeZone ?? deps.config.DEFAULT_TIME_ZONE;
    const file = personalDataFile(data, format, { flows: deps.flows, now, timeZone });
    deps.log.info({ personId: owner.personId, format, reflections: data.reflections.length }, 'personal data exported');
    return file;
  };
}

export const privacyFeature: Feature = {
  name: 'privacy',
  commands: [
    {
      names: ['mijn gegevens', 'my data', 'privacy', 'avg', 'gdpr'],
      action: 'self.data',
      // Not in the Teams command menu: its ten places are taken; the help card and `export` lead here.
      help: { section: 'student', words: { nl: 'mijn gegevens', en: 'my data' }, text: 'core.help.commands.privacy' },
      run: (turn) => send(turn, () => homeCard(turn)),
    },
    {
      names: ['verwijder mijn gegevens', 'delete my data', 'wis mijn gegevens', 'erase my data'],
      action: 'self.data',
      run: (turn) => send(turn, () => confirmCard(turn)),
    },
  ],
  verbs: [
    { verb: 'privacy.export', action: 'self.data', run: forStudents(exportLinks) },
    { verb: 'privacy.erase.ask', action: 'self.data', run: forStudents(async (turn) => cardResponse(confirmCard(turn))) },
    { verb: 'privacy.erase', action: 'self.data', run: forStudents(erase) },
    {
      verb: 'privacy.erase.cancel',
      action: 'self.data',
      run: async (turn) => cardResponse(messageCard('privacy.erase.cancelled', turn.locale)),
    },
  ],
  // Not a route of its own: the export is served by the download links (features/downloads.ts).
  http: (deps) => deps.downloads.register('personal-data', exportRenderer(deps)),
};
