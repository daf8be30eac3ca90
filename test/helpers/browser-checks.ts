import type { Page } from 'playwright-core';

// Checks run inside a page in headless Chromium: axe-core (which the test injects into the page first)
// and layout at a given width. Both answer a list of readable problems, empty when all is well.

interface AxeViolation {
  id: string;
  impact?: string | null;
  help: string;
  nodes: { target: unknown[] }[];
}

/** axe-core's serious and critical violations (WCAG 2.1 A and AA and best practice) within `selector`. */
export async function axeProblems(page: Page, selector = 'body'): Promise<string[]> {
  const violations = await page.evaluate(async (selector) => {
    const axe = (window as unknown as { axe: { run(ctx: unknown, options: unknown): Promise<{ violations: unknown[] }> } }).axe;
    const result = await axe.run(
      { include: [selector] },
      {
        resultTypes: ['violations'],
        runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
      },
    );
    return result.violations;
  }, selector);
  return (violations as AxeViolation[])
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => JSON.stringify(n.target)).join(', ')}`);
}

/**
 * Elements that stick out of the frame (horizontal overflow), and text cut off by its box (ellipsis or
 * hidden overflow), as `sticks out: …` and `cut off: …`.
 */
export async function overflowProblems(page: Page, frameSelector: string): Promise<string[]> {
  return page.evaluate((frameSelector) => {
    const frame = document.querySelector(frameSelector) as HTMLElement;
    const edge = frame.getBoundingClientRect();
    const describe = (el: Element) =>
      `<${el.tagName.toLowerCase()} class="${el.getAttribute('class') ?? ''}"> "${(el.textContent ?? '').trim().slice(0, 40)}"`;
    const problems: string[] = [];
    for (const el of frame.querySelectorAll('*')) {
      const box = el.getBoundingClientRect();
      if (box.width === 0 && box.height === 0) continue;
      if (box.right > edge.right + 0.5 || box.left < edge.left - 0.5) problems.push(`sticks out: ${describe(el)}`);
      const style = getComputedStyle(el);
      const clips = style.overflowX !== 'visible' || style.textOverflow === 'ellipsis';
      const ownText = [...el.childNodes].some((n) => n.nodeType === Node.TEXT_NODE && (n.textContent ?? '').trim());
      const html = el as HTMLElement;
      if (clips && ownText && html.scrollWidth > html.clientWidth + 1) problems.push(`cut off: ${describe(el)}`);
    }
    return problems;
  }, frameSelector);
}
