import { createRequire } from 'node:module';
import { JSDOM } from 'jsdom';

// Renders a card with the real Adaptive Cards renderer (the library Teams' web client builds on) in
// jsdom, and reports what the renderer finds wrong: parse problems and validation problems such as
// duplicate input ids.

const dom = new JSDOM('<!doctype html><html><body></body></html>');
const g = globalThis as Record<string, unknown>;
for (const key of Object.getOwnPropertyNames(dom.window)) {
  if (key in g) continue;
  try {
    g[key] = (dom.window as unknown as Record<string, unknown>)[key];
  } catch {
    // read-only globals of Node stay as they are
  }
}

type AC = {
  AdaptiveCard: new () => {
    parse(json: unknown, ctx: unknown): void;
    validateProperties(): { validationEvents: { message: string }[] };
    render(): HTMLElement | undefined;
  };
  SerializationContext: new () => { eventCount: number; getEventAt(i: number): { message: string } };
};
const ac = createRequire(import.meta.url)('adaptivecards/dist/adaptivecards.js') as AC;

export function renderCard(json: unknown): { problems: string[]; element: HTMLElement | undefined } {
  const card = new ac.AdaptiveCard();
  const ctx = new ac.SerializationContext();
  card.parse(json, ctx);
  const problems: string[] = [];
  for (let i = 0; i < ctx.eventCount; i++) problems.push(`parse: ${ctx.getEventAt(i).message}`);
  for (const e of card.validateProperties().validationEvents) problems.push(`validate: ${e.message}`);
  const element = card.render();
  if (!element) problems.push('render: nothing rendered');
  return { problems, element };
}
