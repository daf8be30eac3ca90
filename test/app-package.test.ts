import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { accentColor, colorIcon, outlineIcon } from '../scripts/make-icons.ts';
import {
  errorsOf,
  fillPlaceholders,
  manifestSamples,
  placeholdersIn,
  readEnvFile,
  readJson,
  readText,
  root,
  schemaValidator,
} from './helpers/deploy-files.ts';
import { pngHeader, pngRgba } from './helpers/png.ts';

// The Teams app package (appPackage/): the manifest and its English localization against the official
// schemas bundled in test/schemas (no network), the command lists, and the icons.

type Command = { title: string; description?: string };
type Manifest = {
  manifestVersion: string;
  version: string;
  localizationInfo: { defaultLanguageTag: string; additionalLanguages?: { languageTag: string; file: string }[] };
  icons: { color: string; outline: string };
  accentColor: string;
  bots: { botId: string; scopes: string[]; supportsFiles?: boolean; commandLists: { scopes: string[]; commands: Command[] }[] }[];
};

const manifestText = readText('appPackage/manifest.json');
const manifest = JSON.parse(manifestText) as Manifest;
const env = readEnvFile('env/.env.dev');

const samples = manifestSamples;
const filledManifest = () => JSON.parse(fillPlaceholders(manifestText, samples)) as Manifest;

const validateManifest = schemaValidator('teams-manifest-v1.29/MicrosoftTeams.schema.json');
const validateLocalization = schemaValidator('teams-manifest-v1.29/MicrosoftTeams.Localization.schema.json');

const appFile = (name: string) => path.join(root, 'appPackage', name);
const localizations = (manifest.localizationInfo.additionalLanguages ?? []).map((l) => ({
  ...l,
  strings: readJson<Record<string, string>>(`appPackage/${l.file}`),
}));

describe('Teams app manifest', () => {
  it('is valid against the manifest schema once the toolkit has filled in its placeholders', () => {
    expect(manifest.manifestVersion).toBe('1.29');
    // Teams wants semver; the 1.29 schema no longer says so.
    expect(manifest.version).toMatch(/^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$/);
    const valid = validateManifest(filledManifest());
    expect(errorsOf(validateManifest)).toEqual([]);
    expect(valid).toBe(true);
  });

  it('uses only placeholders that env/.env.dev declares', () => {
    const used = placeholdersIn(manifestText);
    expect(used).toEqual(expect.arrayContaining(['TEAMS_APP_ID', 'BOT_ID']));
    for (const name of used) expect(env.has(name), `${name} is not in env/.env.dev`).toBe(true);
  });

  it('rejects a broken manifest (the validation is not vacuous)', () => {
    const breakages: ((m: Record<string, unknown> & Manifest) => void)[] = [
      (m) => {
        m.manifestVersion = '1.2';
      },
      (m) => {
        m.bots[0]!.botId = 'the bot';
      },
      (m) => {
        (m.bots[0] as Record<string, unknown>).supportsFiles = 'no';
      },
      (m) => {
        m.bots[0]!.scopes.push('everywhere');
      },
      (m) => {
        m.accentColor = 'teal';
      },
      (m) => {
        delete (m as Record<string, unknown>).icons;
      },
      (m) => {
        m.unknownField = true;
      },
    ];
    for (const breakIt of breakages) {
      const m = filledManifest() as Record<string, unknown> & Manifest;
      breakIt(m);
      expect(validateManifest(m), breakIt.toString()).toBe(false);
    }
  });

  it('offers the bot in personal chats and teams, without files', () => {
    const [bot, ...more] = manifest.bots;
    expect(more).toEqual([]);
    expect(bot!.scopes.sort()).toEqual(['personal', 'team']);
    expect(bot!.supportsFiles).toBe(false);
  });

  it('has at most 10 commands per list (the Teams limit), one list per scope, each command once', () => {
    const lists = manifest.bots[0]!.commandLists;
    expect(lists.flatMap((l) => l.scopes).sort()).toEqual(['personal', 'team']);
    for (const list of lists) {
      expect(list.commands.length).toBeGreaterThan(0);
      expect(list.commands.length).toBeLessThanOrEqual(10);
      const titles = list.commands.map((c) => c.title);
      expect(new Set(titles).size).toBe(titles.length);
      for (const c of list.commands) {
        expect(c.title).toBe(c.title.toLowerCase());
        expect(c.description?.trim()).toBeTruthy();
      }
    }
  });

  it('is in Dutch by default and has the commands in English through its localization file', () => {
    const titles = manifest.bots[0]!.commandLists.flatMap((l) => l.commands.map((c) => c.title));
    expect(manifest.localizationInfo.defaultLanguageTag).toBe('nl');
    expect(titles).toEqual(expect.arrayContaining(['reflecteer', 'hulp', 'mijn reflecties', 'mijn studenten']));
    expect(localizations.map((l) => l.languageTag)).toEqual(['en']);
    const en = localizations[0]!.strings;
    expect(Object.values(en)).toEqual(expect.arrayContaining(['reflect', 'help', 'my reflections', 'my students']));
  });
});

