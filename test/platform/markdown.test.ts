import fs from 'node:fs';
import path from 'node:path';
import { marked } from 'marked';
import { expect, it } from 'vitest';
import { escapeMarkdown, escapeMarkdownLine } from '../../src/platform/markdown.ts';

// One Markdown escaper for every Markdown file the app writes (dossier, AVG export, Check evidence),
// checked with a real Markdown renderer: hostile text comes out as the same text, never as markup.

const hostile = [
  '[klik](https://evil.example) ![x](https://evil.example/x.png) <b>vet</b> <script>alert(1)</script>',
  '*schuin* **vet** _ook_ ~~weg~~ `code` &lt;tag&gt; &amp; @iemand www.evil.example https://evil.example',
  '# kop',
  '> quote',
  '- lijst',
  '1. genummerd',
  '| a | b |',
  '{accolades} (haakjes) 3.5 - min + plus. Uitroep!',
];
const plain = (html: string) =>
  html
    .replace(/<\/?(p|br|td|th|tr|thead|tbody|table|h1)\b[^>]*>/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .trim();

it('shows hostile text as typed, in paragraphs, headings and table cells', () => {
  for (const text of hostile) {
    const paragraph = marked.parse(escapeMarkdown(text), { async: false });
    expect(paragraph, text).not.toMatch(/<(a|img|b|em|strong|del|code|script|h\d|blockquote|ul|ol|li|table)\b/);
    expect(plain(paragraph), text).toBe(text);

    const heading = marked.parse(`# Team ${escapeMarkdownLine(text)}`, { async: false });
    expect(heading.match(/<[a-z]+\d?/g), text).toEqual(['<h1']);
    expect(plain(heading), text).toBe(`Team ${text}`);

    const table = marked.parse(`| name | n |\n| --- | --- |\n| ${escapeMarkdownLine(`${text}\nnext line`)} | 1 |`, {
      async: false,
    });
    expect(table.match(/<td/g), text).toHaveLength(2);
    expect(table, text).not.toMatch(/<(a|img|b|em|strong|del|code|script)\b/);
  }
});

it('is the only Markdown escaper in src/', () => {
  const files = fs
    .readdirSync(path.resolve('src'), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts') && f !== path.join('platform', 'markdown.ts'));
  const escapers = files.filter((f) => /=>\s*`\\\\\$\{c\}`/.test(fs.readFileSync(path.resolve('src', f), 'utf8')));
  expect(escapers).toEqual([]);
});
