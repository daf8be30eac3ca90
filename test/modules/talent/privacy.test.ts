import { afterEach, describe, expect, it } from 'vitest';
import { personalDataJson, personalDataMarkdown } from '../../../src/modules/privacy/personal-data-export.ts';
import { tenantId } from '../../helpers/activities.ts';
import { docsMentioning } from '../../helpers/store-scan.ts';
import { talentSchool } from './school.ts';

// Talent signals are the student's: in their AVG export (JSON and the readable overview, with the
// teacher's name), and gone from every collection after their erasure.

describe('talent signals and the student’s rights', () => {
  let school: Awaited<ReturnType<typeof talentSchool>> | undefined;
  afterEach(async () => {
    await school?.w.stop();
    school = undefined;
  });

  it('are exported and erased with the student', async () => {
    school = await talentSchool();
    const { w, teacher, sanne, talent } = school;
    const text = 'Jij zag als eerste dat de meting niet klopte.';
    await w.act(teacher.user, 'talent.send', { studentId: sanne.person.id, text });
    const deps = w.t.bot.deps;
    const privacy = deps.modules.privacy.service;

    const data = (await privacy.export(tenantId, sanne.person.id))!;
    expect(data.talentSignals.map((s) => s.text)).toEqual([text]);
    const json = JSON.parse(personalDataJson(data, w.clock.now().toISOString()));
    expect(json.talentSignals[0]).toMatchObject({ text, teacherName: 'Mevrouw Bakker' });
    const markdown = personalDataMarkdown(data, {
      locale: 'nl',
      flows: deps.flows,
      madeOn: '2 november 2026',
      formatDate: (iso) => iso.slice(0, 10),
    });
    expect(markdown).toContain('## Talenten die docenten in je zagen');
    expect(markdown).toContain('Mevrouw Bakker: Jij zag als eerste dat de meting niet klopte.');

    const outcome = await privacy.erase(tenantId, sanne.person.id, 'student');
    expect(outcome.kind).toBe('erased');
    expect(await talent.signals.listByStudent(sanne.person.id)).toEqual([]);
    expect(await docsMentioning(w.t.store, [text, sanne.person.id])).toEqual([]);
  });
});
