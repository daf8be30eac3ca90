import { gzipSync } from 'node:zlib';
import type { Express, Request, Response } from 'express';
import { t, withSector } from '../../core/i18n.ts';
import type { Locale } from '../../core/types.ts';
import { TabTokenVerifier } from '../../teams/tab-auth.ts';
import type { BotDeps, Feature } from '../../teams/turn.ts';
import { studentVoiceView } from '../student-voice/page-view.ts';
import { type Access, access } from './access.ts';
import { asset } from './assets.ts';
import { campaignTable, coverageTable, overviewWorkbook, tableCsv } from './exports.ts';
import { flowPreviews } from './previews.ts';
import { chartData } from './response-view.ts';
import { shellPage } from './shell.ts';
import type { Snapshot } from './snapshots.ts';
import { holidayNoticesHtml, noAccessHtml, overviewHtml } from './view.ts';
import type { ViewLabels } from './view-labels.ts';

// The coordinator page: campaigns, response and competency coverage at a glance, for coordinators (the
// whole school) and team leaders (their own teams), as a Teams static tab and in a browser. These are its
// routes: the shell page (shell.ts), its browser files (assets.ts) and the JSON the browser fills it with,
// each after access.ts has said who is asking. Figures come from modules/coordinator-page/overview.ts; the
// browser draws charts (Chart.js) and card previews (previews.ts, Adaptive Cards).

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

// --- the figures ------------------------------------------------------------------------------------

function labelsOf(deps: BotDeps, s: Snapshot, locale: Locale): ViewLabels {
  return {
    flowTitle: (id) => deps.flows.get(id)?.title[locale] ?? id,
    groupName: (id) => s.groupNames.get(id) ?? '?',
    timeZone: s.timeZone,
  };
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
        // The page names students and mentors as the school's sector does (leerlingen in vo, studenten
        // in mbo and hbo).
        const school = await deps.repos.schools.get(a.actor.schoolId);
        await withSector(school?.sector, () => handler(req, res, a, localeOf(req.query['lang'], a.actor.locale)));
      })().catch((err: unknown) => {
        pageLog.error({ err: String(err) }, 'coordinator page failed');
        if (!res.headersSent) res.status(500).json({ error: 'failed' });
      });
    };

  app.get('/coordinator', (req, res) => {
    secure(res);
    res.setHeader('cache-control', 'no-store');
    res.type('html').send(shellPage(localeOf(req.query['lang'] ?? req.query['locale'], config.DEFAULT_LOCALE)));
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
      sendJson(req, res, { flows: flowPreviews(deps, locale) });
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
