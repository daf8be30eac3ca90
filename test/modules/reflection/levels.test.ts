import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { questionText } from '../../../src/core/flows/flows.ts';
import { readLevel, resolveLevel } from '../../../src/core/levels.ts';
import { SqliteStore } from '../../../src/platform/store/sqlite/sqlite-store.ts';
import { tenantId } from '../../helpers/activities.ts';
import { type Cli, cliOn } from '../../helpers/cli.ts';
import { type Card, cardText, executes, nov, World } from '../mentoring/world.ts';

// Levels (issue 12, item 6): set per school, class and student by import and CLI; the student's own level
// wins over the class, the class over the school; the flows a student can pick follow it. Then, through the
// running bot with real activity JSON, a havo student walks through the profielwerkstuk flow and an mbo
// student through the weekly BPV check-in.

describe('a student’s level', () => {
  it('is their own, else their classes’ (the plainest), else the school’s, and only within their sector', () => {
    expect(resolveLevel('vo', { student: 'vwo', classes: ['vmbo'], school: 'havo' })).toBe('vwo');
    expect(resolveLevel('vo', { classes: ['havo', 'vmbo'], school: 'vwo' })).toBe('vmbo');
    expect(resolveLevel('vo', { classes: [], school: 'havo' })).toBe('havo');
    expect(resolveLevel('vo', {})).toBeUndefined();
    // An mbo level on a student of a vo school (a stale import) does not count; the class's does.
    expect(resolveLevel('vo', { student: 'mbo-2', classes: ['havo'] })).toBe('havo');
    expect(resolveLevel('mbo', { classes: ['havo'], school: 'mbo-3' })).toBe('mbo-3');
  });

  it('is read as schools write it', () => {
    expect(readLevel('VMBO-K', 'vo')).toBe('vmbo');
    expect(readLevel('mavo', 'vo')).toBe('vmbo');
    expect(readLevel('Gymnasium', 'vo')).toBe('vwo');
    expect(readLevel('mbo 2', 'vo')).toBe('mbo-2');
    expect(readLevel('Niveau 3', 'mbo')).toBe('mbo-3');
    expect(readLevel('4', 'mbo')).toBe('mbo-4');
    expect(readLevel('4', 'vo')).toBeUndefined();
    expect(readLevel('wo', 'hbo')).toBeUndefined();
  });
});

let dir: string;
let w: World | undefined;

function write(name: string, content: string): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, content);
  return file;
}

async function openWorld(at: string): Promise<World> {
  w = await World.start({ at, store: SqliteStore.open(path.join(dir, 'lob-reflectie.db')) });
  return w;
}

