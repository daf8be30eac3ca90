import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensurePersonByEmail } from '../../src/core/assignments.ts';
import type { Role } from '../../src/core/types.ts';
import { features } from '../../src/modules/index.ts';
import type { TextCommand } from '../../src/teams/turn.ts';
import { type TestUser, tenantId, testUser } from '../helpers/activities.ts';
import { readJson } from '../helpers/deploy-files.ts';
import { cardText } from '../helpers/playground.ts';
import { startTestBot, type TestBot } from '../helpers/test-bot.ts';

// The help card shows what this person can type here: the commands of their roles, in their language,
// and in a team channel only what works there. Its commands and the Teams command menu of the app
// package (appPackage/manifest.json, en.json) are the same commands.

const commands: TextCommand[] = features.flatMap((f) => f.commands ?? []);
const listed = commands.filter((c) => c.help);

/** The commands a help card lists (by their first name), in the card's order. */
function listedIn(card: unknown): string[] {
  const titles: string[] = [];
  JSON.stringify(card, (key, value) => {
    if (key === 'facts') for (const f of value as { title: string }[]) titles.push(f.title);
    return value;
  });
  return titles.map((word) => commands.find((c) => c.names.includes(word))?.names[0] ?? `unknown: ${word}`);
}

describe('the help card', () => {
  let t: TestBot;
  const people: Record<string, TestUser> = {};

  async function person(key: string, roles: Role[], locale = 'nl-NL') {
    const user = testUser(`Persoon ${key}`, `${key}@school.nl`, locale);
    // Staff come in through an import or `role add` before they open the app; students by opening it.
    for (const role of roles) await ensurePersonByEmail(t.bot.deps.install, tenantId, user.email, role);
    t.join(user);
    expect((await t.send('personal-installation-add', user)).status).toBe(200);
    people[key] = user;
  }

  /** The card the bot answers `text` with, in the person's chat or in a team channel (a thread of its own). */
  async function help(
    key: string,
    text = 'hulp',
    where: 'chat' | 'channel' = 'chat',
  ): Promise<{ text: string; commands: string[] }> {
    const user = people[key]!;
    const team = '19:help-team@thread.tacv2';
    const inReply = (conversationId: string) =>
      where === 'chat' ? conversationId === user.conversationId : conversationId.startsWith(`${team};`);
    const cards = () =>
      t.connector.recorded
        .filter((r) => r.op === 'create' && inReply(r.conversationId))
        .map((r) => (r.activity['attachments'] as { content: unknown }[] | undefined)?.[0]?.content);
    const before = cards().length;
    const sent =
      where === 'chat' ? t.send('personal-message', user, { text }) : t.send('channel-message', user, { text, teamId: team });
    expect((await sent).status).toBe(200);
    const card = await t.connector.waitFor(() => cards()[before]);
    return { text: cardText(card), commands: listedIn(card) };
  }

  beforeAll(async () => {
    t = await startTestBot({ env: { RATE_LIMIT_PER_MINUTE: '10000', RATE_LIMIT_BURST: '10000' } });
    await person('sanne', ['student']);
    await person('jansen', ['mentor'], 'en-GB');
    await person('cor', ['coordinator']);
    await person('lisa', ['team-leader'], 'en-US');
    await person('mo', ['student', 'mentor']);
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('shows a student the student’s commands, in Dutch, and the button to start', async () => {
    const { text, commands } = await help('sanne');
    expect(text).toContain('Dit kun je typen');
    expect(text).toContain('Je reflecties');
    expect(text).toContain('mijn reflecties');
    expect(commands).toEqual([
      'reflecteer',
      'mijn reflecties',
      'pauze',
      'hervat',
      'export',
      'mijn gegevens',
      'deel',
      'stagebegeleider',
      'help',
      'taal',
    ]);
    expect(text).toContain('Start een reflectie');
  });

  it('shows a mentor their students and their digest, in English, and no reflection of their own', async () => {
    const { text, commands } = await help('jansen', 'help');
    expect(text).toContain('What you can type');
    expect(text).toContain('As a mentor');
    expect(text).toContain('my students');
    expect(commands).toEqual(['mijn studenten', 'digest', 'help', 'taal']);
    expect(text).not.toContain('Start a reflection');
  });

  it('shows a coordinator campaigns and the quality cycle, a team leader the quality cycle', async () => {
    expect((await help('cor')).commands).toEqual(['campagne', 'campagnes', 'pdca', 'help', 'taal']);
    const leader = await help('lisa', 'help');
    expect(leader.commands).toEqual(['pdca', 'help', 'taal']);
    expect(leader.text).toContain('Quality cycle (PDCA)');
  });

  it('shows a student who is also a mentor both sections', async () => {
    const { text, commands } = await help('mo');
    expect(text).toContain('Je reflecties');
    expect(text).toContain('Als mentor');
    expect(commands).toEqual([
      'reflecteer',
      'mijn reflecties',
      'pauze',
      'hervat',
      'export',
      'mijn gegevens',
      'deel',
      'stagebegeleider',
      'mijn studenten',
      'digest',
      'help',
      'taal',
    ]);
  });

  it('lists in a team channel only what works there', async () => {
    expect((await help('lisa', 'help', 'channel')).commands).toEqual(['pdca', 'help']);
    const student = await help('sanne', 'hulp', 'channel');
    expect(student.commands).toEqual(['help']);
    expect(student.text).not.toContain('Start een reflectie');
  });

  it('answers what it did not understand with the same card for the person', async () => {
    const { text, commands } = await help('jansen', 'what is the weather');
    expect(text).toContain('I did not understand that');
    expect(commands).toEqual(['mijn studenten', 'digest', 'help', 'taal']);
    // A command of another role is answered as unknown, with the person's own commands.
    const refused = await help('sanne', 'campagnes');
    expect(refused.text).toContain('Dat begreep ik niet');
    expect(refused.commands).not.toContain('campagnes');
  });
});

type Manifest = { bots: { commandLists: { scopes: string[]; commands: { title: string }[] }[] }[] };

describe('the help card and the Teams command menu', () => {
  const manifest = readJson<Manifest>('appPackage/manifest.json');
  const en = readJson<Record<string, string>>('appPackage/en.json');
  const lists = manifest.bots[0]!.commandLists.map((list, i) => ({
    scopes: list.scopes,
    nl: list.commands.map((c) => c.title),
    en: list.commands.map((_, j) => en[`bots[0].commandLists[${i}].commands[${j}].title`]!),
  }));
  const byName = (word: string) => commands.find((c) => c.names.includes(word));

  it('lists as help words only names of the command itself', () => {
    for (const c of listed) {
      expect(c.names, c.names[0]).toContain(c.help!.words.nl);
      expect(c.names, c.names[0]).toContain(c.help!.words.en);
    }
  });

  it('has in the menu only commands the bot has, with the same words, and in a team only what works there', () => {
    for (const list of lists) {
      for (const [i, word] of list.nl.entries()) {
        const command = byName(word);
        expect(command, `manifest command ${word}`).toBeDefined();
        expect(command!.help?.words, word).toEqual({ nl: word, en: list.en[i] });
        if (list.scopes.includes('team')) expect(command!.personalOnly, word).toBe(false);
      }
    }
  });

  it('has every main command of the help card in the menu: the personal list, and in a team what works there', () => {
    const personal = lists.find((l) => l.scopes.includes('personal'))!;
    const team = lists.find((l) => l.scopes.includes('team'))!;
    const main = listed.filter((c) => c.help!.menu);
    expect(main.map((c) => c.help!.words.nl).sort()).toEqual([...personal.nl].sort());
    expect(
      main
        .filter((c) => c.personalOnly === false)
        .map((c) => c.help!.words.nl)
        .sort(),
    ).toEqual([...team.nl].sort());
  });
});
