import { createHash, randomBytes } from 'node:crypto';
import type { Request, Response } from 'express';
import { bilingual } from '../../core/i18n.ts';
import type { Clock } from '../../platform/clock.ts';
import {
  type Collection,
  type Doc,
  type DocumentStore,
  deleteIfUnchanged,
  replaceIfUnchanged,
} from '../../platform/store/document-store.ts';

// The one download mechanism: short-lived links to files served by the bot itself, because a bot cannot
// attach a file to a 1:1 chat without the file-consent flow. Used by the dossier export, the AVG export
// and the PDCA Check evidence exports.
//
// - A link carries 256 random bits; the store keeps only their SHA-256, so a copy of the store (or a log
//   of it) holds no working link, and a guessed or altered link finds nothing.
// - A link is owned by one person: it is made for them, names them in the store, and is deleted with
//   their data on erasure. Personal data is never copied into the link: a renderer makes the file for the
//   owner at the moment of the download (and finds nothing once the owner is erased). Figures that must
//   match the card they were shown on (Check evidence, aggregates only) are stored with the link instead.
// - Single-use where the file holds personal data: each format can be fetched once; a HEAD request (or a
//   link preview) does not use it up, because only GET is served.
// - Expired links answer 410 and are deleted by the daily purge.

export interface DownloadFile {
  filename: string;
  contentType: string;
  body: string;
  /** `base64`: the body holds binary content (a spreadsheet), sent decoded. */
  encoding?: 'base64';
}

export interface DownloadOwner {
  schoolId: string;
  personId: string;
}

/** Makes a file at download time for the link's owner; undefined when the owner no longer exists. */
export type DownloadRenderer = (owner: DownloadOwner, format: string, now: Date) => Promise<DownloadFile | undefined>;

interface DownloadDoc extends Doc {
  schoolId: string;
  personId: string;
  createdAt: string;
  expiresAt: string;
  /** Files made when the link was made (aggregates that must match the card). */
  files?: Record<string, DownloadFile>;
  /** Or: the renderer that makes the file when it is downloaded, and the formats it offers. */
  render?: { kind: string; formats: string[] };
  /** Each format can be fetched once. */
  singleUse?: boolean;
  usedAt?: Record<string, string>;
  /** The text shown when the link has expired or was used (a key in the locale files). */
  goneKey?: string;
}

export type Opened =
  | { status: 200; file: DownloadFile }
  | { status: 404 | 410 | 405; message: string; owner?: DownloadOwner; kind?: string };

const tokenPattern = /^[A-Za-z0-9_-]{43}$/;
const formatPattern = /^[a-z]{1,8}$/;
const kindPattern = /^[a-z][a-z0-9-]{0,31}$/;
/** Most bytes one stored download may hold (Cosmos DB items stay far below their 2 MB limit). */
export const maxDownloadBytes = 512 * 1024;

function hash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** ASCII-only, for the plain filename parameter; the UTF-8 name goes in filename*. */
function asciiName(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 120) || 'download';
}

function formatsOf(doc: DownloadDoc): string[] {
  return doc.render ? doc.render.formats : Object.keys(doc.files ?? {});
}

function protect(res: Response): void {
  res.setHeader('cache-control', 'no-store');
  res.setHeader('x-content-type-options', 'nosniff');
  res.setHeader('referrer-policy', 'no-referrer');
  res.setHeader('content-security-policy', "default-src 'none'");
}

export class Downloads {
  private readonly c: Collection<DownloadDoc>;
  private readonly clock: Clock;
  private readonly renderers = new Map<string, DownloadRenderer>();
  private baseUrl: string;
  /** How long a link works unless its maker says otherwise. */
  readonly ttlMs: number;

  private constructor(c: Collection<DownloadDoc>, clock: Clock, baseUrl: string, ttlMs: number) {
    this.c = c;
    this.clock = clock;
    this.baseUrl = baseUrl;
    this.ttlMs = ttlMs;
  }

  static async open(store: DocumentStore, options: { clock: Clock; baseUrl: string; ttlMs?: number }): Promise<Downloads> {
    const c = await store.collection<DownloadDoc>({ name: 'downloads', indexes: ['expiresAt', 'personId'] });
    return new Downloads(c, options.clock, options.baseUrl.replace(/\/+$/, ''), options.ttlMs ?? 15 * 60_000);
  }

  /** The address links start with (set once the server listens, when no public URL is configured). */
  useBaseUrl(url: string): void {
    this.baseUrl = url.replace(/\/+$/, '');
  }

  /** Registers how files of a kind are made at download time (once per kind). */
  register(kind: string, renderer: DownloadRenderer): void {
    if (!kindPattern.test(kind)) throw new Error(`bad download kind ${kind}`);
    this.renderers.set(kind, renderer);
  }

