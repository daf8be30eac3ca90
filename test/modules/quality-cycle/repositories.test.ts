import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ensurePersonByEmail } from '../../../src/core/assignments.ts';
import type { Person } from '../../../src/core/entities.ts';
import { captureTeamInstall } from '../../../src/core/install.ts';
import { openRepositories } from '../../../src/core/repositories.ts';
import { parseSchoolYear } from '../../../src/core/time/school-year.ts';
import { defaultMilestoneTexts } from '../../../src/modules/quality-cycle/cards.ts';
import { createTeam, editTeam, linkTeam, TeamError } from '../../../src/modules/quality-cycle/education-teams.ts';
import { markDone } from '../../../src/modules/quality-cycle/milestone-done.ts';
import { removeMilestone, saveMilestone } from '../../../src/modules/quality-cycle/milestone-edits.ts';
import { openQualityCycleRepositories } from '../../../src/modules/quality-cycle/repositories.ts';
import { ensureTeamCycle, ensureYear, type QualityCycleDeps } from '../../../src/modules/quality-cycle/year-cycle.ts';
import { ManualClock } from '../../../src/platform/clock.ts';
import { type DocumentStore, DuplicateError } from '../../../src/platform/store/document-store.ts';
import { backends } from '../../helpers/backends.ts';

// Education teams and cycles on both backends: creating and linking teams with every refusal and its
// reason, editing the school's template and a team's own milestones, and marking done under a race.

const schoolId = 'tenant-1';
const year = parseSchoolYear('2026-2027')!;

