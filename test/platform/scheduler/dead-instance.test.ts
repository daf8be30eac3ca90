import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type Collection,
  type CollectionDef,
  type Doc,
  type DocumentStore,
  type NewDoc,
  type Write,
  type Written,
  writeInOrder,
} from '../../../src/platform/store/document-store.ts';
import { SqliteStore } from '../../../src/platform/store/sqlite/sqlite-store.ts';
import { startTestBot, type TestBot } from '../../helpers/test-bot.ts';
import { cardText, digestsIn, executes, nov, plain, World } from '../../modules/mentoring/world.ts';

// An instance killed in the middle of a digest run (or an outbox run) leaves its job lease and the item it
// had just claimed behind: nothing releases them. Another instance takes the job once the lease has ended
// (30 s, LEASE_SECONDS) and sends the claimed item, exactly once, in that same run: the claim held as long
// as the lease, not two minutes, and the lease was not five minutes (issue 14).

/**
 * The dying instance's store: once `dies` says so (after a write it has just made), nothing it asks of the
 * store is ever answered again, as if the process had been killed at that moment.
 */
class KillableStore implements DocumentStore {
  private readonly inner: DocumentStore;
  private readonly dies: (collection: string, op: 'create' | 'replace', doc: Doc) => boolean;
  dead = false;
  private readonly inners = new WeakMap<object, Collection<Doc>>();
  constructor(inner: DocumentStore, dies: KillableStore['dies']) {
    this.inner = inner;
    this.dies = dies;
  }

  get kind() {
    return this.inner.kind;
  }

  private call<R>(op: () => Promise<R>, after?: (r: R) => void): Promise<R> {
    if (this.dead) return new Promise<R>(() => {});
    return op().then((r) => {
      after?.(r);
      return this.dead ? new Promise<R>(() => {}) : r;
    });
  }

  async collection<T extends Doc>(def: CollectionDef): Promise<Collection<T>> {
    const c = await this.inner.collection<T>(def);
    const wrote = (op: 'create' | 'replace') => (doc: T) => {
      if (this.dies(def.name, op, doc)) this.dead = true;
    };
    const wrapped: Collection<T> = {
      name: c.name,
      get: (pk, id) => this.call(() => c.get(pk, id)),
      create: (doc: NewDoc<T>) => this.call(() => c.create(doc), wrote('create')),
      replace: (doc: T) => this.call(() => c.replace(doc), wrote('replace')),
      delete: (doc: T) => this.call(() => c.delete(doc)),
      find: (query) => this.call(() => c.find(query)),
      count: (query) => this.call(() => c.count(query)),
    };
    this.inners.set(wrapped, c as unknown as Collection<Doc>);
    return wrapped;
  }

  writeAll(writes: readonly Write[]): Promise<Written> {
    const inner = writes.map((w) => ({ ...w, collection: this.inners.get(w.collection) ?? w.collection }) as Write);
    return this.call(() => (this.inner.writeAll ? this.inner.writeAll(inner) : writeInOrder(inner)));
  }

  ping(): Promise<void> {
    return this.call(() => this.inner.ping());
  }

