import { createRequire } from 'node:module';
import { JSDOM } from 'jsdom';
import { marked } from 'marked';

// The real Adaptive Cards renderer (the same bundle Teams' web client family uses) in jsdom, with a
// Markdown processor installed, as a host that reads Markdown would have: if any student text were bound
// into a Markdown-reading element, it would turn into links and formatting here.

const dom = new JSDOM('<!doctype html><html><body></body></html>', { pretendToBeVisual: true });
const g = globalThis as Record<string, unknown>;
for (const key of Object.getOwnPropertyNames(dom.window)) {
  if (key in g) continue;
  try {
    g[key] = (dom.window as unknown as Record<string, unknown>)[key];
  } catch {
    // a few window properties cannot be read outside a browsing context
  }
}
// jsdom has no innerText, which the renderer uses for TextRuns (browsers have it): map it to textContent,
// which is what innerText does for text without layout.
Object.defineProperty(dom.window.HTMLElement.prototype, 'innerText', {
  configurable: true,
  get(this: HTMLElement) {
    return this.textContent;
  },
  set(this: HTMLElement, value: string) {
    this.textContent = value;
  },
});
g['window'] = dom.window;
g['document'] = dom.window.document;

type AC = typeof import('adaptivecards');
const AdaptiveCards = createRequire(import.meta.url)('adaptivecards/dist/adaptivecards.js') as AC;
AdaptiveCards.AdaptiveCard.onProcessMarkdown = (text, result) => {
  result.outputHtml = marked.parse(text, { async: false });
  result.didProcess = true;
};

export interface Rendered {
  element: HTMLElement;
  html: string;
  /** Schema and validation problems the renderer reports. */
  problems: string[];
  /** What a person reads. */
  text: string;
  /** href of every link in the rendered card (Markdown links, not buttons). */
  links: string[];
  /** Titles of the buttons (actions), in order. */
  buttons: string[];
  /** Values of the text, date and choice inputs, in order. */
  inputs: string[];
}

export function renderCard(json: unknown): Rendered {
  const card = new AdaptiveCards.AdaptiveCard();
  const context = new AdaptiveCards.SerializationContext();
  card.parse(json, context);
  const problems = [
    ...(context.eventCount ? Array.from({ length: context.eventCount }, (_, i) => context.getEventAt(i).message) : []),
    ...card.validateProperties().validationEvents.map((e) => e.message),
  ];
  const element = card.render();
  if (!element) throw new Error('the renderer produced nothing');
  dom.window.document.body.replaceChildren(element);
  return {
    element,
    html: element.outerHTML,
    problems,
    text: element.textContent ?? '',
    links: [...element.querySelectorAll('a')].map((a) => a.getAttribute('href') ?? ''),
    buttons: [...element.querySelectorAll('button')].map((btn) => btn.getAttribute('aria-label') ?? btn.textContent ?? ''),
    inputs: [...element.querySelectorAll('input, textarea, select')].map((e) => (e as HTMLInputElement).value),
  };
}
