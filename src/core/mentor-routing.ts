import type { MentorItem, Reflection } from './entities.ts';

/**
 * Answers wait for the mentor's digest. Only when the student asked to talk, or on a soft signal (a very
 * negative emotion, doubt about being in the right place, wanting to switch), does the mentor get the
 * reflection at once, as an invitation to talk.
 */
export function mentorMode(reflection: Pick<Reflection, 'wantsToTalk' | 'signals'>): MentorItem['mode'] {
  return reflection.wantsToTalk === true || (reflection.signals?.length ?? 0) > 0 ? 'now' : 'digest';
}
