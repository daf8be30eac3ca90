import { type AdaptiveCard, render } from '../../core/cards/cards.ts';
import type { Person, Reflection } from '../../core/entities.ts';
import type { FlowCatalog } from '../../core/flows/flows.ts';
import { t, texts } from '../../core/i18n.ts';
import type { Locale } from '../../core/types.ts';
import type { TrialoogPrompt } from '../campaigns/ports.ts';
import { titlesOf } from './cards.ts';
import type { Supervisor } from './entities.ts';
import type { SharingService } from './sharing.ts';

// The mid-internship trialoog prompt a campaign sends (src/modules/campaigns, `trialoog` campaigns): the
// student chooses one of their reflections and asks their supervisor about it, through the same
// `sharing.ask` path as the share menu. A student without a supervisor is asked to add one first: in
// BPV every student has a praktijkopleider, so a missing one is a gap the student can fill in a minute,
// and skipping them would leave them out of the trialoog.

export function trialoogPromptCard(input: {
  locale: Locale;
  timeZone: string;
  flows: FlowCatalog;
  supervisor: Pick<Supervisor, 'name' | 'company'> | undefined;
  /** The student's reflections they may share, newest first. */
  reflections: Reflection[];
}): AdaptiveCard {
  const { locale, supervisor } = input;
  const titles = titlesOf(input.reflections, input.flows, locale, input.timeZone);
  const choices = input.reflections.map((r) => ({ title: titles.get(r.id)!, value: r.id }));
  return render('trialoog-prompt', {
    t: texts(locale, 'sharing.trialoogPrompt'),
    supervisor: supervisor ? `${supervisor.name} (${supervisor.company})` : '',
    canAsk: Boolean(supervisor) && choices.length > 0,
    reflections: choices,
    first: choices[0]?.value ?? '',
  });
}

export async function trialoogPrompt(
  deps: { service: SharingService; flows: FlowCatalog },
  student: Person,
  timeZone: string,
): Promise<TrialoogPrompt> {
  const locale = student.locale;
  const [supervisor, reflections] = await Promise.all([deps.service.supervisorOf(student), deps.service.shareable(student)]);
  return {
    card: trialoogPromptCard({ locale, timeZone, flows: deps.flows, supervisor, reflections }),
    summary: t(locale, 'sharing.trialoogPrompt.summary'),
    withoutSupervisor: !supervisor,
  };
}
