import { PUBLIC, withOverrides } from '@microsoft/teams.api';
import { App } from '@microsoft/teams.apps';
import { mayUse } from '../core/authorization.ts';
import { messageCard, welcomeCard } from '../core/cards/cards.ts';
import type { Person } from '../core/entities.ts';
import { withSector } from '../core/i18n.ts';
import { IdentityConflict, matchPerson } from '../core/identity.ts';
import {
  capturePersonalInstall,
  capturePersonalUninstall,
  captureTeamInstall,
  captureTeamUninstall,
  identify,
  refreshPerson,
  type TeamsIdentity,
} from '../core/install.ts';
import { sectorFor } from '../core/levels.ts';
import { localeFrom } from '../core/types.ts';
import { sdkLogger } from '../platform/log.ts';
import {
  cardActionSchema,
  commandText,
  type Envelope,
  envelopeSchema,
  installationSchema,
  isPersonal,
  membersSchema,
  messageSchema,
  tenantOf,
} from './activity.ts';
import { helpCardFor } from './help.ts';
import type { BotHttpAdapter } from './http-adapter.ts';
import { type BotDeps, type CardActionResponse, cardResponse, type Feature, type Turn } from './turn.ts';

// Inbound: the Teams SDK validates the request and routes activities here; these handlers turn them
// into domain calls. Every handler catches its own failures: the user gets a short message, the log
// gets ids (never answer text), and the process keeps running.

type Ctx = { activity: unknown };

/** The invoke names the handlers below answer; every other invoke is refused before the SDK (request-guards.ts). */
export const handledInvokes = ['adaptiveCard/action'] as const;

/** The SDK app's settings from the configuration: credentials, cloud and logging (also for the CLI's tokens). */
export function teamsAppOptions(config: BotDeps['config'], log: BotDeps['log']) {
  const cloud =
    config.BOT_OPENID_METADATA_URL && config.BOT_TOKEN_ISSUER
      ? withOverrides(PUBLIC, { openIdMetadataUrl: config.BOT_OPENID_METADATA_URL, tokenIssuer: config.BOT_TOKEN_ISSUER })
      : undefined;
  return {
    ...(config.CLIENT_ID ? { clientId: config.CLIENT_ID } : {}),
    ...(config.CLIENT_SECRET ? { clientSecret: config.CLIENT_SECRET } : {}),
    ...(config.TENANT_ID ? { tenantId: config.TENANT_ID } : {}),
    ...(config.MANAGED_IDENTITY_CLIENT_ID ? { managedIdentityClientId: config.MANAGED_IDENTITY_CLIENT_ID } : {}),
    ...(cloud ? { cloud } : {}),
    dangerouslyAllowUnauthenticatedRequests: config.devMode,
    logger: sdkLogger(log),
    serviceUrl: config.SERVICE_URL,
    telemetry: { agent365: false as const },
  };
}

