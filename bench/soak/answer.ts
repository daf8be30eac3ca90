import type { TestBot } from '../../test/helpers/test-bot.ts';
import type { Prompt } from './observer.ts';

// A student answers a prompt the way Teams sends it: the one-tap feeling on the card (Action.Execute),
// then every question of the card that comes back, then "submit". Nothing is taken from the bot's
// internals: the verbs, ids and choices are read from the cards.

/** Marks every answer text, so the soak can check that no answer reached the logs. */
export const answerMark = 'SOAK-ANTWOORD';

type Node = Record<string, unknown>;

function walk(node: unknown, visit: (n: Node) => void): void {
  if (Array.isArray(node)) for (const n of node) walk(n, visit);
  else if (node && typeof node === 'object') {
    visit(node as Node);
    for (const v of Object.values(node)) walk(v, visit);
  }
}

function action(card: unknown, verb: string): Node | undefined {
  let found: Node | undefined;
  walk(card, (n) => {
    if (!found && n['type'] === 'Action.Execute' && n['verb'] === verb) found = (n['data'] as Node) ?? {};
  });
  return found;
}

function cardOf(res: { status: number; body: unknown }): Node | undefined {
  const body = res.body as { value?: Node } | undefined;
  return res.status === 200 ? body?.value : undefined;
}

export async function answerPrompt(bot: TestBot, p: Prompt): Promise<boolean> {
  const feel = action(p.card, 'reflection.feel');
  if (!feel) return false;
  const exec = (verb: string, data: Node) =>
    bot.send('card-action-execute', p.user, { verb, data, replyToId: `prompt-${p.reflectionId}` });
  const questions = cardOf(await exec('reflection.feel', feel));
  if (!questions) return false;
  const values: Node = {};
  walk(questions, (n) => {
    const id = n['id'];
    if (typeof id !== 'string') return;
    if (n['type'] === 'Input.Text') {
      const max = typeof n['maxLength'] === 'number' ? n['maxLength'] : 500;
      values[id] = `${answerMark} ${id}: ik leerde wat ik wil en wat ik nog niet kan.`.slice(0, max);
    }
    if (n['type'] === 'Input.ChoiceSet') {
      const first = (n['choices'] as { value?: string }[] | undefined)?.[0]?.value;
      if (first) values[id] = first;
    }
  });
  const submit = action(questions, 'reflection.submit');
  if (!submit) return false;
  const res = await exec('reflection.submit', { ...submit, ...values });
  return res.status === 200;
}
