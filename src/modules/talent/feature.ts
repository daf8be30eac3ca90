import { messageCard, reflectionCard } from '../../core/cards/cards.ts';
import type { Person } from '../../core/entities.ts';
import { t } from '../../core/i18n.ts';
import { type CardActionResponse, cardResponse, type Feature, schoolTimeZone, type Turn } from '../../teams/turn.ts';
import { type Notice, talentFormCard } from './cards.ts';
import { signalCardFor } from './delivery.ts';
import { signalMaxLength } from './entities.ts';
import type { SendResult } from './talent.ts';

// The talent signal in Teams: a teacher types `talent`, picks a student of their classes and writes
// what they saw; the student gets a card and can start a free reflection about it. Teachers reach only
// these; the student's reflections stay closed to them (src/core/authorization.ts).

const good = (text: string): Notice => ({ text, color: 'Good' });
const attention = (text: string): Notice => ({ text, color: 'Attention' });

const errorKeys: Record<Extract<SendResult, { ok: false }>['reason'], string> = {
  'no-student': 'talent.errors.noStudent',
  empty: 'talent.errors.empty',
  'too-long': 'talent.errors.tooLong',
  'not-their-class': 'talent.errors.notTheirClass',
};

async function form(turn: Turn, notice?: Notice, values?: { studentId?: string; text?: string }) {
  const { service } = turn.deps.modules.talent;
  const students = await service.studentsOf(turn.actor);
  turn.deps.log.info({ personId: turn.actor.id, students: students.length }, 'talent form shown');
  return talentFormCard({
    locale: turn.locale,
    students,
    ...(notice ? { notice } : {}),
    ...(values ? { values } : {}),
  });
}

async function send(turn: Turn, data: Record<string, unknown>): Promise<CardActionResponse> {
  const { service, deliver } = turn.deps.modules.talent;
  const result = await service.send(turn.actor, data['studentId'], data['text']);
  if (!result.ok) {
    const text = t(turn.locale, errorKeys[result.reason], { max: signalMaxLength });
    // The teacher's own words come back so nothing is lost; a refused student is not shown again.
    const values = {
      ...(typeof data['text'] === 'string' ? { text: data['text'].slice(0, signalMaxLength * 2) } : {}),
      ...(result.reason !== 'not-their-class' && typeof data['studentId'] === 'string' && data['studentId'].length <= 64
        ? { studentId: data['studentId'] }
        : {}),
    };
    return cardResponse(await form(turn, attention(text), values));
  }
  const outcome = await deliver(result.signal);
  const key = { sent: 'talent.notices.sent', queued: 'talent.notices.queued', failed: 'talent.notices.failed' }[outcome];
  return cardResponse(await form(turn, good(t(turn.locale, key, { name: result.student.name }))));
}

/** The student presses "reflect on this": a free reflection opens with the signal as its context. */
async function reflect(turn: Turn, data: Record<string, unknown>): Promise<CardActionResponse> {
  const { repos } = turn.deps.modules.talent;
  const signalId = data['signalId'];
  const actor: Person = turn.actor;
  // Read in the student's own partition: another student's signal id finds nothing here.
  const signal =
    typeof signalId === 'string' && signalId.length > 0 && signalId.length <= 64
      ? await repos.signals.get(actor.id, signalId)
      : undefined;
  if (!signal || signal.studentId !== actor.id || signal.schoolId !== actor.schoolId) {
    turn.deps.log.warn({ personId: actor.id }, 'reflect on a talent signal that is not theirs (or gone) refused');
    return cardResponse(messageCard('talent.errors.unknownSignal', turn.locale, 'attention'));
  }
  const teacher = await turn.deps.repos.people.get(actor.schoolId, signal.teacherId);
  const timeZone = await schoolTimeZone(turn);
  const earlier = signal.reflectionId ? await turn.deps.repos.reflections.get(actor.id, signal.reflectionId) : undefined;
  let reflectionId = signal.reflectionId;
  if (earlier?.status === 'open') {
    // Pressed again while that reflection is still open: show it again rather than start a second one.
    const flow = turn.deps.flows.get(earlier.flowId) ?? turn.deps.flows.defaultFlow();
    await turn.sendCard(reflectionCard(flow, earlier), flow.title[earlier.locale]);
  } else {
    const { reflection, flow } = await turn.deps.reflections.start(actor, turn.deps.flows.defaultFlow().id, {
      source: { kind: 'talent', signalId: signal.id },
      context: { kind: 'talent', from: teacher?.name || t(actor.locale, 'talent.signal.someTeacher'), text: signal.text },
    });
    reflectionId = reflection.id;
    await repos.signals.update(actor.id, signal.id, (s) => ({ ...s, reflectionId: reflection.id }));
    const sent = await turn.sendCard(reflectionCard(flow, reflection), flow.title[reflection.locale]);
    await turn.deps.reflections.attachCard(reflection, {
      conversationId: turn.activity.conversation.id,
      activityId: sent.activityId,
    });
    turn.deps.log.info({ personId: actor.id, signalId: signal.id, reflectionId }, 'reflection on a talent signal started');
  }
  const shown = { ...signal, ...(reflectionId ? { reflectionId } : {}) };
  return cardResponse(signalCardFor(actor, teacher, shown, timeZone, good(t(turn.locale, 'talent.signal.reflected'))));
}

export const talentFeature: Feature = {
  name: 'talent',
  commands: [
    {
      names: ['talent', 'talentsignaal', 'talent signal', 'talent gezien', 'talent noticed'],
      action: 'talent.send',
      help: { section: 'teacher', words: { nl: 'talent', en: 'talent' }, text: 'talent.help.talent' },
      run: async (turn) => {
        await turn.sendCard(await form(turn), t(turn.locale, 'talent.form.title'));
      },
    },
  ],
  verbs: [
    { verb: 'talent.send', action: 'talent.send', run: send },
    { verb: 'talent.reflect', action: 'reflection.start', run: reflect },
  ],
};
