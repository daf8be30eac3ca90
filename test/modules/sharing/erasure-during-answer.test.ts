import { afterEach, describe, expect, it } from 'vitest';
import { tenantId } from '../../helpers/activities.ts';
import { docsMentioning } from '../../helpers/store-scan.ts';
import { askSupervisor, openForm, post, sharingSchool } from './school.ts';

// The erasure deletes the student's share links first and the supervisor's answers in the student's
// partition last. A supervisor whose submit checked the link just before the erasure and writes the answer
// just after it would leave that answer under the erased student's real id, with nothing to remove it
// later. In production the two run in different requests or instances; here the erasure runs while
// submit() reads the supervisor, between its link check and its write.

describe('an erasure that overlaps a supervisor submitting the trialoog form', () => {
  let school: Awaited<ReturnType<typeof sharingSchool>> | undefined;
  afterEach(async () => {
    await school?.w.stop();
    school = undefined;
  });

  it('leaves nothing of the supervisor’s answer about the erased student', async () => {
    school = await sharingSchool();
    const { w, sanne, reflectionId, sharing } = school;
    const url = await askSupervisor(w, sanne.user, reflectionId);
    const { cookie, csrf } = await openForm(url);
    const privacy = w.t.bot.deps.modules.privacy.service;
    const service = sharing.service as unknown as { supervisorOf: (s: { id: string }) => Promise<unknown> };
    const original = service.supervisorOf.bind(service);
    let erased = false;
    service.supervisorOf = async (s) => {
      if (!erased) {
        erased = true;
        expect((await privacy.erase(tenantId, sanne.person.id, 'student')).kind).toBe('erased');
      }
      return original(s);
    };
    const seen = 'Antwoord-begeleider-k8vq: je bleef rustig bij de klacht.';
    await post(url, { csrf, seen, next: 'Volgende-stap-k8vq: vraag eerder hulp.' }, { cookie });
    expect(erased).toBe(true);
    expect(await docsMentioning(w.t.store, ['k8vq', sanne.person.id])).toEqual([]);
  });
});
