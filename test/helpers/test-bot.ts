import { Writable } from 'node:stream';
import { type RunningBot, startBot } from '../../src/app.ts';
import type { Clock } from '../../src/platform/clock.ts';
import { loadConfig } from '../../src/platform/config.ts';
import { createLogger } from '../../src/platform/log.ts';
import type { DocumentStore } from '../../src/platform/store/document-store.ts';
import { SqliteStore } from '../../src/platform/store/sqlite/sqlite-store.ts';
import type { TokenSource } from '../../src/teams/connector.ts';
import { activity, type TestUser } from './activities.ts';
import { LoopbackConnector } from './loopback-connector.ts';

export interface TestBot {
  bot: RunningBot;
  connector: LoopbackConnector;
  store: DocumentStore;
  /** Every log line the bot wrote, as raw JSON text (to check what must never be logged). */
  logLines: string[];
  post(body: unknown, init?: { headers?: Record<string, string>; raw?: string }): Promise<{ status: number; body: unknown }>;
  /** Posts a fixture activity for a user. */
  send(fixture: string, user: TestUser, extra?: Record<string, unknown>): Promise<{ status: number; body: unknown }>;
  /** Registers the user with the connector (so the roster lookup knows their e-mail). */
  join(user: TestUser): void;
  stop(): Promise<void>;
}

/** Starts the real bot (real HTTP server, handlers, store) against a loopback connector, in development mode. */
export async function startTestBot(
  options: {
    store?: DocumentStore;
    clock?: Clock;
    env?: Record<string, string>;
    connector?: LoopbackConnector;
    /** The bot's outbound token (instead of asking Entra for one): for tests that run with credentials. */
    token?: TokenSource;
    /** The bot's app token for Microsoft Graph, per tenant. */
    graphToken?: (tenantId: string) => Promise<string | undefined>;
  } = {},
): Promise<TestBot> {
  const connector = options.connector ?? (await LoopbackConnector.start());
  const store = options.store ?? SqliteStore.open(':memory:');
  const config = loadConfig({
    DEV_ALLOW_UNAUTHENTICATED: 'true',
    PORT: '0',
    SERVICE_URL: connector.url,
    LOG_LEVEL: 'debug',
    ROUTER_SWEEP_SECONDS: '3600',
    // The loopback connector enforces no limit unless a test asks it to, and then that test sets the
    // bot's limits to match; a fuzz run of 1,500 messages in one chat must not wait for Teams' pace.
    TEAMS_TENANT_RPS: '1000',
    TEAMS_CONVERSATION_RPS: '1000',
    ...options.env,
  });
  const logLines: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      logLines.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  });
  const log = createLogger(config.LOG_LEVEL, sink);
  const bot = await startBot({
    config,
    log,
    store,
    scheduler: false,
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.token ? { token: options.token } : {}),
    ...(options.graphToken ? { graphToken: options.graphToken } : {}),
  });
  const post: TestBot['post'] = async (body, init = {}) => {
    const res = await fetch(`${bot.url}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...init.headers },
      body: init.raw ?? JSON.stringify(body),
    });
    const text = await res.text();
    // Mentor cards go out right after the response; wait for them so tests see a settled bot.
    await bot.router.idle();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = text;
    }
    return { status: res.status, body: parsed };
  };
  return {
    bot,
    connector,
    store,
    logLines,
    post,
    send: (fixture, user, extra) => post(activity(fixture, user, connector.url, extra)),
    join: (user) =>
      connector.addMember({
        id: user.userId,
        aadObjectId: user.aadObjectId,
        name: user.name,
        email: user.email,
        userPrincipalName: user.email,
      }),
    stop: async () => {
      await bot.stop();
      if (!options.connector) await connector.close();
      if (!options.store) await store.close();
    },
  };
}
