import { randomUUID } from 'node:crypto';
import type { App } from '@microsoft/teams.apps';
import type { FlowCatalog } from './core/flows/flows.ts';
import { loadLibrary } from './core/flows/load-flows.ts';
import { t } from './core/i18n.ts';
import type { Repositories } from './core/ports.ts';
import { openRepositories } from './core/repositories.ts';
import { RoleResolver } from './core/roles.ts';
import { openSendPolicies } from './core/send-policy/send-policies.ts';
import { campaignsFeature } from './modules/campaigns/feature.ts';
import { coordinatorPageFeature } from './modules/coordinator-page/feature.ts';
import { Downloads } from './modules/downloads/downloads.ts';
import { downloadsFeature } from './modules/downloads/feature.ts';
import { mentorsFeature } from './modules/mentoring/feature.ts';
import { Router } from './modules/mentoring/routing.ts';
import { TeamsNotifier } from './modules/mentoring/teams-notifier.ts';
import { privacyFeature } from './modules/privacy/feature.ts';
import { openEvidenceSource } from './modules/quality-cycle/evidence-source.ts';
import { pdcaFeature } from './modules/quality-cycle/feature.ts';
import { openCycleRepositories } from './modules/quality-cycle/repositories.ts';
import type { StoreEvidenceDeps } from './modules/quality-cycle/store-evidence.ts';
import { dossierFeature } from './modules/reflection/dossier-feature.ts';
import { followUpFeature } from './modules/reflection/follow-up-feature.ts';
import { coreFeature } from './modules/reflection/reflection-feature.ts';
import { ReflectionService } from './modules/reflection/reflections.ts';
import { studentFeature } from './modules/reflection/student-feature.ts';
import { FollowUps } from './modules/reflection/student-follow-up.ts';
import { type Clock, systemClock } from './platform/clock.ts';
import type { Config } from './platform/config.ts';
import type { Logger } from './platform/log.ts';
import { JobRunner } from './platform/scheduler/jobs.ts';
import { Leases } from './platform/scheduler/leases.ts';
import type { DocumentStore } from './platform/store/document-store.ts';
import { createTeamsApp, handledInvokes } from './teams/bot.ts';
import { ConnectorClient, type TokenSource, type Transport } from './teams/connector.ts';
import { GraphGroupDirectory } from './teams/graph-groups.ts';
import { BotHttpAdapter } from './teams/http-adapter.ts';
import { BotTokenVerifier } from './teams/inbound-auth.ts';
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
    ...(config.loopbackOnly
      ? { loopbackOnly: { refusal: `${t('nl', 'security.remoteRefused')}\n${t('en', 'security.remoteRefused')}\n` } }
      : {}),
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
