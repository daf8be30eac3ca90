import { randomUUID } from 'node:crypto';
import type { App } from '@microsoft/teams.apps';
import { openSendPolicies } from './calendar/send-policies.ts';
import { type Clock, systemClock } from './clock.ts';
import type { Config } from './config.ts';
import type { FlowCatalog } from './domain/flows.ts';
import { FollowUps } from './domain/follow-up.ts';
import type { Repositories } from './domain/ports.ts';
import { ReflectionService } from './domain/reflections.ts';
import { RoleResolver } from './domain/roles.ts';
import { Router } from './domain/routing.ts';
import type { StoreEvidenceDeps } from './domain/store-evidence.ts';
import { loadLibrary } from './flows/load-flows.ts';
import type { Logger } from './log.ts';
import { JobRunner } from './scheduler/jobs.ts';
import { Leases } from './scheduler/leases.ts';
import { openCycleRepositories } from './store/cycle-repositories.ts';
import type { DocumentStore } from './store/document-store.ts';
import { openEvidenceSource } from './store/evidence-source.ts';
import { openRepositories } from './store/repositories.ts';
import { createTeamsApp, handledInvokes } from './teams/bot.ts';
import { ConnectorClient, type TokenSource, type Transport } from './teams/connector.ts';
import { Downloads } from './teams/downloads.ts';
import { campaignsFeature } from './teams/features/campaigns.ts';
import { coordinatorPageFeature } from './teams/features/coordinator-page.ts';
import { coreFeature } from './teams/features/core.ts';
import { dossierFeature } from './teams/features/dossier.ts';
import { downloadsFeature } from './teams/features/downloads.ts';
import { followUpFeature } from './teams/features/follow-up.ts';
import { mentorsFeature } from './teams/features/mentors.ts';
import { pdcaFeature } from './teams/features/pdca.ts';
import { privacyFeature } from './teams/features/privacy.ts';
import { studentFeature } from './teams/features/student.ts';
import { GraphGroupDirectory } from './teams/graph-groups.ts';
import { BotHttpAdapter } from './teams/http-adapter.ts';
import { BotTokenVerifier } from './teams/inbound-auth.ts';
import { TeamsNotifier } from './teams/notifier.ts';
import { TeamsSendThrottle } from './teams/rate-limit.ts';
import { Reach } from './teams/reach.ts';
import { floodGuard, invokeGuard, RateLimiter, replayGuard } from './teams/request-guards.ts';
import type { BotDeps, Feature } from './teams/turn.ts';

export const features: Feature[] = [
  coreFeature,
  studentFeature,
  dossierFeature,
  followUpFeature,
  mentorsFeature,
  pdcaFeature,
  campaignsFeature,
  coordinatorPageFeature,
  downloadsFeature,
  privacyFeature,
];

export interface BotOptions {
  config: Config;
  log: Logger;
  store: DocumentStore;
  clock?: Clock;
  flows?: FlowCatalog;
  /** Overrides the SDK's token for outbound calls (tests). Default: the SDK's app token, none in dev mode. */
  token?: TokenSource;
  /** How outbound calls reach the connector (tests route them); default keep-alive node:http. */
  transport?: Transport;
  /** Overrides the app token for Microsoft Graph in a tenant (tests). Default: the SDK's, none in dev mode. */
  graphToken?: (tenantId: string) => Promise<string | undefined>;
  /** Start the cron schedule of the jobs (default true). Tests leave it off and call jobs.runNow(). */
  scheduler?: boolean;
  /** Identifies this instance in leases (default: a random id). */
  instanceId?: string;
  /** The campaign ledger's and mentor follow-up's side of the Check evidence (issue 6; see docs/pdca.md). */
  evidence?: Pick<StoreEvidenceDeps, 'campaigns' | 'followUp' | 'groups'>;
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
  const flows = options.flows ?? loadLibrary({ schoolDir: config.SCHOOL_FLOWS_DIR });
  const newId = () => randomUUID();

