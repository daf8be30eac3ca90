import { randomBytes } from 'node:crypto';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import { t } from '../../core/i18n.ts';
import { type Locale, localeFrom } from '../../core/types.ts';
import { RateLimiter } from '../../teams/request-guards.ts';
import type { BotDeps } from '../../teams/turn.ts';
import { linkPath, sameSecret } from './links.ts';
import { readOnlyPage, refusalPage, styleHash, supervisorPage, thanksPage } from './page.ts';
import type { Opened } from './sharing.ts';

// The pages behind share links, on the bot's own server: GET shows what the student shared (and, for
// a supervisor, the questions); POST takes the supervisor's answer once. Defences, in order: a rate
// limit per client and per link; one refusal page per reason, answered no sooner than a fixed time so
// the reasons cannot be told apart by timing; a form secret in a SameSite cookie and the form (a page
// of another site cannot post for the supervisor); a small body limit; a strict CSP without script.

const csp = [
  "default-src 'none'",
  `style-src '${styleHash}'`,
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join('; ');

const cookieName = 'lob_share';
const secretPattern = /^[A-Za-z0-9_-]{43}$/;
/** Every refusal takes at least this long, whatever its reason. */
export const refusalFloorMs = 60;
const maxBodyBytes = 16 * 1024;

function secure(res: Response): void {
  res.setHeader('content-security-policy', csp);
  res.setHeader('x-content-type-options', 'nosniff');
  // The token is in the address: it must not travel on as a referrer.
  res.setHeader('referrer-policy', 'no-referrer');
  res.setHeader('cache-control', 'no-store');
  res.setHeader('x-robots-tag', 'noindex, nofollow');
  res.setHeader('x-frame-options', 'DENY');
}

function localeOf(req: Request, fallback: Locale): Locale {
  const asked = req.query['lang'];
  if (asked === 'en' || asked === 'nl') return asked;
  return localeFrom(req.get('accept-language')?.split(',')[0], fallback);
}

/** The client, for the rate limit: App Service puts the caller last in X-Forwarded-For. */
function clientOf(req: Request): string {
  const forwarded = req.get('x-forwarded-for');
  const last = forwarded?.split(',').at(-1)?.trim().replace(/:\d+$/, '');
  return (last || req.socket.remoteAddress || 'unknown').slice(0, 64);
}

function cookieSecret(req: Request): string | undefined {
  for (const part of (req.get('cookie') ?? '').split(';')) {
    const [k, v] = part.trim().split('=');
    if (k === cookieName && v && secretPattern.test(v)) return v;
  }
  return undefined;
}

function issueSecret(req: Request, res: Response): string {
  const existing = cookieSecret(req);
  if (existing) return existing;
  const secret = randomBytes(32).toString('base64url');
  const https = req.secure || req.get('x-forwarded-proto') === 'https';
  res.append(
    'set-cookie',
    `${cookieName}=${secret}; Path=/s/; HttpOnly; SameSite=Strict; Max-Age=86400${https ? '; Secure' : ''}`,
  );
  return secret;
}

const refusalStatus: Record<Parameters<typeof refusalPage>[1], number> = {
  'slow-down': 429,
  'too-large': 413,
  unreadable: 400,
  unknown: 404,
  expired: 410,
  used: 410,
  revoked: 410,
};

async function floor(started: number): Promise<void> {
  const left = refusalFloorMs - (Date.now() - started);
  if (left > 0) await new Promise((r) => setTimeout(r, left));
}

export function linkPageRoutes(deps: BotDeps, app: Express): void {
  const perClient = new RateLimiter({ perMinute: 30, burst: 20, clock: deps.clock });
  const perLink = new RateLimiter({ perMinute: 10, burst: 10, clock: deps.clock });
  const form = express.urlencoded({ extended: false, limit: maxBodyBytes, parameterLimit: 8 });
  const log = deps.log.child({ component: 'share-page' });

  const refuse = async (res: Response, started: number, locale: Locale, reason: Parameters<typeof refusalPage>[1]) => {
    await floor(started);
    const status = refusalStatus[reason];
    if (reason === 'slow-down') res.setHeader('retry-after', '60');
    res.status(status).type('text/html; charset=utf-8').send(refusalPage(locale, reason));
  };

  /** The student and what the link shows, read fresh: a revoked or erased student shows nothing. */
  const shared = async (opened: Extract<Opened, { ok: true }>) => {
    const { link } = opened;
    const student = await deps.repos.people.get(link.schoolId, link.studentId);
    if (!student || student.erasedAt) return undefined;
    const timeZone = (await deps.sendPolicy(link.schoolId)).timeZone;
    if (link.subject.kind === 'dossier') {
      const reflections = (await deps.repos.reflections.listByStudent(student.id)).filter((r) => r.status === 'submitted');
      return { student, timeZone, shared: { kind: 'dossier' as const, reflections } };
    }
    const reflection = await deps.repos.reflections.get(student.id, link.subject.reflectionId);
    if (!reflection || reflection.studentId !== student.id || reflection.status !== 'submitted') return undefined;
    return { student, timeZone, shared: { kind: 'reflection' as const, reflection } };
  };

  const handle = async (req: Request, res: Response) => {
    const started = Date.now();
    secure(res);
    const locale = localeOf(req, deps.config.DEFAULT_LOCALE);
    const token = String(req.params['token'] ?? '').slice(0, 64);
    if (!perClient.take(clientOf(req)).ok || !perLink.take(token).ok) {
      log.warn({ method: req.method }, 'share page: rate limit');
      return refuse(res, started, locale, 'slow-down');
    }
    const { sharing } = deps.modules;
    const opened = await sharing.service.open(token);
    if (!opened.ok) {
      log.info({ reason: opened.reason, method: req.method }, 'share link refused');
      return refuse(res, started, locale, opened.reason);
    }
    const found = await shared(opened);
    if (!found) return refuse(res, started, locale, 'revoked');
    const { link } = opened;
    const otherLanguage = `${linkPath(token)}?lang=${locale === 'nl' ? 'en' : 'nl'}`;
    const base = { locale, timeZone: found.timeZone, flows: deps.flows, studentName: found.student.name, otherLanguage };
    if (link.audience === 'parent' || found.shared.kind !== 'reflection') {
      if (req.method === 'POST') return refuse(res, started, locale, 'used');
      log.info({ personId: link.studentId, audience: link.audience }, 'shared page opened');
      return res
        .status(200)
        .type('text/html; charset=utf-8')
        .send(readOnlyPage({ ...base, shared: found.shared }));
    }
    const reflection = found.shared.reflection;
    if (req.method !== 'POST') {
      const csrf = issueSecret(req, res);
      log.info({ personId: link.studentId, audience: link.audience }, 'shared page opened');
      return res
        .status(200)
        .type('text/html; charset=utf-8')
        .send(supervisorPage({ ...base, reflection, csrf }));
    }
    const body = (req.body ?? {}) as Record<string, unknown>;
    const values = {
      seen: typeof body['seen'] === 'string' ? body['seen'] : '',
      next: typeof body['next'] === 'string' ? body['next'] : '',
      more: typeof body['more'] === 'string' ? body['more'] : '',
    };
    const cookie = cookieSecret(req);
    const posted = typeof body['csrf'] === 'string' ? body['csrf'] : '';
    const site = req.get('sec-fetch-site');
    if (!cookie || !sameSecret(cookie, posted) || (site && site !== 'same-origin' && site !== 'none')) {
      log.warn({ personId: link.studentId }, 'share page: form secret missing or wrong; nothing stored');
      const csrf = issueSecret(req, res);
      return res
        .status(403)
        .type('text/html; charset=utf-8')
        .send(supervisorPage({ ...base, reflection, csrf, values, alert: t(locale, 'sharing.page.errors.stale') }));
    }
    const result = await sharing.service.submit(token, values);
    if (!result.ok) {
      if (result.reason === 'invalid') {
        return res
          .status(422)
          .type('text/html; charset=utf-8')
          .send(
            supervisorPage({
              ...base,
              reflection,
              csrf: cookie,
              values,
              problems: result.problems,
              alert: t(locale, 'sharing.page.errors.fix'),
            }),
          );
      }
      return refuse(res, started, locale, result.reason === 'not-supervisor' ? 'used' : result.reason);
    }
    log.info({ personId: link.studentId, answerId: result.answer.id }, 'supervisor answer stored');
    // To the student at once when the school's hours allow; the job takes it otherwise.
    await sharing.deliverNow(result.answer).catch((err: unknown) => log.warn({ err: String(err) }, 'answer delivery deferred'));
    return res.status(200).type('text/html; charset=utf-8').send(thanksPage(locale, found.student.name));
  };

  app.get('/s/:token', (req, res, next) => {
    handle(req, res).catch(next);
  });
  app.post('/s/:token', (req, res, next) => {
    form(req, res, (err?: unknown) => {
      if (err) {
        const e = err as { type?: string };
        const locale = localeOf(req, deps.config.DEFAULT_LOCALE);
        secure(res);
        if (e.type === 'entity.too.large' || e.type === 'parameters.too.many') {
          deps.log.info({ type: e.type }, 'share page: oversized form refused; nothing stored');
          void refuse(res, Date.now(), locale, 'too-large').catch(next);
          return;
        }
        // Another charset or encoding than the parser reads (utf-7, a compressed body): the supervisor
        // gets the page in their language, not the bot's JSON error.
        if (isClientError(err)) {
          deps.log.info(
            { type: String(e.type ?? 'unknown').slice(0, 40) },
            'share page: unreadable form refused; nothing stored',
          );
          void refuse(res, Date.now(), locale, 'unreadable').catch(next);
          return;
        }
        next(err);
        return;
      }
      handle(req, res).catch(next);
    });
  });
  // The router could not decode the address (a broken percent escape): a link that does not exist.
  app.use('/s/', (err: unknown, req: Request, res: Response, next: NextFunction) => {
    if (!isClientError(err)) return next(err);
    secure(res);
    void refuse(res, Date.now(), localeOf(req, deps.config.DEFAULT_LOCALE), 'unknown').catch(next);
  });
}

function isClientError(err: unknown): boolean {
  const status = (err as { status?: unknown } | undefined)?.status;
  return typeof status === 'number' && status >= 400 && status < 500;
}
