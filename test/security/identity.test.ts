import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensurePersonByEmail } from '../../src/core/assignments.ts';
import { tenantId, testUser } from '../helpers/activities.ts';
import { cardText, World } from '../modules/mentoring/world.ts';

// Identity is the Entra object id once known. A school that reuses an address (a leaver's for a new
// pupil) must not hand the new account the old one's reflections: over HTTP with real activities, the
// newcomer is refused with a reason, the record keeps its ids, and IT finds the conflict in the log.

const secret = 'Ik schaamde me toen de klant boos werd.';
const conflictNl = 'je e-mailadres hoort hier al bij een ander account';

describe('an e-mail address never overrides a recorded Entra id', () => {
  let w: World;
  beforeAll(async () => {
    w = await World.start();
  });
  afterAll(() => w.stop());

  it('a new account with an existing student’s roster e-mail is refused, sees nothing, and changes nothing', async () => {
    const sanne = await w.person('Sanne de Vries', 'sanne@school.nl');
    await w.reflect(sanne.user, { feeling: 'bad', happened: secret, 'next-step': 'Hulp vragen.' });
    const before = (await w.find('sanne@school.nl'))!;
    expect(before.entraObjectId).toBe(sanne.user.aadObjectId);

    // Another Entra id, another Teams id, the same address in the roster.
    const newcomer = testUser('Sanne Bakker', 'sanne@school.nl');
    w.t.join(newcomer);
    expect((await w.t.send('personal-installation-add', newcomer)).status).toBe(200);
    expect((await w.t.send('personal-message', newcomer, { text: 'mijn reflecties' })).status).toBe(200);
    const pressed = await w.t.send('card-action-execute', newcomer, { verb: 'overview.show', data: { page: 0 }, replyToId: 'x' });
    expect(pressed.status).toBe(200);

    const seen = [...w.cards(newcomer), (pressed.body as { value: unknown }).value];
    expect(seen.length).toBeGreaterThanOrEqual(3);
    for (const card of seen) {
      expect(cardText(card)).toContain(conflictNl);
      expect(JSON.stringify(card)).not.toContain(secret);
    }
    const after = (await w.find('sanne@school.nl'))!;
    expect(after).toMatchObject({ id: before.id, entraObjectId: before.entraObjectId, teamsUserId: before.teamsUserId });
    expect(await w.repos.people.findByTeamsUserId(tenantId, newcomer.userId)).toBeUndefined();
    expect(await w.repos.people.findByEntraObjectId(tenantId, newcomer.aadObjectId)).toBeUndefined();

    const conflicts = w.t.logLines.filter((l) => l.includes('identity conflict'));
    expect(conflicts.length).toBeGreaterThanOrEqual(3);
    expect(conflicts.every((l) => l.includes(before.id) && l.includes(newcomer.aadObjectId))).toBe(true);
    expect(w.t.logLines.some((l) => l.includes(secret))).toBe(false);
  });

  it('in English for an English Teams client', async () => {
    const newcomer = testUser('Sanne Bakker', 'SANNE@school.nl', 'en-US');
    w.t.join(newcomer);
    await w.t.send('personal-message', newcomer, { text: 'help' });
    expect(cardText(w.cards(newcomer).at(-1))).toContain('your e-mail address already belongs to another account');
  });

  it('a person imported by e-mail is linked on first contact (also with a pasted invisible character), then only by Entra id', async () => {
    const { person } = await ensurePersonByEmail(w.t.bot.deps.install, tenantId, 'daan@school.nl', 'student', 'Daan Smit');
    const daan = testUser('Daan Smit', 'Daan\u200b@School.nl');
    w.t.join(daan);
    expect((await w.t.send('personal-installation-add', daan)).status).toBe(200);
    const linked = (await w.repos.people.get(tenantId, person.id))!;
    expect(linked).toMatchObject({ entraObjectId: daan.aadObjectId, teamsUserId: daan.userId, email: 'daan@school.nl' });

    const other = testUser('Daan Jansen', 'daan@school.nl');
    w.t.join(other);
    await w.t.send('personal-message', other, { text: 'mijn reflecties' });
    expect(cardText(w.cards(other).at(-1))).toContain(conflictNl);
    expect(await w.repos.people.get(tenantId, person.id)).toMatchObject({
      entraObjectId: daan.aadObjectId,
      teamsUserId: daan.userId,
    });
  });

  it('a team roster with a reused address leaves the known person as they are, and logs it', async () => {
    const before = (await w.find('sanne@school.nl'))!;
    const owner = testUser('Mentor Mentoraat', 'mentor4h@school.nl');
    w.t.join(owner);
    const teamId = '19:R3s8dLp2Qk7wXz9Nv4bTy6uHc1jMf0aE@thread.tacv2';
    const reused = testUser('Sanne Bakker', 'sanne@school.nl');
    w.t.join(reused);
    w.t.connector.teams.set(teamId, [owner.userId, reused.userId]);
    expect((await w.t.send('team-installation-add', owner, { teamId, teamName: 'Mentoraat 4H' })).status).toBe(200);
    expect(await w.find('sanne@school.nl')).toMatchObject({
      entraObjectId: before.entraObjectId,
      teamsUserId: before.teamsUserId,
    });
    expect(w.t.logLines.some((l) => l.includes('identity conflict') && l.includes(teamId) && l.includes(before.id))).toBe(true);
  });
});
