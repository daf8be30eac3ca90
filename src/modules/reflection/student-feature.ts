import { messageCard, preparationCard, reflectionCard } from '../../core/cards/cards.ts';
import type { Person } from '../../core/entities.ts';
import { t } from '../../core/i18n.ts';
import { choosePause, isPaused, maxPauseDays } from '../../core/student-profile.ts';
import { momentText } from '../../core/time/card-dates.ts';
import { addDays, localDate } from '../../core/time/zoned-time.ts';
import type { Locale } from '../../core/types.ts';
import { type CardActionResponse, cardResponse, type Feature, schoolTimeZone, type Turn } from '../../teams/turn.ts';
import { buildOverview, type OverviewNote } from './overview.ts';
import { validReflectionId } from './reflection-feature.ts';
import { languageCard, type OverviewTalent, overviewCard, pauseCard } from './student-cards.ts';

// The student's own commands: `mijn reflecties`, `pauze` / `hervat`, `taal`, and the answer to a
// preparation prompt. Dutch and English command words.

/** The feedforward notes mentors wrote about the student's reflections (once they reached the student). */
async function notesByReflection(turn: Turn): Promise<Map<string, OverviewNote[]>> {
  const { notes } = turn.deps.modules.mentoring.repos;
  const byReflection = new Map<string, OverviewNote[]>();
  const names = new Map<string, string>();
  for (const note of await notes.listByStudent(turn.actor.id)) {
    if (!note.reflectionId || !note.deliveredAt) continue;
    let from = names.get(note.mentorId);
    if (from === undefined) {
      from = (await turn.deps.repos.people.get(turn.actor.schoolId, note.mentorId))?.name ?? '';
      names.set(note.mentorId, from);
    }
    byReflection.set(note.reflectionId, [...(byReflection.get(note.reflectionId) ?? []), { from, text: note.text }]);
  }
  return byReflection;
}

/** The talent signals teachers sent the student (once they reached the student), newest first. */
async function talentsOf(turn: Turn): Promise<OverviewTalent[]> {
  const { signals } = turn.deps.modules.talent.repos;
  const delivered = (await signals.listByStudent(turn.actor.id)).filter((s) => s.deliveredAt && s.studentId === turn.actor.id);
  if (delivered.length === 0) return [];
  const teachers = new Map(
    (await turn.deps.repos.people.getMany(turn.actor.schoolId, [...new Set(delivered.map((s) => s.teacherId))])).map((p) => [
      p.id,
      p.name,
    ]),
  );
  return delivered.map((s) => ({ from: teachers.get(s.teacherId) ?? '', text: s.text, at: s.createdAt }));
}

async function overview(turn: Turn, page: unknown) {
  const [reflections, notes, talents] = await Promise.all([
    turn.deps.repos.reflections.listByStudent(turn.actor.id),
    notesByReflection(turn),
    talentsOf(turn),
  ]);
  const built = buildOverview(reflections, turn.deps.flows, {
    // Only the types a card sends: Number() throws on {"toString":1} and overflows on deeply nested arrays.
    page: typeof page === 'number' ? page : typeof page === 'string' ? Number(page) || 1 : 1,
    notesFor: (r) => notes.get(r.id) ?? [],
  });
  turn.deps.log.info({ personId: turn.actor.id, entries: built.total, page: built.page }, 'overview shown');
  return overviewCard(built, turn.locale, await schoolTimeZone(turn), talents);
}

/** The last paused day, for people: the day before prompts resume. */
function lastPausedDay(person: Person, locale: Locale, timeZone: string): string {
  return momentText(new Date(Date.parse(person.pause!.until) - 1).toISOString(), locale, timeZone, 'long');
}

async function pauseForm(turn: Turn, errorKey?: string) {
  const zone = await schoolTimeZone(turn);
  const now = turn.deps.clock.now();
  const today = localDate(now, zone);
  return pauseCard(turn.locale, {
    kind: 'form',
    ...(isPaused(turn.actor, now) ? { paused: lastPausedDay(turn.actor, turn.locale, zone) } : {}),
    ...(errorKey ? { error: t(turn.locale, `student.pause.errors.${errorKey}`, { days: maxPauseDays }) } : {}),
    min: today,
    max: addDays(today, maxPauseDays),
    value: addDays(today, 6),
  });
}

async function resume(turn: Turn) {
  const now = turn.deps.clock.now();
  if (!isPaused(turn.actor, now))
    return pauseCard(turn.locale, { kind: 'done', message: t(turn.locale, 'student.pause.notPaused'), paused: false });
  await turn.deps.repos.people.update(turn.actor.schoolId, turn.actor.id, (p) => ({
    ...p,
    pause: undefined,
    updatedAt: now.toISOString(),
  }));
  turn.deps.log.info({ personId: turn.actor.id }, 'pause ended');
  return pauseCard(turn.locale, { kind: 'done', message: t(turn.locale, 'student.pause.resumed'), paused: false });
}

const languageWords: Record<string, Locale> = {
  nl: 'nl',
  nederlands: 'nl',
  dutch: 'nl',
  en: 'en',
  engels: 'en',
  english: 'en',
};

