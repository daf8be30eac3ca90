import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

// The layout's dependency rule (docs/architecture.md): the platform knows nothing of the product, and the
// core knows no feature module, no Teams transport and no CLI. A feature may use the core and the platform.

const src = path.resolve(import.meta.dirname, '../../src');

function importsOf(dir: string): { file: string; target: string }[] {
  const out: { file: string; target: string }[] = [];
  for (const name of fs.readdirSync(path.join(src, dir), { recursive: true, encoding: 'utf8' })) {
    if (!/\.(ts|js)$/.test(name)) continue;
    const file = path.join(src, dir, name);
    for (const m of fs.readFileSync(file, 'utf8').matchAll(/from '(\.{1,2}\/[^']+)'/g)) {
      out.push({ file: path.relative(src, file), target: path.relative(src, path.resolve(path.dirname(file), m[1]!)) });
    }
  }
  return out;
}

const outside = (imports: { file: string; target: string }[], forbidden: string[]) =>
  imports
    .filter((i) => forbidden.some((f) => i.target === f || i.target.startsWith(`${f}/`)))
    .map((i) => `${i.file} → ${i.target}`);

describe('the dependency direction', () => {
  it('keeps the core free of feature modules, the Teams transport, the CLI and the delivery engine', () => {
    expect(outside(importsOf('core'), ['modules', 'teams', 'cli', 'delivery', 'app.ts', 'main.ts'])).toEqual([]);
  });

  it('keeps the platform free of the product (config may name the core roles it parses)', () => {
    const imports = importsOf('platform').filter((i) => !(i.file === 'platform/config.ts' && i.target === 'core/roles.ts'));
    expect(outside(imports, ['core', 'modules', 'teams', 'cli', 'delivery', 'app.ts', 'main.ts'])).toEqual([]);
  });
});
