import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { commands } from '../../src/cli/main.ts';
import { cliCommands, features } from '../../src/modules/index.ts';

// The bot and the CLI are built from one list of modules (src/modules/index.ts). These checks keep it
// that way: a module folder that is not in the list, or wiring cached beside the set-up, fails here.

const root = path.resolve(import.meta.dirname, '../..');
const modulesDir = path.join(root, 'src/modules');

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return sources(full);
    return e.name.endsWith('.ts') ? [full] : [];
  });
}

describe('the module list', () => {
  it('has every module folder, each with one setup.ts', () => {
    const folders = fs
      .readdirSync(modulesDir, { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => e.name);
    const index = fs.readFileSync(path.join(modulesDir, 'index.ts'), 'utf8');
    for (const folder of folders) {
      expect(fs.existsSync(path.join(modulesDir, folder, 'setup.ts')), `${folder}/setup.ts`).toBe(true);
      expect(index, `src/modules/index.ts imports ${folder}`).toContain(`from './${folder}/setup.ts'`);
    }
  });

  it('gives the CLI exactly the modules’ commands (and the store’s backup and restore), and the bot their Teams side', () => {
    expect(commands.filter((c) => !cliCommands.includes(c)).map((c) => c.name)).toEqual(['backup', 'restore']);
    expect(cliCommands.every((c) => commands.includes(c))).toBe(true);
    expect(new Set(commands.map((c) => c.name)).size).toBe(commands.length);
    expect(features.map((f) => f.name)).toContain('quality-cycle');
    expect(new Set(features.map((f) => f.name)).size).toBe(features.length);
  });

  it('leaves wiring to the set-up: no service cached per bot or per store', () => {
    const cached = sources(path.join(root, 'src'))
      .filter((file) => /new WeakMap<(BotDeps|DocumentStore)\b/.test(fs.readFileSync(file, 'utf8')))
      .map((file) => path.relative(root, file));
    expect(cached).toEqual([]);
  });
});
