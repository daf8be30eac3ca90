import fs from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';

// Every production dependency is shipped to App Service and audited (npm run audit:prod): each must be used by
// the code in src/, imported or resolved by name ('name' or 'name/...').

const root = path.resolve(import.meta.dirname, '..');
const { dependencies } = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
};

it('declares only production dependencies that src/ uses', () => {
  const files = fs.readdirSync(path.join(root, 'src'), { recursive: true, encoding: 'utf8' }).filter((f) => /\.(ts|js)$/.test(f));
  const code = files.map((f) => fs.readFileSync(path.join(root, 'src', f), 'utf8')).join('\n');
  const unused = Object.keys(dependencies).filter((name) => !code.includes(`'${name}'`) && !code.includes(`'${name}/`));
  expect(unused).toEqual([]);
});
