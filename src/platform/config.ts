import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import type { RoleGroups } from '../core/roles.ts';

// Every setting the process reads. env.sample documents the same list; test/platform/config.test.ts keeps them in step.
const bool = z.enum(['true', 'false', '1', '0', 'yes', 'no', '']).transform((v) => v === 'true' || v === '1' || v === 'yes');

const url = z.url({ protocol: /^https?$/ });

/** A comma-separated list of Entra group object ids (GUIDs). */
const groupIds = z
  .string()
  .transform((v) =>
    v
      .split(',')
      .map((g) => g.trim().toLowerCase())
      .filter(Boolean),
  )
  .pipe(
    z
      .array(
        z
          .string()
          .regex(
            /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
            'expected Entra group ids (GUIDs), comma-separated',
          ),
      )
      .max(100),
  );

/** Intl here rather than core/time: the check is the one the clock code relies on, without the import. */
function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

export const configSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3978),
  HOST: z.string().min(1).default('127.0.0.1'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  DATA_DIR: z.string().min(1).default('data'),
  COSMOS_ENDPOINT: url.optional(),
  COSMOS_KEY: z.string().min(1).optional(),
  COSMOS_DATABASE: z
    .string()
    .regex(/^[A-Za-z0-9-_]{1,255}$/)
    .default('lob-reflectie'),
  COSMOS_ALLOW_SELF_SIGNED: bool.default(false),
  CLIENT_ID: z.string().min(1).optional(),
  CLIENT_SECRET: z.string().min(1).optional(),
  TENANT_ID: z.string().min(1).optional(),
  MANAGED_IDENTITY_CLIENT_ID: z.string().min(1).optional(),
  DEV_ALLOW_UNAUTHENTICATED: bool.default(false),
  SERVICE_URL: url.default('https://smba.trafficmanager.net/teams'),
  BOT_OPENID_METADATA_URL: url.optional(),
  BOT_TOKEN_ISSUER: z.string().min(1).optional(),
  MAX_BODY_BYTES: z.coerce.number().int().min(1024).max(10_000_000).default(102_400),
  /** Worker processes on this instance (src/platform/workers.ts); default: 1 in development, else one per core. */
  WORKERS: z.coerce.number().int().min(1).max(64).optional(),
  ROUTER_SWEEP_SECONDS: z.coerce.number().int().min(1).max(3600).default(15),
  DEFAULT_LOCALE: z.enum(['nl', 'en']).default('nl'),
  DEFAULT_TIME_ZONE: z
    .string()
    .min(1)
    .refine(isTimeZone, 'expected an IANA time zone such as Europe/Amsterdam')
    .default('Europe/Amsterdam'),
  ROLE_GROUPS_STUDENT: groupIds.optional(),
  ROLE_GROUPS_MENTOR: groupIds.optional(),
  ROLE_GROUPS_COORDINATOR: groupIds.optional(),
  ROLE_GROUPS_TEAM_LEADER: groupIds.optional(),
  ROLE_GROUPS_ADMIN: groupIds.optional(),
  ROLE_GROUP_CACHE_SECONDS: z.coerce.number().int().min(0).max(86_400).default(300),
  GRAPH_BASE_URL: url.default('https://graph.microsoft.com'),
  /** The Teams app's manifest id: with it the bot installs itself for students who never opened it (docs/deploy.md). */
  TEAMS_APP_ID: z
    .string()
    .regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, "expected the Teams app's manifest id (a GUID)")
    .optional(),
  RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).max(100_000).default(30),
  RATE_LIMIT_BURST: z.coerce.number().int().min(1).max(100_000).default(10),
  SCHOOL_FLOWS_DIR: z.string().min(1).optional(),
  FOLLOW_UP_DAYS: z.coerce.number().int().min(1).max(60).default(5),
  PUBLIC_URL: url.optional(),
  TEAMS_TENANT_RPS: z.coerce.number().min(1).max(1000).default(50),
  TEAMS_CONVERSATION_RPS: z.coerce.number().min(1).max(1000).default(7),
  /**
   * The most a request's window may close before its answer (src/teams/rate-limit.ts). 0, the default,
   * counts every request until its answer: the credit went over Teams' limit under load (docs/delivery.md).
   */
  TEAMS_SEND_CREDIT_MAX_MS: z.coerce.number().int().min(0).max(100).default(0),
  /**
   * How long an instance holds scheduled work it took (a job's lease, the messages its run claimed)
   * without renewing it: how soon another instance takes over when this one dies. Renewed every third.
   */
  LEASE_SECONDS: z.coerce.number().int().min(5).max(600).default(30),
  CAMPAIGN_CLAIM_SECONDS: z.coerce.number().int().min(5).max(3600).optional(),
  /** The campaign sender's lease on a school; default LEASE_SECONDS. */
  CAMPAIGN_LEASE_SECONDS: z.coerce.number().int().min(2).max(600).optional(),
  CAMPAIGN_RUN_SECONDS: z.coerce.number().int().min(1).max(3600).default(300),
  CAMPAIGN_SEND_CONCURRENCY: z.coerce.number().int().min(1).max(256).default(16),
  CAMPAIGN_SCHOOLS_AT_ONCE: z.coerce.number().int().min(1).max(1000).default(32),
  TAB_SSO_CLIENT_ID: z
    .string()
    .regex(
      /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i,
      "expected the app registration's client id (a GUID)",
    )
    .optional(),
  TAB_SSO_APP_ID_URI: z
    .string()
    .regex(/^api:\/\/[^\s]+$/, 'expected api://<host>/<client id>')
    .optional(),
  TAB_OPENID_METADATA_URL: url.optional(),
  DEV_PAGE_LOGIN: bool.default(false),
  DEV_ALLOW_REMOTE: bool.default(false),
  COORDINATOR_PAGE_FRESH_SECONDS: z.coerce.number().int().min(0).max(3600).default(120),
  /** Application Insights: traces, metrics and logs go there (src/platform/telemetry.ts). */
  APPLICATIONINSIGHTS_CONNECTION_STRING: z.string().min(1).max(2000).optional(),
  /** Any OpenTelemetry collector over OTLP/HTTP, instead of or beside Application Insights. */
  OTEL_EXPORTER_OTLP_ENDPOINT: url.optional(),
  TELEMETRY_EXPORT_SECONDS: z.coerce.number().int().min(1).max(3600).default(60),
  /** How many days a link a student shares (with a supervisor or a parent) works. */
  SHARE_LINK_DAYS: z.coerce.number().int().min(1).max(90).default(14),
  /**
   * The school's mailbox (UPN or object id) the bot mails a supervisor's link from, through Microsoft
   * Graph (application permission Mail.Send). Without it the student passes the link on themselves.
   */
  MAIL_SENDER: z.string().trim().min(3).max(254).optional(),
});