  purgeErased(): Promise<boolean> {
    return this.inner.purgeErased();
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}

const dirs: string[] = [];
const bots: { stop(): Promise<void> }[] = [];
afterEach(async () => {
  for (const b of bots.splice(0)) await b.stop();
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

/** The dying instance (a World on a file store that dies when `dies` says so) and another one on the same store. */
async function twoInstances(dies: (collection: string, op: 'create' | 'replace', doc: Doc) => boolean) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lob-dead-instance-'));
  dirs.push(dir);
  const file = path.join(dir, 'store.db');
  const dying = new KillableStore(SqliteStore.open(file), dies);
  const w = await World.start({ at: nov(2, '10:00'), store: dying });
  bots.push(w);
  const env = { RATE_LIMIT_PER_MINUTE: '10000', RATE_LIMIT_BURST: '10000' };
  const other: TestBot = await startTestBot({ clock: w.clock, store: SqliteStore.open(file), connector: w.t.connector, env });
  bots.push(other);
  const jansen = await w.person('Piet Jansen', 'jansen@school.nl', 'mentor');
  const bakker = await w.person('Mieke Bakker', 'bakker@school.nl', 'mentor');
  const sanne = await w.person('Sanne de Vries', 'sanne@school.nl');
  const eva = await w.person('Eva Peters', 'eva@school.nl');
  await w.assign(sanne.user, jansen.user);
  await w.assign(eva.user, bakker.user);
  return { w, dying, other, mentors: [jansen, bakker], students: [sanne, eva] };
}

describe('an instance killed in the middle of a run', () => {
  it('leaves its claimed digest to the next instance, which sends it once as soon as the lease has ended', async () => {
    let claims = 0;
    // Killed right after it claimed the second mentor's digest, before that digest went out.
    const { w, dying, other, mentors, students } = await twoInstances(
      (collection, op) => collection === 'mentor_digests' && op === 'create' && ++claims === 2,
    );
    for (const student of students) await w.reflect(student.user);

    w.clock.set(nov(6, '15:05'));
    void w.t.bot.deps.jobs.tick('mentoring.digest');
    await w.t.connector.waitFor(() => dying.dead);
    expect(mentors.map((m) => digestsIn(w.cards(m.user)).length).sort()).toEqual([0, 1]);

    // The lease and the claim are still the dead instance's for 30 s, then the other instance's.
    w.clock.advance(29_000);
    expect(await other.bot.deps.jobs.tick('mentoring.digest')).toEqual({ status: 'held-elsewhere' });
    w.clock.advance(2_000);
    expect(await other.bot.deps.jobs.tick('mentoring.digest')).toMatchObject({ status: 'ran', result: { sent: 1 } });
    for (const mentor of mentors) expect(digestsIn(w.cards(mentor.user))).toHaveLength(1);

    // Later runs send nothing again.
    w.clock.advance(5 * 60_000);
    expect(await other.bot.deps.jobs.tick('mentoring.digest')).toMatchObject({ status: 'ran', result: { sent: 0 } });
    for (const mentor of mentors) expect(digestsIn(w.cards(mentor.user))).toHaveLength(1);
  }, 30_000);

  it('leaves its claimed outbox entry (a planned conversation’s reminder) to the next instance, sent once', async () => {
    let claims = 0;
    const { w, dying, other, mentors, students } = await twoInstances(
      (collection, op, doc) =>
        collection === 'mentoring_outbox' &&
        op === 'replace' &&
        Boolean((doc as { claimedUntil?: string }).claimedUntil) &&
        ++claims === 2,
    );
    // Each student asks to talk; each mentor plans the conversation (a reminder in 7 days, in the outbox).
    for (const [i, student] of students.entries()) {
      await w.reflect(student.user, { ...plain, 'wants-to-talk': 'true' });
      const card = w.cards(mentors[i]!.user).at(-1)!;
      const data = executes(card).find((a) => a.verb === 'mentor.discussed')!.data;
      await w.act(mentors[i]!.user, 'mentor.plan', data);
    }
    const reminders = (m: (typeof mentors)[number]) =>
      w.cards(m.user).filter((c) => cardText(c).includes('Herinnering: een gepland gesprek')).length;

    w.clock.set(nov(9, '10:00'));
    void w.t.bot.deps.jobs.tick('mentoring.outbox');
    await w.t.connector.waitFor(() => dying.dead);
    expect(mentors.map(reminders).sort()).toEqual([0, 1]);

    w.clock.advance(29_000);
    expect(await other.bot.deps.jobs.tick('mentoring.outbox')).toEqual({ status: 'held-elsewhere' });
    w.clock.advance(2_000);
    expect(await other.bot.deps.jobs.tick('mentoring.outbox')).toMatchObject({ status: 'ran', result: { sent: 1 } });
    w.clock.advance(60_000);
    expect(await other.bot.deps.jobs.tick('mentoring.outbox')).toMatchObject({ status: 'ran', result: { sent: 0 } });
    expect(mentors.map(reminders)).toEqual([1, 1]);
  }, 30_000);
});
