import { draftOf, messageCard, reflectionCard, summaryCard, welcomeCard } from '../../core/cards/cards.ts';
import type { Reflection } from '../../core/entities.ts';
import { checkText } from '../../core/flows/answer-checks.ts';
import { emotionQuestion, emotionWordField, type Flow, isEmotion, maxEmotionWordLength } from '../../core/flows/flows.ts';
import { earlierWithKernwoord } from '../../core/kernwoord-thread.ts';
import { findFlowByWords, flowFitsProfile } from '../../core/student-profile.ts';
import { type CardActionResponse, cardResponse, type Feature, type Turn } from '../../teams/turn.ts';
import type { Lookup } from './reflections.ts';
import { pickerCard } from './student-cards.ts';

// The student loop: welcome, help, choose what to reflect on, one tap for the emotion, the questions of
// the branch that emotion chose, and the summary. The card updates in place from step to step.

/** The message id of the card a button was pressed on (Teams sends it as replyToId). */
function cardMessageId(turn: Turn): string | undefined {
  const id = (turn.activity as { replyToId?: unknown }).replyToId;
  return typeof id === 'string' && id.length <= 512 ? id : undefined;
}

async function startFlow(turn: Turn, flow: Flow): Promise<Reflection> {
  const { reflection } = await turn.deps.reflections.start(turn.actor, flow.id);
  turn.deps.log.info({ personId: turn.actor.id, reflectionId: reflection.id, flowId: flow.id }, 'reflection started');
  return reflection;
}

async function pickerFor(turn: Turn, error?: string) {
  const { sector, level } = await turn.deps.modules.reflection.profileOf(turn.actor);
  return pickerCard(turn.locale, turn.deps.flows.forSector(sector, level), error);
}

/** `reflecteer` shows the choice of activities; `reflecteer open dag` starts that flow at once. */
async function reflectCommand(turn: Turn, words: string): Promise<void> {
  const flow = findFlowByWords(turn.deps.flows, await turn.deps.modules.reflection.profileOf(turn.actor), words);
  if (!flow) {
    await turn.sendCard(await pickerFor(turn));
    return;
  }
  const reflection = await startFlow(turn, flow);
  const sent = await turn.sendCard(reflectionCard(flow, reflection), flow.title[reflection.locale]);
  await turn.deps.reflections.attachCard(reflection, {
    conversationId: turn.activity.conversation.id,
    activityId: sent.activityId,
  });
}

/** Refuses a card action on a reflection that is not the actor's, logging ids only. */
function refused(turn: Turn, reflectionId: string, lookup: Exclude<Lookup, { kind: 'found' }>): CardActionResponse {
  if (lookup.kind === 'not-yours') {
    // Tampered or forwarded card data: log who tried what, never the answer text.
    turn.deps.log.warn(
      { personId: turn.actor.id, reflectionId, ownerId: lookup.ownerId },
      'card action on a reflection of someone else refused',
    );
    return cardResponse(messageCard('core.errors.notYours', turn.locale, 'attention'));
  }
  turn.deps.log.warn({ personId: turn.actor.id, reflectionId }, 'card action on an unknown reflection refused');
  return cardResponse(messageCard('core.errors.notFound', turn.locale, 'attention'));
}

export function validReflectionId(turn: Turn, value: unknown): value is string {
  if (typeof value === 'string' && value.length > 0 && value.length <= 64) return true;
  turn.deps.log.warn({ personId: turn.actor.id }, 'card action without a valid reflection id');
  return false;
}

/** The student's earlier entries with this reflection's kernwoord, for the summary (none without one). */
async function threadOf(turn: Turn, reflection: Reflection) {
  if (!reflection.kernwoord) return [];
  const all = await turn.deps.repos.reflections.listByStudent(reflection.studentId);
  return earlierWithKernwoord(reflection, all).map((r) => ({ reflection: r, flow: turn.deps.flows.get(r.flowId) }));
}

async function summaryOf(turn: Turn, flow: Flow, reflection: Reflection): Promise<CardActionResponse> {
  const mentors = await turn.deps.repos.assignments.activeMentorsOf(turn.actor.schoolId, turn.actor.id);
  const thread = await threadOf(turn, reflection);
  return cardResponse(summaryCard(flow, reflection, { mentorCount: mentors.length, alreadyAnswered: true, thread }));
}

