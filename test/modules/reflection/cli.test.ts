import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { runCli } from '../../../src/cli/main.ts';
import { checkLibrary } from '../../../src/core/flows/load-flows.ts';
import { openRepositories } from '../../../src/core/repositories.ts';
import { SqliteStore } from '../../../src/platform/store/sqlite/sqlite-store.ts';

let dir: string;
let out: string[];
let err: string[];

async function cli(...args: string[]): Promise<number> {
  return runCli(args, { out: (l) => out.push(l), err: (l) => err.push(l) }, { DEV_ALLOW_UNAUTHENTICATED: 'true', DATA_DIR: dir });
}

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lob-cli-student-'));
  out = [];
  err = [];
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('npm run cli: the student side', () => {
  it("lints the library with a school's own folder and lists every problem", async () => {
    expect(await cli('flows', 'lint')).toBe(0);
    expect(out.join('\n')).toMatch(/^OK: \d+ flows \(0 of the school's own\)/);

    const own = path.join(dir, 'flows');
    fs.mkdirSync(own);
    const flow = structuredClone(checkLibrary().entries.find((e) => e.flow.id === 'free')!.flow);
    flow.id = 'school-sport';
    flow.activityType = 'sport';
    const byId = (id: string) => flow.questions.find((q) => q.id === id)!;
    byId('happened').text.nl = 'Waarom deed je mee? Vertel het in je eigen woorden.';
    byId('explore').text.en = 'What next? And after that?';
    fs.writeFileSync(path.join(own, 'sport.yaml'), stringify(flow));
    expect(await cli('flows', 'lint', own)).toBe(2);
    expect(err).toEqual([
      `${path.join(own, 'sport.yaml')}: question "happened": text (nl) is a why-question in disguise ("Waarom"): ask what happened`,
      `${path.join(own, 'sport.yaml')}: question "explore": text: the Dutch and English texts do not match in shape ("Wat wil je hierna nog ontdekken?" / "What next? And after that?")`,
      `${path.join(own, 'sport.yaml')}: question "explore": text (en) asks more than one question`,
    ]);
    expect(out.at(-1)).toBe('3 problem(s) found; the bot will not start with this library.');
  });

  it('sets the sector of the school and of one student', async () => {
    expect(await cli('sector', 'set', 'mbo', '--school', 'tenant-1', '--create')).toBe(0);
    expect(await cli('role', 'add', '--email', 'sam@school.nl', '--role', 'student')).toBe(0);
    expect(await cli('sector', 'set', 'hbo', '--student', 'sam@school.nl')).toBe(0);
    expect(await cli('sector', 'set', 'wo')).toBe(1);
    expect(err.join('\n')).toContain('the sector must be one of: vo, mbo, hbo');
    const store = SqliteStore.open(path.join(dir, 'lob-reflectie.db'));
    const repos = await openRepositories(store);
    expect((await repos.schools.get('tenant-1'))?.sector).toBe('mbo');
    expect((await repos.people.findByEmail('tenant-1', 'sam@school.nl'))?.sector).toBe('hbo');
    await store.close();
  });
});