export type Config = Omit<z.infer<typeof configSchema>, 'CAMPAIGN_LEASE_SECONDS'> & {
  /** CAMPAIGN_LEASE_SECONDS, else LEASE_SECONDS. */
  CAMPAIGN_LEASE_SECONDS: number;
  /** Absolute path of the embedded store file. */
  sqlitePath: string;
  /** True when the bot may receive and send without Bot Framework credentials. */
  devMode: boolean;
  /** Worker processes to run: WORKERS, else 1 in development and one per core otherwise. */
  workers: number;
  /**
   * Development shortcuts are on (DEV_ALLOW_UNAUTHENTICATED, DEV_PAGE_LOGIN) and DEV_ALLOW_REMOTE is not:
   * the server answers requests from this machine (loopback) only.
   */
  loopbackOnly: boolean;
  /** NODE_ENV=production or Azure App Service (WEBSITE_SITE_NAME): logs stay JSON there, even in a terminal. */
  production: boolean;
  /** Entra groups whose members get a role (ROLE_GROUPS_*); empty when none are configured. */
  roleGroups: RoleGroups;
  /** Where people reach the bot's own pages (download links): PUBLIC_URL, else the App Service host name. */
  publicUrl: string | undefined;
  /** Teams tab single sign-on for the coordinator page (docs/coordinator-page.md); undefined: not configured. */
  tabSso: { clientId: string; appIdUri: string } | undefined;
};

export class ConfigError extends Error {}