describe.each(backends)('education teams and quality cycles: $name', (backend) => {
  let store: DocumentStore;
  let deps: QualityCycleDeps;
  let leader: Person;
  let coordinator: Person;
  let n = 0;

  beforeEach(async () => {
    store = await backend.open();
    const repos = await openRepositories(store);
    deps = {
      repos,
      cycles: await openQualityCycleRepositories(store),
      clock: new ManualClock('2026-09-01T08:00:00Z'),
      newId: () => `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}`,
      defaults: { locale: 'nl', timeZone: 'Europe/Amsterdam' },
      defaultTexts: defaultMilestoneTexts,
    };
    const install = { repos, clock: deps.clock, newId: deps.newId, defaults: deps.defaults };
    leader = (await ensurePersonByEmail(install, schoolId, 'lisa@school.nl', 'team-leader', 'Lisa')).person;
    coordinator = (await ensurePersonByEmail(install, schoolId, 'cor@school.nl', 'coordinator', 'Cor')).person;
    await ensurePersonByEmail(install, schoolId, 'piet@school.nl', 'mentor', 'Piet');
    await ensurePersonByEmail(install, schoolId, 'sanne@school.nl', 'student', 'Sanne');
    await captureTeamInstall(
      install,
      {
        tenantId: schoolId,
        teamId: '19:a@thread.tacv2',
        teamName: 'Team Havo 4',
        conversationId: '19:a@thread.tacv2',
        serviceUrl: 'https://smba.example',
        botId: '28:bot',
      },
      [],
    );
    await captureTeamInstall(
      install,
      {
        tenantId: schoolId,
        teamId: '19:b@thread.tacv2',
        teamName: 'Team Vwo',
        conversationId: '19:b@thread.tacv2',
        serviceUrl: 'https://smba.example',
        botId: '28:bot',
      },
      [],
    );
  });
  afterEach(async () => {
    await store.close();
  });

  async function refusal(step: Promise<unknown>): Promise<unknown> {
    try {
      await step;
    } catch (err) {
      if (err instanceof TeamError) return err.problem;
      throw err;
    }
    throw new Error('expected a refusal');
  }

  it('creates and links teams, and refuses bad input with the reason', async () => {
    const team = await createTeam(deps, schoolId, {
      id: 'Havo-4',
      name: ' Havo 4 ',
      leaders: ['LISA@school.nl'],
      mentors: ['piet@school.nl'],
    });
    expect(team).toMatchObject({ id: 'havo-4', name: 'Havo 4', leaderIds: [leader.id], kind: 'year' });
    expect(await refusal(createTeam(deps, schoolId, { id: 'havo-4', name: 'x', leaders: ['lisa@school.nl'] }))).toEqual({
      code: 'id-taken',
      value: 'havo-4',
    });
    expect(await refusal(createTeam(deps, schoolId, { id: 'havo 4!', name: 'x', leaders: ['lisa@school.nl'] }))).toMatchObject({
      code: 'invalid-id',
    });
    expect(await refusal(createTeam(deps, schoolId, { id: 'vwo', name: '', leaders: ['lisa@school.nl'] }))).toEqual({
      code: 'invalid-name',
    });
    expect(await refusal(createTeam(deps, schoolId, { id: 'vwo', name: 'Vwo', leaders: [] }))).toEqual({ code: 'no-leader' });
    expect(await refusal(createTeam(deps, schoolId, { id: 'vwo', name: 'Vwo', leaders: ['nobody@school.nl'] }))).toEqual({
      code: 'unknown-person',
      value: 'nobody@school.nl',
    });
    // A person without the role is refused, not silently promoted.
    expect(await refusal(createTeam(deps, schoolId, { id: 'vwo', name: 'Vwo', leaders: ['piet@school.nl'] }))).toEqual({
      code: 'missing-role',
      value: 'piet@school.nl',
      role: 'team-leader',
    });
    expect(
      await refusal(
        createTeam(deps, schoolId, { id: 'vwo', name: 'Vwo', leaders: ['lisa@school.nl'], mentors: ['sanne@school.nl'] }),
      ),
    ).toEqual({
      code: 'missing-role',
      value: 'sanne@school.nl',
      role: 'mentor',
    });
    await expect(deps.cycles.teams.create({ ...team, version: undefined } as never)).rejects.toBeInstanceOf(DuplicateError);

    const ref = (await deps.repos.conversations.teams(schoolId)).find((r) => r.teamName === 'Team Havo 4')!;
    const linked = await linkTeam(deps, schoolId, 'havo-4', ref);
    expect(linked).toMatchObject({ teamsTeamId: '19:a@thread.tacv2', teamsTeamName: 'Team Havo 4' });
    expect((await deps.cycles.teams.findByTeamsTeam(schoolId, '19:a@thread.tacv2'))?.id).toBe('havo-4');
    expect((await linkTeam(deps, schoolId, 'havo-4', ref)).version).toBe(linked.version); // again: nothing changes
    await createTeam(deps, schoolId, { id: 'vwo', name: 'Vwo', leaders: ['lisa@school.nl'] });
    expect(await refusal(linkTeam(deps, schoolId, 'vwo', ref))).toEqual({
      code: 'teams-team-taken',
      value: 'Team Havo 4',
      by: 'Havo 4',
    });
    expect(await refusal(linkTeam(deps, schoolId, 'nope', ref))).toEqual({ code: 'unknown-team', value: 'nope' });
    expect(
      (await editTeam(deps, schoolId, 'vwo', { name: 'Vwo bovenbouw', mentors: ['piet@school.nl'] })).mentorIds,
    ).toHaveLength(1);
    expect((await deps.cycles.teams.list(schoolId)).map((t) => t.id)).toEqual(['havo-4', 'vwo']);
  });

  it('edits the template for every team that follows it, and a team milestone for that team only', async () => {
    await createTeam(deps, schoolId, { id: 'havo-4', name: 'Havo 4', leaders: ['lisa@school.nl'] });
    await createTeam(deps, schoolId, { id: 'vwo-5', name: 'Vwo 5', leaders: ['lisa@school.nl'] });
    const first = await ensureYear(deps, schoolId, year);
    expect(first.school.milestones.map((m) => m.phase)).toEqual(['plan', 'plan', 'do', 'check', 'check', 'check', 'act']);
    expect(first.teams.map(({ cycle }) => cycle.milestones.length)).toEqual([7, 7]);

    // Havo 4 changes its own mid-year check; the school then moves the template's one: Vwo 5 follows, Havo 4 keeps its own.
    const own = await saveMilestone(deps, schoolId, year, { level: 'team', teamId: 'havo-4' }, 'mid-year-check', {
      due: '2027-02-22',
    });
    expect(own.ok).toBe(true);
    const moved = await saveMilestone(deps, schoolId, year, { level: 'template' }, 'mid-year-check', {
      due: '2027-03-01',
      title: 'Check in maart',
    });
    expect(moved.ok).toBe(true);
    const cycle = async (team: string) => (await deps.cycles.cycles.get(schoolId, `2026-2027:team:${team}`))!;
    expect((await cycle('vwo-5')).milestones.find((m) => m.id === 'mid-year-check')).toMatchObject({
      due: '2027-03-01',
      title: 'Check in maart',
      fromTemplate: true,
    });
    const havo = (await cycle('havo-4')).milestones.find((m) => m.id === 'mid-year-check')!;
    expect(havo.due).toBe('2027-02-22');
    expect(havo.fromTemplate).toBeUndefined();

    // A milestone added to the template reaches every team; removed again, it leaves them.
    const added = await saveMilestone(deps, schoolId, year, { level: 'template' }, undefined, {
      phase: 'do',
      title: 'Loopbaangesprekken ronde 1 gevoerd',
      due: '2026-11-30',
      owner: 'piet@school.nl',
    });
    expect(added.ok).toBe(true);
    const addedId = added.ok ? added.milestone.id : '';
    expect((await cycle('havo-4')).milestones.some((m) => m.id === addedId)).toBe(true);
    expect((await removeMilestone(deps, schoolId, year, { level: 'template' }, addedId)).ok).toBe(true);
    expect((await cycle('vwo-5')).milestones.some((m) => m.id === addedId)).toBe(false);

    // A team that comes later starts from the template as it is now.
    await createTeam(deps, schoolId, { id: 'mavo-3', name: 'Mavo 3', leaders: ['lisa@school.nl'] });
    const later = await ensureTeamCycle(deps, (await deps.cycles.teams.get(schoolId, 'mavo-3'))!, year);
    expect(later.milestones.find((m) => m.id === 'mid-year-check')?.due).toBe('2027-03-01');
  });

  it('refuses a due date outside the school year, an owner who does not exist or is not staff, with the reason', async () => {
    await createTeam(deps, schoolId, { id: 'havo-4', name: 'Havo 4', leaders: ['lisa@school.nl'] });
    const scope = { level: 'team', teamId: 'havo-4' } as const;
    const add = (input: Record<string, string>) =>
      saveMilestone(deps, schoolId, year, scope, undefined, {
        phase: 'plan',
        title: 'x',
        due: '2026-10-01',
        owner: 'team-leader',
        ...input,
      });
    expect(await add({ due: '2027-08-01' })).toEqual({ ok: false, problems: [{ field: 'due', code: 'outside-year', year }] });
    expect(await add({ due: '2026-07-31' })).toMatchObject({ ok: false, problems: [{ field: 'due', code: 'outside-year' }] });
    expect(await add({ due: '2026-02-30' })).toEqual({ ok: false, problems: [{ field: 'due', code: 'invalid' }] });
    expect(await add({ owner: 'ghost@school.nl' })).toEqual({
      ok: false,
      problems: [{ field: 'owner', code: 'unknown-person', value: 'ghost@school.nl' }],
    });
    expect(await add({ owner: 'sanne@school.nl' })).toEqual({
      ok: false,
      problems: [{ field: 'owner', code: 'not-staff', value: 'sanne@school.nl' }],
    });
    expect(await add({ phase: 'review', title: ' ', due: '', owner: '' })).toEqual({
      ok: false,
      problems: [
        { field: 'phase', code: 'invalid' },
        { field: 'title', code: 'required' },
        { field: 'due', code: 'required' },
        { field: 'owner', code: 'required' },
      ],
    });
    expect(await add({ title: 'x'.repeat(121) })).toEqual({ ok: false, problems: [{ field: 'title', code: 'too-long' }] });
    expect(await add({ owner: 'PIET@school.nl', due: '2027-07-31' })).toMatchObject({ ok: true });
    await expect(saveMilestone(deps, schoolId, year, { level: 'team', teamId: 'nope' }, undefined, {})).rejects.toBeInstanceOf(
      TeamError,
    );
  });

  it('marks a milestone done once, however often or at once it is pressed, and only for its owner', async () => {
    await createTeam(deps, schoolId, { id: 'havo-4', name: 'Havo 4', leaders: ['lisa@school.nl'] });
    await ensureYear(deps, schoolId, year);
    const ref = { cycleId: '2026-2027:team:havo-4', milestoneId: 'work-plan' };
    const piet = (await deps.repos.people.findByEmail(schoolId, 'piet@school.nl'))!;
    expect((await markDone(deps, piet, ref, { note: 'x' })).kind).toBe('not-allowed');
    expect(await markDone(deps, leader, ref, { note: ' ', link: '' })).toMatchObject({
      kind: 'invalid',
      problems: [{ field: 'done', code: 'empty' }],
    });
    for (const link of [
      'http://school.nl/plan',
      'javascript:alert(1)',
      'https://user:pw@school.nl/x',
      'https://school.nl/a b',
      `https://x.nl/${'a'.repeat(2000)}`,
    ]) {
      expect((await markDone(deps, leader, ref, { link })).kind, link).toBe('invalid');
    }
    expect((await markDone(deps, leader, ref, { note: 'x'.repeat(501) })).kind).toBe('invalid');
    const results = await Promise.all([
      markDone(deps, leader, ref, { note: 'Vastgesteld in de teamvergadering.' }),
      markDone(deps, coordinator, ref, { link: 'https://school.sharepoint.com/werkplan.docx' }),
      markDone(deps, leader, ref, { note: 'Nog een keer' }),
    ]);
    expect(results.map((r) => r.kind).sort()).toEqual(['already-done', 'already-done', 'done']);
    const winner = results.find((r) => r.kind === 'done')!;
    const stored = (await deps.cycles.cycles.get(schoolId, ref.cycleId))!.milestones.find((m) => m.id === 'work-plan')!;
    expect(stored.done).toEqual('milestone' in winner ? winner.milestone.done : undefined);
    // From another school the same ids find nothing.
    expect((await markDone(deps, { ...leader, schoolId: 'other-school' }, ref, { note: 'x' })).kind).toBe('not-found');
  });
});
