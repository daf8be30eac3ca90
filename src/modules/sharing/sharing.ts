import { isEmail } from '../../core/assignments.ts';
import type { Person, Reflection } from '../../core/entities.ts';
import { undoIfErased } from '../../core/erased-meanwhile.ts';
import type { Repositories } from '../../core/ports.ts';
import { normalizeEmail } from '../../core/types.ts';
import type { Clock } from '../../platform/clock.ts';
import { ConflictError, DuplicateError, NotFoundError } from '../../platform/store/document-store.ts';
import {
  answerMaxLength,
  companyMaxLength,
  nameMaxLength,
  type ShareAudience,
  type ShareLink,
  type ShareSubject,
  type Supervisor,
  type TrialoogAnswer,
} from './entities.ts';
import { linkIdOf, newToken } from './links.ts';
import type { SharingRepositories } from './repositories.ts';

// The rules of sharing, with the student in the lead: only the student makes a link, for one reflection
// of their own (or, for a parent, their dossier summary); the link works until it expires, is revoked,
// or (a supervisor's) has been answered once. The supervisor's answer goes to the student first; only
// what the student agreed to reaches the mentor.

export type LinkRefusal = 'unknown' | 'expired' | 'used' | 'revoked';
export type Opened = { ok: true; link: ShareLink } | { ok: false; reason: LinkRefusal };

export type SupervisorResult =
  | { ok: true; supervisor: Supervisor; changed: boolean }
  | { ok: false; reason: 'name' | 'email' | 'company' };

export type CreateResult =
  /** The token is the link's secret: it goes into the address the student passes on, and nowhere else. */
  { ok: true; link: ShareLink; token: string } | { ok: false; reason: 'no-reflection' | 'no-supervisor' | 'not-submitted' };

export type SubmitResult =
  | { ok: true; answer: TrialoogAnswer }
  | { ok: false; reason: LinkRefusal | 'not-supervisor' }
  | { ok: false; reason: 'invalid'; problems: AnswerProblem[] };

export type AnswerProblem = { field: 'seen' | 'next' | 'more'; problem: 'empty' | 'too-long' };

export interface SharingDeps {
  repos: Pick<Repositories, 'reflections' | 'people'>;
  sharing: SharingRepositories;
  clock: Clock;
  newId: () => string;
  /** How long a new link works. */
  linkTtlMs: number;
  /** Told when a student made a supervisor link (a trialoog campaign's prompt is then answered). */
  onSupervisorAsked?: (student: Pick<Person, 'id' | 'schoolId'>) => Promise<void>;
  /** Makes deleted documents unreadable in the store's own files now (DocumentStore.purgeErased). */
  purgeErased(): Promise<boolean>;
  log: { warn(obj: object, msg: string): void };
}

/** Text from a form or card: trimmed, at most `max` characters (longer is a problem, never cut silently). */
export function field(value: unknown, max: number): { text: string; problem?: 'empty' | 'too-long' } {
  const text = typeof value === 'string' ? value.replace(/\r\n?/g, '\n').trim() : '';
  if (!text) return { text, problem: 'empty' };
  if (text.length > max) return { text, problem: 'too-long' };
  return { text };
}

export function isLive(link: ShareLink, now: Date): boolean {
  return !link.revokedAt && !link.usedAt && link.expiresAt > now.toISOString();
}

export class SharingService {
  private readonly d: SharingDeps;
  constructor(deps: SharingDeps) {
    this.d = deps;
  }

