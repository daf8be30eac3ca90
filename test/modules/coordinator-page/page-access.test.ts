import { inflateRawSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensurePersonByEmail } from '../../../src/core/assignments.ts';
import { ManualClock } from '../../../src/platform/clock.ts';
import { tenantId } from '../../helpers/activities.ts';
import { seedCoordinatorWorld, type World } from '../../helpers/coordinator-world.ts';
import { startTestBot, type TestBot } from '../../helpers/test-bot.ts';
import { TokenIssuer } from '../../helpers/token-issuer.ts';

// The coordinator page's API over HTTP with Teams SSO tokens signed by a local issuer (its OpenID
// configuration and keys served on loopback): what is accepted, what is refused and why, who sees what,
// and the downloads. The development login is off here, as in production.

const clientId = '5f0c2d3e-1a2b-4c3d-8e9f-0a1b2c3d4e5f';
const appIdUri = `api://lob.example.nl/${clientId}`;
const now = new Date('2027-03-15T10:00:00+01:00');
const seconds = Math.floor(now.getTime() / 1000);

let issuer: TokenIssuer;
let t: TestBot;
let world: World;

beforeAll(async () => {
  issuer = await TokenIssuer.start();
  t = await startTestBot({
    clock: new ManualClock(now),
    env: {
      TAB_SSO_CLIENT_ID: clientId,
      TAB_SSO_APP_ID_URI: appIdUri,
      TAB_OPENID_METADATA_URL: issuer.metadataUrl,
      DEV_PAGE_LOGIN: 'false',
    },
  });
  world = await seedCoordinatorWorld(t.bot.deps, { classes: 4, classSize: 8, reflectionsPerStudent: 2 });
});

afterAll(async () => {
  await t?.stop();
  await issuer?.close();
});

function token(claims: Record<string, unknown> = {}, options: Parameters<TokenIssuer['token']>[1] = {}) {
  return issuer.token(
    {
      iss: `https://login.microsoftonline.com/${tenantId}/v2.0`,
      aud: appIdUri,
      tid: tenantId,
      oid: world.coordinator.entraObjectId,
      preferred_username: world.coordinator.email,
      scp: 'access_as_user',
      nbf: seconds - 60,
      iat: seconds - 60,
      exp: seconds + 3600,
      ...claims,
    },
    options,
  );
}