export function createTeamsApp(deps: BotDeps, adapter: BotHttpAdapter, features: Feature[]): App {
  const { config, log } = deps;
  const app = new App({ ...teamsAppOptions(config, log), httpServerAdapter: adapter });

  const commands = features.flatMap((f) => f.commands ?? []);
  const verbs = new Map(features.flatMap((f) => f.verbs ?? []).map((v) => [v.verb, v]));

  const parse = (ctx: Ctx): Envelope | undefined => {
    const parsed = envelopeSchema.safeParse(ctx.activity);
    if (!parsed.success) {
      log.warn({ problem: parsed.error.issues[0]?.path.join('.') }, 'activity without the fields the bot needs ignored');
      return undefined;
    }
    if (!tenantOf(parsed.data)) {
      log.warn({ type: parsed.data.type }, 'activity without a tenant ignored');
      return undefined;
    }
    return parsed.data;
  };

  const identity = async (a: Envelope, lookupProfile: boolean): Promise<TeamsIdentity> => {
    const who: TeamsIdentity = {
      tenantId: tenantOf(a)!,
      teamsUserId: a.from.id,
      ...(a.from.aadObjectId ? { entraObjectId: a.from.aadObjectId } : {}),
      ...(a.from.name ? { name: a.from.name } : {}),
      ...(a.locale ? { teamsLocale: a.locale } : {}),
    };
    if (!lookupProfile) return who;
    try {
      // Activities carry no e-mail: the roster does, and e-mail is how imports and the CLI name people.
      const member = await deps.connector.getMember(a.serviceUrl, a.conversation.id, a.from.id);
      return {
        ...who,
        ...(member.email || member.userPrincipalName ? { email: member.email ?? member.userPrincipalName } : {}),
        ...(member.name ? { name: member.name } : {}),
        ...(member.aadObjectId && !who.entraObjectId ? { entraObjectId: member.aadObjectId } : {}),
      };
    } catch (err) {
      log.warn({ err: String(err) }, 'could not look up the member profile; continuing without e-mail');
      return who;
    }
  };

  const conversationInfo = (a: Envelope) => ({
    conversationId: a.conversation.id,
    serviceUrl: a.serviceUrl,
    botId: a.recipient.id,
  });

  /** Identifies the sender; in a 1:1 chat also (re)captures the conversation, in case the install event was missed. */
  /** The sender with their effective roles (stored plus Entra group roles). */
  const actorOf = async (a: Envelope): Promise<Person> => deps.roles.resolve(await personOf(a), tenantOf(a)!);

  const personOf = async (a: Envelope): Promise<Person> => {
    if (!isPersonal(a)) return identify(deps.install, await identity(a, false));
    const school = await deps.repos.schools.get(tenantOf(a)!);
    const known = school
      ? await matchPerson(deps.repos, school.id, { entraObjectId: a.from.aadObjectId, teamsUserId: a.from.id })
      : undefined;
    const ref = known ? await deps.repos.conversations.personal(known.schoolId, known.id) : undefined;
    if (known && ref?.installed && ref.conversationId === a.conversation.id) {
      return refreshPerson(deps.install, known, await identity(a, false), school!.defaultLocale);
    }
    const { person } = await capturePersonalInstall(deps.install, await identity(a, !known?.email), conversationInfo(a));
    return person;
  };

  /** A turn's texts name students and mentors as the actor's sector does (src/core/i18n.ts). */
  const inActorSector = async <T>(actor: Person, run: () => Promise<T>): Promise<T> =>
    withSector(sectorFor(actor, await deps.repos.schools.get(actor.schoolId)), run);

  const replyTarget = (a: Envelope) => ({ serviceUrl: a.serviceUrl, conversationId: a.conversation.id, botId: a.recipient.id });

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

  const onInstallAdd = async (a: Envelope) => {
    if (isPersonal(a)) {
      const { person, firstTime } = await capturePersonalInstall(deps.install, await identity(a, true), conversationInfo(a));
      log.info({ personId: person.id, firstTime }, 'installed in a personal chat');
      if (firstTime)
        await inActorSector(person, () => turnFor(a, person).sendCard(welcomeCard(person.locale, person.name), person.name));
      // A mentor who just installed the app may have cards waiting.
      void deps.router.sweep().catch((err) => log.warn({ err: String(err) }, 'sweep after install failed'));
      return;
    }
    const teamId = a.channelData?.team?.id;
    if (!teamId) {
      log.info({ conversationType: a.conversation.conversationType }, 'installed in a group chat: nothing to capture');
      return;
    }
    let roster: Awaited<ReturnType<typeof deps.connector.getAllMembers>> = [];
    try {
      roster = await deps.connector.getAllMembers(a.serviceUrl, teamId);
    } catch (err) {
      log.warn({ err: String(err) }, 'could not read the team roster');
    }
    const { matched, conflicts } = await captureTeamInstall(
      deps.install,
      {
        tenantId: tenantOf(a)!,
        teamId,
        ...(a.channelData?.team?.name ? { teamName: a.channelData.team.name } : {}),
        ...conversationInfo(a),
      },
      roster.map((m) => ({
        teamsUserId: m.id,
        ...(m.aadObjectId || m.objectId ? { entraObjectId: m.aadObjectId ?? m.objectId } : {}),
        ...(m.email || m.userPrincipalName ? { email: m.email ?? m.userPrincipalName } : {}),
        ...(m.name ? { name: m.name } : {}),
      })),
    );
    for (const conflict of conflicts) logConflict(conflict, { teamId });
    log.info({ teamId, members: roster.length, matched, conflicts: conflicts.length }, 'added to a team');
    void deps.router.sweep().catch((err) => log.warn({ err: String(err) }, 'sweep after team install failed'));
  };

  const onInstallRemove = async (a: Envelope) => {
    if (isPersonal(a)) {
      const person = await capturePersonalUninstall(deps.install, await identity(a, false));
      log.info({ personId: person?.id }, 'removed from a personal chat');
      return;
    }
    const teamId = a.channelData?.team?.id;
    if (teamId) await captureTeamUninstall(deps.install, tenantOf(a)!, teamId);
    log.info({ teamId }, 'removed from a team');
  };

  /** For IT: which record the newcomer collided with, and the newcomer's ids to look up in Entra. */
  const logConflict = (conflict: IdentityConflict, ids: Record<string, string | undefined>) =>
    log.warn(
      { personId: conflict.personId, recorded: conflict.recorded, via: conflict.via, ...ids },
      'identity conflict: refused (another account has this e-mail address or Teams id); IT must check the roster',
    );

  const refuseConflict = async (a: Envelope, conflict: IdentityConflict, answer: boolean) => {
    logConflict(conflict, { teamsUserId: a.from.id, entraObjectId: a.from.aadObjectId });
    if (answer) await sendPlain(a, conflictCard(a));
  };
  const conflictCard = (a: Envelope) =>
    messageCard('core.errors.identityConflict', localeFrom(a.locale, config.DEFAULT_LOCALE), 'attention');

  const guarded = async (what: string, ctx: Ctx, run: (a: Envelope) => Promise<void>) => {
    const a = parse(ctx);
    if (!a) return;
    try {
      await run(a);
    } catch (err) {
      if (err instanceof IdentityConflict) {
        // A message or a personal install gets the reason; a channel's own events are only logged.
        await refuseConflict(a, err, what === 'message' || isPersonal(a));
        return;
      }
      log.error({ err: String(err), stack: (err as Error)?.stack?.split('\n').slice(0, 4).join(' | '), what }, 'handler failed');
      if (what === 'message') await sendPlain(a, messageCard('core.errors.generic', undefined, 'attention'));
    }
  };

  const installAction = (ctx: Ctx) => {
    const parsed = installationSchema.safeParse(ctx.activity);
    if (!parsed.success) log.info('installation update with an invalid action ignored');
    return parsed.success ? parsed.data.action : undefined;
  };
  app.on('install.add', (ctx) =>
    guarded('install.add', ctx, async (a) => {
      if (installAction(ctx)?.startsWith('add')) await onInstallAdd(a);
    }),
  );
  app.on('install.remove', (ctx) =>
    guarded('install.remove', ctx, async (a) => {
      if (installAction(ctx)?.startsWith('remove')) await onInstallRemove(a);
    }),
  );

  app.on('conversationUpdate', (ctx) =>
    guarded('conversationUpdate', ctx, async (a) => {
      const parsed = membersSchema.safeParse(ctx.activity);
      if (!parsed.success) {
        log.info({ problem: parsed.error.issues[0]?.path.join('.') }, 'conversation update with invalid members ignored');
        return;
      }
      const raw = parsed.data;
      // Teams sends installationUpdate and conversationUpdate for one install; capture is idempotent and
      // the welcome goes out only the first time.
      if (raw.membersAdded?.some((m) => m?.id === a.recipient.id)) await onInstallAdd(a);
      else if (raw.membersRemoved?.some((m) => m?.id === a.recipient.id)) await onInstallRemove(a);
    }),
  );

  app.on('message', (ctx) =>
    guarded('message', ctx, async (a) => {
      // Bad input is refused before anything is stored: no person is created for a malformed message.
      const msg = messageSchema.safeParse(ctx.activity);
      if (!msg.success) {
        log.info({ problem: msg.error.issues[0]?.path.join('.') }, 'malformed message refused');
        await sendPlain(a, messageCard('core.errors.invalidCard', localeFrom(a.locale, config.DEFAULT_LOCALE), 'attention'));
        return;
      }
      const actor = await actorOf(a);
      await inActorSector(actor, () => runCommand(a, actor, msg.data.text));
    }),
  );

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

  app.on('card.action', async (ctx): Promise<CardActionResponse> => {
    const a = parse(ctx);
    if (!a) return cardResponse(messageCard('core.errors.invalidCard', undefined, 'attention'));
    let locale: Person['locale'] = localeFrom(a.locale, config.DEFAULT_LOCALE);
    try {
      // Malformed actions and unknown verbs are refused before anything is stored.
      const action = cardActionSchema.safeParse(ctx.activity);
      if (!action.success) {
        log.warn({ problem: action.error.issues[0]?.path.join('.') }, 'malformed card action refused');
        return cardResponse(messageCard('core.errors.invalidCard', locale, 'attention'));
      }
      const { verb, data } = action.data.value.action;
      const handler = verbs.get(verb);
      if (!handler) {
        log.info({ verb: verb.slice(0, 64) }, 'unknown card verb');
        return cardResponse(messageCard('core.errors.unknownAction', locale, 'attention'));
      }
      const actor = await actorOf(a);
      locale = actor.locale;
      if (!mayUse(actor, handler)) {
        log.warn({ personId: actor.id, verb }, 'card action refused: role');
        return cardResponse(messageCard('core.errors.unknownAction', locale, 'attention'));
      }
      if ((handler.personalOnly ?? true) && !isPersonal(a)) {
        log.info({ personId: actor.id, verb }, 'card action refused: not in the 1:1 chat');
        return cardResponse(messageCard('core.errors.personalOnlyButton', locale));
      }
      return await inActorSector(actor, () => handler.run(turnFor(a, actor), data ?? {}));
    } catch (err) {
      if (err instanceof IdentityConflict) {
        logConflict(err, { teamsUserId: a.from.id, entraObjectId: a.from.aadObjectId });
        return cardResponse(conflictCard(a));
      }
      log.error({ err: String(err), stack: (err as Error)?.stack?.split('\n').slice(0, 4).join(' | ') }, 'card action failed');
      return cardResponse(messageCard('core.errors.generic', locale, 'attention'));
    }
  });

  return app;
}
