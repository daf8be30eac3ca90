import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/platform/clock.ts';
import type { DocumentStore } from '../../../src/platform/store/document-store.ts';
import { testUser } from '../../helpers/activities.ts';
import { cliOn } from '../../helpers/cli.ts';
import { openEmulatedCosmosStore, startCosmosEmulator } from '../../helpers/cosmos-emulator.ts';
import { startTestBot } from '../../helpers/test-bot.ts';

// A rolling deploy on Cosmos DB: for a while the last release (0.1.0) and today's code run on the same
// database. Release 0.1.0 is represented by what it wrote (test/fixtures/store/release-0.1.0.db, made
// through its own HTTP interface and CLI), copied document by document into the emulator, each with one
// field today's code does not know (a field an older reader still needs, or a newer writer added).
// Today's bot and CLI then work on those documents: answers, commands, the calendar, the quality cycle,
// a campaign that falls due, a new student. Afterwards every document must still be readable by the
// older version: nothing it wrote is lost, no field it reads has gone or changed its kind, and the field
// today's code does not know is still there on every document today's code rewrote.

const fixture = path.resolve(import.meta.dirname, '../../fixtures/store/release-0.1.0.db');
// The fixture's users, in the order it created them (their Teams and Entra ids follow from that order).
const sanne = testUser('Sanne de Vries', 'sanne@school.nl');
const daan = testUser('Daan Smit', 'daan@school.nl');
const jansen = testUser('Piet Jansen', 'p.jansen@school.nl');
const newcomer = testUser('Noor Bakker', 'noor@school.nl');
const unknownField = 'writtenByAnotherVersion';

type Json = Record<string, unknown>;
const kindOf = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);

/** Every document release 0.1.0 left, by collection (the store's own columns put back into the document). */
function releaseDocuments(): Map<string, Json[]> {
  const db = new DatabaseSync(fixture, { readOnly: true });
  const out = new Map<string, Json[]>();
  const tables = db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'c\\_%' ESCAPE '\\'`).all() as {
    name: string;
  }[];
  for (const { name } of tables) {
    const rows = db.prepare(`SELECT pk, id, doc FROM ${name}`).all() as { pk: string; id: string; doc: string }[];
    if (rows.length === 0) continue;
    out.set(
      name.slice(2),
      rows.map((r) => ({ ...(JSON.parse(r.doc) as Json), id: r.id, pk: r.pk })),
    );
  }
  db.close();
  return out;
}

/** The kinds of the fields the older reader knows in a collection (those its documents agree on). */
function requiredShape(docs: Json[]): Map<string, string> {
  const shape = new Map<string, string>();
  for (const [k, v] of Object.entries(docs[0]!)) if (k !== 'version' && k !== unknownField) shape.set(k, kindOf(v));
  for (const d of docs.slice(1))
    for (const k of [...shape.keys()]) if (!(k in d) || kindOf(d[k]) !== shape.get(k)) shape.delete(k);
  return shape;
}

describe('two versions side by side on Cosmos DB (rolling deploy)', () => {
  let emulator: Awaited<ReturnType<typeof startCosmosEmulator>>;
  let store: DocumentStore;
  let database: string;
  const released = releaseDocuments();

  beforeAll(async () => {
    emulator = await startCosmosEmulator();
    database = `rolling${Date.now()}`;
    store = await openEmulatedCosmosStore(emulator.endpoint, database);
    for (const [name, docs] of released) {
      const c = await store.collection<Json & { id: string; pk: string; version: number }>({ name, indexes: [] });
      for (const d of docs) {
        const { version: _v, ...doc } = d;
        await c.create({ ...(doc as { id: string; pk: string }), [unknownField]: { by: '0.1.0', keep: true } });
      }
    }
  }, 120_000);
  afterAll(async () => {
    await store?.close();
    await emulator?.close();
  });

  it("today's bot and CLI keep every document readable by the release before", async () => {
    // Friday 27 November 2026, 15:00 in Amsterdam: the fixture's shadow day ended two hours ago.
    const clock = new ManualClock('2026-11-27T14:00:00Z');
    const cosmosEnv = {
      COSMOS_ENDPOINT: emulator.endpoint,
      COSMOS_KEY: 'emulator-key',
      COSMOS_DATABASE: database,
      COSMOS_ALLOW_SELF_SIGNED: 'true',
    };
    const t = await startTestBot({ store, clock, env: { RATE_LIMIT_PER_MINUTE: '10000', RATE_LIMIT_BURST: '10000' } });
    try {
      for (const u of [sanne, daan, jansen, newcomer]) t.join(u);
      expect((await t.send('personal-message', sanne, { text: 'mijn reflecties' })).status).toBe(200);
      expect((await t.send('personal-message', jansen, { text: 'mijn studenten' })).status).toBe(200);
      expect((await t.send('personal-installation-add', newcomer)).status).toBe(200);
      for (const job of t.bot.deps.jobs.names()) await t.bot.deps.jobs.runNow(job);
      await t.bot.router.idle();
      const cli = cliOn('/nonexistent', { clock, env: cosmosEnv });
      expect(await cli.run('calendar', 'set', '--quiet-after', '19:00')).toBe(0);
      expect(await cli.run('pdca', 'team', 'edit', '--id', 'havo-bovenbouw', '--name', 'Havo 4 en 5')).toBe(0);
      expect(await cli.run('assign-mentor', '--student', newcomer.email, '--mentor', jansen.email)).toBe(0);
      expect(await cli.run('campaign', 'pause', (released.get('campaigns')![0]!['id'] as string) ?? '')).toBe(0);
    } finally {
      await t.stop();
    }

    const problems: string[] = [];
    let rewritten = 0;
    for (const [name, docs] of released) {
      const c = await store.collection<Json & { id: string; pk: string; version: number }>({ name, indexes: [] });
      const now = await c.find();
      const shape = requiredShape(docs);
      for (const before of docs) {
        const after = now.find((d) => d.id === before['id'] && d.pk === before['pk']);
        if (!after) {
          if (name !== 'leases') problems.push(`${name}/${before['id']}: gone`);
          continue;
        }
        if (after.version > 1) rewritten++;
        if (JSON.stringify(after[unknownField]) !== JSON.stringify({ by: '0.1.0', keep: true }))
          problems.push(`${name}/${before['id']}: the field today's code does not know was dropped on a rewrite`);
        for (const [k, v] of Object.entries(before)) {
          if (k === 'version' || k === unknownField) continue;
          if (!(k in after)) problems.push(`${name}/${before['id']}: field ${k} gone`);
          else if (kindOf(after[k]) !== kindOf(v) && v !== null)
            problems.push(`${name}/${before['id']}: ${k} was ${kindOf(v)}, now ${kindOf(after[k])}`);
        }
      }
      // Documents today's code created: a field the older reader knows has the kind it expects (which
      // fields a document has depends on its state, e.g. an open reflection has no submittedAt yet).
      for (const d of now.filter((x) => !docs.some((b) => b['id'] === x.id && b['pk'] === x.pk))) {
        for (const [k, kind] of shape)
          if (k in d && d[k] !== null && kindOf(d[k]) !== kind)
            problems.push(`${name}/${d.id} (new): ${k} is ${kindOf(d[k])}, not ${kind}`);
      }
    }
    expect(problems).toEqual([]);
    // Today's code did rewrite documents the release wrote (otherwise this proves nothing).
    expect(rewritten).toBeGreaterThanOrEqual(4);
  }, 120_000);
});
