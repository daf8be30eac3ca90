import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { defaultOutDir, stage } from '../scripts/stage-deploy.ts';
import { buildBot } from '../src/app.ts';
import { ConfigError, configSchema, loadConfig } from '../src/platform/config.ts';
import { createLogger } from '../src/platform/log.ts';
import type { CollectionDef, DocumentStore } from '../src/platform/store/document-store.ts';
import { SqliteStore } from '../src/platform/store/sqlite/sqlite-store.ts';
import { errorsOf, placeholdersIn, readEnvFile, readJson, readText, root, schemaValidator } from './helpers/deploy-files.ts';

// The deployment files: teamsapp.yml (Agents Toolkit), the Bicep in infra/ and the deploy staging script.
// There is no Bicep compiler offline, so the Bicep is checked here for what would break a deployment
// silently: missing parameters, app settings the app needs in production, Cosmos containers it opens.

type Action = { uses: string; name?: string; with?: Record<string, unknown>; writeToEnvironmentFile?: Record<string, string> };
type Project = { version: string; environmentFolderPath: string; provision: Action[]; deploy: Action[]; publish: Action[] };

const projectText = readText('teamsapp.yml');
const project = parse(projectText) as Project;
const stages = { provision: project.provision, deploy: project.deploy, publish: project.publish };
const env = readEnvFile('env/.env.dev');
const packageJson = readJson<{
  scripts: Record<string, string>;
  engines: { node: string };
  devDependencies: Record<string, string>;
}>('package.json');

const mainBicep = readText('infra/azure.bicep');
const bicepFiles = ['infra/azure.bicep', ...fs.readdirSync(path.join(root, 'infra/modules')).map((f) => `infra/modules/${f}`)];
const bicep = Object.fromEntries(bicepFiles.map((f) => [f, readText(f)]));

const exists = (file: string) => fs.existsSync(path.resolve(root, file));
const indexOfUse = (actions: Action[], uses: string) => actions.findIndex((a) => a.uses === uses);

/** `param name type` lines of a Bicep file, and whether each has a default. */
function bicepParams(text: string): Map<string, { hasDefault: boolean }> {
  const out = new Map<string, { hasDefault: boolean }>();
  for (const m of text.matchAll(/^param\s+(\w+)\s+\w+(\s*=.*)?$/gm)) out.set(m[1]!, { hasDefault: Boolean(m[2]) });
  return out;
}

/** The text between the `{` at `open` and its matching `}`. */
function block(text: string, open: number): string {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    if (text[i] === '{') depth++;
    else if (text[i] === '}' && --depth === 0) return text.slice(open + 1, i);
  }
  throw new Error('unbalanced braces');
}

/** Keys at the top level of a Bicep object body. */
function topLevelKeys(body: string): string[] {
  const keys: string[] = [];
  let depth = 0;
  for (const line of body.split('\n')) {
    const key = /^\s*([A-Za-z_]\w*)\s*:/.exec(line);
    if (depth === 0 && key) keys.push(key[1]!);
    for (const ch of line.replace(/'[^']*'/g, '')) {
      if (ch === '{' || ch === '[') depth++;
      if (ch === '}' || ch === ']') depth--;
    }
  }
  return keys;
}

/** Every `module name 'path' = {...}` of azure.bicep with the params it passes. */
function modules(): { path: string; params: string[] }[] {
  return [...mainBicep.matchAll(/^module\s+\w+\s+'([^']+)'\s*=\s*\{/gm)].map((m) => {
    const body = block(mainBicep, m.index + m[0].length - 1);
    const paramsAt = body.search(/params:\s*\{/);
    return { path: m[1]!, params: paramsAt < 0 ? [] : topLevelKeys(block(body, body.indexOf('{', paramsAt))) };
  });
}

/** The web app's app settings: name and Bicep value expression. */
function appSettings(): Map<string, string> {
  const text = bicep['infra/modules/web-app.bicep']!;
  return new Map([...text.matchAll(/name:\s*'([A-Z][A-Z0-9_]*)'\s*\n\s*value:\s*(.+)/g)].map((m) => [m[1]!, m[2]!.trim()]));
}

