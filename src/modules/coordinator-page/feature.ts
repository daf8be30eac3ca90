import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import type { Express, Request, Response } from 'express';
import { z } from 'zod';
import { decide } from '../../core/authorization.ts';
import { preparationCard, reflectionCard } from '../../core/cards/cards.ts';
import type { Person, Reflection } from '../../core/entities.ts';
import { t, texts } from '../../core/i18n.ts';
import { IdentityConflict, matchPerson } from '../../core/identity.ts';
import { type Locale, normalizeEmail } from '../../core/types.ts';
import { html } from '../../platform/html.ts';
import { TabTokenVerifier } from '../../teams/tab-auth.ts';
import type { BotDeps, Feature } from '../../teams/turn.ts';
import type { EducationTeam } from '../quality-cycle/quality-cycle.ts';
import { studentVoiceView } from '../student-voice/page-view.ts';
import { campaignTable, coverageTable, overviewWorkbook, tableCsv } from './exports.ts';
import type { OverviewScope } from './overview.ts';
import type { Snapshot } from './snapshots.ts';
import { chartData, holidayNoticesHtml, noAccessHtml, overviewHtml, type ViewLabels } from './view.ts';

// The coordinator page: campaigns, response and competency coverage at a glance, for coordinators (the
// whole school) and team leaders (their own teams), as a Teams static tab and in a browser. In Teams the
// tab signs in with Teams SSO (tab-auth.ts) and sends the token with every request; locally a developer
// may open it as anyone with DEV_PAGE_LOGIN. Everyone else gets "no access". Figures come from
// modules/coordinator-page/overview.ts; the browser draws charts (Chart.js) and card previews (Adaptive Cards),
// both served from our own node_modules.

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const packageDir = (name: string) => {
  let dir = path.dirname(require.resolve(name));
  while (!fs.existsSync(path.join(dir, 'package.json'))) dir = path.dirname(dir);
  return dir;
};

interface Asset {
  body: Buffer;
  type: string;
  etag: string;
}

const assetSources: Record<string, { file: () => string; type: string }> = {
  'teams.js': {
    file: () => path.join(packageDir('@microsoft/teams-js'), 'dist/umd/MicrosoftTeams.min.js'),
    type: 'text/javascript',
  },
  'chart.js': { file: () => path.join(packageDir('chart.js'), 'dist/chart.umd.min.js'), type: 'text/javascript' },
  'adaptivecards.js': {
    file: () => path.join(packageDir('adaptivecards'), 'dist/adaptivecards.min.js'),
    type: 'text/javascript',
  },
  // Our own browser code: plain JavaScript with JSDoc types (tsc checks it), served as it is, so no
  // experimental run-time type stripping happens in production.
  'page.js': { file: () => path.join(here, 'client.js'), type: 'text/javascript' },
  'page.css': { file: () => path.join(here, 'coordinator.css'), type: 'text/css' },
};

const assets = new Map<string, Asset>();

