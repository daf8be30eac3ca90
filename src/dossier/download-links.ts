import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { type Collection, ConflictError, createOrGet, type Doc, type DocumentStore } from '../store/document-store.ts';

// Short-lived, single-use, signed download links (the dossier export). Bots cannot attach a file to a
// 1:1 chat without the file-consent flow, so the student gets a link to the bot's own server instead.
// The signature lets a tampered or guessed link be refused before the store is asked; the stored record
// makes the link work once, for one person, on any instance.

interface LinkDoc extends Doc {
  kind: 'link';
  schoolId: string;
  personId: string;
  expiresAt: string;
  usedAt?: string;
}

interface KeyDoc extends Doc {
  kind: 'key';
  key: string;
}

export type Redeemed = { ok: true; schoolId: string; personId: string } | { ok: false; reason: 'invalid' | 'gone' };

const tokenPattern = /^[A-Za-z0-9_-]{43}$/;
const sigPattern = /^[0-9a-f]{64}$/;

export class DownloadLinks {
  private readonly c: Collection<LinkDoc | KeyDoc>;
  private key?: Buffer;
  private constructor(c: Collection<LinkDoc | KeyDoc>) {
    this.c = c;
  }

  static async open(store: DocumentStore): Promise<DownloadLinks> {
    return new DownloadLinks(await store.collection<LinkDoc | KeyDoc>({ name: 'download_links', indexes: ['expiresAt'] }));
  }

  /** One signing key for every instance, created by whichever instance needs it first. */
  private async signingKey(): Promise<Buffer> {
    if (this.key) return this.key;
    const fresh: Omit<KeyDoc, 'version'> = {
      id: 'signing-key',
      pk: 'signing-key',
      kind: 'key',
      key: randomBytes(32).toString('base64'),
    };
    const { doc } = await createOrGet<LinkDoc | KeyDoc>(this.c, fresh);
    this.key = Buffer.from((doc as KeyDoc).key, 'base64');
    return this.key;
  }

  private async sign(token: string, expiresMs: number): Promise<string> {
    return createHmac('sha256', await this.signingKey())
      .update(`${token}.${expiresMs}`)
      .digest('hex');
  }

  /** A new link path (with query) for one person, valid for `ttlMs`. */
  async issue(input: { schoolId: string; personId: string; now: Date; ttlMs: number }): Promise<string> {
    const token = randomBytes(32).toString('base64url');
    const expiresMs = input.now.getTime() + input.ttlMs;
    const link: Omit<LinkDoc, 'version'> = {
      id: token,
      pk: token,
      kind: 'link',
      schoolId: input.schoolId,
      personId: input.personId,
      expiresAt: new Date(expiresMs).toISOString(),
    };
    await this.c.create(link);
    return `/dossier/${token}?e=${expiresMs}&s=${await this.sign(token, expiresMs)}`;
  }

  /** Checks the signature and expiry, then uses the link up: a second request gets 'gone'. */
  async redeem(token: string, e: unknown, s: unknown, now: Date): Promise<Redeemed> {
    if (
      !tokenPattern.test(token) ||
      typeof e !== 'string' ||
      !/^\d{1,15}$/.test(e) ||
      typeof s !== 'string' ||
      !sigPattern.test(s)
    ) {
      return { ok: false, reason: 'invalid' };
    }
    const expected = Buffer.from(await this.sign(token, Number(e)), 'hex');
    if (!timingSafeEqual(expected, Buffer.from(s, 'hex'))) return { ok: false, reason: 'invalid' };
    if (Number(e) <= now.getTime()) return { ok: false, reason: 'gone' };
    const doc = await this.c.get(token, token);
    if (doc?.kind !== 'link') return { ok: false, reason: 'invalid' };
    if (doc.usedAt || doc.expiresAt <= now.toISOString()) return { ok: false, reason: 'gone' };
    try {
      await this.c.replace({ ...doc, usedAt: now.toISOString() });
    } catch (err) {
      if (err instanceof ConflictError) return { ok: false, reason: 'gone' }; // used at the same moment elsewhere
      throw err;
    }
    return { ok: true, schoolId: doc.schoolId, personId: doc.personId };
  }

  /** Deletes links that expired more than a day ago. */
  async sweep(now: Date): Promise<number> {
    const before = new Date(now.getTime() - 86_400_000).toISOString();
    const old = await this.c.find({ where: { expiresAt: { lt: before } }, limit: 500 });
    let deleted = 0;
    for (const doc of old) {
      try {
        await this.c.delete(doc);
        deleted++;
      } catch (err) {
        if (!(err instanceof ConflictError)) throw err;
      }
    }
    return deleted;
  }
}
