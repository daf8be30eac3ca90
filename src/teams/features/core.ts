import { helpCard, messageCard, reflectionCard, summaryCard, welcomeCard } from '../../cards/cards.ts';
import { cardResponse, type Feature, type Turn } from '../turn.ts';

// The foundation's student loop: welcome, help, start a reflection, submit it.

async function startReflection(turn: Turn): Promise<void> {
  const { reflection, flow } = await turn.deps.reflections.start(turn.actor);
  const sent = await turn.sendCard(reflectionCard(flow, reflection), flow.title[reflection.locale]);
  await turn.deps.reflections.attachCard(reflection, {
    conversationId: turn.activity.conversation.id,
    activityId: sent.activityId,
  });
  turn.deps.log.info({ personId: turn.actor.id, reflectionId: reflection.id, flowId: flow.id }, 'reflection started');
}

export const coreFeature: Feature = {
  name: 'core',
  commands: [
    {
      names: ['reflecteer', 'reflect', 'reflectie', 'reflection'],
      action: 'reflection.start',
      run: (turn) => startReflection(turn),
    },
    {
      names: ['help', 'hulp', '?'],
      personalOnly: false,
      run: async (turn) => {
        await turn.sendCard(helpCard(turn.locale));
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
      verb: 'reflection.start',
      action: 'reflection.start',
      run: async (turn) => {
        await startReflection(turn);
        // The card the button was on stays as it was.
        return cardResponse(welcomeCard(turn.locale, turn.actor.name));
      },
    },
    {
      verb: 'help',
      run: async (turn) => {
        await turn.sendCard(helpCard(turn.locale));
        return cardResponse(welcomeCard(turn.locale, turn.actor.name));
      },
    },
    {
      verb: 'reflection.submit',
      action: 'reflection.submit',
      run: async (turn, data) => {
        const { reflectionId, ...values } = data;
        const { log } = turn.deps;
        if (typeof reflectionId !== 'string' || reflectionId.length > 64) {
          log.warn({ personId: turn.actor.id }, 'reflection submit without a valid reflection id');
          return cardResponse(messageCard('core.errors.invalidCard', turn.locale, 'attention'));
        }
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
            return cardResponse(summaryCard(result.flow, result.reflection, { mentorCount: result.mentorCount }));
          case 'already-submitted': {
            const mentors = await turn.deps.repos.assignments.activeMentorsOf(turn.actor.schoolId, turn.actor.id);
            return cardResponse(
              summaryCard(result.flow, result.reflection, { mentorCount: mentors.length, alreadyAnswered: true }),
            );
          }
          case 'invalid':
            log.info(
              { personId: turn.actor.id, reflectionId, problems: result.errors.map((e) => `${e.field}:${e.code}`) },
              'reflection submit refused',
            );
            return cardResponse(reflectionCard(result.flow, result.reflection, { errors: result.errors, values: result.values }));
          case 'not-yours':
            // Tampered or forwarded card data: log who tried what, never the answer text.
            log.warn(
              { personId: turn.actor.id, reflectionId, ownerId: result.ownerId },
              'submit for a reflection of someone else refused',
            );
            return cardResponse(messageCard('core.errors.notYours', turn.locale, 'attention'));
          case 'not-found':
            log.warn({ personId: turn.actor.id, reflectionId }, 'submit for an unknown reflection refused');
            return cardResponse(messageCard('core.errors.notFound', turn.locale, 'attention'));
        }
      },
    },
  ],
};