const pickerTitles = (card: unknown) =>
  JSON.stringify(card)
    .match(/"title":"[^"]*"/g)!
    .map((s) => s.slice(9, -1));

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lob-levels-'));
});
afterEach(async () => {
  await w?.stop();
  w = undefined;
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('levels through the import, the CLI and the bot', () => {
  async function voSchool(cli: Cli) {
    const students =
      'Roepnaam;Achternaam;E-mailadres;Klas;Niveau\n' +
      'Sanne;Vries;sanne@school.nl;4V;\n' +
      'Daan;Smit;daan@school.nl;4V;havo\n' +
      'Mila;Jansen;mila@school.nl;4V;mbo 9\n';
    expect(await cli.run('import', 'students', write('s.csv', students), '--school', tenantId, '--create')).toBe(2);
    expect(cli.err.join('\n')).toContain('level "mbo 9" is not one of vmbo, havo, vwo, mbo-1');
    expect(await cli.run('sector', 'set', 'vo')).toBe(0);
    expect(await cli.run('level', 'set', 'vwo')).toBe(0);
    expect(await cli.run('level', 'set', 'vmbo', '--class', '4V')).toBe(0);
    expect(cli.out[0]).toBe("Class 4V is now vmbo; a student's own level still wins.");
    expect(await cli.run('level', 'set', 'mbo-2')).toBe(1);
    expect(cli.err.join('\n')).toContain('mbo-2 is a mbo level; school');
    expect(await cli.run('level', 'set', 'havo', '--class', 'nope')).toBe(1);
  }

  it('offers the havo/vwo profielwerkstuk to a havo student in a vmbo class, not to the class', async () => {
    const cli = cliOn(dir);
    await voSchool(cli);
    const world = await openWorld(nov(2, '10:00'));
    const sanne = await world.person('Sanne de Vries', 'sanne@school.nl');
    const daan = await world.person('Daan Smit', 'daan@school.nl');

    const vmbo = pickerTitles(await world.say(sanne.user, 'reflecteer'));
    expect(vmbo).toContain('Echte opdracht');
    expect(vmbo).not.toContain('Profielwerkstuk of masterclass');
    // Asking for it by name brings the choice, not the flow.
    expect(cardText(await world.say(sanne.user, 'reflecteer profielwerkstuk'))).toContain('Waar wil je op reflecteren?');

    expect(pickerTitles(await world.say(daan.user, 'reflecteer'))).toContain('Profielwerkstuk of masterclass');

    // Daan walks through it: the moment and the emotion, the acknowledgement and the mixed path, own words.
    const first = await world.say(daan.user, 'reflecteer profielwerkstuk');
    expect(cardText(first)).toContain('Denk aan één moment van je werkstuk of masterclass dat je bijbleef.');
    const mixed = executes(first).find((a) => a.verb === 'reflection.feel' && a.data['emotion'] === 'mixed')!;
    const questions: Card = await world.act(daan.user, 'reflection.feel', mixed.data);
    const text = cardText(questions);
    expect(text).toContain('Twee gevoelens tegelijk');
    expect(text).toContain('Wat was de fijne kant, wat de lastige kant?');
    expect(text).not.toContain('Wat ging jou daar goed af');
    const summary = await world.act(daan.user, 'reflection.submit', {
      reflectionId: mixed.data['reflectionId'],
      feeling: 'mixed',
      happened: 'Ik presenteerde mijn onderzoek naar zonnepanelen aan de klas.',
      'both-sides': 'Uitleggen ging goed, de vragen daarna vond ik lastig.',
      kernwoord: 'uitleggen',
      'next-step': 'Een proefcollege natuurkunde zoeken.',
    });
    expect(cardText(summary)).toContain('Dank je wel');
    const stored = (await world.repos.reflections.listByStudent(daan.person.id)).find((r) => r.flowId === 'profile-paper');
    expect(stored?.status).toBe('submitted');
    expect(stored?.kernwoord).toBe('uitleggen');
  });

  it('gives an mbo student the weekly BPV check-in, worded for this week', async () => {
    const cli = cliOn(dir);
    const students = 'E-mailadres;Klas;Niveau\nyara@school.nl;VZ2A;niveau 2\n';
    expect(await cli.run('import', 'students', write('s.csv', students), '--school', tenantId, '--create')).toBe(2);
    // Read in a vo school, "niveau 2" means nothing; once the school is mbo it is mbo level 2.
    expect(await cli.run('sector', 'set', 'mbo')).toBe(0);
    expect(await cli.run('import', 'students', write('s.csv', students))).toBe(0);
    const world = await openWorld(nov(6, '15:00'));
    const yara = await world.person('Yara Bakker', 'yara@school.nl');
    expect((await world.find('yara@school.nl'))?.level).toBe('mbo-2');

    const first = await world.say(yara.user, 'reflecteer bpv-week');
    expect(cardText(first)).toContain('BPV-week');
    const good = executes(first).find((a) => a.verb === 'reflection.feel' && a.data['emotion'] === 'good')!;
    const questions = await world.act(yara.user, 'reflection.feel', good.data);
    const reflectionId = good.data['reflectionId'] as string;
    const flow = world.t.bot.deps.flows.get('bpv-week')!;
    const open = (await world.repos.reflections.listByStudent(yara.person.id)).find((r) => r.id === reflectionId)!;
    const happened = flow.questions.find((q) => q.id === 'happened')!;
    expect(cardText(questions)).toContain(questionText(happened, 'nl', open.createdAt));
    expect(cardText(questions)).toContain('Fijn dat het goed voelde.');

    const summary = await world.act(yara.user, 'reflection.submit', {
      reflectionId,
      feeling: 'good',
      happened: 'Ik mocht zelf een bewoner helpen met eten.',
      'good-at': 'Geduld hebben.',
      'next-step': 'Vragen of ik de ochtendronde mag meelopen.',
    });
    expect(cardText(summary)).toContain('Dank je wel');
    expect(cardText(summary)).toContain(questionText(happened, 'nl', open.createdAt));
  });

  it('refuses to start, from a card, a flow made for another sector or level, and says so in nl and en', async () => {
    const cli = cliOn(dir);
    await voSchool(cli);
    const world = await openWorld(nov(2, '10:00'));
    const sanne = await world.person('Sanne de Vries', 'sanne@school.nl');
    const daan = await world.person('Daan Smit', 'daan@school.nl', 'student', 'en-US');
    const started = async (email: string) =>
      (await world.repos.reflections.listByStudent((await world.find(email))!.id)).map((r) => r.flowId);

    // Sanne is vmbo (her class): the havo/vwo flows, an hbo flow and an mbo flow are refused, posted as Teams does.
    for (const flowId of ['profile-paper', 'profile-choice', 'minor-choice', 'bpv-week']) {
      const refused = cardText(await world.act(sanne.user, 'reflection.start', { flowId }));
      expect(refused, flowId).toContain('Die reflectie is niet voor jouw soort school of niveau.');
      expect(refused, flowId).toContain('Waar wil je op reflecteren?');
    }
    expect(await started('sanne@school.nl')).toEqual([]);
    // Her own level's flow and a flow for every level of her sector start.
    expect(cardText(await world.act(sanne.user, 'reflection.start', { flowId: 'profile-choice-vmbo' }))).toContain(
      'Denk aan één moment van het kiezen.',
    );
    expect(cardText(await world.act(sanne.user, 'reflection.start', { flowId: 'free' }))).not.toContain('niet voor jouw');
    expect((await started('sanne@school.nl')).sort()).toEqual(['free', 'profile-choice-vmbo']);

    // Daan is havo (his own level): the vmbo profile choice is refused, in English; the havo/vwo one starts.
    const refused = cardText(await world.act(daan.user, 'reflection.start', { flowId: 'profile-choice-vmbo' }));
    expect(refused).toContain('That reflection is not meant for your type of school or level.');
    expect(cardText(await world.act(daan.user, 'reflection.start', { flowId: 'profile-choice' }))).toContain(
      'Think of one moment of choosing your profile',
    );
    expect(await started('daan@school.nl')).toEqual(['profile-choice']);
  });

  it('gives a campaign made without a flow the flow for its class level: havo/vwo for 4H, vmbo for 4V', async () => {
    const cli = cliOn(dir);
    const students = 'Roepnaam;Achternaam;E-mailadres;Klas\nSanne;Vries;sanne@school.nl;4V\nDaan;Smit;daan@school.nl;4H\n';
    expect(await cli.run('import', 'students', write('s.csv', students), '--school', tenantId, '--create')).toBe(0);
    expect(await cli.run('sector', 'set', 'vo')).toBe(0);
    expect(await cli.run('level', 'set', 'vmbo', '--class', '4V')).toBe(0);
    expect(await cli.run('level', 'set', 'havo', '--class', '4H')).toBe(0);
    const create = async (group: string) => {
      const args = ['--name', `Profielkeuze ${group}`, '--type', 'profile-choice', '--group', group];
      expect(await cli.run('campaign', 'create', ...args, '--every', 'fri@15:00'), cli.err.join('\n')).toBe(0);
      return cli.out[0];
    };
    expect(await create('4H')).toContain('(flow profile-choice;');
    expect(await create('4V')).toContain('(flow profile-choice-vmbo;');
  });
});
