import { mayUse } from '../core/authorization.ts';
import { messageCard } from '../core/cards/cards.ts';
import type { Person } from '../core/entities.ts';
import { IdentityConflict } from '../core/identity.ts';
import { localeFrom } from '../core/types.ts';
import {
  cardActionValueSchema,
  commandText,
  type Envelope,
  isPersonal,
  messageSchema,
  replyTarget,
  tenantOf,
} from './activity.ts';
import { helpCardFor } from './help.ts';
import { logConflict } from './install-events.ts';
import type { SenderIdentity } from './sender-identity.ts';
import { type BotDeps, type CardActionResponse, cardResponse, type Feature, type Turn } from './turn.ts';

// A message (a text command) or a card button (Action.Execute) to the features' commands and verbs:
// who may use it, and only in the 1:1 chat where answers and personal data belong.

export interface CommandDispatch {
  message(a: Envelope): Promise<void>;
  cardAction(a: Envelope): Promise<CardActionResponse>;
  /** Sends a card into the activity's conversation; a failure is logged, not thrown (error messages). */
  sendPlain(a: Envelope, card: unknown): Promise<void>;
  /** The card that tells the sender their account collides with another (IdentityConflict). */
  conflictCard(a: Envelope): unknown;
}

export function commandDispatch(deps: BotDeps, features: Feature[], sender: SenderIdentity): CommandDispatch {
  const { config, log } = deps;
  const commands = features.flatMap((f) => f.commands ?? []);
  const verbs = new Map(features.flatMap((f) => f.verbs ?? []).map((v) => [v.verb, v]));

  const turnFor = (a: Envelope, actor: Person): Turn => ({
    deps,
    activity: a,
    actor,
    locale: actor.locale,
    // Through the tenant's send windows with retries, like every proactive send (an install wave is a burst).
    sendCard: (card, summary) => deps.reach.sendToConversation(tenantOf(a)!, replyTarget(a), card, summary),
    helpCard: (notUnderstood) => helpCardFor(commands, actor, { personal: isPersonal(a), notUnderstood: notUnderstood ?? false }),
  });

  const sendPlain = async (a: Envelope, card: unknown) => {
    try {
      await deps.reach.sendToConversation(tenantOf(a)!, replyTarget(a), card);
    } catch (err) {
      log.warn({ err: String(err) }, 'could not send an error message');
    }
  };

  const conflictCard = (a: Envelope) =>
    messageCard('core.errors.identityConflict', localeFrom(a.locale, config.DEFAULT_LOCALE), 'attention');

  const message = async (a: Envelope) => {
    // Bad input is refused before anything is stored: no person is created for a malformed message.
    const msg = messageSchema.safeParse(a);
    if (!msg.success) {
      log.info({ problem: msg.error.issues[0]?.path.join('.') }, 'malformed message refused');
      await sendPlain(a, messageCard('core.errors.invalidCard', localeFrom(a.locale, config.DEFAULT_LOCALE), 'attention'));
      return;
    }
    const actor = await sender.actorOf(a);
    await sender.inSectorOf(actor, () => runCommand(a, actor, msg.data.text));
  };

  const runCommand = async (a: Envelope, actor: Person, said: string | undefined): Promise<void> => {
    const turn = turnFor(a, actor);
    const text = commandText(said);
    const [word = '', ...rest] = text.split(' ');
    const command = commands.find((c) => c.names.includes(text)) ?? commands.find((c) => c.names.includes(word));
    if (!command) {
      await turn.sendCard(turn.helpCard(true));
      return;
    }
    if (!mayUse(actor, command)) {
      // Answered as an unknown command: people do not learn which commands other roles have.
      log.info({ personId: actor.id, command: command.names[0] }, 'command refused: role');
      await turn.sendCard(turn.helpCard(true));
      return;
    }
    if ((command.personalOnly ?? true) && !isPersonal(a)) {
      await turn.sendCard(messageCard('core.errors.personalOnly', actor.locale));
      return;
    }
    await command.run(turn, command.names.includes(text) ? '' : rest.join(' '));
  };

  const cardAction = async (a: Envelope): Promise<CardActionResponse> => {
    let locale: Person['locale'] = localeFrom(a.locale, config.DEFAULT_LOCALE);
    try {
      // Malformed actions and unknown verbs are refused before anything is stored.
      const action = cardActionValueSchema.safeParse(a['value']);
      if (!action.success) {
        log.warn({ problem: ['value', ...(action.error.issues[0]?.path ?? [])].join('.') }, 'malformed card action refused');
        return cardResponse(messageCard('core.errors.invalidCard', locale, 'attention'));
      }
      const { verb, data } = action.data.action;
      const handler = verbs.get(verb);
      if (!handler) {
        log.info({ verb: verb.slice(0, 64) }, 'unknown card verb');
        return cardResponse(messageCard('core.errors.unknownAction', locale, 'attention'));
      }
      const actor = await sender.actorOf(a);
      locale = actor.locale;
      if (!mayUse(actor, handler)) {
        log.warn({ personId: actor.id, verb }, 'card action refused: role');
        return cardResponse(messageCard('core.errors.unknownAction', locale, 'attention'));
      }
      if ((handler.personalOnly ?? true) && !isPersonal(a)) {
        log.info({ personId: actor.id, verb }, 'card action refused: not in the 1:1 chat');
        return cardResponse(messageCard('core.errors.personalOnlyButton', locale));
      }
      return await sender.inSectorOf(actor, () => handler.run(turnFor(a, actor), data ?? {}));
    } catch (err) {
      if (err instanceof IdentityConflict) {
        logConflict(log, err, { teamsUserId: a.from.id, entraObjectId: a.from.aadObjectId });
        return cardResponse(conflictCard(a));
      }
      log.error({ err: String(err), stack: (err as Error)?.stack?.split('\n').slice(0, 4).join(' | ') }, 'card action failed');
      return cardResponse(messageCard('core.errors.generic', locale, 'attention'));
    }
  };

  return { message, cardAction, sendPlain, conflictCard };
}
