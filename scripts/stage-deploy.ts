import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// `npm run deploy:stage`: the deploy stage of teamsapp.yml. Copies what the bot reads at run time into .deploy/
// and installs the production dependencies there, which azureAppService/zipDeploy then uploads. Working in a
// copy keeps the developer's own node_modules (with the test tools) as they are.
//   --out <dir>     stage somewhere else (default: .deploy)
//   --no-install    copy only (the tests link node_modules themselves)

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Where teamsapp.yml's zipDeploy picks the staged app up (its artifactFolder). */
export const defaultOutDir = '.deploy';

/**
 * Everything App Service needs besides node_modules: the code, card templates, reflection flows, the shipped
 * school holidays (every proactive message asks them), locales (in src).
 */
export const runtimeEntries = ['package.json', 'package-lock.json', 'src', 'prompts', 'calendar'] as const;

// Marks a folder as made by stage(), so a mistyped --out never empties anything else.
const marker = '.staged-by-lob-reflectie';

export function stage(outDir: string): void {
  const fromOut = path.relative(outDir, repoRoot);
  if (!fromOut.startsWith('..') && !path.isAbsolute(fromOut))
    throw new Error(`refusing to stage into ${outDir}: it holds the repository`);
  if (fs.existsSync(outDir) && fs.readdirSync(outDir).length > 0 && !fs.existsSync(path.join(outDir, marker))) {
    throw new Error(`refusing to empty ${outDir}: it was not made by this script`);
  }
  fs.rmSync(outDir, { recursive: true, force: true });
  fs.mkdirSync(outDir, { recursive: true });
  fs.writeFileSync(path.join(outDir, marker), '');
  for (const entry of runtimeEntries) {
    fs.cpSync(path.join(repoRoot, entry), path.join(outDir, entry), { recursive: true });
  }
}

function installProductionDependencies(outDir: string): void {
  // Under `npm run`, npm_execpath is the npm that runs us; call it through this node so Windows needs no shell.
  const npmCli = process.env.npm_execpath;
  const [command, args] = npmCli ? [process.execPath, [npmCli]] : ['npm', []];
  const result = spawnSync(command, [...args, 'ci', '--omit=dev', '--no-audit', '--no-fund'], {
    cwd: outDir,
    stdio: 'inherit',
    shell: !npmCli && process.platform === 'win32',
  });
  if (result.status !== 0) throw new Error(`npm ci --omit=dev failed in ${outDir} (exit ${result.status ?? result.signal})`);
}

if (import.meta.main) {
  const argv = process.argv.slice(2);
  const outIndex = argv.indexOf('--out');
  const outDir = path.resolve(repoRoot, (outIndex >= 0 && argv[outIndex + 1]) || defaultOutDir);
  try {
    stage(outDir);
    if (!argv.includes('--no-install')) installProductionDependencies(outDir);
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    process.exit(1);
  }
  process.stdout.write(`Staged the app for App Service in ${outDir}\n`);
}
