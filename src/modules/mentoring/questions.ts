import { type Emotion, valenceOf } from '../../core/types.ts';
import type { QuestionView } from './views.ts';

// Suggested questions for the careers conversation, from the guidance mentors are trained on: deepen
// (after a positive moment towards qualities, after a negative one towards motives) and broaden. They
// ask what happened, never why. The texts are in the mentors locale, `mentors.questions.<kind>.<n>`.

export const questionPools = {
  'deepen.positive': 2,
  'deepen.negative': 2,
  'deepen.neutral': 2,
  broaden: 3,
} as const;

/** Every question key, for tests and tools. */
export function allQuestionKeys(): string[] {
  return Object.entries(questionPools).flatMap(([pool, n]) =>
    Array.from({ length: n }, (_, i) => `mentors.questions.${pool}.${i + 1}`),
  );
}

function pick(pool: keyof typeof questionPools, seed: number): string {
  return `mentors.questions.${pool}.${(seed % questionPools[pool]) + 1}`;
}

/** A small stable number from an id, so a student's questions do not change each time the card is drawn. */
function seedOf(id: string): number {
  let h = 0;
  for (let i = 0; i < id.length; i++) h = (h * 31 + id.charCodeAt(i)) >>> 0;
  return h;
}

/** One deepen and one broaden question for the latest entry (none when there is nothing to ask about). */
export function followUpQuestions(latest: { reflectionId: string; emotion?: Emotion } | undefined): QuestionView[] {
  if (!latest) return [];
  const seed = seedOf(latest.reflectionId);
  const valence = latest.emotion ? valenceOf(latest.emotion) : 'neutral';
  return [
    { kind: 'deepen', key: pick(`deepen.${valence}`, seed) },
    { kind: 'broaden', key: pick('broaden', seed >>> 3) },
  ];
}

/**
 * Questions from the thread across reflections: the kernwoord the student named most often ("you named
 * *helpen* three times now: where else would you like to use it?") and an emotion word that came back.
 * They broaden towards the bigger story; like the others they ask what and when, never why.
 */
export function threadQuestions(
  kernwoord: { word: string; count: number } | undefined,
  emotionWord: { word: string; count: number } | undefined,
): QuestionView[] {
  return [
    ...(kernwoord
      ? [
          {
            kind: 'thread' as const,
            key: 'mentors.questions.thread.kernwoord',
            params: { word: kernwoord.word, count: kernwoord.count },
          },
        ]
      : []),
    ...(emotionWord
      ? [
          {
            kind: 'thread' as const,
            key: 'mentors.questions.thread.emotion',
            params: { word: emotionWord.word, count: emotionWord.count },
          },
        ]
      : []),
  ];
}