  /** The student adds or changes their supervisor. */
  async setSupervisor(
    student: Pick<Person, 'id' | 'schoolId'>,
    input: { name: unknown; email: unknown; company: unknown },
    source: Supervisor['source'] = 'student',
  ): Promise<SupervisorResult> {
    const name = field(input.name, nameMaxLength);
    if (name.problem) return { ok: false, reason: 'name' };
    const email = typeof input.email === 'string' ? normalizeEmail(input.email) : '';
    if (!isEmail(email)) return { ok: false, reason: 'email' };
    const company = field(input.company, companyMaxLength);
    if (company.problem) return { ok: false, reason: 'company' };
    const put = await this.d.sharing.supervisors.put({
      schoolId: student.schoolId,
      studentId: student.id,
      name: name.text,
      email,
      company: company.text,
      source,
      updatedAt: this.d.clock.now().toISOString(),
    });
    return { ok: true, supervisor: put.supervisor, changed: put.changed };
  }

  supervisorOf(student: Pick<Person, 'id'>): Promise<Supervisor | undefined> {
    return this.d.sharing.supervisors.get(student.id);
  }

  /** The student's submitted reflections they may share, newest first. */
  async shareable(student: Pick<Person, 'id' | 'schoolId'>, limit = 20): Promise<Reflection[]> {
    return (await this.d.repos.reflections.listByStudent(student.id))
      .filter((r) => r.status === 'submitted' && r.schoolId === student.schoolId)
      .sort((a, b) => (b.submittedAt ?? '').localeCompare(a.submittedAt ?? ''))
      .slice(0, limit);
  }