function asset(name: string): Asset | undefined {
  const source = Object.hasOwn(assetSources, name) ? assetSources[name] : undefined;
  if (!source) return undefined;
  let a = assets.get(name);
  if (!a) {
    const body = fs.readFileSync(source.file());
    a = {
      body,
      type: `${source.type}; charset=utf-8`,
      etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`,
    };
    assets.set(name, a);
  }
  return a;
}

// Framed by Teams (web, desktop, mobile) and Microsoft 365; everything else only from ourselves.
const csp = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  'frame-ancestors https://teams.microsoft.com https://*.teams.microsoft.com https://*.teams.cloud.microsoft https://*.office.com https://*.cloud.microsoft https://*.microsoft365.com',
].join('; ');

function secure(res: Response): void {
  res.setHeader('content-security-policy', csp);
  res.setHeader('x-content-type-options', 'nosniff');
  res.setHeader('referrer-policy', 'no-referrer');
}

/** JSON, gzipped when the browser accepts it: a large school's views are several hundred KB of HTML. */
function sendJson(req: Request, res: Response, body: unknown): void {
  const text = Buffer.from(JSON.stringify(body), 'utf8');
  res.setHeader('vary', 'accept-encoding');
  res.type('application/json; charset=utf-8');
  if (text.length > 8192 && /\bgzip\b/.test(req.get('accept-encoding') ?? '')) {
    res.setHeader('content-encoding', 'gzip');
    res.send(gzipSync(text, { level: 6 }));
    return;
  }
  res.send(text);
}

function localeOf(value: unknown, fallback: Locale): Locale {
  const v = typeof value === 'string' ? value.toLowerCase() : '';
  if (v.startsWith('en')) return 'en';
  if (v.startsWith('nl')) return 'nl';
  return fallback;
}

// --- who is asking ---------------------------------------------------------------------------------

type Denied = 'sign-in' | 'unknown' | 'role' | 'no-teams' | 'conflict';
type Access = { ok: true; actor: Person; scope: OverviewScope; teams: EducationTeam[] } | { ok: false; reason: Denied };

const devLogin = z
  .string()
  .trim()
  .min(3)
  .max(320)
  .regex(/^[^\s@]+@[^\s@]+$/);

async function identify(deps: BotDeps, req: Request, verifier: TabTokenVerifier | undefined): Promise<Person | Denied> {
  const { repos, config, log } = deps;
  const dev = req.get('x-dev-login');
  if (dev !== undefined && config.DEV_PAGE_LOGIN) {
    const email = devLogin.safeParse(dev);
    if (!email.success) return 'sign-in';
    const schools = await repos.schools.list();
    const school = config.TENANT_ID
      ? schools.find((s) => s.id === config.TENANT_ID)
      : schools.length === 1
        ? schools[0]
        : undefined;
    const person = school ? await repos.people.findByEmail(school.id, normalizeEmail(email.data)) : undefined;
    return person ?? 'unknown';
  }
  if (!verifier) return 'sign-in';
  const verified = await verifier.verify(req.get('authorization'));
  if (!verified.ok) {
    log.warn({ reason: verified.reason }, 'coordinator page: token refused');
    return 'sign-in';
  }
  const { tenantId, objectId, email } = verified.user;
  if (!(await repos.schools.get(tenantId))) return 'unknown';
  let person: Person | undefined;
  try {
    person = await matchPerson(repos, tenantId, { entraObjectId: objectId, email });
  } catch (err) {
    if (!(err instanceof IdentityConflict)) throw err;
    log.warn(
      { personId: err.personId, recorded: err.recorded, via: err.via, entraObjectId: objectId },
      'coordinator page: identity conflict refused (the sign-in name belongs to a person with another Entra id); IT must check',
    );
    return 'conflict';
  }
  if (!person) return 'unknown';
  if (person.entraObjectId) return person;
  // Found by sign-in name, not linked yet: from now on this Entra id is who they are.
  const now = deps.clock.now().toISOString();
  const linked = await repos.people.update(tenantId, person.id, (p) =>
    p.entraObjectId ? undefined : { ...p, entraObjectId: objectId, updatedAt: now },
  );
  // Another sign-in linked another Entra id at the same moment: that one is who they are.
  return linked.entraObjectId === objectId ? linked : 'conflict';
}

async function access(deps: BotDeps, req: Request, verifier: TabTokenVerifier | undefined): Promise<Access> {
  const who = await identify(deps, req, verifier);
  if (typeof who === 'string') return { ok: false, reason: who };
  const actor = await deps.roles.resolve(who, who.schoolId);
  if (!decide(actor, 'aggregates.read', { kind: 'school', schoolId: actor.schoolId }).allowed)
    return { ok: false, reason: 'role' };
  const allTeams = await deps.cycles.teams.list(actor.schoolId);
  const teams = allTeams.filter(
    (team) =>
      decide(actor, 'aggregates.read', { kind: 'education-team', schoolId: team.schoolId, leaderIds: team.leaderIds }).allowed,
  );
  if (actor.roles.includes('coordinator') || actor.roles.includes('admin'))
    return { ok: true, actor, scope: { kind: 'school' }, teams };
  if (!teams.length) return { ok: false, reason: 'no-teams' };
  return { ok: true, actor, scope: { kind: 'teams', teams }, teams };
}

// --- the figures ------------------------------------------------------------------------------------

function labelsOf(deps: BotDeps, s: Snapshot, locale: Locale): ViewLabels {
  return {
    flowTitle: (id) => deps.flows.get(id)?.title[locale] ?? id,
    groupName: (id) => s.groupNames.get(id) ?? '?',
    timeZone: s.timeZone,
  };
}

// --- previews of every flow, as the student sees it -----------------------------------------------------

function previews(deps: BotDeps, locale: Locale) {
  const at = deps.clock.now().toISOString();
  const sample = (flowId: string, activityType: string): Reflection => ({
    id: 'preview',
    version: 1,
    schoolId: 'preview',
    studentId: 'preview',
    flowId,
    activityType,
    locale,
    status: 'open',
    createdAt: at,
    answers: {},
    competencies: [],
    routing: 'none',
  });
  const tx = (k: string) => t(locale, `coordinator.previews.${k}`);
  return deps.flows
    .all()
    .map((flow) => {
      const r = sample(flow.id, flow.activityType);
      return {
        id: flow.id,
        title: flow.title[locale],
        sectors: t(locale, 'coordinator.previews.sectors', { sectors: flow.sectors.join(', ') }),
        cards: [
          ...(flow.preparation ? [{ label: tx('preparation'), card: preparationCard(flow, r) }] : []),
          { label: tx('step1'), card: reflectionCard(flow, r) },
          { label: tx('positive'), card: reflectionCard(flow, r, { emotion: 'great' }) },
          { label: tx('negative'), card: reflectionCard(flow, r, { emotion: 'bad' }) },
        ],
      };
    })
    .sort((a, b) => a.title.localeCompare(b.title, locale));
}

// --- the shell page -------------------------------------------------------------------------------------

const views = ['campaigns', 'response', 'coverage', 'pdca', 'voice', 'unreachable', 'previews'] as const;

function shell(locale: Locale): string {
  const tx = (k: string) => t(locale, `coordinator.${k}`);
  const clientTexts = JSON.stringify({
    campaigns: texts(locale, 'coordinator.campaigns'),
    previews: texts(locale, 'coordinator.previews'),
    noAccess: noAccessHtml(locale, 'sign-in').text,
    loading: tx('loading'),
  }).replace(/</g, '\\u003c');
  return `<!doctype html>${html`<html lang="${locale}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${tx('title')}</title><link rel="stylesheet" href="/coordinator/assets/page.css"></head>
<body><header class="top"><div class="brand"><h1>${tx('title')}</h1><p id="subtitle" class="muted"></p></div>
<button type="button" id="lang-switch" data-lang="${locale === 'nl' ? 'en' : 'nl'}">${tx('language')}</button></header>
<nav class="tabs" role="tablist" hidden>${views.map((v) => html`<button type="button" role="tab" data-tab="${v}">${tx(`views.${v}`)}</button>`)}</nav>
<p class="privacy" hidden>${tx('privacy')}</p>
<main id="content" aria-live="polite"><p class="loading">${tx('loading')}</p></main>`}
<script type="application/json" id="texts">${clientTexts}</script>
<script src="/coordinator/assets/teams.js"></script><script src="/coordinator/assets/chart.js"></script>
<script type="module" src="/coordinator/assets/page.js"></script></body></html>`;
}

// --- routes -------------------------------------------------------------------------------------------

export function coordinatorPageRoutes(deps: BotDeps, app: Express): void {
  const { config, log } = deps;
  const pageLog = log.child({ component: 'coordinator-page' });
  // DEV_PAGE_LOGIN is announced in the one development warning at start (src/platform/config.ts).
  const verifier = config.tabSso
    ? new TabTokenVerifier({
        clientId: config.tabSso.clientId,
        appIdUri: config.tabSso.appIdUri,
        ...(config.TENANT_ID ? { tenantId: config.TENANT_ID } : {}),
        ...(config.TAB_OPENID_METADATA_URL ? { openIdMetadataUrl: config.TAB_OPENID_METADATA_URL } : {}),
        clock: deps.clock,
        log: pageLog,
      })
    : undefined;

  const api =
    (handler: (req: Request, res: Response, a: Extract<Access, { ok: true }>, locale: Locale) => Promise<void>) =>
    (req: Request, res: Response) => {
      secure(res);
      res.setHeader('cache-control', 'no-store');
      (async () => {
        const a = await access(deps, req, verifier);
        if (!a.ok) {
          const locale = localeOf(req.query['lang'], config.DEFAULT_LOCALE);
          pageLog.info({ reason: a.reason }, 'coordinator page: no access');
          res.status(a.reason === 'sign-in' ? 401 : 403).json({ error: a.reason, html: noAccessHtml(locale, a.reason).text });
          return;
        }
        await handler(req, res, a, localeOf(req.query['lang'], a.actor.locale));
      })().catch((err: unknown) => {
        pageLog.error({ err: String(err) }, 'coordinator page failed');
        if (!res.headersSent) res.status(500).json({ error: 'failed' });
      });
    };

  app.get('/coordinator', (req, res) => {
    secure(res);
    res.setHeader('cache-control', 'no-store');
    res.type('html').send(shell(localeOf(req.query['lang'] ?? req.query['locale'], config.DEFAULT_LOCALE)));
  });

  app.get('/coordinator/assets/:name', (req, res) => {
    const a = asset(String(req.params['name']));
    if (!a) {
      res.status(404).json({ error: 'not found' });
      return;
    }
    secure(res);
    res.setHeader('etag', a.etag);
    res.setHeader('cache-control', 'public, max-age=3600');
    if (req.get('if-none-match') === a.etag) {
      res.status(304).end();
      return;
    }
    res.type(a.type).send(a.body);
  });

  app.get(
    '/coordinator/api/view',
    api(async (req, res, a, locale) => {
      const started = Date.now();
      const snap = await deps.modules.coordinatorPage.figures.of(a, pageLog);
      const { overview } = snap;
      const l = labelsOf(deps, snap, locale);
      const computed = new Intl.DateTimeFormat(locale === 'nl' ? 'nl-NL' : 'en-GB', {
        hour: '2-digit',
        minute: '2-digit',
        timeZone: snap.timeZone,
      }).format(snap.computedAt);
      const scope =
        a.scope.kind === 'school'
          ? t(locale, 'coordinator.scopeSchool')
          : t(locale, 'coordinator.scopeTeams', { teams: a.teams.map((x) => x.name).join(', ') });
      sendJson(req, res, {
        lang: locale,
        subtitle: t(locale, 'coordinator.subtitle', { year: overview.schoolYear, to: overview.to, scope, time: computed }),
        html:
          holidayNoticesHtml(locale, snap.holidays).text +
          overviewHtml(locale, overview, l).text +
          studentVoiceView(locale, snap.studentVoice ?? [], a.scope.kind === 'school' ? 'school' : 'team').text,
        charts: chartData(locale, overview, l),
      });
      pageLog.info(
        { personId: a.actor.id, scope: a.scope.kind, campaigns: overview.campaigns.length, ms: Date.now() - started },
        'coordinator page shown',
      );
    }),
  );

  app.get(
    '/coordinator/api/previews',
    api(async (req, res, _a, locale) => {
      sendJson(req, res, { flows: previews(deps, locale) });
    }),
  );

  app.post(
    '/coordinator/api/exports',
    api(async (_req, res, a, locale) => {
      const snap = await deps.modules.coordinatorPage.figures.of(a, pageLog);
      const { overview } = snap;
      const l = labelsOf(deps, snap, locale);
      const base = `${t(locale, 'coordinator.title')}-${overview.schoolYear}-${overview.to}`
        .toLowerCase()
        .replace(/[^a-z0-9-]+/g, '-');
      const { urls } = await deps.downloads.create({
        schoolId: a.actor.schoolId,
        personId: a.actor.id,
        files: {
          campaign: {
            filename: `${base}-${t(locale, 'coordinator.export.campaignsSheet').toLowerCase()}.csv`,
            contentType: 'text/csv; charset=utf-8',
            body: tableCsv(locale, campaignTable(locale, overview, l)),
          },
          coverage: {
            filename: `${base}-${t(locale, 'coordinator.export.coverageSheet').toLowerCase()}.csv`,
            contentType: 'text/csv; charset=utf-8',
            body: tableCsv(locale, coverageTable(locale, overview)),
          },
          xlsx: {
            filename: `${base}.xlsx`,
            contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
            body: overviewWorkbook(locale, overview, l).toString('base64'),
            encoding: 'base64',
          },
        },
      });
      pageLog.info({ personId: a.actor.id, scope: a.scope.kind }, 'coordinator page export created');
      const minutes = Math.round(deps.downloads.ttlMs / 60_000);
      // Rendered here, where the plural rules are: the browser shows it as it is.
      res.json({ urls, minutes, message: t(locale, 'coordinator.campaigns.exportReady', { minutes }) });
    }),
  );
}

export const coordinatorPageFeature: Feature = {
  name: 'coordinator-page',
  http: coordinatorPageRoutes,
};
