import { messageCard } from '../core/cards/cards.ts';
import { IdentityConflict } from '../core/identity.ts';
import { type Envelope, installationSchema, isPersonal, membersSchema, tenantOf } from './activity.ts';
import { commandDispatch } from './command-dispatch.ts';
import { type Dispatch, dispatchTo } from './inbound-routes.ts';
import { installEvents, logConflict } from './install-events.ts';
import { senderIdentity } from './sender-identity.ts';
import { type BotDeps, cardResponse, type Feature } from './turn.ts';

// Inbound: the HTTP adapter (http-adapter.ts) validates the request and hands the activity here
// (inbound-routes.ts); these handlers turn it into domain calls. Every handler catches its own failures:
// the user gets a short message, the log gets ids (never answer text), and the process keeps running.

/** The invoke names the handlers below answer; every other invoke is refused before dispatch (request-guards.ts). */
export const handledInvokes = ['adaptiveCard/action'] as const;

/** The bot's handlers for Teams' activities, ready for BotHttpAdapter.handleActivities. */
export function createInbound(deps: BotDeps, features: Feature[]): Dispatch {
  const { log } = deps;
  const sender = senderIdentity(deps);
  const installs = installEvents(deps, sender);
  const commands = commandDispatch(deps, features, sender);

  /** Every handler needs the tenant: an activity without one is logged and ignored. */
  const withTenant = (a: Envelope): boolean => {
    if (tenantOf(a)) return true;
    log.warn({ type: a.type }, 'activity without a tenant ignored');
    return false;
  };

  const guarded = async (what: string, a: Envelope, run: (a: Envelope) => Promise<void>) => {
    if (!withTenant(a)) return;
    try {
      await run(a);
    } catch (err) {
      if (err instanceof IdentityConflict) {
        // A message or a personal install gets the reason; a channel's own events are only logged.
        logConflict(log, err, { teamsUserId: a.from.id, entraObjectId: a.from.aadObjectId });
        if (what === 'message' || isPersonal(a)) await commands.sendPlain(a, commands.conflictCard(a));
        return;
      }
      log.error({ err: String(err), stack: (err as Error)?.stack?.split('\n').slice(0, 4).join(' | '), what }, 'handler failed');
      if (what === 'message') await commands.sendPlain(a, messageCard('core.errors.generic', undefined, 'attention'));
    }
  };

  const installAction = (a: Envelope) => {
    const parsed = installationSchema.safeParse(a);
    if (!parsed.success) log.info('installation update with an invalid action ignored');
    return parsed.success ? parsed.data.action : undefined;
  };

  return dispatchTo({
    'install.add': (a) =>
      guarded('install.add', a, async () => {
        if (installAction(a)?.startsWith('add')) await installs.added(a);
      }),
    'install.remove': (a) =>
      guarded('install.remove', a, async () => {
        if (installAction(a)?.startsWith('remove')) await installs.removed(a);
      }),
    conversationUpdate: (a) =>
      guarded('conversationUpdate', a, async () => {
        const parsed = membersSchema.safeParse(a);
        if (!parsed.success) {
          log.info({ problem: parsed.error.issues[0]?.path.join('.') }, 'conversation update with invalid members ignored');
          return;
        }
        const raw = parsed.data;
        // Teams sends installationUpdate and conversationUpdate for one install; capture is idempotent and
        // the welcome goes out only the first time.
        if (raw.membersAdded?.some((m) => m?.id === a.recipient.id)) await installs.added(a);
        else if (raw.membersRemoved?.some((m) => m?.id === a.recipient.id)) await installs.removed(a);
      }),
    message: (a) => guarded('message', a, commands.message),
    'card.action': async (a) => {
      if (!withTenant(a)) return cardResponse(messageCard('core.errors.invalidCard', undefined, 'attention'));
      return commands.cardAction(a);
    },
  });
}
