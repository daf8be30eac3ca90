import type { Person } from '../../core/entities.ts';
import { t } from '../../core/i18n.ts';
import { DeliveryError } from '../../core/ports.ts';
import { isAllowed } from '../../core/send-policy/quiet-hours.ts';
import type { BotDeps } from '../../teams/turn.ts';
import { talentSignalCard } from './cards.ts';
import type { TalentSignal } from './entities.ts';
import type { TalentRepositories } from './ports.ts';

// Sends a talent signal to the student's chat through the bot's Reach. A signal follows the quiet-hours
// rule of a staff member's note to a student ('mentor-note': not at night, on weekends or school
// holidays); one that has to wait stays pending and the `talent.deliver` job sends it later.

export type DeliveryOutcome = 'sent' | 'queued' | 'failed';

const maxAttempts = 10;

export async function deliverSignal(
  deps: Pick<BotDeps, 'repos' | 'reach' | 'clock' | 'sendPolicy' | 'log'>,
  talent: TalentRepositories,
  signal: TalentSignal,
): Promise<DeliveryOutcome> {
  const now = deps.clock.now();
  const policy = await deps.sendPolicy(signal.schoolId);
  if (!isAllowed(now, policy, 'mentor-note')) return 'queued';
  const [student, teacher] = await Promise.all([
    deps.repos.people.get(signal.schoolId, signal.studentId),
    deps.repos.people.get(signal.schoolId, signal.teacherId),
  ]);
  const stop = (patch: Partial<TalentSignal>) =>
    talent.signals.update(signal.studentId, signal.id, (s) => ({ ...s, ...patch, pending: undefined }));
  if (!student || student.erasedAt) {
    await stop({});
    return 'failed';
  }
  try {
    await deps.reach.sendCard(
      student,
      signalCardFor(student, teacher, signal, policy.timeZone),
      t(student.locale, 'talent.signal.title'),
    );
    await stop({ deliveredAt: deps.clock.now().toISOString() });
    deps.log.info({ signalId: signal.id, studentId: student.id }, 'talent signal delivered');
    return 'sent';
  } catch (err) {
    const reason = err instanceof DeliveryError ? err.reason : 'error';
    const attempts = (signal.attempts ?? 0) + 1;
    const giveUp = (err instanceof DeliveryError && !err.transient) || attempts >= maxAttempts;
    await talent.signals.update(signal.studentId, signal.id, (s) => ({
      ...s,
      attempts,
      ...(giveUp ? { pending: undefined } : {}),
    }));
    deps.log.warn({ signalId: signal.id, studentId: student.id, reason, attempts, giveUp }, 'talent signal not delivered');
    return 'failed';
  }
}

export function signalCardFor(
  student: Pick<Person, 'locale'>,
  teacher: Pick<Person, 'name'> | undefined,
  signal: TalentSignal,
  timeZone: string,
  notice?: { text: string; color: 'Good' | 'Attention' },
) {
  return talentSignalCard({
    locale: student.locale,
    timeZone,
    signalId: signal.id,
    teacherName: teacher?.name || t(student.locale, 'talent.signal.someTeacher'),
    text: signal.text,
    at: signal.createdAt,
    canReflect: !signal.reflectionId,
    ...(notice ? { notice } : {}),
  });
}

/** Sends every signal that waits, when its school allows it now. */
export async function deliverPending(
  deps: Pick<BotDeps, 'repos' | 'reach' | 'clock' | 'sendPolicy' | 'log'>,
  talent: TalentRepositories,
): Promise<Record<DeliveryOutcome, number>> {
  const counts: Record<DeliveryOutcome, number> = { sent: 0, queued: 0, failed: 0 };
  for (const signal of await talent.signals.listPending()) counts[await deliverSignal(deps, talent, signal)]++;
  return counts;
}