  /** A new link, with the student's consent recorded. Only the student's own, submitted reflection. */
  async createLink(student: Person, audience: ShareAudience, subject: ShareSubject): Promise<CreateResult> {
    let supervisorName: string | undefined;
    if (audience === 'supervisor') {
      if (subject.kind !== 'reflection') return { ok: false, reason: 'no-reflection' };
      const supervisor = await this.supervisorOf(student);
      if (!supervisor) return { ok: false, reason: 'no-supervisor' };
      supervisorName = supervisor.name;
    }
    if (subject.kind === 'reflection') {
      // Read in the student's own partition: another student's reflection id finds nothing here.
      const reflection = await this.d.repos.reflections.get(student.id, subject.reflectionId);
      if (!reflection || reflection.studentId !== student.id || reflection.schoolId !== student.schoolId) {
        return { ok: false, reason: 'no-reflection' };
      }
      if (reflection.status !== 'submitted') return { ok: false, reason: 'not-submitted' };
    }
    const token = newToken();
    const now = this.d.clock.now();
    const link = await this.d.sharing.links.create({
      id: linkIdOf(token)!,
      schoolId: student.schoolId,
      studentId: student.id,
      audience,
      subject,
      consentAt: now.toISOString(),
      createdAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + this.d.linkTtlMs).toISOString(),
      ...(supervisorName ? { supervisorName } : {}),
    });
    if (audience === 'supervisor') await this.d.onSupervisorAsked?.(student);
    return { ok: true, link, token };
  }

  /** The student's links that still work, newest first. */
  async liveLinks(student: Pick<Person, 'id' | 'schoolId'>): Promise<ShareLink[]> {
    const now = this.d.clock.now();
    return (await this.d.sharing.links.listByStudent(student.id)).filter(
      (l) => l.schoolId === student.schoolId && isLive(l, now),
    );
  }

  /** The student takes their consent back; only their own link. */
  async revoke(student: Pick<Person, 'id'>, linkId: unknown): Promise<'revoked' | 'already' | 'not-found'> {
    if (typeof linkId !== 'string' || !/^[0-9a-f]{64}$/.test(linkId)) return 'not-found';
    for (let attempt = 0; attempt < 5; attempt++) {
      const link = await this.d.sharing.links.get(linkId);
      if (!link || link.studentId !== student.id) return 'not-found';
      if (link.revokedAt) return 'already';
      if (await this.d.sharing.links.replace({ ...link, revokedAt: this.d.clock.now().toISOString() })) return 'revoked';
    }
    return 'not-found';
  }

  /** What a token opens, or why not. */
  async open(token: string): Promise<Opened> {
    const id = linkIdOf(token);
    const link = id ? await this.d.sharing.links.get(id) : undefined;
    if (!link) return { ok: false, reason: 'unknown' };
    if (link.revokedAt) return { ok: false, reason: 'revoked' };
    if (link.usedAt) return { ok: false, reason: 'used' };
    if (link.expiresAt <= this.d.clock.now().toISOString()) return { ok: false, reason: 'expired' };
    return { ok: true, link };
  }

  /**
   * The supervisor's answer. Checked in full before anything is written; then the answer is created
   * under the link's id, so of two submits at once exactly one is stored, and the link is marked used.
   */
  async submit(token: string, input: { seen: unknown; next: unknown; more: unknown }): Promise<SubmitResult> {
    const opened = await this.open(token);
    if (!opened.ok) return opened;
    const { link } = opened;
    if (link.audience !== 'supervisor' || link.subject.kind !== 'reflection') return { ok: false, reason: 'not-supervisor' };
    const seen = field(input.seen, answerMaxLength);
    const next = field(input.next, answerMaxLength);
    const more = field(input.more, answerMaxLength);
    const problems: AnswerProblem[] = [];
    if (seen.problem) problems.push({ field: 'seen', problem: seen.problem });
    if (next.problem) problems.push({ field: 'next', problem: next.problem });
    if (more.problem === 'too-long') problems.push({ field: 'more', problem: 'too-long' });
    if (problems.length) return { ok: false, reason: 'invalid', problems };
    const supervisor = await this.supervisorOf({ id: link.studentId });
    const now = this.d.clock.now().toISOString();
    let answer: TrialoogAnswer;
    try {
      answer = await this.d.sharing.answers.create({
        id: link.id,
        schoolId: link.schoolId,
        studentId: link.studentId,
        linkId: link.id,
        reflectionId: link.subject.reflectionId,
        supervisorName: supervisor?.name ?? link.supervisorName ?? '',
        company: supervisor?.company ?? '',
        seen: seen.text,
        next: next.text,
        ...(more.text ? { more: more.text } : {}),
        submittedAt: now,
        pending: true,
        attempts: 0,
      });
    } catch (err) {
      if (err instanceof DuplicateError) return { ok: false, reason: 'used' };
      throw err;
    }
    const undo = () => this.d.sharing.answers.delete(answer);
    if (await undoIfErased(this.d, answer, undo, { name: 'trialoog answer', ids: { linkId: answer.linkId } }))
      return { ok: false, reason: 'unknown' };
    await this.markUsed(link.id, now);
    return { ok: true, answer };
  }

  private async markUsed(id: string, at: string): Promise<void> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const link = await this.d.sharing.links.get(id);
      if (!link || link.usedAt) return;
      if (await this.d.sharing.links.replace({ ...link, usedAt: at })) return;
    }
    throw new ConflictError('share_links', id);
  }

  /** The student agrees (or not) that their mentor sees the supervisor's answer. */
  async decide(
    student: Pick<Person, 'id' | 'schoolId'>,
    answerId: unknown,
    decision: unknown,
  ): Promise<{ ok: true; answer: TrialoogAnswer } | { ok: false; reason: 'not-found' | 'invalid' }> {
    if (decision !== 'agreed' && decision !== 'declined') return { ok: false, reason: 'invalid' };
    if (typeof answerId !== 'string' || !/^[0-9a-f]{64}$/.test(answerId)) return { ok: false, reason: 'not-found' };
    const found = await this.d.sharing.answers.get(student.id, answerId);
    if (!found || found.studentId !== student.id || found.schoolId !== student.schoolId)
      return { ok: false, reason: 'not-found' };
    try {
      const answer = await this.d.sharing.answers.update(student.id, answerId, (a) =>
        a.decision === decision ? undefined : { ...a, decision, decidedAt: this.d.clock.now().toISOString() },
      );
      return { ok: true, answer };
    } catch (err) {
      if (err instanceof NotFoundError) return { ok: false, reason: 'not-found' };
      throw err;
    }
  }
}
