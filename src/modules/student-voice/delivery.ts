import { t } from '../../core/i18n.ts';
import type { Repositories } from '../../core/ports.ts';
import type { DeliveryKind, Tally } from '../../delivery/delivery-kind.ts';
import type { DeliveryEngine } from '../../delivery/engine.ts';
import type { Logger } from '../../platform/log.ts';
import { pulseCard } from './cards.ts';
import type { Pulse, PulseMark } from './entities.ts';
import type { StudentVoice } from './pulses.ts';
import type { VoiceRepositories } from './repositories.ts';

// The pulse card to each invited student, through the delivery engine (docs/delivery.md): the school's
// send policy for student prompts (no quiet hours, weekends, holidays, or while the student paused
// prompts: the rule of a campaign prompt), a claim with a lease on the mark, the throttled send, and the
// outcome on the mark. A pulse that closed before its card could go is given up.

export interface PulseDeliveryDeps {
  repos: Repositories;
  voice: VoiceRepositories;
  pulses: StudentVoice;
  delivery: DeliveryEngine;
  log: Logger;
}

type Context = { pulse: Pulse; timeZone: string };

function pulseDelivery(deps: PulseDeliveryDeps): DeliveryKind<PulseMark, Context> {
  const { voice } = deps;
  const change = (mark: PulseMark, mutate: (m: PulseMark) => PulseMark | undefined) =>
    voice.marks.update(mark.studentId, mark.pulseId, mutate).then(() => undefined);
  return {
    message: 'campaign-prompt',
    schoolOf: (mark) => mark.schoolId,
    prepare: async (mark) => {
      const [student, pulse] = await Promise.all([
        deps.repos.people.get(mark.schoolId, mark.studentId),
        voice.pulses.get(mark.schoolId, mark.pulseId),
      ]);
      if (!student || student.erasedAt || student.leftAt) return { kind: 'skip', reason: 'gone' };
      if (!pulse) return { kind: 'skip', reason: 'gone' };
      const today = await deps.pulses.today(mark.schoolId);
      if (today > pulse.closesOn) return { kind: 'skip', reason: 'closed' };
      return { kind: 'send', to: student, context: { pulse, timeZone: await deps.pulses.timeZoneOf(mark.schoolId) } };
    },
    claim: async (mark, now, until) => {
      let claimed = false;
      const stored = await voice.marks.update(mark.studentId, mark.pulseId, (m) => {
        claimed = false; // update() re-runs this after a lost race: only the last run counts
        if (m.state !== 'due' || !m.dueAt || m.dueAt > now.toISOString()) return undefined;
        if (m.claimedUntil && m.claimedUntil > now.toISOString()) return undefined;
        claimed = true;
        return { ...m, claimedUntil: until.toISOString() };
      });
      return claimed ? stored : undefined;
    },
    compose: (mark, student, { pulse, timeZone }) => ({
      to: student,
      card: pulseCard({ locale: student.locale, pulseId: mark.pulseId, closesOn: pulse.closesOn, timeZone }),
      summary: t(student.locale, 'voice.summary'),
    }),
    sent: async (mark, card) => {
      await change(mark, (m) =>
        m.state === 'due' ? { ...m, state: 'sent', dueAt: undefined, claimedUntil: undefined, card } : { ...m, card },
      );
      deps.log.info({ personId: mark.studentId, pulseId: mark.pulseId }, 'student pulse sent');
    },
    retryLater: (mark) => change(mark, (m) => ({ ...m, claimedUntil: undefined })),
    gaveUp: (mark, reason) =>
      change(mark, (m) =>
        m.state === 'due'
          ? { ...m, state: 'skipped', dueAt: undefined, claimedUntil: undefined, skippedReason: reason }
          : undefined,
      ),
    postpone: (mark, until) => change(mark, (m) => (m.dueAt && m.dueAt < until ? { ...m, dueAt: until } : undefined)),
  };
}

/** Sends every pulse card that is due now. */
export async function sendDuePulses(deps: PulseDeliveryDeps, now: Date): Promise<Tally> {
  return deps.delivery.deliver(pulseDelivery(deps), await deps.voice.marks.listDue(now.toISOString()), now);
}