export const reflectionFeature: Feature = {
  name: 'reflection',
  commands: [
    {
      names: ['reflecteer', 'reflect', 'reflectie', 'reflection'],
      action: 'reflection.start',
      help: { section: 'student', words: { nl: 'reflecteer', en: 'reflect' }, text: 'core.help.commands.reflect', menu: true },
      run: (turn, words) => reflectCommand(turn, words),
    },
    {
      names: ['help', 'hulp', '?'],
      personalOnly: false,
      help: { section: 'general', words: { nl: 'hulp', en: 'help' }, text: 'core.help.commands.help', menu: true },
      run: async (turn) => {
        await turn.sendCard(turn.helpCard());
      },
    },
    {
      names: ['hoi', 'hallo', 'hi', 'hello', 'hey', 'start', 'welkom', 'welcome'],
      run: async (turn) => {
        await turn.sendCard(welcomeCard(turn.locale, turn.actor.name));
      },
    },
  ],
  verbs: [
    {
      // Without a flow: the choice of activities, in place of the card the button was on. With one: the
      // reflection starts in that same card.
      verb: 'reflection.start',
      action: 'reflection.start',
      run: async (turn, data) => {
        if (data['flowId'] === undefined) return cardResponse(await pickerFor(turn));
        const flowId = data['flowId'];
        const flow = typeof flowId === 'string' && flowId.length <= 64 ? turn.deps.flows.get(flowId) : undefined;
        if (!flow) {
          turn.deps.log.info({ personId: turn.actor.id }, 'start of an unknown flow refused');
          return cardResponse(await pickerFor(turn, 'student.picker.unknown'));
        }
        if (!flowFitsProfile(flow, await turn.deps.modules.reflection.profileOf(turn.actor))) {
          // A card of another student, an old card after a change of level, or forged data.
          turn.deps.log.info({ personId: turn.actor.id, flowId: flow.id }, 'start of a flow for another sector or level refused');
          return cardResponse(await pickerFor(turn, 'student.picker.notForYou'));
        }
        const reflection = await startFlow(turn, flow);
        const messageId = cardMessageId(turn);
        if (messageId) {
          await turn.deps.reflections.attachCard(reflection, {
            conversationId: turn.activity.conversation.id,
            activityId: messageId,
          });
        }
        return cardResponse(reflectionCard(flow, reflection));
      },
    },
    {
      verb: 'help',
      // The help card lists only what works in the conversation it is in.
      personalOnly: false,
      run: async (turn) => {
        await turn.sendCard(turn.helpCard());
        return cardResponse(welcomeCard(turn.locale, turn.actor.name));
      },
    },
    {
      // The one-tap emotion (or, without one, back to it): the card shows the questions of its branch.
      verb: 'reflection.feel',
      action: 'reflection.submit',
      run: async (turn, data) => {
        const { reflectionId, emotion, draft, ...values } = data;
        if (!validReflectionId(turn, reflectionId))
          return cardResponse(messageCard('core.errors.invalidCard', turn.locale, 'attention'));
        const found = await turn.deps.reflections.find(turn.actor, reflectionId);
        if (found.kind !== 'found') return refused(turn, reflectionId, found);
        const { reflection, flow } = found;
        if (reflection.status === 'submitted') return summaryOf(turn, flow, reflection);
        const carried = draft && typeof draft === 'object' && !Array.isArray(draft) ? (draft as Record<string, unknown>) : values;
        const kept = { ...draftOf(flow, carried), ...(values['wants-to-talk'] === 'true' ? { 'wants-to-talk': 'true' } : {}) };
        // The student's own emotion word, typed beside the buttons: checked as an answer is.
        const eq = emotionQuestion(flow);
        const wordField = eq ? emotionWordField(eq.id) : undefined;
        const word = wordField ? checkText(values[wordField], { required: false, maxLength: maxEmotionWordLength }) : undefined;
        const emotionWord = word?.ok && word.text ? word.text : undefined;
        const own = emotionWord ? { emotionWord } : {};
        if (emotion === undefined) return cardResponse(reflectionCard(flow, reflection, { values: kept, ...own }));
        if (!isEmotion(emotion)) {
          turn.deps.log.info({ personId: turn.actor.id, reflectionId }, 'unknown emotion refused');
          const field = eq?.id ?? 'emotion';
          return cardResponse(
            reflectionCard(flow, reflection, { values: kept, errors: [{ field, code: 'invalid-choice' }], ...own }),
          );
        }
        if (word && !word.ok && wordField) {
          return cardResponse(
            reflectionCard(flow, reflection, { values: kept, errors: [{ field: wordField, code: word.code }] }),
          );
        }
        return cardResponse(reflectionCard(flow, reflection, { emotion, values: kept, ...own }));
      },
    },
    {
      verb: 'reflection.submit',
      action: 'reflection.submit',
      run: async (turn, data) => {
        const { reflectionId, ...values } = data;
        const { log } = turn.deps;
        if (!validReflectionId(turn, reflectionId))
          return cardResponse(messageCard('core.errors.invalidCard', turn.locale, 'attention'));
        const result = await turn.deps.reflections.submit(turn.actor, reflectionId, values);
        switch (result.kind) {
          case 'submitted':
            log.info(
              {
                personId: turn.actor.id,
                reflectionId,
                mentors: result.mentorCount,
                competencies: result.reflection.competencies,
              },
              'reflection submitted',
            );
            return cardResponse(
              summaryCard(result.flow, result.reflection, {
                mentorCount: result.mentorCount,
                followUpDays: turn.deps.config.FOLLOW_UP_DAYS,
                thread: await threadOf(turn, result.reflection),
              }),
            );
          case 'already-submitted':
            return summaryOf(turn, result.flow, result.reflection);
          case 'invalid':
            log.info(
              { personId: turn.actor.id, reflectionId, problems: result.errors.map((e) => `${e.field.slice(0, 64)}:${e.code}`) },
              'reflection submit refused',
            );
            return cardResponse(reflectionCard(result.flow, result.reflection, { errors: result.errors, values: result.values }));
          case 'not-yours':
          case 'not-found':
            return refused(turn, reflectionId, result);
        }
      },
    },
  ],
};
