import type { Person } from '../../core/entities.ts';
import { t } from '../../core/i18n.ts';
import type { Repositories } from '../../core/ports.ts';
import type { DownloadRenderer, Downloads } from '../downloads/downloads.ts';
import { type CalendarEvent, calendarFile } from './ics.ts';
import type { MentoringRepositories } from './ports.ts';

// The calendar file of agreed conversations, served through the download links (src/modules/downloads).
// A link names its owner only; the file is made when it is downloaded and holds every upcoming agreed
// conversation of the owner (the same UID each time, so adding it again updates rather than doubles).
// Only conversations between a student and a mentor who is still theirs: after a handover or a lost
// mentor role the old appointment names a student the person no longer has (and will not take place).

export const calendarDays = 7;
export const meetingMinutes = 30;

export async function calendarLink(downloads: Downloads, person: Pick<Person, 'id' | 'schoolId'>): Promise<string | undefined> {
  const { urls } = await downloads.create({
    schoolId: person.schoolId,
    personId: person.id,
    render: { kind: 'meetings', formats: ['ics'] },
    ttlMs: calendarDays * 86_400_000,
  });
  return urls['ics'];
}

export function calendarRenderer(
  repos: Pick<Repositories, 'people' | 'assignments'>,
  mentoring: Pick<MentoringRepositories, 'followUps'>,
): DownloadRenderer {
  return async (owner, format, now) => {
    if (format !== 'ics') return undefined;
    const person = await repos.people.get(owner.schoolId, owner.personId);
    if (!person || person.erasedAt) return undefined;
    const { followUps } = mentoring;
    const mine = [...(await followUps.listByMentor(person.id)), ...(await followUps.listByStudent(person.id))].filter(
      (f) => f.schoolId === person.schoolId && f.plan?.agreed && Date.parse(f.plan.agreed.at) > now.getTime() - 86_400_000,
    );
    const events: CalendarEvent[] = [];
    for (const f of mine) {
      const otherId = f.mentorId === person.id ? f.studentId : f.mentorId;
      const other = await repos.people.get(person.schoolId, otherId);
      if (!other || other.erasedAt) continue;
      const mentor = f.mentorId === person.id ? person : other;
      const assignment = await repos.assignments.get(person.schoolId, f.studentId, f.mentorId);
      if (!assignment?.active || !mentor.roles.includes('mentor')) continue;
      events.push({
        uid: `${f.mentorId}.${f.studentId}.${Date.parse(f.plan!.at)}@lob-reflectie`,
        start: f.plan!.agreed!.at,
        minutes: meetingMinutes,
        summary: t(person.locale, 'mentors.meeting.summary', { name: other.name }),
        description: t(person.locale, 'mentors.meeting.description'),
      });
    }
    return {
      filename: person.locale === 'nl' ? 'loopbaangesprek.ics' : 'careers-conversation.ics',
      contentType: 'text/calendar; charset=utf-8',
      body: calendarFile(events, now.toISOString()),
    };
  };
}