async function setLanguage(turn: Turn, locale: Locale) {
  const now = turn.deps.clock.now().toISOString();
  await turn.deps.repos.people.update(turn.actor.schoolId, turn.actor.id, (p) =>
    p.locale === locale && p.localeSource === 'chosen' ? undefined : { ...p, locale, localeSource: 'chosen', updatedAt: now },
  );
  turn.deps.log.info({ personId: turn.actor.id, locale }, 'language chosen');
  return languageCard(locale, t(locale, 'student.language.set'), true);
}

async function preparationSubmit(turn: Turn, data: Record<string, unknown>): Promise<CardActionResponse> {
  const { reflectionId, ...values } = data;
  if (!validReflectionId(turn, reflectionId))
    return cardResponse(messageCard('core.errors.invalidCard', turn.locale, 'attention'));
  const result = await turn.deps.reflections.savePreparation(turn.actor, reflectionId, values);
  switch (result.kind) {
    case 'saved':
      turn.deps.log.info({ personId: turn.actor.id, reflectionId }, 'preparation saved');
      return cardResponse(preparationCard(result.flow, result.reflection));
    case 'invalid':
      turn.deps.log.info(
        { personId: turn.actor.id, reflectionId, problems: result.errors.map((e) => e.code) },
        'preparation refused',
      );
      return cardResponse(preparationCard(result.flow, result.reflection, { errors: result.errors, values: result.values }));
    case 'already-submitted':
      return cardResponse(messageCard('student.reflection.closed', turn.locale));
    case 'no-preparation':
      return cardResponse(reflectionCard(result.flow, result.reflection));
    case 'not-yours':
      turn.deps.log.warn(
        { personId: turn.actor.id, reflectionId, ownerId: result.ownerId },
        'preparation for someone else refused',
      );
      return cardResponse(messageCard('core.errors.notYours', turn.locale, 'attention'));
    case 'not-found':
      return cardResponse(messageCard('core.errors.notFound', turn.locale, 'attention'));
  }
}

export const studentFeature: Feature = {
  name: 'student',
  commands: [
    {
      action: 'self.data',
      names: ['mijn reflecties', 'my reflections', 'reflecties', 'reflections', 'overzicht', 'overview'],
      help: {
        section: 'student',
        words: { nl: 'mijn reflecties', en: 'my reflections' },
        text: 'core.help.commands.myReflections',
        menu: true,
      },
      run: async (turn) => {
        await turn.sendCard(await overview(turn, 1));
      },
    },
    {
      action: 'self.data',
      names: ['pauze', 'pause', 'pauzeer'],
      help: { section: 'student', words: { nl: 'pauze', en: 'pause' }, text: 'core.help.commands.pause', menu: true },
      run: async (turn) => {
        await turn.sendCard(await pauseForm(turn));
      },
    },
    {
      action: 'self.data',
      names: ['hervat', 'resume', 'hervatten'],
      help: { section: 'student', words: { nl: 'hervat', en: 'resume' }, text: 'core.help.commands.resume', menu: true },
      run: async (turn) => {
        await turn.sendCard(await resume(turn));
      },
    },
    {
      action: 'self.data',
      names: ['taal', 'language', 'lang'],
      help: { section: 'general', words: { nl: 'taal', en: 'language' }, text: 'core.help.commands.language', menu: true },
      run: async (turn, words) => {
        // Own keys only: `taal constructor` must not find Object's constructor and store it as the locale.
        const word = words.trim();
        const locale = Object.hasOwn(languageWords, word) ? languageWords[word] : undefined;
        if (locale) await turn.sendCard(await setLanguage(turn, locale));
        else await turn.sendCard(languageCard(turn.locale, t(turn.locale, 'student.language.choose'), false));
      },
    },
  ],
  verbs: [
    { verb: 'overview.show', action: 'self.data', run: async (turn, data) => cardResponse(await overview(turn, data['page'])) },
    {
      verb: 'pause.set',
      action: 'self.data',
      run: async (turn, data) => {
        const zone = await schoolTimeZone(turn);
        const choice = choosePause({ date: data['until'], days: data['days'] }, turn.deps.clock.now(), zone);
        if (!choice.ok) return cardResponse(await pauseForm(turn, choice.code));
        const updated = await turn.deps.repos.people.update(turn.actor.schoolId, turn.actor.id, (p) => ({
          ...p,
          pause: { since: choice.since, until: choice.until },
          updatedAt: choice.since,
        }));
        turn.deps.log.info({ personId: turn.actor.id, until: choice.until }, 'paused');
        const date = lastPausedDay(updated, turn.locale, zone);
        return cardResponse(
          pauseCard(turn.locale, { kind: 'done', message: t(turn.locale, 'student.pause.set', { date }), paused: true }),
        );
      },
    },
    { verb: 'pause.end', action: 'self.data', run: async (turn) => cardResponse(await resume(turn)) },
    {
      verb: 'language.set',
      action: 'self.data',
      run: async (turn, data) => {
        const locale = data['locale'];
        if (locale !== 'nl' && locale !== 'en') {
          return cardResponse(languageCard(turn.locale, t(turn.locale, 'student.language.unknown'), false));
        }
        return cardResponse(await setLanguage(turn, locale));
      },
    },
    { verb: 'preparation.submit', action: 'reflection.submit', run: preparationSubmit },
  ],
};
