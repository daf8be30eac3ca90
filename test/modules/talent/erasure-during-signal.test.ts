import { afterEach, describe, expect, it } from 'vitest';
import { tenantId } from '../../helpers/activities.ts';
import { docsMentioning } from '../../helpers/store-scan.ts';
import { talentSchool } from './school.ts';

// The erasure deletes the person first and the talent signals in the student's partition last. A teacher
// whose signal checked the student just before the erasure and is stored just after it would leave the
// signal's text under the erased student's real id, with nothing to remove it later. In production the
// two run in different turns or instances; here the erasure runs while send() reads the student's
// teachers, between the check on the student and the write.

describe('an erasure that overlaps a teacher sending a talent signal', () => {
  let school: Awaited<ReturnType<typeof talentSchool>> | undefined;
  afterEach(async () => {
    await school?.w.stop();
    school = undefined;
  });

  it('leaves nothing of the signal about the erased student', async () => {
    school = await talentSchool();
    const { w, teacher, sanne } = school;
    const privacy = w.t.bot.deps.modules.privacy.service;
    const service = w.t.bot.deps.modules.talent.service as unknown as {
      teachersOf: (schoolId: string, studentId: string) => Promise<Map<string, string>>;
    };
    const original = service.teachersOf.bind(service);
    let erased = false;
    service.teachersOf = async (schoolId, studentId) => {
      const teachers = await original(schoolId, studentId);
      if (!erased) {
        erased = true;
        expect((await privacy.erase(tenantId, sanne.person.id, 'student')).kind).toBe('erased');
      }
      return teachers;
    };
    await w.act(teacher.user, 'talent.send', { studentId: sanne.person.id, text: 'Talent-signaal-m3zr: sterk gepresenteerd.' });
    expect(erased).toBe(true);
    expect(await docsMentioning(w.t.store, ['m3zr', sanne.person.id])).toEqual([]);
  });
});
