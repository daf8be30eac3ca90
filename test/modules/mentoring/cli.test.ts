import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../../../src/cli/main.ts';
import { nextAllowed } from '../../../src/core/send-policy/quiet-hours.ts';
import { Leases } from '../../../src/platform/scheduler/leases.ts';
import { SqliteStore } from '../../../src/platform/store/sqlite/sqlite-store.ts';
import { tenantId } from '../../helpers/activities.ts';
import { cardText, digestsIn, nov, plain, World } from './world.ts';

// The mentor commands of `npm run cli`, on the store file of a running bot.

describe('npm run cli: digest run and change-mentor', () => {
  let dir: string;
  let store: SqliteStore;
  let w: World;
  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lob-mentor-cli-'));
    store = SqliteStore.open(path.join(dir, 'lob-reflectie.db'));
    w = await World.start({ store, at: nov(2, '10:00') });
  });
  afterEach(async () => {
    await w.stop();
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const cli = (...args: string[]) => cliWith({}, ...args);
  async function cliWith(env: Record<string, string>, ...args: string[]) {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runCli(
      args,
      { out: (l) => out.push(l), err: (l) => err.push(l) },
      { DEV_ALLOW_UNAUTHENTICATED: 'true', DATA_DIR: dir, SERVICE_URL: w.t.connector.url, LOG_LEVEL: 'error', ...env },
    );
    return { code, out: out.join('\n'), err: err.join('\n') };
  }

  // A scheduled tick leaves the digest job's lease to end by itself (LEASE_SECONDS): a command right after
  // it waits for that instead of refusing; a lease that is kept renewed (a run going on) is refused.
  it('waits for a lease a bot left to end by itself, and refuses one that stays held', async () => {
    const mentor = await w.person('Piet Jansen', 'jansen@school.nl', 'mentor');
    const student = await w.person('Sanne de Vries', 'sanne@school.nl');
    await w.assign(student.user, mentor.user);
    await w.reflect(student.user);
    const leases = await Leases.open(store);
    await leases.acquire('job:mentoring.digest', 'a-bot-instance', 2_000, new Date());
    const started = Date.now();
    const run = await cli('digest', 'run', '--now');
    expect(run.code).toBe(0);
    expect(run.out).toContain('Waiting for the digest job');
    expect(run.out).toContain('jansen@school.nl: sent');
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_500);

    await leases.acquire('job:mentoring.digest', 'a-bot-instance', 60_000, new Date());
    // With LEASE_SECONDS=5 the command gives up after 6 s.
    const refused = await cliWith({ LEASE_SECONDS: '5' }, 'digest', 'run', '--now');
    expect(refused.code).toBe(1);
    expect(refused.err).toContain('a digest run is in progress');
  }, 30_000);

  it('sends every mentor with something new their digest now, once, and prints counts, never answers', async () => {
    const mentor = await w.person('Piet Jansen', 'jansen@school.nl', 'mentor');
    const other = await w.person('Mieke Bakker', 'bakker@school.nl', 'mentor');
    const student = await w.person('Sanne de Vries', 'sanne@school.nl');
    await w.assign(student.user, mentor.user);
    await w.reflect(student.user);

    const run = await cli('digest', 'run', '--now');
    expect(run.code).toBe(0);
    expect(run.out).toContain('jansen@school.nl: sent (1 student(s), 1 entries)');
    expect(run.out).toContain('Digests: 1 sent, 1 with nothing new, 0 failed.');
    expect(run.out + run.err).not.toContain(plain.happened);
    expect(cardText(digestsIn(w.cards(mentor.user))[0])).toContain(plain.happened);
    expect(digestsIn(w.cards(other.user))).toHaveLength(0);

    const again = await cli('digest', 'run', '--now');
    expect(again.out).toContain('Digests: 0 sent');
    expect(digestsIn(w.cards(mentor.user))).toHaveLength(1);

    expect((await cli('digest', 'run', '--now', '--mentor', 'nobody@school.nl')).code).toBe(1);
    const scheduled = await cli('digest', 'run');
    expect(scheduled.code).toBe(0);
    expect(scheduled.out).toMatch(/Digests: \d+ sent/);
  });

  it('changes a mentor: the old one loses access, the new one gets a handover from the bot', async () => {
    const old = await w.person('Piet Jansen', 'jansen@school.nl', 'mentor');
    const next = await w.person('Mieke Bakker', 'bakker@school.nl', 'mentor');
    const student = await w.person('Sanne de Vries', 'sanne@school.nl');
    await w.assign(student.user, old.user);
    await w.reflect(student.user);

    const changed = await cli('change-mentor', '--student', 'sanne@school.nl', '--mentor', 'bakker@school.nl');
    expect(changed.code).toBe(0);
    expect(changed.out).toContain('Changed: bakker@school.nl is now the mentor of sanne@school.nl.');
    expect(changed.out).toContain('Ended (no access any more): jansen@school.nl.');
    expect(changed.out).toContain('handover');
    expect(await w.repos.assignments.activeMentorsOf(student.person.schoolId, student.person.id)).toEqual([
      expect.objectContaining({ mentorId: next.person.id }),
    ]);
    expect((await cli('change-mentor', '--student', 'sanne@school.nl', '--mentor', 'bakker@school.nl')).out).toContain(
      'Unchanged',
    );
    expect((await cli('change-mentor', '--student', 'sanne', '--mentor', 'bakker@school.nl')).code).toBe(1);

    // The command ran on the real clock; the bot's clock moves to when the handover may go out.
    const [entry] = await w.mentoring.repos.outbox.listAbout(next.person.id, 'handover', student.person.id);
    expect(entry).toMatchObject({ state: 'pending', previousMentorIds: [old.person.id] });
    w.clock.set(nextAllowed(new Date(entry!.notBefore), await w.t.bot.deps.sendPolicy(tenantId), 'mentor-handover')!);
    expect((await w.runOutbox()).sent).toBe(1);
    expect(cardText(w.cards(next.user).at(-1))).toContain('Er is een leerling aan je overgedragen');
    expect(cardText(w.cards(old.user).at(-1))).not.toContain('overgedragen');
  });
});
