import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// The mentor side says what to send; the delivery engine sends it (docs/delivery.md). Replies inside a
// turn (`turn.sendCard`) are the transport's; anything else that reaches Reach or the connector from
// this module would bring back a claim, a calendar check and a backoff of its own.

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const moduleDir = path.join(root, 'src/modules/mentoring');
const forbidden = [
  /from '[./]*teams\/(reach|connector|rate-limit)\.ts'/,
  /\breach\.(sendCard|sendToConversation|updateCard)\s*\(/,
  /\bconnector\.\w+\s*\(/,
];

/** Lines of a source text that send past the engine, as `file:line: text`. */
function pastTheEngine(file: string, text: string): string[] {
  return text
    .split('\n')
    .flatMap((line, i) => (forbidden.some((re) => re.test(line)) ? [`${file}:${i + 1}: ${line.trim()}`] : []));
}

describe('the mentor side sends through the delivery engine only', () => {
  it('recognises a send past the engine (the check is not blind)', () => {
    const sample = [
      "import type { Reach } from '../../teams/reach.ts';",
      '    return this.reach.sendCard(mentor, card, summary);',
      '    await turn.sendCard(card);',
    ].join('\n');
    expect(pastTheEngine('sample.ts', sample)).toHaveLength(2);
  });

  it('has no file that imports Reach or the connector, or sends with them', () => {
    const offenders = fs
      .readdirSync(moduleDir, { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.ts'))
      .flatMap((f) => pastTheEngine(f, fs.readFileSync(path.join(moduleDir, f), 'utf8')));
    expect(offenders).toEqual([]);
  });
});
