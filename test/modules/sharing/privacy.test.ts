import { afterEach, describe, expect, it } from 'vitest';
import { personalDataJson, personalDataMarkdown } from '../../../src/modules/privacy/personal-data-export.ts';
import { tenantId } from '../../helpers/activities.ts';
import { docsMentioning } from '../../helpers/store-scan.ts';
import { askSupervisor, get, openForm, post, sharingSchool } from './school.ts';

// What sharing keeps is the student's: their supervisor, their links and the supervisor's answers are
// in their AVG export, and gone from every collection after their erasure; a link stops at once.

describe('sharing and the student’s rights', () => {
  let school: Awaited<ReturnType<typeof sharingSchool>> | undefined;
  afterEach(async () => {
    await school?.w.stop();
    school = undefined;
  });

  it('exports the supervisor, links and answers, and erases them with the student', async () => {
    school = await sharingSchool();
    const { w, sanne, reflectionId, sharing } = school;
    const url = await askSupervisor(w, sanne.user, reflectionId);
    const { cookie, csrf } = await openForm(url);
    const seen = 'Je hield het hoofd koel bij de drukte.';
    expect((await post(url, { csrf, seen, next: 'Vraag eerder om hulp.' }, { cookie })).status).toBe(200);
    const second = await askSupervisor(w, sanne.user, reflectionId);
    const deps = w.t.bot.deps;
    const privacy = deps.modules.privacy.service;

    const data = (await privacy.export(tenantId, sanne.person.id))!;
    expect(data.supervisors.map((s) => s.email)).toEqual(['kees@bakkerij-bos.nl']);
    expect(data.shareLinks).toHaveLength(2);
    expect(data.trialoogAnswers.map((a) => a.seen)).toEqual([seen]);
    const json = JSON.parse(personalDataJson(data, w.clock.now().toISOString()));
    expect(json.supervisors[0]).toMatchObject({ name: 'Kees Bos', company: 'Bakkerij Bos' });
    expect(json.supervisorAnswers[0]).toMatchObject({ seen });
    // The export never holds a working link: only the token's hash.
    expect(JSON.stringify(json)).not.toContain(url.split('/s/')[1]);
    const markdown = personalDataMarkdown(data, {
      locale: 'nl',
      flows: deps.flows,
      madeOn: '2 november 2026',
      formatDate: (iso) => iso.slice(0, 10),
    });
    expect(markdown).toContain('## Je stagebegeleider en wat die je schreef');
    expect(markdown).toContain('- Kees Bos (kees\\@bakkerij-bos.nl), Bakkerij Bos');
    expect(markdown).toContain('Kees Bos: Je hield het hoofd koel bij de drukte. / Vraag eerder om hulp.');
    expect(markdown).toContain('2 deellinks die je maakte');

    const outcome = await privacy.erase(tenantId, sanne.person.id, 'student');
    expect(outcome.kind).toBe('erased');
    expect(await sharing.repos.links.listByStudent(sanne.person.id)).toEqual([]);
    expect(await sharing.repos.answers.listByStudent(sanne.person.id)).toEqual([]);
    expect(await sharing.service.supervisorOf(sanne.person)).toBeUndefined();
    expect(await docsMentioning(w.t.store, [seen, 'kees@bakkerij-bos.nl', 'Bakkerij Bos', sanne.person.id])).toEqual([]);
    const gone = await get(second);
    expect(gone.status).toBe(404);
    expect(gone.html).not.toContain('kassa');
  });
});
