import { t } from '../../core/i18n.ts';
import { type CardActionResponse, cardResponse, type Feature, type Turn } from '../../teams/turn.ts';
import { pulseCard } from './cards.ts';
import { remarkMaxLength } from './entities.ts';

// The pulse in Teams: the student presses "send" on the card the delivery engine brought. The answer is
// never logged, and neither is who answered: a log line with the student's id and the moment would be the
// link the store is built not to keep. Refusals are logged without the answer.

async function answer(turn: Turn, data: Record<string, unknown>): Promise<CardActionResponse> {
  const { pulses } = turn.deps.modules.studentVoice;
  const pulseId = typeof data['pulseId'] === 'string' && data['pulseId'].length <= 64 ? data['pulseId'] : '';
  const timeZone = await pulses.timeZoneOf(turn.actor.schoolId);
  const done = (key: string, color: 'Good' | 'Attention') =>
    cardResponse(pulseCard({ locale: turn.locale, pulseId, timeZone, notice: { text: t(turn.locale, key), color } }));
  const result = await pulses.answer(turn.actor, pulseId, data);
  switch (result.kind) {
    case 'answered':
      return done('voice.card.thanks', 'Good');
    case 'already':
      return done('voice.card.already', 'Good');
    case 'invalid': {
      turn.deps.log.info({ pulseId, fields: result.fields }, 'student pulse answer refused');
      const pulse = await turn.deps.modules.studentVoice.repos.pulses.get(turn.actor.schoolId, pulseId);
      return cardResponse(
        pulseCard({
          locale: turn.locale,
          pulseId,
          timeZone,
          ...(pulse ? { closesOn: pulse.closesOn } : {}),
          notice: { text: t(turn.locale, 'voice.card.invalid', { max: remarkMaxLength }), color: 'Attention' },
        }),
      );
    }
    default:
      turn.deps.log.info({ pulseId, problem: result.kind }, 'student pulse answer refused');
      return done('voice.card.closed', 'Attention');
  }
}

export const studentVoiceFeature: Feature = {
  name: 'student-voice',
  verbs: [{ verb: 'student-voice.answer', roles: ['student'], run: answer }],
};
