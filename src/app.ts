import fs from 'node:fs';
import type { FlowCatalog } from './core/flows/flows.ts';
import { t } from './core/i18n.ts';
import { openPlatform } from './core/platform.ts';
import type { Repositories } from './core/ports.ts';
import { RoleResolver } from './core/roles.ts';
import { features, type Product, setupModules } from './modules/index.ts';
import type { Router } from './modules/mentoring/routing.ts';
import type { EvidenceParts } from './modules/quality-cycle/setup.ts';
import { retagReflections } from './modules/reflection/retag.ts';
import type { Clock } from './platform/clock.ts';
import type { Config } from './platform/config.ts';
import type { Logger } from './platform/log.ts';
import { JobRunner } from './platform/scheduler/jobs.ts';
import type { DocumentStore } from './platform/store/document-store.ts';
import { startTelemetry } from './platform/telemetry.ts';
import { createInbound, handledInvokes } from './teams/bot.ts';
import type { TokenSource, Transport } from './teams/connector.ts';
import { GraphGroupDirectory } from './teams/graph-groups.ts';
import { BotHttpAdapter } from './teams/http-adapter.ts';
import { BotTokenVerifier } from './teams/inbound-auth.ts';
import { appTokenSources, openOutbound } from './teams/outbound.ts';
import type { Throttle } from './teams/rate-limit.ts';
import { floodGuard, invokeGuard, RateLimiter, replayGuard } from './teams/request-guards.ts';
import type { BotDeps } from './teams/turn.ts';

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
  /** The Teams send budget; with several worker processes, the primary's (src/teams/shared-throttle.ts). */
  throttle?: Throttle;
  /** Overrides the app token for Microsoft Graph in a tenant (tests). Default: the SDK's, none in dev mode. */
  graphToken?: (tenantId: string) => Promise<string | undefined>;
  /** Start the cron schedule of the jobs (default true). Tests leave it off and call jobs.runNow(). */
  scheduler?: boolean;
  /** Identifies this instance in leases (default: a random id). */
  instanceId?: string;
  /** The campaign ledger's and mentor follow-up's side of the Check evidence (issue 6; see docs/quality-cycle.md). */
  evidence?: EvidenceParts;
}

export interface RunningBot {
  deps: BotDeps;
  repos: Repositories;
  router: Router;
  /** Every feature module, set up (src/modules/index.ts). */
  modules: Product;
  /** http://host:port of the running server. */
  url: string;
  stop(): Promise<void>;
}

/** Builds the whole bot (store → modules → Teams adapter → HTTP) without starting timers. */
export async function buildBot(options: BotOptions) {
  const { config, log, store } = options;
  const platform = await openPlatform({ ...options, owner: options.instanceId });
  const { clock, repos } = platform;
  // Coverage figures must read the current competency rule before anything serves them.
  const retag = await retagReflections(repos, platform.flows);
  if (retag.retagged || retag.unknownFlow) log.info({ ...retag }, 'reflections re-tagged with the current competency rule');

  // The SDK is the app's token source only (src/teams/outbound.ts); inbound activities do not go through it.
  const sdkTokens = appTokenSources(config, log);
  const token: TokenSource = options.token ?? sdkTokens.token;
  const graphToken = options.graphToken ?? sdkTokens.graphToken;
  const outbound = openOutbound({ ...platform, token, graphToken, transport: options.transport, throttle: options.throttle });
  const { connector, reach } = outbound;
  const modules = await setupModules(platform, outbound, { evidence: options.evidence });
  const router = modules.mentoring.router;
  const roles = new RoleResolver({
    groups: config.roleGroups,
    clock,
    cacheMs: config.ROLE_GROUP_CACHE_SECONDS * 1000,
    log: log.child({ component: 'roles' }),
    ...(Object.keys(config.roleGroups).length > 0 ? { directory: new GraphGroupDirectory(outbound.graph) } : {}),
  });
  const jobs = new JobRunner({
    leases: platform.leases,
    clock,
    log,
    owner: platform.owner,
    leaseMs: config.LEASE_SECONDS * 1000,
  });
  for (const job of modules.jobs) jobs.add(job);
  const deps: BotDeps = {
    config,
    log,
    clock,
    repos,
    flows: platform.flows,
    reflections: modules.reflection.reflections,
    router,
    connector,
    reach,
    install: platform.install,
    store,
    leases: platform.leases,
    jobs,
    roles,
    studentFollowUps: modules.reflection.studentFollowUps,
    publicUrl: config.publicUrl ?? `http://127.0.0.1:${config.PORT}`,
    downloads: modules.downloads.downloads,
    cycles: modules.qualityCycle.cycles,
    evidence: modules.qualityCycle.evidence,
    sendPolicy: platform.sendPolicy,
    modules,
    delivery: outbound.delivery,
  };
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
  // An operator's probe (App Service health check): 503 while the store does not answer, so the platform
  // can take the instance out of rotation and the operator sees why; the bot itself keeps running.
  adapter.express.get('/healthz', async (_req, res) => {
    try {
      await store.ping();
      res.json({ status: 'ok', store: store.kind });
    } catch (err) {
      log.warn({ err: String(err) }, 'health check: the store does not answer');
      res.status(503).json({ status: 'degraded', store: 'unavailable' });
    }
  });
  for (const feature of features) feature.http?.(deps, adapter.express);
  adapter.handleActivities('/api/messages', createInbound(deps, features));
  return { adapter, deps, repos, router, modules };
}

/** Builds and starts the bot: HTTP server and the router's sweep. */
export async function startBot(options: BotOptions): Promise<RunningBot> {
  const { config } = options;
  // Before the build, so what the modules and the SDK record goes to the configured destination.
  const telemetry = await startTelemetry(
    {
      connectionString: config.APPLICATIONINSIGHTS_CONNECTION_STRING,
      otlpEndpoint: config.OTEL_EXPORTER_OTLP_ENDPOINT,
      managedIdentityClientId: config.MANAGED_IDENTITY_CLIENT_ID,
      instanceId: options.instanceId ?? `${process.pid}`,
      version: appVersion(),
      exportIntervalMs: config.TELEMETRY_EXPORT_SECONDS * 1000,
    },
    options.log,
  );
  const built = await buildBot(options);
  const { adapter, deps, router } = built;
  const { jobs } = deps;
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
      await telemetry?.flush();
      await telemetry?.shutdown();
    },
  };
}

function appVersion(): string {
  const pkg = JSON.parse(fs.readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version?: string };
  return pkg.version ?? '0.0.0';
}
