import { createRequire } from 'node:module';
import { JSDOM } from 'jsdom';

// Renders a card with the real Adaptive Cards renderer (the `adaptivecards` package) in jsdom, with a
// Markdown processor like the hosts': bold and links. Whatever a person typed must come out as plain text.

type AdaptiveCardsModule = typeof import('adaptivecards');
let ac: AdaptiveCardsModule | undefined;

function load(): AdaptiveCardsModule {
  if (ac) return ac;
  const dom = new JSDOM('<!doctype html><html><body></body></html>');
  const g = globalThis as Record<string, unknown>;
  const win = dom.window as unknown as Record<string, unknown>;
  g['window'] ??= dom.window;
  g['document'] ??= dom.window.document;
  for (const key of Object.getOwnPropertyNames(dom.window)) {
    if (/^(HTML|SVG)\w*Element$|^(Element|Node|Text|Event|KeyboardEvent|MouseEvent|getComputedStyle)$/.test(key) && !(key in g)) {
      g[key] = win[key];
    }
  }
  // jsdom has no innerText; the renderer writes TextRun text through it.
  Object.defineProperty(dom.window.HTMLElement.prototype, 'innerText', {
    get(this: HTMLElement) {
      return this.textContent ?? '';
    },
    set(this: HTMLElement, value: string) {
      this.textContent = value;
    },
    configurable: true,
  });
  // The package's ESM entry does not resolve under Node; its UMD bundle does.
  ac = createRequire(import.meta.url)('adaptivecards/dist/adaptivecards.js') as AdaptiveCardsModule;
  ac.AdaptiveCard.onProcessMarkdown = (text, result) => {
    const escaped = text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
    result.outputHtml = escaped
      .replace(/\*\*(.+?)\*\*/g, '<strong>$1</strong>')
      .replace(/\[([^\]]+)\]\(([^)\s]+)\)/g, '<a href="$2">$1</a>');
    result.didProcess = true;
  };
  return ac;
}

export interface Rendered {
  html: string;
  /** What a person reads. */
  text: string;
  /** href of every link in the rendered card (Markdown links, not buttons). */
  links: string[];
  /** Parse and validation problems the renderer reported. */
  problems: string[];
  /** Titles of the buttons (actions), in order. */
  buttons: string[];
  /** Values of the text, date and choice inputs, in order. */
  inputs: string[];
}

export function renderCard(json: unknown): Rendered {
  const AC = load();
  const card = new AC.AdaptiveCard();
  const context = new AC.SerializationContext();
  card.parse(json, context);
  const problems: string[] = [];
  for (let i = 0; i < context.eventCount; i++) problems.push(context.getEventAt(i).message);
  for (const e of card.validateProperties().validationEvents) problems.push(e.message);
  const element = card.render();
  if (!element) throw new Error('the card did not render');
  const links = [...element.querySelectorAll('a')].map((a) => a.getAttribute('href') ?? '');
  const buttons = [...element.querySelectorAll('button')].map((b) => b.getAttribute('aria-label') ?? b.textContent ?? '');
  const inputs = [...element.querySelectorAll('input, textarea, select')].map((e) => (e as HTMLInputElement).value);
  return { html: element.outerHTML, text: element.textContent ?? '', links, problems, buttons, inputs };
}