  /** Makes a new link owned by one person; returns one URL per format. */
  async create(input: {
    schoolId: string;
    personId: string;
    files?: Record<string, DownloadFile>;
    render?: { kind: string; formats: string[] };
    singleUse?: boolean;
    ttlMs?: number;
    goneKey?: string;
  }): Promise<{ urls: Record<string, string>; expiresAt: string }> {
    if (Boolean(input.files) === Boolean(input.render)) throw new Error('a download has either files or a renderer');
    if (input.render && !this.renderers.has(input.render.kind)) throw new Error(`no renderer for ${input.render.kind}`);
    const size = Object.values(input.files ?? {}).reduce((n, f) => n + Buffer.byteLength(f.body), 0);
    if (size > maxDownloadBytes) throw new Error(`download of ${size} bytes is over the limit`);
    const formats = input.render ? input.render.formats : Object.keys(input.files ?? {});
    if (formats.length === 0) throw new Error('a download needs at least one format');
    for (const format of formats) if (!formatPattern.test(format)) throw new Error(`bad format ${format}`);
    const token = randomBytes(32).toString('base64url');
    const id = hash(token);
    const now = this.clock.now();
    const expiresAt = new Date(now.getTime() + (input.ttlMs ?? this.ttlMs)).toISOString();
    await this.c.create({
      id,
      pk: id,
      schoolId: input.schoolId,
      personId: input.personId,
      createdAt: now.toISOString(),
      expiresAt,
      ...(input.files ? { files: input.files } : {}),
      ...(input.render ? { render: { kind: input.render.kind, formats: [...formats] } } : {}),
      ...(input.singleUse ? { singleUse: true } : {}),
      ...(input.goneKey ? { goneKey: input.goneKey } : {}),
    });
    const urls = Object.fromEntries(formats.map((f) => [f, `${this.baseUrl}/downloads/${token}/${f}`]));
    return { urls, expiresAt };
  }

  /**
   * The file behind a link, or why not. A single-use format is marked used only after its file was
   * made, with a version check: of two requests at once, one gets the file.
   */
  async open(token: string, format: string): Promise<Opened> {
    const notFound = { status: 404 as const, message: bilingual('downloads.notFound') };
    if (!tokenPattern.test(token) || !formatPattern.test(format)) return notFound;
    const id = hash(token);
    const doc = await this.c.get(id, id);
    if (!doc || !formatsOf(doc).includes(format)) return notFound;
    const now = this.clock.now();
    const owner = { schoolId: doc.schoolId, personId: doc.personId };
    const gone = {
      status: 410 as const,
      message: bilingual(doc.goneKey ?? 'downloads.gone'),
      owner,
      ...(doc.render ? { kind: doc.render.kind } : {}),
    };
    if (doc.expiresAt <= now.toISOString()) return gone;
    if (doc.singleUse && doc.usedAt?.[format]) return gone;
    let file: DownloadFile | undefined;
    if (doc.render) {
      const renderer = this.renderers.get(doc.render.kind);
      file = renderer ? await renderer(owner, format, now) : undefined;
    } else if (doc.files && Object.hasOwn(doc.files, format)) {
      file = doc.files[format];
    }
    if (!file) return gone;
    // Used at the same moment by another request (or instance), or deleted meanwhile: gone.
    if (doc.singleUse && !(await replaceIfUnchanged(this.c, { ...doc, usedAt: { ...doc.usedAt, [format]: now.toISOString() } })))
      return gone;
    return { status: 200, file };
  }

  /** GET /downloads/:token/:format */
  readonly handle = async (req: Request, res: Response): Promise<Opened> => {
    protect(res);
    // Only GET: a HEAD (or a link preview asking for one) must not use up a single-use link.
    if (req.method !== 'GET') {
      res.status(405).setHeader('allow', 'GET');
      res.end();
      return { status: 405, message: '' };
    }
    const opened = await this.open(String(req.params['token'] ?? ''), String(req.params['format'] ?? ''));
    if (opened.status !== 200) {
      res.status(opened.status).type('text/plain; charset=utf-8').send(`${opened.message}\n`);
      return opened;
    }
    const { file } = opened;
    res.setHeader('content-type', file.contentType);
    res.setHeader(
      'content-disposition',
      `attachment; filename="${asciiName(file.filename)}"; filename*=UTF-8''${encodeURIComponent(file.filename)}`,
    );
    res.status(200).send(file.encoding === 'base64' ? Buffer.from(file.body, 'base64') : file.body);
    return opened;
  };

  /** A link the router could not even read (a broken percent escape): answered like a guessed one. */
  readonly refuseMalformed = (res: Response): void => {
    protect(res);
    res
      .status(404)
      .type('text/plain; charset=utf-8')
      .send(`${bilingual('downloads.notFound')}\n`);
  };

  /** Deletes expired links; returns how many. (A student's erasure deletes their links: privacy/personal-data-erasure.ts.) */
  async purge(now: Date, limit = 500): Promise<number> {
    return this.deleteAll(await this.c.find({ where: { expiresAt: { lt: now.toISOString() } }, limit }));
  }

  private async deleteAll(docs: DownloadDoc[]): Promise<number> {
    let removed = 0;
    // One used or deleted by another instance at the same moment: the purge or erasure gets it next time.
    for (const doc of docs) if (await deleteIfUnchanged(this.c, doc)) removed++;
    return removed;
  }
}
