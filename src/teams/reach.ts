import type { ConversationRef, Person } from '../core/entities.ts';
import { DeliveryError, type Repositories } from '../core/ports.ts';
import type { Clock } from '../platform/clock.ts';
import { telemetry } from '../platform/telemetry.ts';
import { type ConnectorClient, ConnectorError, cardActivity, type RetryOptions, withRetry } from './connector.ts';
import { AppInstaller } from './graph-install.ts';
import type { Throttle } from './rate-limit.ts';

export interface ReachDeps {
  repos: Repositories;
  connector: ConnectorClient;
  clock: Clock;
  /** Used to open a 1:1 chat when the school has not shown us its own service URL yet. */
  defaultServiceUrl: string;
  /** The bot's app id (CLIENT_ID); without credentials the id Teams addressed us with is used. */
  botId?: string;
  /** Teams' rate limits, shared by every proactive request of this instance. */
  throttle?: Throttle;
  /** Installs the app through Graph for people who never opened it (unset: they stay "never opened it"). */
  installer?: AppInstaller;
}

/** How one proactive call is retried (default: withRetry's defaults). */
export interface ReachOptions {
  retry?: RetryOptions;
}

/** A conversation to send to; `installedBySchool` when it exists because the school just installed the app. */
export type Reached = ConversationRef & { installedBySchool?: true };

/** Maps the connector's answer to the reason a coordinator sees. */
export function deliveryErrorFrom(err: unknown): DeliveryError {
  if (err instanceof DeliveryError) return err;
  if (err instanceof ConnectorError) {
    if (err.status === 403) {
      const uninstalled = /NotInConversationRoster|Uninstalled|BotDisabled/i.test(err.code ?? '');
      return new DeliveryError(uninstalled ? 'uninstalled' : 'blocked', false, err.code);
    }
    if (err.status === 404) return new DeliveryError('not-found', false, err.code);
    if (err.status === 429) return new DeliveryError('throttled', true);
    if (err.transient) return new DeliveryError('error', true, `status ${err.status}`);
    return new DeliveryError('error', false, `status ${err.status}`);
  }
  return new DeliveryError('error', true, (err as Error)?.message);
}

/** How to reach a person in Teams: their 1:1 chat with the bot, opened proactively when needed. */
export class Reach {
  private readonly deps: ReachDeps;
  constructor(deps: ReachDeps) {
    this.deps = deps;
  }

  /** Whether people who never opened the app get it installed by the school (TEAMS_APP_ID set). */
  get installsForPeople(): boolean {
    return this.deps.installer !== undefined;
  }

  /** One connector call: it waits for room in Teams' windows before every attempt, retried on throttling and passing faults. */
  private async call<T>(
    tenantId: string,
    conversationId: string | undefined,
    op: () => Promise<T>,
    options: ReachOptions = {},
    operation: 'send' | 'update' | 'open-chat' = 'send',
  ) {
    const throttle = this.deps.throttle;
    try {
      const result = await withRetry(() => (throttle ? throttle.run(tenantId, conversationId, op) : op()), {
        ...options.retry,
        onRetry: (err, attempt, delayMs) => {
          if (err.status === 429) {
            throttle?.throttled(tenantId, conversationId, err.retryAfterMs ?? delayMs);
            telemetry.throttled(conversationId ? 'conversation' : 'tenant');
          }
          options.retry?.onRetry?.(err, attempt, delayMs);
        },
      });
      telemetry.teamsCall(operation, 'ok');
      return result;
    } catch (err) {
      telemetry.teamsCall(operation, 'failed');
      // A 429 whose Retry-After is longer than the retries may wait ends them without a retry: the windows
      // must still hold, or the next message to this conversation goes out well inside Teams' pause.
      if (err instanceof ConnectorError && err.status === 429)
        throttle?.throttled(tenantId, conversationId, err.retryAfterMs ?? 0);
      throw err;
    }
  }

  async personalConversation(person: Person, options: ReachOptions = {}): Promise<Reached> {
    const { repos, connector, clock } = this.deps;
    const existing = await repos.conversations.personal(person.schoolId, person.id);
    if (existing?.installed) return existing;
    const school = await repos.schools.get(person.schoolId);
    const serviceUrl = existing?.serviceUrl ?? school?.serviceUrl ?? this.deps.defaultServiceUrl;
    const botId = this.deps.botId ?? existing?.botId ?? school?.botId;
    if (!botId) throw new DeliveryError('no-conversation', true, 'bot id not known yet');
    // A student who never opened the app and is not known to Teams through a team: the school installs it
    // for them. Someone who removed the app (an existing, uninstalled conversation) is left alone, and so is
    // staff: their messages wait until they open the app.
    const installable =
      !existing && this.deps.installer && person.roles.includes('student') && AppInstaller.canInstallFor(person);
    if (!person.teamsUserId) {
      if (installable) return this.installFor(person, serviceUrl, botId);
      throw new DeliveryError('no-conversation', true, 'no Teams id known yet');
    }
    let created: { id: string };
    try {
      created = await this.call(
        person.schoolId,
        undefined,
        () =>
          connector.createPersonalConversation(serviceUrl, {
            botId,
            tenantId: person.schoolId,
            teamsUserId: person.teamsUserId!,
          }),
        options,
        'open-chat',
      );
    } catch (err) {
      const e = deliveryErrorFrom(err);
      // The bot is not installed for them (only in a team they are in, or nowhere any more).
      if (installable && (e.reason === 'not-found' || e.reason === 'uninstalled'))
        return this.installFor(person, serviceUrl, botId);
      throw await this.markIfGone(person, e);
    }
    return repos.conversations.save({
      schoolId: person.schoolId,
      kind: 'personal',
      tenantId: person.schoolId,
      conversationId: created.id,
      serviceUrl,
      botId,
      personId: person.id,
      teamsUserId: person.teamsUserId,
      ...(person.entraObjectId ? { entraObjectId: person.entraObjectId } : {}),
      installed: true,
      updatedAt: clock.now().toISOString(),
    });
  }