describe('localization files', () => {
  it('are valid against the localization schema', () => {
    expect(localizations.length).toBeGreaterThan(0);
    for (const { file, strings } of localizations) {
      const valid = validateLocalization(strings);
      expect(errorsOf(validateLocalization), file).toEqual([]);
      expect(valid).toBe(true);
    }
  });

  it('translate every command of the manifest, and only commands that exist', () => {
    const expected = manifest.bots[0]!.commandLists.flatMap((list, i) =>
      list.commands.flatMap((c, j) =>
        ['title', c.description === undefined ? [] : 'description']
          .flat()
          .map((f) => `bots[0].commandLists[${i}].commands[${j}].${f}`),
      ),
    );
    for (const { file, strings } of localizations) {
      const commandKeys = Object.keys(strings).filter((k) => k.startsWith('bots['));
      expect(commandKeys.sort(), file).toEqual(expected.sort());
      const titles = commandKeys.filter((k) => k.endsWith('.title')).map((k) => strings[k]!);
      for (const t of titles) expect(t).toBe(t.toLowerCase());
    }
  });

  it('rejects a broken localization file', () => {
    const strings = { ...localizations[0]!.strings };
    delete strings['description.full'];
    expect(validateLocalization(strings)).toBe(false);
    expect(validateLocalization({ ...localizations[0]!.strings, 'name.short': 'x'.repeat(31) })).toBe(false);
    expect(validateLocalization({ ...localizations[0]!.strings, 'bots[0].commandLists[0].commands[12].title': 'x' })).toBe(false);
  });
});

describe('icons', () => {
  it('are a 192×192 colour PNG and a 32×32 outline PNG', () => {
    expect(pngHeader(fs.readFileSync(appFile(manifest.icons.color)))).toMatchObject({ width: 192, height: 192 });
    expect(pngHeader(fs.readFileSync(appFile(manifest.icons.outline)))).toMatchObject({ width: 32, height: 32 });
  });

  it('outline: white on a transparent background', () => {
    const { rgba } = pngRgba(fs.readFileSync(appFile(manifest.icons.outline)));
    let transparent = 0;
    let opaque = 0;
    for (let i = 0; i < rgba.length; i += 4) {
      const alpha = rgba[i + 3]!;
      if (alpha === 0) transparent++;
      else expect([rgba[i], rgba[i + 1], rgba[i + 2]], `pixel ${i / 4}`).toEqual([255, 255, 255]);
      if (alpha === 255) opaque++;
    }
    expect(transparent).toBeGreaterThan(100);
    expect(opaque).toBeGreaterThan(100);
  });

  it('colour: opaque, on the accent colour the manifest names', () => {
    const { rgba } = pngRgba(fs.readFileSync(appFile(manifest.icons.color)));
    expect(rgba.filter((v, i) => i % 4 === 3 && v !== 255).length).toBe(0);
    const hex = `#${[...rgba.subarray(0, 3)].map((v) => v.toString(16).padStart(2, '0')).join('')}`;
    expect(hex.toLowerCase()).toBe(manifest.accentColor.toLowerCase());
    expect(manifest.accentColor).toBe(accentColor);
  });

  it('are what scripts/make-icons.ts draws (run `npm run icons` after changing it)', () => {
    expect(fs.readFileSync(appFile('color.png')).equals(colorIcon())).toBe(true);
    expect(fs.readFileSync(appFile('outline.png')).equals(outlineIcon())).toBe(true);
  });
});
