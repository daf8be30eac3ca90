// The one Markdown escaper: text a student or school typed, shown in a Markdown file (the dossier, the AVG
// export, the Check evidence) exactly as typed. No links, images, emphasis, headings, lists, tables, code,
// entities or HTML can come from it. The escapes are the CommonMark and GitHub-flavoured constructs that
// can start inside text, so the file stays readable as plain text too.

const inline = /[\\`*_[\]<>|~@&]/g;

/** Escapes text for Markdown; line breaks stay line breaks (as hard breaks). */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((line) => {
      let out = line.replace(inline, (c) => `\\${c}`);
      // Bare links (https://…, www.…) become links in GitHub-flavoured Markdown.
      out = out.replace(/:\/\//g, '\\:\\/\\/').replace(/\bwww\./gi, (w) => `${w.slice(0, 3)}\\.`);
      // Block markers at the start of a line: heading, quote, list, thematic break, setext underline.
      out = out.replace(/^(\s*)([#>+=-])/, '$1\\$2').replace(/^(\s*\d+)([.)])/, '$1\\$2');
      return out;
    })
    .join('  \n');
}

/** Escapes text for one line of Markdown (a heading, a table cell): white space, line breaks included, becomes one space. */
export function escapeMarkdownLine(text: string): string {
  return escapeMarkdown(text.replace(/\s+/g, ' ').trim());
}