describe('teamsapp.yml', () => {
  it('parses and is valid against the Agents Toolkit project schema of its version', () => {
    const validate = schemaValidator('agents-toolkit-yaml-v1.11/yaml.schema.json');
    const valid = validate(project);
    expect(errorsOf(validate)).toEqual([]);
    expect(valid).toBe(true);
    expect(project.version).toBe('v1.11');
    expect(projectText).toContain('https://aka.ms/m365-agents-toolkits/v1.11/yaml.schema.json');
  });

  it("creates the tab's Entra app with a service principal (else single sign-on can fail with AADSTS500011)", () => {
    const create = project.provision.find((a) => a.uses === 'aadApp/create');
    expect(create?.with?.['generateServicePrincipal']).toBe(true);
  });

  it('rejects a misspelt action (the validation is not vacuous)', () => {
    const validate = schemaValidator('agents-toolkit-yaml-v1.11/yaml.schema.json');
    const broken = parse(projectText) as Project;
    broken.provision[0]!.uses = 'teamsApp/creat';
    expect(validate(broken)).toBe(false);
  });

  it('references only files that exist, or that an earlier step of the same stage writes', () => {
    expect(exists(path.join(project.environmentFolderPath, '.env.dev'))).toBe(true);
    for (const [stageName, actions] of Object.entries(stages)) {
      const written = new Set<string>();
      for (const action of actions) {
        const w = action.with ?? {};
        const inputs: string[] = [];
        for (const key of ['manifestPath', 'ignoreFile', 'appPackagePath'] as const)
          if (typeof w[key] === 'string') inputs.push(w[key]);
        for (const t of (w['templates'] as { path: string; parameters?: string }[] | undefined) ?? []) {
          inputs.push(t.path, ...(t.parameters ? [t.parameters] : []));
        }
        for (const file of inputs) {
          expect(written.has(file) || exists(file), `${stageName}: ${action.uses} needs ${file}`).toBe(true);
        }
        if (typeof w['outputZipPath'] === 'string') written.add(w['outputZipPath']);
      }
    }
  });

  it('provisions in an order that works: ids exist before the package is zipped, the package before the update', () => {
    const p = project.provision;
    const zip = indexOfUse(p, 'teamsApp/zipAppPackage');
    expect(indexOfUse(p, 'teamsApp/create')).toBeGreaterThanOrEqual(0);
    expect(indexOfUse(p, 'teamsApp/create')).toBeLessThan(zip);
    expect(indexOfUse(p, 'arm/deploy')).toBeLessThan(zip);
    expect(indexOfUse(p, 'teamsApp/validateManifest')).toBeGreaterThanOrEqual(0);
    expect(indexOfUse(p, 'teamsApp/validateAppPackage')).toBeGreaterThan(zip);
    expect(indexOfUse(p, 'teamsApp/update')).toBeGreaterThan(zip);
    // The manifest's ids come from steps before the zip: TEAMS_APP_ID from teamsApp/create, BOT_ID from the Bicep.
    const produced = new Set([
      ...Object.values(p[indexOfUse(p, 'teamsApp/create')]!.writeToEnvironmentFile ?? {}),
      ...[...mainBicep.matchAll(/^output\s+(\w+)/gm)].map((m) => m[1]!),
    ]);
    expect([...produced]).toEqual(expect.arrayContaining(['TEAMS_APP_ID', 'BOT_ID']));
  });

  it('deploys the staged app: the npm script exists and zipDeploy uploads the folder it writes', () => {
    const d = project.deploy;
    const npm = d[indexOfUse(d, 'cli/runNpmCommand')]!;
    const script = /^run\s+([\w:-]+)$/.exec(String(npm.with?.['args']))?.[1];
    expect(script && packageJson.scripts[script]).toBe('node scripts/stage-deploy.ts');
    const zipDeploy = d[indexOfUse(d, 'azureAppService/zipDeploy')]!;
    expect(indexOfUse(d, 'azureAppService/zipDeploy')).toBeGreaterThan(indexOfUse(d, 'cli/runNpmCommand'));
    expect(path.resolve(root, String(zipDeploy.with?.['artifactFolder']))).toBe(path.resolve(root, defaultOutDir));
    expect(placeholdersIn(String(zipDeploy.with?.['resourceId']))).toEqual(['AZURE_APP_SERVICE_RESOURCE_ID']);
    expect(mainBicep).toMatch(/^output AZURE_APP_SERVICE_RESOURCE_ID /m);
  });

  it("publishes to the school's app catalog: the package is built and validated in the same stage, then submitted", () => {
    const p = project.publish;
    const zip = indexOfUse(p, 'teamsApp/zipAppPackage');
    const submit = indexOfUse(p, 'teamsApp/publishAppPackage');
    expect(zip).toBeGreaterThan(indexOfUse(p, 'teamsApp/validateManifest'));
    expect(indexOfUse(p, 'teamsApp/validateAppPackage')).toBeGreaterThan(zip);
    expect(submit).toBeGreaterThan(indexOfUse(p, 'teamsApp/validateAppPackage'));
    expect(p[submit]!.with?.['appPackagePath']).toBe(p[zip]!.with?.['outputZipPath']);
    expect(p[submit]!.writeToEnvironmentFile?.['publishedAppId']).toBe('TEAMS_APP_PUBLISHED_APP_ID');
    expect(env.has('TEAMS_APP_PUBLISHED_APP_ID')).toBe(true);
  });

  it('uses only placeholders that env/.env.dev declares, as do the Bicep parameters', () => {
    const used = [...placeholdersIn(projectText), ...placeholdersIn(readText('infra/azure.parameters.json'))];
    expect(used.length).toBeGreaterThan(3);
    for (const name of used) expect(env.has(name), `${name} is not in env/.env.dev`).toBe(true);
  });

  it('declares every Bicep output in env/.env.dev, where provision writes it', () => {
    for (const [, name] of mainBicep.matchAll(/^output\s+(\w+)/gm)) expect(env.has(name!), name).toBe(true);
  });
});

