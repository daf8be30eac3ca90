#!/usr/bin/env node
// The command line as an installed program (`npm link` in a checkout, or `npm install -g <checkout>`):
// `lob-reflectie <command>` is `npm run cli -- <command>` without npm. Plain JavaScript on purpose: it
// must start on any Node. The commands are TypeScript, run by Node 24 (package.json "engines"); on an
// older Node (these machines ship 20) they run on the Node 24 that `npm install` brought (the `node` dev
// dependency). Settings come from the environment and from a `.env` file in the current folder, as for the bot.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bundled = path.join(root, 'node_modules', 'node', 'bin', 'node');
const minimum = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')).engines.node.replace(/^>=/, '');
const node = atLeast(process.versions.node, minimum) ? process.execPath : fs.existsSync(bundled) ? bundled : undefined;

if (!node) {
  process.stderr.write(
    `lob-reflectie needs Node.js ${minimum} or later (this is ${process.version}). Install Node 24, or run \`npm install\` in ${root}.\n`,
  );
  process.exit(1);
}

const envFile = fs.existsSync('.env') ? ['--env-file=.env'] : [];
const result = spawnSync(node, [...envFile, path.join(root, 'src', 'cli', 'main.ts'), ...process.argv.slice(2)], {
  stdio: 'inherit',
  env: { ...process.env, LOB_CLI_PROGRAM: 'lob-reflectie' },
});
if (result.error) {
  process.stderr.write(`lob-reflectie: ${result.error.message}\n`);
  process.exit(1);
}
process.exit(result.status ?? 1);

/** Whether dotted version `have` is at least `want` (e.g. "24.11"); plain numbers, no pre-releases. */
function atLeast(have, want) {
  const a = have.split('.').map(Number);
  const b = want.split('.').map(Number);
  for (let i = 0; i < b.length; i++) {
    if ((a[i] ?? 0) !== b[i]) return (a[i] ?? 0) > b[i];
  }
  return true;
}
