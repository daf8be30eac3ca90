import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// The coordinator page's browser files: Chart.js, Adaptive Cards and the Teams library from our own
// node_modules, and the page's own script and style sheet, each read once and served with an ETag.

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const packageDir = (name: string) => {
  let dir = path.dirname(require.resolve(name));
  while (!fs.existsSync(path.join(dir, 'package.json'))) dir = path.dirname(dir);
  return dir;
};

export interface Asset {
  body: Buffer;
  type: string;
  etag: string;
}

const assetSources: Record<string, { file: () => string; type: string }> = {
  'teams.js': {
    file: () => path.join(packageDir('@microsoft/teams-js'), 'dist/umd/MicrosoftTeams.min.js'),
    type: 'text/javascript',
  },
  'chart.js': { file: () => path.join(packageDir('chart.js'), 'dist/chart.umd.min.js'), type: 'text/javascript' },
  'adaptivecards.js': {
    file: () => path.join(packageDir('adaptivecards'), 'dist/adaptivecards.min.js'),
    type: 'text/javascript',
  },
  // Our own browser code: plain JavaScript with JSDoc types (tsc checks it), served as it is, so no
  // experimental run-time type stripping happens in production.
  'page.js': { file: () => path.join(here, 'client.js'), type: 'text/javascript' },
  'page.css': { file: () => path.join(here, 'coordinator.css'), type: 'text/css' },
};

const assets = new Map<string, Asset>();

export function asset(name: string): Asset | undefined {
  const source = Object.hasOwn(assetSources, name) ? assetSources[name] : undefined;
  if (!source) return undefined;
  let a = assets.get(name);
  if (!a) {
    const body = fs.readFileSync(source.file());
    a = {
      body,
      type: `${source.type}; charset=utf-8`,
      etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`,
    };
    assets.set(name, a);
  }
  return a;
}