async function view(headers: Record<string, string>, path = '/coordinator/api/view?lang=nl') {
  const res = await fetch(`${t.bot.url}${path}`, { headers });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe('coordinator page: Teams SSO', () => {
  it('shows the whole school to a coordinator with a valid token (v2 audience: the client id, too)', async () => {
    for (const aud of [appIdUri, clientId]) {
      const res = await view({ authorization: `Bearer ${token({ aud })}` });
      expect(res.status).toBe(200);
      expect(String(res.body['subtitle'])).toContain('hele school');
      expect(String(res.body['html'])).toContain('data-view="campaigns"');
    }
  });

  it('warns the coordinator when the holiday dates of the current or coming school year are not confirmed', async () => {
    const nl = await view({ authorization: `Bearer ${token()}` });
    const html = String(nl.body['html']);
    expect(html).toContain('data-holidays="2026-2027" data-status="provisional"');
    expect(html).toContain('Herfstvakantie, Voorjaarsvakantie, Zomervakantie in 2026-2027 zijn nog voorlopig');
    // The coming year (2027-2028) is the ministry's: no warning about it.
    expect(html).not.toContain('data-holidays="2027-2028"');
    const en = await view({ authorization: `Bearer ${token()}` }, '/coordinator/api/view?lang=en');
    expect(String(en.body['html'])).toContain('are still provisional');
  });

  it('also accepts the v1 issuer of the same tenant, and links a person without an Entra id by sign-in name', async () => {
    const v1 = await view({ authorization: `Bearer ${token({ iss: `https://sts.windows.net/${tenantId}/` })}` });
    expect(v1.status).toBe(200);
    // Imported by e-mail, never seen in Teams: the first sign-in links the Entra id (the name as Entra
    // writes it, with an invisible character pasted in, is the same address).
    const { person } = await ensurePersonByEmail(t.bot.deps.install, tenantId, 'nieuwe.coordinator@example.com', 'coordinator');
    expect(person.entraObjectId).toBeUndefined();
    const oid = 'a1b2c3d4-0000-4000-8000-0000000000fe';
    const byEmail = await view({
      authorization: `Bearer ${token({ oid, preferred_username: 'Nieuwe.Coordinator\u200b@EXAMPLE.com' })}`,
    });
    expect(byEmail.status).toBe(200);
    expect((await t.bot.repos.people.get(tenantId, person.id))?.entraObjectId).toBe(oid);
  });

  it('refuses a sign-in name that belongs to a person with another Entra id (a reused address), and logs it for IT', async () => {
    const newcomer = 'a1b2c3d4-0000-4000-8000-0000000000ff';
    for (const username of ['PattiF@example.com', 'nieuwe.coordinator@example.com']) {
      const res = await view({ authorization: `Bearer ${token({ oid: newcomer, preferred_username: username })}` });
      expect(res.status, username).toBe(403);
      expect(res.body['error']).toBe('conflict');
      expect(String(res.body['html'])).toContain('ICT-beheerder');
      expect(String(res.body['html'])).not.toContain('data-view');
    }
    const en = await view(
      { authorization: `Bearer ${token({ oid: newcomer, preferred_username: 'pattif@example.com' })}` },
      '/coordinator/api/view?lang=en',
    );
    expect(String(en.body['html'])).toContain('IT administrator');
    expect((await t.bot.repos.people.get(tenantId, world.coordinator.id))?.entraObjectId).toBe(world.coordinator.entraObjectId);
    const logged = t.logLines.filter((l) => l.includes('identity conflict'));
    expect(logged.length).toBeGreaterThanOrEqual(3);
    expect(logged.every((l) => l.includes(world.coordinator.id) || l.includes(newcomer))).toBe(true);
  });

  it('refuses every token that is not ours, signed, current and for this tenant, with 401 and the sign-in text', async () => {
    const otherTenant = '0b5c9a1e-2f3d-4e5f-8a9b-1c2d3e4f5a6b';
    const bad: [string, string][] = [
      ['no token', ''],
      ['not bearer', `Basic ${token()}`],
      ['garbage', 'Bearer abc.def.ghi'],
      ['forged key', `Bearer ${token({}, { key: issuer.forged })}`],
      ['unsigned', `Bearer ${token({}, { unsigned: true })}`],
      ['HMAC', `Bearer ${token({}, { header: { alg: 'HS256' } })}`],
      ['expired', `Bearer ${token({ exp: seconds - 3600, nbf: seconds - 7200 })}`],
      ['not yet valid', `Bearer ${token({ nbf: seconds + 3600 })}`],
      ['wrong audience', `Bearer ${token({ aud: 'api://elsewhere.example/abc' })}`],
      ['bot framework audience', `Bearer ${token({ aud: 'https://api.botframework.com' })}`],
      ['wrong issuer', `Bearer ${token({ iss: 'https://login.microsoftonline.com/common/v2.0' })}`],
      ['issuer of another tenant', `Bearer ${token({ iss: `https://login.microsoftonline.com/${otherTenant}/v2.0` })}`],
      ['no scope', `Bearer ${token({ scp: 'User.Read' })}`],
      ['no tenant', `Bearer ${token({ tid: undefined })}`],
    ];
    for (const [name, header] of bad) {
      const res = await view(header ? { authorization: header } : {});
      expect(res.status, name).toBe(401);
      expect(res.body['error'], name).toBe('sign-in');
      expect(String(res.body['html']), name).toContain('Aanmelden lukte niet');
      expect(String(res.body['html'])).not.toContain('data-view');
    }
    // The dev login header means nothing while DEV_PAGE_LOGIN is off.
    expect((await view({ 'x-dev-login': 'pattif@example.com' })).status).toBe(401);
    expect(t.logLines.some((l) => l.includes('eyJ'))).toBe(false);
  });

  it('a tenant that is no school here, or a person we do not know: 403 "unknown"', async () => {
    const other = '0b5c9a1e-2f3d-4e5f-8a9b-1c2d3e4f5a6b';
    const stranger = await view({
      authorization: `Bearer ${token({ tid: other, iss: `https://login.microsoftonline.com/${other}/v2.0` })}`,
    });
    expect(stranger.status).toBe(403);
    expect(stranger.body['error']).toBe('unknown');
    const nobody = await view({
      authorization: `Bearer ${token({ oid: 'a1b2c3d4-0000-4000-8000-0000000000ee', preferred_username: 'nobody@example.com' })}`,
    });
    expect(nobody.body['error']).toBe('unknown');
  });

  it('mentors and students get "no access" in Dutch and English, and nothing of the figures', async () => {
    const oids = ['a1b2c3d4-0000-4000-8000-00000000d001', 'a1b2c3d4-0000-4000-8000-00000000d002'];
    for (const [i, p] of [world.mentor, world.student].entries()) {
      const person = await t.bot.repos.people.update(tenantId, p.id, (x) => ({ ...x, entraObjectId: oids[i] }));
      for (const lang of ['nl', 'en']) {
        const res = await view(
          { authorization: `Bearer ${token({ oid: person.entraObjectId, preferred_username: person.email })}` },
          `/coordinator/api/view?lang=${lang}`,
        );
        expect(res.status).toBe(403);
        expect(res.body['error']).toBe('role');
        expect(String(res.body['html'])).toContain(lang === 'nl' ? 'Geen toegang' : 'No access');
        expect(Object.keys(res.body).sort()).toEqual(['error', 'html']);
      }
      const exp = await fetch(`${t.bot.url}/coordinator/api/exports`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token({ oid: person.entraObjectId, preferred_username: person.email })}` },
      });
      expect(exp.status).toBe(403);
    }
  });

  it('a team leader sees only the classes of their own team', async () => {
    const res = await view({
      authorization: `Bearer ${token({ oid: world.teamLeader.entraObjectId, preferred_username: world.teamLeader.email })}`,
    });
    expect(res.status).toBe(200);
    const page = String(res.body['html']);
    expect(String(res.body['subtitle'])).toContain('Jaar 4');
    for (const g of world.groupIds) {
      expect(page.includes(`data-group="${g}"`), g).toBe(world.leaderTeam.groupIds.includes(g));
    }
    // Campaign figures count the prompts to the team's classes only.
    const { camp } = t.bot.deps.modules.campaigns;
    const mine = new Set(world.leaderTeam.groupIds);
    for (const c of world.campaigns) {
      const rows = (await camp.deliveries.find(tenantId, { campaignId: c.id })).filter((d) => mine.has(d.groupId!));
      const shown = (field: string) => new RegExp(`data-campaign="${c.id}" data-field="${field}">(\\d+)<`).exec(page)?.[1];
      expect(shown('sent'), c.name).toBe(String(rows.filter((d) => d.sentAt).length));
      expect(shown('answered'), c.name).toBe(String(rows.filter((d) => d.state === 'answered').length));
      expect(shown('unreachable'), c.name).toBe(String(rows.filter((d) => d.state === 'unreachable').length));
    }
    // No student names for team leaders: reasons only.
    expect(page).not.toContain('data-student=');
    expect(page).not.toContain('Leerling ');
  });

  it('exports CSV and XLSX through short-lived download links', async () => {
    const res = await fetch(`${t.bot.url}/coordinator/api/exports?lang=nl`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token()}` },
    });
    expect(res.status).toBe(200);
    const { urls } = (await res.json()) as { urls: Record<string, string> };
    const text = async (url: string) => Buffer.from(await (await fetch(url)).arrayBuffer()).toString('utf8');
    const csv = await text(urls['campaign']!);
    expect(csv.startsWith('\ufeffCampagne;Status;')).toBe(true);
    for (const c of world.campaigns) expect(csv).toContain(c.name);
    const coverage = await text(urls['coverage']!);
    expect(coverage).toContain('4X;3;verborgen');
    const file = await fetch(urls['xlsx']!);
    expect(file.headers.get('content-type')).toContain('spreadsheetml');
    const bytes = Buffer.from(await file.arrayBuffer());
    expect(bytes.subarray(0, 2).toString()).toBe('PK');
    const sheets = zipEntries(bytes);
    expect(Object.keys(sheets)).toEqual(
      expect.arrayContaining(['xl/workbook.xml', 'xl/worksheets/sheet1.xml', 'xl/worksheets/sheet2.xml']),
    );
    expect(sheets['xl/workbook.xml']).toContain('name="Campagnes"');
    for (const c of world.campaigns) expect(sheets['xl/worksheets/sheet1.xml']).toContain(c.name);
    expect(sheets['xl/worksheets/sheet2.xml']).toContain('<t xml:space="preserve">4X</t>');
  });
});

/** The entries of a ZIP file, read from its local headers (what any unzip does first). */
function zipEntries(zip: Buffer): Record<string, string> {
  const out: Record<string, string> = {};
  let at = 0;
  while (zip.readUInt32LE(at) === 0x04034b50) {
    const size = zip.readUInt32LE(at + 18);
    const nameLength = zip.readUInt16LE(at + 26);
    const extra = zip.readUInt16LE(at + 28);
    const name = zip.subarray(at + 30, at + 30 + nameLength).toString();
    const data = zip.subarray(at + 30 + nameLength + extra, at + 30 + nameLength + extra + size);
    out[name] = inflateRawSync(data).toString('utf8');
    at += 30 + nameLength + extra + size;
  }
  return out;
}

describe('coordinator page: warm figures', () => {
  it('has the whole school computed before the first coordinator opens the page (the warm-up job)', async () => {
    const clock = new ManualClock(now);
    const warm = await startTestBot({
      clock,
      env: { TAB_SSO_CLIENT_ID: clientId, TAB_SSO_APP_ID_URI: appIdUri, TAB_OPENID_METADATA_URL: issuer.metadataUrl },
    });
    try {
      const w = await seedCoordinatorWorld(warm.bot.deps, { classes: 2, classSize: 6, reflectionsPerStudent: 1 });
      expect(await warm.bot.deps.jobs.runNow('coordinator-page.warm')).toEqual({ status: 'ran', result: 1 });
      // A minute later the coordinator opens the page: the figures are the warm-up's, from 10:00.
      clock.advance(60_000);
      const res = await fetch(`${warm.bot.url}/coordinator/api/view?lang=nl`, {
        headers: {
          authorization: `Bearer ${token({ oid: w.coordinator.entraObjectId, preferred_username: w.coordinator.email })}`,
        },
      });
      expect(res.status).toBe(200);
      expect(String(((await res.json()) as Record<string, unknown>)['subtitle'])).toContain('cijfers van 10:00');
    } finally {
      await warm.stop();
    }
  });
});
