import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseEnv } from 'node:util';

// The settings of a developer's machine: the repository's env.development (development mode, the
// Playground's connector), then the developer's own .env from the current folder over them. The real
// environment wins over both, as with `node --env-file`. This replaces `--env-file-if-exists=.env`, which
// prints ".env not found. Continuing without it." on every start of everyone without a .env.

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Loads env.development and .env (when present) into env; returns the files it read. */
export function loadDevEnv(
  env: NodeJS.ProcessEnv = process.env,
  files = [path.join(repoRoot, 'env.development'), path.resolve('.env')],
): string[] {
  const fromEnvironment = new Set(Object.keys(env));
  const read: string[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw err;
    }
    for (const [key, value] of Object.entries(parseEnv(text))) if (!fromEnvironment.has(key)) env[key] = value;
    read.push(file);
  }
  return read;
}
