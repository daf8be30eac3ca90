#!/usr/bin/env node
// The command line as an installed program (`npm link` in a checkout, or `npm install -g <checkout>`):
// `lob-reflectie <command>` is `npm run cli -- <command>` without npm. Plain JavaScript on purpose: it
// must start on any Node. The commands are TypeScript, which Node runs from 22.18 on; on an older Node
// (these machines ship 20) they run on the Node 22 that `npm install` brought (the `node` dev dependency).
// Settings come from the environment and from a `.env` file in the current folder, as for the bot.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bundled = path.join(root, 'node_modules', 'node', 'bin', 'node');
const runsTypeScript = Boolean(process.features?.typescript);
const node = runsTypeScript ? process.execPath : fs.existsSync(bundled) ? bundled : undefined;

if (!node) {
  process.stderr.write(
    `lob-reflectie needs Node.js 22 (this is ${process.version}). Install Node 22, or run \`npm install\` in ${root}.\n`,
  );
  process.exit(1);
}

const envFile = fs.existsSync('.env') ? ['--env-file=.env'] : [];
const result = spawnSync(
  node,
  ['--disable-warning=ExperimentalWarning', ...envFile, path.join(root, 'src', 'cli', 'main.ts'), ...process.argv.slice(2)],
  { stdio: 'inherit', env: { ...process.env, LOB_CLI_PROGRAM: 'lob-reflectie' } },
);
if (result.error) {
  process.stderr.write(`lob-reflectie: ${result.error.message}\n`);
  process.exit(1);
}
process.exit(result.status ?? 1);
