import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { openRepositories } from '../../src/core/repositories.ts';
import { SqliteStore } from '../../src/platform/store/sqlite/sqlite-store.ts';

// The CLI as an installed program (package.json "bin": `npm link` or `npm install -g` a checkout), run the
// way IT runs it: from a folder of their own, with the settings in a .env file there. Once with the Node
// running the tests (24), and once with the machine's own Node when it has one (20 on these machines: the
// program then runs the commands on the Node 24 that `npm install` brought).

const bin = path.resolve('bin/lob-reflectie.js');
const systemNode = ['/usr/bin/node', '/usr/local/bin/node'].find((p) => fs.existsSync(p));
const school = 'tenant-bin-test';
let dir: string;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lob-bin-'));
  fs.writeFileSync(
    path.join(dir, '.env'),
    `DEV_ALLOW_UNAUTHENTICATED=true\nDATA_DIR=${path.join(dir, 'store')}\nLOG_LEVEL=warn\n`,
  );
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

function run(node: string, ...args: string[]) {
  // Without npm's PATH, as from a terminal: the program must find its own Node 24.
  const env: NodeJS.ProcessEnv = { ...process.env, PATH: '/usr/local/bin:/usr/bin:/bin' };
  for (const key of ['DEV_ALLOW_UNAUTHENTICATED', 'DATA_DIR', 'COSMOS_ENDPOINT']) delete env[key];
  return spawnSync(node, [bin, ...args], { cwd: dir, env, encoding: 'utf8', timeout: 60_000 });
}

async function mentorsOf(email: string): Promise<string[]> {
  const store = SqliteStore.open(path.join(dir, 'store', 'lob-reflectie.db'));
  try {
    const repos = await openRepositories(store);
    const student = await repos.people.findByEmail(school, email);
    const mentors = await repos.assignments.activeMentorsOf(school, student!.id);
    return Promise.all(mentors.map(async (a) => (await repos.people.get(school, a.mentorId))!.email!));
  } finally {
    await store.close();
  }
}

for (const [name, node] of [
  ['the Node running the tests', process.execPath],
  ["the machine's own Node", systemNode],
] as const) {
  it.runIf(node)(`lob-reflectie runs a command with ${name}, with the settings from .env`, { timeout: 60_000 }, async () => {
    const help = run(node!, '--help');
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('Usage: lob-reflectie <command>');

    const done = run(
      node!,
      'assign-mentor',
      '--student',
      'sanne@school.nl',
      '--mentor',
      'p.jansen@school.nl',
      '--school',
      school,
      '--create',
    );
    expect(done.status, done.stderr).toBe(0);
    expect(await mentorsOf('sanne@school.nl')).toEqual(['p.jansen@school.nl']);

    const wrong = run(node!, 'assign-mentor', '--student', 'not-an-email');
    expect(wrong.status).not.toBe(0);
    expect(wrong.stderr).toContain('--student and --mentor are required');
  });
}
