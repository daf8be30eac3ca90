import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// The settings of a developer's machine: the repository's env.development (development mode, the
// Playground's connector), then the developer's own .env from the current folder over them. The real
// environment wins over both, as with `node --env-file`. This replaces `--env-file-if-exists=.env`, which
// prints ".env not found. Continuing without it." on every start of everyone without a .env.

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * Loads .env (when present) and env.development into the environment; returns the files it read.
 * process.loadEnvFile never overrides a variable that is already set, so the real environment wins,
 * and .env, read first, wins over env.development.
 */
export function loadDevEnv(files = [path.resolve('.env'), path.join(repoRoot, 'env.development')]): string[] {
  const read: string[] = [];
  for (const file of files) {
    if (!fs.existsSync(file)) continue;
    process.loadEnvFile(file);
    read.push(file);
  }
  return read;
}
