import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// Every message the bot sends takes its place in the tenant's send windows and is retried the same way
// (docs/delivery.md). That holds only while nothing outside the delivery code and the Teams transport
// talks to the connector's sending methods itself: this lint fails when something does.

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '../..');
const allowed = ['src/delivery/', 'src/teams/'];
const sending = /\.(sendActivity|updateActivity|createPersonalConversation)\s*\(/g;

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

/** Lines that call a sending method of the connector, as `file:line: text`. */
function directSends(file: string, text: string): string[] {
  return text.split('\n').flatMap((line, i) => (line.match(sending) ? [`${file}:${i + 1}: ${line.trim()}`] : []));
}

describe('who may call the connector to send', () => {
  it('recognises a direct send (the lint is not blind)', () => {
    const sample = 'await this.deps.connector.sendActivity(ref.serviceUrl, id, a);\nconnector.updateActivity (u, c, a, x)';
    expect(directSends('sample.ts', sample)).toHaveLength(2);
  });

  it('finds no send, update or chat opening outside src/delivery/ and src/teams/', () => {
    const offenders = sourceFiles(path.join(root, 'src'))
      .map((file) => path.relative(root, file).split(path.sep).join('/'))
      .filter((file) => !allowed.some((dir) => file.startsWith(dir)))
      .flatMap((file) => directSends(file, fs.readFileSync(path.join(root, file), 'utf8')));
    expect(offenders).toEqual([]);
  });
});
