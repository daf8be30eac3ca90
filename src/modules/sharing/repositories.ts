import type { Mutate } from '../../core/ports.ts';
import {
  type Collection,
  type DocumentStore,
  deleteCurrent,
  deleteIfUnchanged,
  inChunks,
  replaceIfUnchanged,
  type Stored,
  stored,
  update,
} from '../../platform/store/document-store.ts';
import type { ShareLink, Supervisor, TrialoogAnswer } from './entities.ts';

// The sharing module's collections: `supervisors` and `trialoog_answers` in the student's partition,
// `share_links` under the hash of the link's token (a point read opens it; erasure finds it by student).

export const supervisorId = 'current';

export interface SupervisorRepository {
  get(studentId: string): Promise<Supervisor | undefined>;
  /** Stores the student's current supervisor; `changed` is false when nothing differed. */
  put(
    supervisor: Omit<Supervisor, 'id' | 'version' | 'createdAt'>,
  ): Promise<{ supervisor: Supervisor; created: boolean; changed: boolean }>;
}

export interface ShareLinkRepository {
  create(link: Omit<ShareLink, 'version'>): Promise<ShareLink>;
  get(id: string): Promise<ShareLink | undefined>;
  /** Compare-and-swap on the link: undefined when it changed meanwhile or is gone. */
  replace(link: ShareLink): Promise<ShareLink | undefined>;
  /** A student's links, newest first. */
  listByStudent(studentId: string): Promise<ShareLink[]>;
  /** Links that expired before `at` (for the purge). */
  listExpired(at: string, limit?: number): Promise<ShareLink[]>;
  delete(link: ShareLink): Promise<boolean>;
}

export interface TrialoogAnswerRepository {
  create(answer: Omit<TrialoogAnswer, 'version'>): Promise<TrialoogAnswer>;
  get(studentId: string, id: string): Promise<TrialoogAnswer | undefined>;
  update(studentId: string, id: string, mutate: Mutate<TrialoogAnswer>): Promise<TrialoogAnswer>;
  /** Compare-and-swap: undefined when the answer changed meanwhile. */
  replace(answer: TrialoogAnswer): Promise<TrialoogAnswer | undefined>;
  listByStudent(studentId: string): Promise<TrialoogAnswer[]>;
  /** Answers that wait to reach the student, oldest first. */
  listPending(limit?: number): Promise<TrialoogAnswer[]>;
  /** Agreed answers of these students, decided after `from` (exclusive, or ever) up to `to`. */
  listAgreedBetween(studentIds: readonly string[], from: string | undefined, to: string): Promise<TrialoogAnswer[]>;
  /** Deletes the answer whatever its version; false when it was gone. */
  delete(answer: Pick<TrialoogAnswer, 'studentId' | 'id'>): Promise<boolean>;
}

export interface SharingRepositories {
  supervisors: SupervisorRepository;
  links: ShareLinkRepository;
  answers: TrialoogAnswerRepository;
}

class Supervisors implements SupervisorRepository {
  private readonly c: Collection<Stored<Supervisor>>;
  constructor(c: Collection<Stored<Supervisor>>) {
    this.c = c;
  }
  get(studentId: string) {
    return this.c.get(studentId, supervisorId);
  }
  async put(s: Omit<Supervisor, 'id' | 'version' | 'createdAt'>) {
    const current = await this.c.get(s.studentId, supervisorId);
    if (!current) {
      const created = await this.c.create({ ...s, id: supervisorId, pk: s.studentId, createdAt: s.updatedAt });
      return { supervisor: created, created: true, changed: true };
    }
    const same = current.name === s.name && current.email === s.email && current.company === s.company;
    if (same) return { supervisor: current, created: false, changed: false };
    const next = await update(this.c, s.studentId, supervisorId, (cur) => ({ ...cur, ...s }));
    return { supervisor: next, created: false, changed: true };
  }
}

class Links implements ShareLinkRepository {
  private readonly c: Collection<Stored<ShareLink>>;
  constructor(c: Collection<Stored<ShareLink>>) {
    this.c = c;
  }
  create(link: Omit<ShareLink, 'version'>) {
    return this.c.create({ ...link, pk: link.id });
  }
  get(id: string) {
    return this.c.get(id, id);
  }
  replace(link: ShareLink) {
    return replaceIfUnchanged(this.c, { ...link, pk: link.id });
  }
  listByStudent(studentId: string) {
    return this.c.find({ where: { studentId }, orderBy: { field: 'createdAt', direction: 'desc' } });
  }
  listExpired(at: string, limit = 500) {
    return this.c.find({ where: { expiresAt: { lt: at } }, limit });
  }
  delete(link: ShareLink) {
    return deleteIfUnchanged(this.c, { ...link, pk: link.id });
  }
}

class Answers implements TrialoogAnswerRepository {
  private readonly c: Collection<Stored<TrialoogAnswer>>;
  constructor(c: Collection<Stored<TrialoogAnswer>>) {
    this.c = c;
  }
  create(answer: Omit<TrialoogAnswer, 'version'>) {
    return this.c.create({ ...answer, pk: answer.studentId });
  }
  get(studentId: string, id: string) {
    return this.c.get(studentId, id);
  }
  update(studentId: string, id: string, mutate: Mutate<TrialoogAnswer>) {
    return update(this.c, studentId, id, stored(mutate));
  }
  replace(answer: TrialoogAnswer) {
    return replaceIfUnchanged(this.c, { ...answer, pk: answer.studentId });
  }
  listByStudent(studentId: string) {
    return this.c.find({ pk: studentId, orderBy: { field: 'submittedAt', direction: 'desc' } });
  }
  listPending(limit = 200) {
    return this.c.find({ where: { pending: true }, orderBy: { field: 'submittedAt', direction: 'asc' }, limit });
  }
  async listAgreedBetween(studentIds: readonly string[], from: string | undefined, to: string) {
    const out: TrialoogAnswer[] = [];
    const decidedAt = from ? { gt: from, lte: to } : { lte: to };
    for (const chunk of inChunks([...new Set(studentIds)])) {
      out.push(...(await this.c.find({ where: { studentId: { in: chunk }, decision: 'agreed', decidedAt } })));
    }
    return out.sort((a, b) => (a.decidedAt ?? '').localeCompare(b.decidedAt ?? ''));
  }
  delete(answer: Pick<TrialoogAnswer, 'studentId' | 'id'>) {
    return deleteCurrent(this.c, answer.studentId, answer.id);
  }
}

/** The sharing repositories of a store (the module's setup opens them once). */
export async function openSharingRepositories(store: DocumentStore): Promise<SharingRepositories> {
  const [supervisors, links, answers] = await Promise.all([
    store.collection<Stored<Supervisor>>({ name: 'supervisors', indexes: ['studentId', 'email'] }),
    store.collection<Stored<ShareLink>>({ name: 'share_links', indexes: ['studentId', 'expiresAt', 'createdAt'] }),
    store.collection<Stored<TrialoogAnswer>>({
      name: 'trialoog_answers',
      indexes: ['studentId', 'pending', 'submittedAt', 'decision', 'decidedAt'],
    }),
  ]);
  return { supervisors: new Supervisors(supervisors), links: new Links(links), answers: new Answers(answers) };
}
