import { expect } from 'vitest';
import type { DocumentStore } from '../../../src/platform/store/document-store.ts';
import { type Card, cardText, executes, nov, World } from '../mentoring/world.ts';

// A school for sharing: Sanne (student, mentor Jansen) reflected on her work placement; her supervisor
// is Kees Bos of Bakkerij Bos. Pages are fetched as a browser would: the link from the card, the form
// secret from the page and its cookie.

export const kees = { name: 'Kees Bos', email: 'kees@bakkerij-bos.nl', company: 'Bakkerij Bos' };

export const placement = {
  feeling: 'good',
  happened: 'Ik mocht bij de kassa een klant met een klacht helpen.',
  'next-step': 'Vragen of ik vaker de kassa mag doen.',
};

export async function sharingSchool(at = nov(2, '10:00'), store?: DocumentStore) {
  const w = await World.start({ at, ...(store ? { store } : {}) });
  const mentor = await w.person('Piet Jansen', 'jansen@school.nl', 'mentor');
  const sanne = await w.person('Sanne de Vries', 'sanne@school.nl');
  const bram = await w.person('Bram Peters', 'bram@school.nl');
  await w.assign(sanne.user, mentor.user);
  const reflectionId = await w.reflect(sanne.user, placement);
  return { w, mentor, sanne, bram, reflectionId, sharing: w.t.bot.deps.modules.sharing };
}

/** The address on a link card: in its text field (to copy on a phone), and the button that opens it. */
export function linkOf(card: unknown): string {
  const json = JSON.stringify(card);
  const field = /"id":"link"[^}]*"value":"(https?:\/\/[^\s"]+\/s\/[A-Za-z0-9_-]{43})"/.exec(json)?.[1];
  expect(field, cardText(card)).toBeDefined();
  expect(json).toContain(`"url":"${field}"`);
  return field!;
}

export interface Page {
  status: number;
  html: string;
  headers: Headers;
}

export async function get(url: string, headers: Record<string, string> = {}): Promise<Page> {
  const res = await fetch(url, { headers });
  return { status: res.status, html: await res.text(), headers: res.headers };
}

/** Opens the supervisor's page and returns what a browser keeps for the post: the cookie and the form secret. */
export async function openForm(url: string): Promise<{ page: Page; cookie: string; csrf: string }> {
  const page = await get(url);
  expect(page.status).toBe(200);
  const cookie = (page.headers.get('set-cookie') ?? '').split(';')[0]!;
  const csrf = /name="csrf" value="([^"]+)"/.exec(page.html)?.[1] ?? '';
  expect(cookie).toMatch(/^lob_share=/);
  expect(csrf).toHaveLength(43);
  return { page, cookie, csrf };
}

export async function post(
  url: string,
  fields: Record<string, string>,
  headers: Record<string, string> = {},
  raw?: string,
): Promise<Page> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: raw ?? new URLSearchParams(fields).toString(),
  });
  return { status: res.status, html: await res.text(), headers: res.headers };
}

/** The student makes a supervisor link for a reflection, through the share card. */
export async function askSupervisor(w: World, user: Parameters<World['say']>[0], reflectionId: string): Promise<string> {
  const form = await w.say(user, 'stagebegeleider');
  expect(cardText(form)).toContain('Je stagebegeleider');
  const saved = await w.act(user, 'sharing.supervisor', { ...kees });
  expect(cardText(saved)).toMatch(/Opgeslagen: Kees Bos van Bakkerij Bos|Dit stond er al zo in/);
  const ask = executes(saved).find((a) => a.verb === 'sharing.ask');
  expect(ask).toBeDefined();
  const card = await w.act(user, 'sharing.ask', { ...ask!.data, reflectionId });
  expect(cardText(card)).toContain('Geef deze link aan Kees Bos');
  return linkOf(card);
}

export { type Card, cardText, executes, nov };
