import { randomUUID } from 'node:crypto';
import type { App } from '@microsoft/teams.apps';
import { type Clock, systemClock } from './clock.ts';
import type { Config } from './config.ts';
import type { FlowCatalog } from './domain/flows.ts';
import type { Repositories } from './domain/ports.ts';
import { ReflectionService } from './domain/reflections.ts';
import { Router } from './domain/routing.ts';
import { createFlowCatalog, loadFlowFiles, shippedPromptsDir } from './flows/load-flows.ts';
import type { Logger } from './log.ts';
import { JobRunner } from './scheduler/jobs.ts';
import { Leases } from './scheduler/leases.ts';
import type { DocumentStore } from './store/document-store.ts';
import { openRepositories } from './store/repositories.ts';
import { createTeamsApp } from './teams/bot.ts';
import { ConnectorClient, type TokenSource } from './teams/connector.ts';
import { campaignsFeature } from './teams/features/campaigns.ts';
import { coreFeature } from './teams/features/core.ts';
import { BotHttpAdapter } from './teams/http-adapter.ts';
import { TeamsNotifier } from './teams/notifier.ts';
import { RateLimiter } from './teams/rate-limit.ts';
import { Reach } from './teams/reach.ts';
import type { BotDeps, Feature } from './teams/turn.ts';

export const features: Feature[] = [coreFeature, campaignsFeature];

export interface BotOptions {
  config: Config;
  log: Logger;
  store: DocumentStore;
  clock?: Clock;
  flows?: FlowCatalog;
  /** Overrides the SDK's token for outbound calls (tests). Default: the SDK's app token, none in dev mode. */
  token?: TokenSource;
  fetch?: typeof fetch;
  /** Start the cron schedule of the jobs (default true). Tests leave it off and call jobs.runNow(). */
  scheduler?: boolean;
  /** Identifies this instance in leases (default: a random id). */
  instanceId?: string;
}

export interface RunningBot {
  app: App;
  deps: BotDeps;
  repos: Repositories;
  router: Router;
  /** http://host:port of the running server. */
  url: string;
  stop(): Promise<void>;
}

/** Builds the whole bot (store → domain → Teams adapter → HTTP) without starting timers. */
export async function buildBot(options: BotOptions) {
  const { config, log, store } = options;
  const clock = options.clock ?? systemClock;
  const repos = await openRepositories(store);
  const flows = options.flows ?? createFlowCatalog(loadFlowFiles(shippedPromptsDir));
  const newId = () => randomUUID();

  let app: App | undefined;
  const token: TokenSource =
    options.token ??
    (async () => {
      if (config.devMode && !config.CLIENT_ID) return undefined;
      const t = await app?.tokenProvider.getAppToken();
      return t ? t.toString() : undefined;
    });
  const connector = new ConnectorClient({ token, ...(options.fetch ? { fetch: options.fetch } : {}) });
  const reach = new Reach({
    repos,
    connector,
    clock,
    defaultServiceUrl: config.SERVICE_URL,
    ...(config.CLIENT_ID ? { botId: config.CLIENT_ID } : {}),
    throttle: new RateLimiter({ tenantPerSecond: config.TEAMS_TENANT_RPS, conversationPerSecond: config.TEAMS_CONVERSATION_RPS }),
  });
  const notifier = new TeamsNotifier({ reach, repos, flows, defaultTimeZone: config.DEFAULT_TIME_ZONE });
  const router = new Router({ repos, notifier, clock, log: log.child({ component: 'router' }) });
  const reflections = new ReflectionService({ repos, flows, clock, router, newId });
  const leases = await Leases.open(store);
  const jobs = new JobRunner({ leases, clock, log, ...(options.instanceId ? { owner: options.instanceId } : {}) });
  const deps: BotDeps = {
    config,
    log,
    clock,
    repos,
    flows,
    reflections,
    router,
    connector,
    reach,
    install: { repos, clock, newId, defaults: { locale: config.DEFAULT_LOCALE, timeZone: config.DEFAULT_TIME_ZONE } },
    store,
    leases,
    jobs,
  };
  for (const feature of features) for (const job of feature.jobs?.(deps) ?? []) jobs.add(job);
  const adapter = new BotHttpAdapter({ host: config.HOST, maxBodyBytes: config.MAX_BODY_BYTES, log });
  adapter.express.get('/healthz', (_req, res) => {
    res.json({ status: 'ok', store: store.kind });
  });
  app = createTeamsApp(deps, adapter, features);
  return { app, adapter, deps, repos, router };
}

/** Builds and starts the bot: HTTP server and the router's sweep. */
export async function startBot(options: BotOptions): Promise<RunningBot> {
  const built = await buildBot(options);
  const { app, adapter, deps, router } = built;
  const { jobs } = deps;
  await app.initialize();
  adapter.finish();
  await adapter.start(options.config.PORT);
  const { host, port } = adapter.address();

  const sweepLog = deps.log.child({ component: 'sweep' });
  let sweeping = false;
  const sweep = () => {
    if (sweeping) return;
    sweeping = true;
    router
      .sweep()
      .then((r) => {
        if (r.routed || r.sent) sweepLog.info(r, 'sweep delivered');
      })
      .catch((err) => sweepLog.warn({ err: String(err) }, 'sweep failed'))
      .finally(() => {
        sweeping = false;
      });
  };
  // Right after start too: answers stored while the bot was down go out without waiting a whole period.
  setImmediate(sweep);
  const timer = setInterval(sweep, options.config.ROUTER_SWEEP_SECONDS * 1000);
  timer.unref();
  if (options.scheduler ?? true) jobs.start();

  return {
    ...built,
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    stop: async () => {
      clearInterval(timer);
      await jobs.stop();
      await adapter.stop();
    },
  };
}
