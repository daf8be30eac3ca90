import { createHash, randomBytes } from 'node:crypto';
import type { Request, Response } from 'express';
import type { Clock } from '../clock.ts';
import type { Collection, Doc, DocumentStore } from '../store/document-store.ts';

// Short-lived download links served by the bot, for exports a card offers (CSV, Markdown). The link
// carries 256 random bits; the store keeps only their hash, with the files and an expiry, so the numbers
// in the download are the ones the card showed, any instance can serve it, and a copy of the store holds
// no working link. Expired links answer 410 and are purged by a daily job.

export interface DownloadFile {
  filename: string;
  contentType: string;
  body: string;
  /** `base64`: the body holds binary content (a spreadsheet), sent decoded. */
  encoding?: 'base64';
}

interface DownloadDoc extends Doc {
  schoolId: string;
  personId: string;
  createdAt: string;
  expiresAt: string;
  files: Record<string, DownloadFile>;
}

const tokenPattern = /^[A-Za-z0-9_-]{43}$/;
const formatPattern = /^[a-z]{1,8}$/;
/** Most bytes one download may hold (Cosmos DB items stay far below their 2 MB limit). */
export const maxDownloadBytes = 512 * 1024;

function hash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** ASCII-only, for the plain filename parameter; the UTF-8 name goes in filename*. */
function asciiName(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 120) || 'download';
}

export class Downloads {
  private readonly c: Collection<DownloadDoc>;
  private readonly clock: Clock;
  private baseUrl: string;
  readonly ttlMs: number;

  private constructor(c: Collection<DownloadDoc>, clock: Clock, baseUrl: string, ttlMs: number) {
    this.c = c;
    this.clock = clock;
    this.baseUrl = baseUrl;
    this.ttlMs = ttlMs;
  }

  static async open(store: DocumentStore, options: { clock: Clock; baseUrl: string; ttlMs?: number }): Promise<Downloads> {
    const c = await store.collection<DownloadDoc>({ name: 'downloads', indexes: ['expiresAt'] });
    return new Downloads(c, options.clock, options.baseUrl, options.ttlMs ?? 15 * 60_000);
  }

  /** The address links start with (set once the server listens, when no public URL is configured). */
  useBaseUrl(url: string): void {
    this.baseUrl = url.replace(/\/+$/, '');
  }

  /** Stores the files under a new link; returns one URL per format. */
  async create(input: {
    schoolId: string;
    personId: string;
    files: Record<string, DownloadFile>;
  }): Promise<{ urls: Record<string, string>; expiresAt: string }> {
    const size = Object.values(input.files).reduce((n, f) => n + Buffer.byteLength(f.body), 0);
    if (size > maxDownloadBytes) throw new Error(`download of ${size} bytes is over the limit`);
    for (const format of Object.keys(input.files)) if (!formatPattern.test(format)) throw new Error(`bad format ${format}`);
    const token = randomBytes(32).toString('base64url');
    const id = hash(token);
    const now = this.clock.now();
    const expiresAt = new Date(now.getTime() + this.ttlMs).toISOString();
    await this.c.create({
      id,
      pk: id,
      schoolId: input.schoolId,
      personId: input.personId,
      createdAt: now.toISOString(),
      expiresAt,
      files: input.files,
    });
    const urls = Object.fromEntries(Object.keys(input.files).map((f) => [f, `${this.baseUrl}/downloads/${token}/${f}`]));
    return { urls, expiresAt };
  }

  /** GET /downloads/:token/:format */
  readonly handle = async (req: Request, res: Response): Promise<void> => {
    res.setHeader('cache-control', 'no-store');
    res.setHeader('x-content-type-options', 'nosniff');
    res.setHeader('referrer-policy', 'no-referrer');
    const token = String(req.params['token'] ?? '');
    const format = String(req.params['format'] ?? '');
    if (!tokenPattern.test(token) || !formatPattern.test(format)) {
      res.status(404).json({ error: 'not found' });
      return;
    }
    const id = hash(token);
    const doc = await this.c.get(id, id);
    const file = doc?.files[format];
    if (!doc || !file || !Object.hasOwn(doc.files, format)) {
      res.status(404).json({ error: 'not found' });
      return;
    }
    if (doc.expiresAt <= this.clock.now().toISOString()) {
      res.status(410).json({ error: 'this download link has expired; ask for a new one in Teams' });
      return;
    }
    res.setHeader('content-type', file.contentType);
    res.setHeader(
      'content-disposition',
      `attachment; filename="${asciiName(file.filename)}"; filename*=UTF-8''${encodeURIComponent(file.filename)}`,
    );
    res.status(200).send(file.encoding === 'base64' ? Buffer.from(file.body, 'base64') : file.body);
  };

  /** Deletes expired downloads; returns how many. */
  async purge(now: Date, limit = 500): Promise<number> {
    const expired = await this.c.find({ where: { expiresAt: { lt: now.toISOString() } }, limit });
    let removed = 0;
    for (const doc of expired) {
      try {
        await this.c.delete(doc);
        removed++;
      } catch {
        // Deleted by another instance at the same moment: fine.
      }
    }
    return removed;
  }
}
