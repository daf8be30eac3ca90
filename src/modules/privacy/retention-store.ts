import type { Person } from '../../core/entities.ts';
import { inChunks, update } from '../../platform/store/document-store.ts';
import { isAnonymousId } from './anonymise.ts';
import type { RetentionFacts } from './personal-data.ts';
import { type PersonalDataCollections, unstored } from './personal-data-collections.ts';
import { isStudentOnly } from './privacy-service.ts';

// What the nightly retention job reads and ends in the store: per student the facts retention.ts decides
// on, and the relations of anonymous stand-ins once their school year is over.

function newest(...values: (string | undefined)[]): string | undefined {
  return values.filter((v): v is string => Boolean(v)).reduce<string | undefined>((a, b) => (a && a > b ? a : b), undefined);
}

/** The students of a school (not staff, not anonymous stand-ins) with what retention looks at. */
export async function retentionFacts(c: PersonalDataCollections, schoolId: string): Promise<RetentionFacts[]> {
  const [people, assignments, memberships] = await Promise.all([
    c.people.find({ pk: schoolId }),
    c.assignments.find({ pk: schoolId }),
    c.members.find({ pk: schoolId }),
  ]);
  const relations = new Map<string, { active: boolean; last?: string }>();
  const note = (id: string, active: boolean, ...times: (string | undefined)[]) => {
    const r = relations.get(id) ?? { active: false };
    relations.set(id, { active: r.active || active, ...(newest(r.last, ...times) ? { last: newest(r.last, ...times)! } : {}) });
  };
  for (const a of assignments) note(a.studentId, a.active, a.since, a.endedAt);
  for (const m of memberships) note(m.personId, m.active, m.since, m.endedAt);
  const out: RetentionFacts[] = [];
  for (const person of people) {
    if (person.erasedAt || isAnonymousId(person.id) || !isStudentOnly(person)) continue;
    const rel = relations.get(person.id) ?? { active: false };
    const facts: RetentionFacts = {
      person: unstored(person) as Person,
      active: rel.active,
      ...(rel.last ? { lastRelationAt: rel.last } : {}),
    };
    // Reflections matter only for someone who may have left: skip the read for everyone else.
    if (!rel.active || person.leftAt) {
      const last = newest(...(await c.reflections.find({ pk: person.id })).flatMap((r) => [r.createdAt, r.submittedAt]));
      if (last) facts.lastReflectionAt = last;
    }
    out.push(facts);
  }
  return out;
}

/** Ends the active memberships and assignments of stand-ins erased before `before`; returns how many. */
export async function endAnonymousRelations(
  c: PersonalDataCollections,
  schoolId: string,
  before: string,
  at: string,
): Promise<number> {
  const standIns = (await c.people.find({ pk: schoolId })).filter((p) => p.erasedAt && p.erasedAt < before).map((p) => p.id);
  let ended = 0;
  for (const chunk of inChunks(standIns)) {
    const [assignments, memberships] = await Promise.all([
      c.assignments.find({ pk: schoolId, where: { studentId: { in: chunk }, active: true } }),
      c.members.find({ pk: schoolId, where: { personId: { in: chunk }, active: true } }),
    ]);
    for (const a of assignments) {
      await update(c.assignments, schoolId, a.id, (cur) => (cur.active ? { ...cur, active: false, endedAt: at } : undefined));
      ended++;
    }
    for (const m of memberships) {
      await update(c.members, schoolId, m.id, (cur) => (cur.active ? { ...cur, active: false, endedAt: at } : undefined));
      ended++;
    }
  }
  return ended;
}