  let app: App | undefined;
  const token: TokenSource =
    options.token ??
    (async () => {
      if (config.devMode && !config.CLIENT_ID) return undefined;
      const t = await app?.tokenProvider.getAppToken();
      return t ? t.toString() : undefined;
    });
  const connector = new ConnectorClient({ token, ...(options.transport ? { transport: options.transport } : {}) });
  const reach = new Reach({
    repos,
    connector,
    clock,
    defaultServiceUrl: config.SERVICE_URL,
    ...(config.CLIENT_ID ? { botId: config.CLIENT_ID } : {}),
    throttle: new TeamsSendThrottle({
      tenantPerSecond: config.TEAMS_TENANT_RPS,
      conversationPerSecond: config.TEAMS_CONVERSATION_RPS,
    }),
  });
  const notifier = new TeamsNotifier({ reach, repos, flows, clock, defaultTimeZone: config.DEFAULT_TIME_ZONE });
  const router = new Router({ repos, notifier, clock, log: log.child({ component: 'router' }) });
  const reflections = new ReflectionService({ repos, flows, clock, router, newId });
  const graphScope = `${new URL(config.GRAPH_BASE_URL).origin}/.default`;
  const graphToken =
    options.graphToken ??
    (async (tenantId: string) => {
      if (config.devMode && !config.CLIENT_ID) return undefined;
      const t = await app?.tokenProvider.getAppToken(graphScope, tenantId);
      return t ? t.toString() : undefined;
    });
  const roles = new RoleResolver({
    groups: config.roleGroups,
    clock,
    cacheMs: config.ROLE_GROUP_CACHE_SECONDS * 1000,
    log: log.child({ component: 'roles' }),
    ...(Object.keys(config.roleGroups).length > 0
      ? {
          directory: new GraphGroupDirectory({
            baseUrl: config.GRAPH_BASE_URL,
            token: graphToken,
          }),
        }
      : {}),
  });
  const followUps = new FollowUps({ repos, clock, flows, days: config.FOLLOW_UP_DAYS });
  reflections.onSubmitted(followUps.schedule);
  const leases = await Leases.open(store);
  const cycles = await openCycleRepositories(store);
  const downloads = await Downloads.open(store, {
    clock,
    baseUrl: config.publicUrl ?? `http://${config.HOST}:${config.PORT}`,
  });
  const evidence = await openEvidenceSource(store, repos, options.evidence);
  const sendPolicy = await openSendPolicies(store, repos, config.DEFAULT_TIME_ZONE);
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
    roles,
    followUps,
    publicUrl: config.publicUrl ?? `http://127.0.0.1:${config.PORT}`,
    downloads,
    cycles,
    evidence,
    sendPolicy,
  };
  for (const feature of features) for (const job of feature.jobs?.(deps) ?? []) jobs.add(job);
  // Every request is verified unless development mode is on (config refuses that on App Service).
  const verifier = config.devMode
    ? undefined
    : new BotTokenVerifier({
        appId: config.CLIENT_ID ?? '',
        ...(config.BOT_OPENID_METADATA_URL ? { openIdMetadataUrl: config.BOT_OPENID_METADATA_URL } : {}),
        ...(config.BOT_TOKEN_ISSUER ? { issuer: config.BOT_TOKEN_ISSUER } : {}),
        clock,
        log: log.child({ component: 'auth' }),
      });
  const adapter = new BotHttpAdapter({
    host: config.HOST,
    maxBodyBytes: config.MAX_BODY_BYTES,
    log,
    ...(verifier ? { authenticate: (auth, activity) => verifier.verify(auth, activity) } : {}),
  });
  const guardLog = log.child({ component: 'guard' });
  adapter.addGuard(replayGuard({ clock, log: guardLog }));
  adapter.addGuard(invokeGuard(handledInvokes, guardLog));
  adapter.addGuard(
    floodGuard({
      limiter: new RateLimiter({ perMinute: config.RATE_LIMIT_PER_MINUTE, burst: config.RATE_LIMIT_BURST, clock }),
      connector,
      defaultLocale: config.DEFAULT_LOCALE,
      log: guardLog,
    }),
  );
  adapter.express.get('/healthz', (_req, res) => {
    res.json({ status: 'ok', store: store.kind });
  });
  for (const feature of features) feature.http?.(deps, adapter.express);
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
  if (!options.config.publicUrl) {
    const local = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
    deps.publicUrl = `http://${local.includes(':') ? `[${local}]` : local}:${port}`;
    deps.downloads.useBaseUrl(deps.publicUrl);
  }

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
      await router.idle();
      deps.connector.close();
    },
  };
}
