import type { Mutate } from '../../core/ports.ts';
import {
  type Collection,
  createOrGet,
  type DocumentStore,
  deleteCurrent,
  type Stored,
  stored,
  update,
} from '../../platform/store/document-store.ts';
import { emptyCounts, type Pulse, type PulseMark, type PulseSchedule, type PulseTally } from './entities.ts';

// The module's collections: `voice_pulses`, `voice_tallies` and `voice_schedules` per school,
// `voice_marks` per student (so the student's erasure finds them in one place).

export interface PulseRepository {
  /** Creates the pulse, or returns the one with that id (a planned pulse is created once). */
  createOrGet(pulse: Omit<Pulse, 'version'>): Promise<{ pulse: Pulse; created: boolean }>;
  get(schoolId: string, id: string): Promise<Pulse | undefined>;
  listBySchool(schoolId: string): Promise<Pulse[]>;
  update(schoolId: string, id: string, mutate: Mutate<Pulse>): Promise<Pulse>;
  /** Pulses whose last day is before `today` and whose marks are not cleared yet, of every school. */
  listClosedWithMarks(today: string): Promise<Pulse[]>;
}

export interface MarkRepository {
  /** Creates the mark unless the student already has one for this pulse. */
  ensure(mark: Omit<PulseMark, 'version'>): Promise<boolean>;
  get(studentId: string, pulseId: string): Promise<PulseMark | undefined>;
  update(studentId: string, pulseId: string, mutate: Mutate<PulseMark>): Promise<PulseMark>;
  listDue(now: string, limit?: number): Promise<PulseMark[]>;
  listByPulse(pulseId: string): Promise<PulseMark[]>;
  listByStudent(studentId: string): Promise<PulseMark[]>;
  /** Deletes a mark whatever its version; false when it was gone. */
  remove(studentId: string, pulseId: string): Promise<boolean>;
}

export interface TallyRepository {
  get(schoolId: string, pulseId: string): Promise<PulseTally | undefined>;
  /** Applies `mutate` to the pulse's tally (an empty one the first time), with optimistic concurrency. */
  add(schoolId: string, pulseId: string, mutate: (t: PulseTally) => PulseTally): Promise<PulseTally>;
}

export interface ScheduleRepository {
  get(schoolId: string): Promise<PulseSchedule | undefined>;
  put(schedule: Omit<PulseSchedule, 'version' | 'id'>): Promise<PulseSchedule>;
}

export interface VoiceRepositories {
  pulses: PulseRepository;
  marks: MarkRepository;
  tallies: TallyRepository;
  schedules: ScheduleRepository;
}

class Pulses implements PulseRepository {
  private readonly c: Collection<Stored<Pulse>>;
  constructor(c: Collection<Stored<Pulse>>) {
    this.c = c;
  }
  async createOrGet(pulse: Omit<Pulse, 'version'>) {
    const { doc, created } = await createOrGet(this.c, { ...pulse, pk: pulse.schoolId });
    return { pulse: doc, created };
  }
  get(schoolId: string, id: string) {
    return this.c.get(schoolId, id);
  }
  listBySchool(schoolId: string) {
    return this.c.find({ pk: schoolId, orderBy: { field: 'opensOn', direction: 'asc' } });
  }
  update(schoolId: string, id: string, mutate: Mutate<Pulse>) {
    return update(this.c, schoolId, id, stored(mutate));
  }
  async listClosedWithMarks(today: string) {
    const closed = await this.c.find({ where: { closesOn: { lt: today } } });
    return closed.filter((p) => !p.marksClearedAt);
  }
}

class Marks implements MarkRepository {
  private readonly c: Collection<Stored<PulseMark>>;
  constructor(c: Collection<Stored<PulseMark>>) {
    this.c = c;
  }
  async ensure(mark: Omit<PulseMark, 'version'>) {
    return (await createOrGet(this.c, { ...mark, pk: mark.studentId })).created;
  }
  get(studentId: string, pulseId: string) {
    return this.c.get(studentId, pulseId);
  }
  update(studentId: string, pulseId: string, mutate: Mutate<PulseMark>) {
    return update(this.c, studentId, pulseId, stored(mutate));
  }
  listDue(now: string, limit = 2000) {
    return this.c.find({ where: { dueAt: { lte: now } }, orderBy: { field: 'dueAt', direction: 'asc' }, limit });
  }
  listByPulse(pulseId: string) {
    return this.c.find({ where: { pulseId } });
  }
  listByStudent(studentId: string) {
    return this.c.find({ pk: studentId });
  }
  remove(studentId: string, pulseId: string) {
    return deleteCurrent(this.c, studentId, pulseId);
  }
}

class Tallies implements TallyRepository {
  private readonly c: Collection<Stored<PulseTally>>;
  constructor(c: Collection<Stored<PulseTally>>) {
    this.c = c;
  }
  get(schoolId: string, pulseId: string) {
    return this.c.get(schoolId, pulseId);
  }
  async add(schoolId: string, pulseId: string, mutate: (t: PulseTally) => PulseTally) {
    await createOrGet(this.c, {
      id: pulseId,
      pk: schoolId,
      schoolId,
      pulseId,
      respondents: 0,
      counts: emptyCounts(),
      remarks: [],
    });
    return update(this.c, schoolId, pulseId, (t) => mutate(t) as Stored<PulseTally>, 10);
  }
}

class Schedules implements ScheduleRepository {
  private readonly c: Collection<Stored<PulseSchedule>>;
  constructor(c: Collection<Stored<PulseSchedule>>) {
    this.c = c;
  }
  get(schoolId: string) {
    return this.c.get(schoolId, 'schedule');
  }
  async put(schedule: Omit<PulseSchedule, 'version' | 'id'>) {
    const { doc, created } = await createOrGet(this.c, { ...schedule, id: 'schedule', pk: schedule.schoolId });
    if (created) return doc;
    return update(this.c, schedule.schoolId, 'schedule', (s) => ({ ...s, ...schedule }));
  }
}

/** The student-voice repositories of a store (the module's setup opens them once). */
export async function openVoiceRepositories(store: DocumentStore): Promise<VoiceRepositories> {
  const [pulses, marks, tallies, schedules] = await Promise.all([
    store.collection<Stored<Pulse>>({ name: 'voice_pulses', indexes: ['opensOn', 'closesOn'] }),
    store.collection<Stored<PulseMark>>({ name: 'voice_marks', indexes: ['dueAt', 'pulseId'] }),
    store.collection<Stored<PulseTally>>({ name: 'voice_tallies', indexes: [] }),
    store.collection<Stored<PulseSchedule>>({ name: 'voice_schedules', indexes: [] }),
  ]);
  return {
    pulses: new Pulses(pulses),
    marks: new Marks(marks),
    tallies: new Tallies(tallies),
    schedules: new Schedules(schedules),
  };
}
