import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SqliteStore } from '../../../src/platform/store/sqlite/sqlite-store.ts';
import { tenantId } from '../../helpers/activities.ts';
import { nov, World } from '../mentoring/world.ts';
import { answer, runPlan, runSend, type Student } from './school.ts';

// docs/security.md, "The student pulse": once a pulse has closed the store no longer says who took part.
// Deleting the marks through the store API is not enough on the embedded store: its write-ahead log keeps
// every version of every mark ("answered", with the student's id), each written right before the tally
// frame that took that student's remark, so the log alone says who wrote what. The bot keeps the store
// open for weeks, so the close of the store is no help: the files are read while it runs.

let dir: string;
let w: World | undefined;
let store: SqliteStore | undefined;
afterEach(async () => {
  await w?.stop();
  await store?.close();
  w = undefined;
  store = undefined;
  fs.rmSync(dir, { recursive: true, force: true });
});

function bytesOf(name: string): Buffer {
  const file = path.join(dir, name);
  return fs.existsSync(file) ? fs.readFileSync(file) : Buffer.alloc(0);
}

describe('student pulse on the SQLite store: the files once its marks are cleared', () => {
  it('hold no mark of a student, and no write order that pairs a student with a remark', async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lob-pulse-files-'));
    store = SqliteStore.open(path.join(dir, 'lob-reflectie.db'));
    w = await World.start({ at: nov(16, '10:00'), store });
    const voice = w.t.bot.deps.modules.studentVoice;
    const students: Student[] = [];
    for (let i = 1; i <= 3; i++) students.push(await w.person(`Leerling ${i}`, `leerling${i}@school.nl`));
    const scheduled = await voice.pulses.schedule({ schoolId: tenantId, opensOn: '2026-11-16', origin: 'cli' });
    if (!scheduled.ok) throw new Error('not scheduled');
    const pulseId = scheduled.pulse.id;
    expect((await runSend(w)).sent).toBe(3);
    const remarks = ['Opmerking-AAA-q1x: mijn mentor', 'Opmerking-BBB-q2x: de stage', 'Opmerking-CCC-q3x: geen tijd'];
    for (const [i, s] of students.entries()) {
      w.clock.advance(60_000);
      await w.act(s.user, 'student-voice.answer', { pulseId, ...answer, remark: remarks[i] });
    }
    // The pulse closes on 29 November; the plan job clears its marks a day later.
    w.clock.set(nov(30, '10:00'));
    w.clock.advance(24 * 3_600_000);
    expect((await runPlan(w)).cleared).toBe(3);
    for (const s of students) expect(await voice.repos.marks.listByStudent(s.person.id)).toEqual([]);

    // Read while the bot still has the store open, as whoever copies the data folder would.
    const wal = bytesOf('lob-reflectie.db-wal');
    const files = Buffer.concat([bytesOf('lob-reflectie.db'), wal]);
    const answeredMark = (studentId: string) => `"studentId":"${studentId}","pulseId":"${pulseId}","state":"answered"`;
    const whoAnswered = students.filter((s) => files.includes(Buffer.from(answeredMark(s.person.id))));
    const linked = students.map((s, i) => {
      const mark = wal.indexOf(Buffer.from(answeredMark(s.person.id)));
      const remark = wal.indexOf(Buffer.from(remarks[i]!));
      const nextMark = students[i + 1] ? wal.indexOf(Buffer.from(answeredMark(students[i + 1]!.person.id))) : wal.length;
      return mark >= 0 && remark > mark && remark < nextMark ? `${s.user.email} wrote "${remarks[i]}"` : undefined;
    });
    expect({ whoAnswered: whoAnswered.map((s) => s.user.email), linked: linked.filter(Boolean) }).toEqual({
      whoAnswered: [],
      linked: [],
    });
    // The figures themselves stay: the remarks are in the tally, owned by nobody.
    for (const r of remarks) expect(files.includes(Buffer.from(r))).toBe(true);
  }, 60_000);
});