  /** Installs the app for the person through Graph and keeps the installation's chat as their conversation. */
  async installFor(person: Person, serviceUrl: string, botId: string): Promise<Reached> {
    const installer = this.deps.installer;
    if (!installer) throw new DeliveryError('no-conversation', true, 'installing for students is not configured');
    const { chatId, installedNow } = await installer.installFor(person);
    // The install's own conversationUpdate may have saved the conversation meanwhile: that one is as good.
    const meanwhile = await this.deps.repos.conversations.personal(person.schoolId, person.id);
    if (meanwhile?.installed) return { ...meanwhile, ...(installedNow ? { installedBySchool: true as const } : {}) };
    const saved = await this.deps.repos.conversations.save({
      schoolId: person.schoolId,
      kind: 'personal',
      tenantId: person.schoolId,
      conversationId: chatId,
      serviceUrl,
      botId,
      personId: person.id,
      ...(person.teamsUserId ? { teamsUserId: person.teamsUserId } : {}),
      ...(person.entraObjectId ? { entraObjectId: person.entraObjectId } : {}),
      installed: true,
      ...(installedNow ? { installedBy: 'school' as const } : {}),
      updatedAt: this.deps.clock.now().toISOString(),
    });
    return { ...saved, ...(installedNow ? { installedBySchool: true as const } : {}) };
  }

  /** Sends a card to a person's 1:1 chat; throws DeliveryError (and records unreachable people). */
  async sendCard(
    person: Person,
    card: unknown,
    summary?: string,
    options: ReachOptions = {},
  ): Promise<{ conversationId: string; activityId: string; installedBySchool?: true }> {
    // One retry budget for the whole send: opening the chat and sending share it, and no request starts
    // once it is spent. The engine gives a scheduled send half its claim; two budgets could outlive the
    // claim, and another run would claim the item and send it as well.
    const clockNow = options.retry?.now ?? Date.now;
    const started = clockNow();
    const ref = await this.personalConversation(person, options);
    const budget = options.retry?.budgetMs;
    let sendOptions = options;
    if (budget !== undefined) {
      const left = budget - (clockNow() - started);
      if (left <= 0) throw new DeliveryError('error', true, 'opening the chat took the whole retry budget');
      sendOptions = { ...options, retry: { ...options.retry, budgetMs: left } };
    }
    try {
      const sent = await this.call(
        person.schoolId,
        ref.conversationId,
        () =>
          this.deps.connector.sendActivity(ref.serviceUrl, ref.conversationId, {
            ...cardActivity(card, summary),
            from: { id: ref.botId },
          }),
        sendOptions,
      );
      return {
        conversationId: ref.conversationId,
        activityId: sent.id,
        ...(ref.installedBySchool ? { installedBySchool: true } : {}),
      };
    } catch (err) {
      throw await this.markIfGone(person, deliveryErrorFrom(err));
    }
  }

  /**
   * Sends a card into a conversation the bot already knows (a reply inside a turn, a channel post): the
   * same windows, Retry-After and retries as every proactive send, so a reply is not lost to a 429.
   */
  async sendToConversation(
    tenantId: string,
    target: { serviceUrl: string; conversationId: string; botId: string },
    card: unknown,
    summary?: string,
    options: ReachOptions = {},
  ): Promise<{ activityId: string }> {
    try {
      const sent = await this.call(
        tenantId,
        target.conversationId,
        () =>
          this.deps.connector.sendActivity(target.serviceUrl, target.conversationId, {
            ...cardActivity(card, summary),
            from: { id: target.botId },
          }),
        options,
      );
      return { activityId: sent.id };
    } catch (err) {
      throw deliveryErrorFrom(err);
    }
  }

  /** Replaces a card the bot sent earlier (a status card that updates in place). */
  async updateCard(
    tenantId: string,
    target: { serviceUrl: string; conversationId: string; activityId: string },
    card: unknown,
    options: ReachOptions & { summary?: string } = {},
  ): Promise<void> {
    try {
      await this.call(
        tenantId,
        target.conversationId,
        () =>
          this.deps.connector.updateActivity(
            target.serviceUrl,
            target.conversationId,
            target.activityId,
            cardActivity(card, options.summary),
          ),
        options,
        'update',
      );
    } catch (err) {
      throw deliveryErrorFrom(err);
    }
  }

  /** Blocked, uninstalled and not-found are facts about the person: record them, with the date. */
  private async markIfGone(person: Person, err: DeliveryError): Promise<DeliveryError> {
    if (err.reason === 'blocked' || err.reason === 'uninstalled' || err.reason === 'not-found') {
      const now = this.deps.clock.now().toISOString();
      const reason = err.reason;
      await this.deps.repos.people.update(person.schoolId, person.id, (p) =>
        p.reachability.state === 'unreachable' && p.reachability.reason === reason
          ? undefined
          : { ...p, reachability: { state: 'unreachable', since: now, reason }, updatedAt: now },
      );
      const ref = await this.deps.repos.conversations.personal(person.schoolId, person.id);
      if (ref?.installed) {
        await this.deps.repos.conversations.update(person.schoolId, ref.id, (r) => ({
          ...r,
          installed: false,
          uninstalledAt: now,
        }));
      }
    }
    return err;
  }
}