describe('Bicep (infra/)', () => {
  it('gets every parameter without a default from azure.parameters.json, and no unknown one', () => {
    const params = bicepParams(mainBicep);
    const given = Object.keys(readJson<{ parameters: Record<string, unknown> }>('infra/azure.parameters.json').parameters);
    for (const [name, { hasDefault }] of params) if (!hasDefault) expect(given, `param ${name}`).toContain(name);
    for (const name of given) expect(params.has(name), `unknown param ${name}`).toBe(true);
  });

  it('passes every module the parameters it declares, and no others', () => {
    const mods = modules();
    // Every module file is used, each once.
    expect(mods.map((m) => path.basename(m.path)).sort()).toEqual(fs.readdirSync(path.join(root, 'infra/modules')).sort());
    for (const mod of mods) {
      const file = path.join('infra', mod.path);
      expect(exists(file), file).toBe(true);
      const declared = bicepParams(readText(file));
      for (const [name, { hasDefault }] of declared) if (!hasDefault) expect(mod.params, `${file}: ${name}`).toContain(name);
      for (const name of mod.params) expect(declared.has(name), `${file} has no param ${name}`).toBe(true);
    }
  });

  it('sets every setting the app needs in production, and the app starts with exactly those settings', () => {
    const settings = appSettings();
    for (const name of ['CLIENT_ID', 'TENANT_ID', 'MANAGED_IDENTITY_CLIENT_ID', 'COSMOS_ENDPOINT', 'COSMOS_DATABASE', 'HOST']) {
      expect(settings.has(name), `app setting ${name}`).toBe(true);
    }
    // Values that are Bicep expressions get a value of the right shape; literals are used as they are.
    const shaped: Record<string, string> = {
      COSMOS_ENDPOINT: 'https://lobrefl1a2b3c-cosmos.documents.azure.com:443/',
      DEFAULT_LOCALE: 'nl',
      DEFAULT_TIME_ZONE: 'Europe/Amsterdam',
      TAB_SSO_CLIENT_ID: '5f0c2d3e-1a2b-4c3d-8e9f-0a1b2c3d4e5f',
      APPLICATIONINSIGHTS_CONNECTION_STRING:
        'InstrumentationKey=00000000-0000-0000-0000-000000000000;IngestionEndpoint=https://westeurope-5.in.applicationinsights.azure.com/',
      TEAMS_APP_ID: '0d9a4c1e-7b2f-4e5a-9c3d-2f1e0a9b8c7d',
    };
    const envFromBicep: Record<string, string> = {
      WEBSITE_SITE_NAME: 'lobrefl1a2b3c',
      WEBSITE_HOSTNAME: 'lobrefl1a2b3c.azurewebsites.net',
    };
    for (const [name, value] of settings) {
      const literal = /^'(.*)'$/.exec(value);
      envFromBicep[name] = literal ? literal[1]! : (shaped[name] ?? `bicep-${name.toLowerCase()}`);
    }
    const config = loadConfig(envFromBicep);
    expect(config.devMode).toBe(false);
    expect(config.HOST).toBe('0.0.0.0');
    expect(config.COSMOS_ENDPOINT).toBeDefined();
    // The managed identity is the bot's identity and the database credential; no secret is set anywhere.
    expect(settings.get('MANAGED_IDENTITY_CLIENT_ID')).toBe(settings.get('CLIENT_ID'));
    expect(config.CLIENT_SECRET).toBeUndefined();
    expect(config.COSMOS_KEY).toBeUndefined();
    expect(settings.get('PORT')).toBe(settings.get('WEBSITES_PORT'));
    const platform = ['WEBSITES_PORT', 'SCM_DO_BUILD_DURING_DEPLOYMENT', 'WEBSITE_RUN_FROM_PACKAGE'];
    for (const name of settings.keys()) expect([...Object.keys(configSchema.shape), ...platform], name).toContain(name);
    // Without the identity the app refuses to start: the check above would notice a missing setting.
    const { CLIENT_ID: _, ...withoutClientId } = envFromBicep;
    expect(() => loadConfig(withoutClientId)).toThrow(ConfigError);
  });

  it('brings a Node that "engines" accepts, with its types, for machines with an older Node', () => {
    // npm scripts run on the `node` dev dependency (node_modules/.bin comes first on their PATH).
    const [major, minor] = packageJson.engines.node.replace(/^>=/, '').split('.').map(Number);
    const bundled = readJson<{ version: string }>('node_modules/node/package.json').version.split('.').map(Number);
    expect(bundled[0]).toBe(major);
    expect(bundled[1]).toBeGreaterThanOrEqual(minor!);
    expect(packageJson.devDependencies['node']).toBe(`^${bundled.join('.')}`);
    expect(packageJson.devDependencies['@types/node']).toMatch(new RegExp(`^\\^${major}\\.`));
  });

  it('runs Node 24 LTS on Linux, the major version "engines" asks for, with the production start script', () => {
    const web = bicep['infra/modules/web-app.bicep']!;
    const major = /^>=(\d+)\.\d+$/.exec(packageJson.engines.node)?.[1];
    expect(major).toBe('24');
    expect(web).toContain(`linuxFxVersion: 'NODE|${major}-lts'`);
    const start = /appCommandLine:\s*'npm run ([\w:-]+)'/.exec(web)?.[1];
    expect(start && packageJson.scripts[start]).toMatch(/^node .*src\/main\.ts$/);
    expect(web).toMatch(/type:\s*'UserAssigned'/);
  });

  it('turns FTP and SCM basic-authentication publishing off', () => {
    const web = bicep['infra/modules/web-app.bicep']!;
    for (const name of ['ftp', 'scm']) {
      expect(web).toMatch(
        new RegExp(
          `'Microsoft\\.Web/sites/basicPublishingCredentialsPolicies@[\\d-]+' = \\{\\s*parent: site\\s*name: '${name}'\\s*properties: \\{\\s*allow: false`,
        ),
      );
    }
  });

  it('registers the bot with the managed identity, on the web app, with the Teams channel', () => {
    const bot = bicep['infra/modules/azure-bot.bicep']!;
    expect(bot).toContain("msaAppType: 'UserAssignedMSI'");
    expect(bot).toContain("channelName: 'MsTeamsChannel'");
    expect(mainBicep).toMatch(/messagingEndpoint: 'https:\/\/\$\{webApp\.outputs\.hostName\}\/api\/messages'/);
  });

  it('makes Cosmos DB serverless, keyless, with the Data Contributor role for the identity', () => {
    const cosmos = bicep['infra/modules/cosmos.bicep']!;
    expect(cosmos).toContain("{ name: 'EnableServerless' }");
    expect(cosmos).toMatch(/disableLocalAuth:\s*true/);
    expect(cosmos).toContain("'Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments@");
    expect(cosmos).toContain("'00000000-0000-0000-0000-000000000002'");
    expect(cosmos).toContain("paths: ['/pk']");
  });

  it('sends telemetry to a workspace-based Application Insights that only the managed identity can write to', () => {
    const monitoring = bicep['infra/modules/monitoring.bicep']!;
    expect(monitoring).toContain("'Microsoft.Insights/components@");
    expect(monitoring).toMatch(/WorkspaceResourceId:\s*workspace\.id/);
    expect(monitoring).toMatch(/DisableLocalAuth:\s*true/);
    // Monitoring Metrics Publisher for the bot's identity, on the Application Insights resource.
    expect(monitoring).toContain("'3913510d-42f4-4e42-8a64-420c390055eb'");
    expect(mainBicep).toMatch(/publisherPrincipalId:\s*identity\.properties\.principalId/);
    expect(appSettings().get('APPLICATIONINSIGHTS_CONNECTION_STRING')).toBe('appInsightsConnectionString');
    expect(mainBicep).toMatch(/appInsightsConnectionString:\s*monitoring\.outputs\.connectionString/);
  });

  it('turns on Cosmos DB continuous backup (point-in-time restore), 7 days unless the school chooses 30', () => {
    const cosmos = bicep['infra/modules/cosmos.bicep']!;
    const account = block(cosmos, cosmos.indexOf('{', cosmos.indexOf("'Microsoft.DocumentDB/databaseAccounts@")));
    const properties = block(account, account.indexOf('{', account.indexOf('properties:')));
    expect(topLevelKeys(properties)).toContain('backupPolicy');
    const policy = block(properties, properties.indexOf('{', properties.indexOf('backupPolicy:')));
    expect(policy).toMatch(/type:\s*'Continuous'/);
    expect(policy).toMatch(/continuousModeProperties:\s*\{\s*tier:\s*backupTier\s*\}/);
    expect(cosmos).toMatch(
      /@allowed\(\['Continuous7Days', 'Continuous30Days'\]\)\s*(@description\('[^\n]*'\)\s*)?param backupTier string = 'Continuous7Days'/,
    );
    // The school's choice reaches the module from the main template.
    expect(mainBicep).toMatch(/param cosmosBackupTier string = 'Continuous7Days'/);
    expect(modules().find((m) => m.path.endsWith('cosmos.bicep'))?.params).toContain('backupTier');
    // And the restore of either backend is written down.
    const deploy = readText('docs/deploy.md');
    expect(deploy).toContain('Point-in-time restore');
    expect(deploy).toContain('lob-reflectie restore');
  });

  it('creates every Cosmos container the app opens (the identity cannot create them itself)', async () => {
    const containers = readJson<string[]>('infra/cosmos-containers.json');
    expect(mainBicep).toContain("loadJsonContent('cosmos-containers.json')");
    // What the bot opens when it is built, as recorded by a store wrapper...
    const real = SqliteStore.open(':memory:');
    const opened = new Set<string>();
    const recording: DocumentStore = {
      kind: real.kind,
      collection: (def: CollectionDef) => {
        opened.add(def.name);
        return real.collection(def);
      },
      ping: () => real.ping(),
      purgeErased: () => real.purgeErased(),
      close: () => real.close(),
    };
    const config = loadConfig({ DEV_ALLOW_UNAUTHENTICATED: 'true', PORT: '0' });
    await buildBot({ config, log: createLogger('silent'), store: recording, scheduler: false });
    await recording.close();
    // ...and every collection named in the code, for those opened later.
    const files = fs.readdirSync(path.join(root, 'src'), { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));
    for (const file of files) {
      for (const m of readText(path.join('src', file)).matchAll(/\.collection(?:<[^(]*>)?\(\{\s*name:\s*'([^']+)'/g))
        opened.add(m[1]!);
    }
    expect(opened.size).toBeGreaterThanOrEqual(7);
    expect(containers.sort()).toEqual(expect.arrayContaining([...opened].sort()));
  });
});

describe('deploy staging (npm run deploy:stage)', () => {
  let child: ChildProcess | undefined;
  const dirs: string[] = [];
  afterAll(() => {
    child?.kill();
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  });

  it('copies everything the app reads at run time: the staged copy starts and answers /healthz', async () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'lob-stage-'));
    dirs.push(out);
    stage(path.join(out, 'app'));
    const app = path.join(out, 'app');
    expect(fs.existsSync(path.join(app, 'test'))).toBe(false);
    // The production dependencies are a subset of ours: link them instead of installing.
    fs.symlinkSync(path.join(root, 'node_modules'), path.join(app, 'node_modules'), 'dir');
    const [command, ...args] = packageJson.scripts['start:production']!.split(' ');
    expect(command).toBe('node');
    child = spawn(process.execPath, args, {
      cwd: app,
      env: { PATH: process.env.PATH, DEV_ALLOW_UNAUTHENTICATED: 'true', PORT: '0', DATA_DIR: path.join(out, 'data') },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const url = await new Promise<string>((resolve, reject) => {
      let output = '';
      const timer = setTimeout(() => reject(new Error(`no start within 15 s:\n${output}`)), 15_000);
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        const m = /"url":"(http:\/\/[^"]+)\/api\/messages"/.exec(output);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]!);
        }
      };
      child!.stdout!.on('data', onData);
      child!.stderr!.on('data', onData);
      child!.on('exit', (code) => reject(new Error(`exited with ${code}:\n${output}`)));
    });
    const res = await fetch(`${url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'ok' });
  });
});