/** Parses settings from an environment; throws one ConfigError whose message names the first bad setting. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const relevant: Record<string, string> = {};
  for (const key of Object.keys(configSchema.shape)) {
    const value = env[key];
    // An empty line in a .env file means "not set", as it does for most tools.
    if (value !== undefined && value !== '') relevant[key] = value;
  }
  const parsed = configSchema.safeParse(relevant);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const key = String(issue?.path[0] ?? '?');
    const got = relevant[key];
    throw new ConfigError(
      `Configuration error: ${key} ${describe(issue?.message)}${got === undefined ? '' : ` (got "${redactIfSecret(key, got)}")`}. See env.sample.`,
    );
  }
  const c = parsed.data;
  const hasCredentials = Boolean(c.CLIENT_ID && (c.CLIENT_SECRET || c.MANAGED_IDENTITY_CLIENT_ID));
  if (c.CLIENT_ID && !hasCredentials) {
    throw new ConfigError(
      'Configuration error: CLIENT_ID is set but neither CLIENT_SECRET nor MANAGED_IDENTITY_CLIENT_ID is. See env.sample.',
    );
  }
  if (!hasCredentials && !c.DEV_ALLOW_UNAUTHENTICATED) {
    throw new ConfigError(
      'Configuration error: CLIENT_ID is not set. Set the Bot Framework credentials, or DEV_ALLOW_UNAUTHENTICATED=true for local development only. See env.sample.',
    );
  }
  if (c.DEV_ALLOW_UNAUTHENTICATED && env.WEBSITE_SITE_NAME) {
    // App Service sets WEBSITE_SITE_NAME: a deployed bot must never accept unauthenticated requests.
    throw new ConfigError('Configuration error: DEV_ALLOW_UNAUTHENTICATED must not be set on Azure App Service.');
  }
  if (c.DEV_PAGE_LOGIN && env.WEBSITE_SITE_NAME) {
    throw new ConfigError('Configuration error: DEV_PAGE_LOGIN must not be set on Azure App Service.');
  }
  // Production credentials mean a real bot that real users reach, wherever it runs (App Service, a VM, a
  // container): no development shortcut may sit beside them, whichever host it is on.
  const developmentFlags = (['DEV_ALLOW_UNAUTHENTICATED', 'DEV_PAGE_LOGIN', 'COSMOS_ALLOW_SELF_SIGNED'] as const).filter(
    (key) => c[key],
  );
  const production = (['CLIENT_ID', 'CLIENT_SECRET', 'MANAGED_IDENTITY_CLIENT_ID'] as const).filter((key) => c[key]);
  if (developmentFlags.length && production.length) {
    throw new ConfigError(
      `Configuration error: ${developmentFlags.join(', ')} must not be set together with production credentials (${production.join(', ')}). Remove the development setting. See env.sample.`,
    );
  }
  const publicUrl = (c.PUBLIC_URL ?? (env.WEBSITE_HOSTNAME ? `https://${env.WEBSITE_HOSTNAME}` : undefined))?.replace(/\/+$/, '');
  if (c.TAB_SSO_CLIENT_ID && !c.TAB_SSO_APP_ID_URI && !publicUrl) {
    throw new ConfigError(
      'Configuration error: TAB_SSO_CLIENT_ID is set but neither TAB_SSO_APP_ID_URI nor PUBLIC_URL is (the Application ID URI is api://<host>/<client id>). See env.sample.',
    );
  }
  if (c.COSMOS_KEY && !c.COSMOS_ENDPOINT) {
    throw new ConfigError('Configuration error: COSMOS_KEY is set but COSMOS_ENDPOINT is not. See env.sample.');
  }
  if (Boolean(c.BOT_OPENID_METADATA_URL) !== Boolean(c.BOT_TOKEN_ISSUER)) {
    throw new ConfigError(
      'Configuration error: BOT_OPENID_METADATA_URL and BOT_TOKEN_ISSUER must be set together. See env.sample.',
    );
  }
  return {
    ...c,
    CAMPAIGN_LEASE_SECONDS: c.CAMPAIGN_LEASE_SECONDS ?? c.LEASE_SECONDS,
    sqlitePath: path.resolve(c.DATA_DIR, 'lob-reflectie.db'),
    publicUrl,
    tabSso: c.TAB_SSO_CLIENT_ID
      ? {
          clientId: c.TAB_SSO_CLIENT_ID,
          appIdUri: c.TAB_SSO_APP_ID_URI ?? `api://${new URL(publicUrl!).host}/${c.TAB_SSO_CLIENT_ID}`,
        }
      : undefined,
    devMode: c.DEV_ALLOW_UNAUTHENTICATED,
    workers: c.WORKERS ?? (c.DEV_ALLOW_UNAUTHENTICATED ? 1 : os.availableParallelism()),
    production: env.NODE_ENV === 'production' || Boolean(env.WEBSITE_SITE_NAME),
    loopbackOnly: (c.DEV_ALLOW_UNAUTHENTICATED || c.DEV_PAGE_LOGIN) && !c.DEV_ALLOW_REMOTE,
    roleGroups: Object.fromEntries(
      (
        [
          ['student', c.ROLE_GROUPS_STUDENT],
          ['mentor', c.ROLE_GROUPS_MENTOR],
          ['coordinator', c.ROLE_GROUPS_COORDINATOR],
          ['team-leader', c.ROLE_GROUPS_TEAM_LEADER],
          ['admin', c.ROLE_GROUPS_ADMIN],
        ] as const
      ).filter(([, ids]) => ids && ids.length > 0),
    ),
  };
}

/** The one warning a development start prints (src/main.ts), or undefined when no shortcut is on. */
export function developmentWarning(config: Config): string | undefined {
  const on = [
    ...(config.DEV_ALLOW_UNAUTHENTICATED
      ? [
          'DEV_ALLOW_UNAUTHENTICATED=true: requests to /api/messages are not verified; whoever reaches the bot can act as any Teams user.',
        ]
      : []),
    ...(config.DEV_PAGE_LOGIN
      ? ['DEV_PAGE_LOGIN=true: the coordinator page lets anyone sign in as any e-mail (?as=<e-mail>).']
      : []),
  ];
  if (on.length === 0) return undefined;
  const reach = config.loopbackOnly
    ? 'Requests from other machines are refused (DEV_ALLOW_REMOTE=true would accept them).'
    : 'DEV_ALLOW_REMOTE=true: requests from other machines are accepted too.';
  return ['DEVELOPMENT MODE, for your own machine only:', ...on, reach].map((l, i) => (i ? `  - ${l}` : l)).join('\n');
}

function describe(message: string | undefined): string {
  if (!message) return 'is invalid';
  return `is invalid: ${message.charAt(0).toLowerCase()}${message.slice(1)}`;
}

function redactIfSecret(key: string, value: string): string {
  return /SECRET|KEY/.test(key) ? '***' : value.slice(0, 80);
}
