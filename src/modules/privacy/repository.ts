import { type Collection, type Doc, type DocumentStore, type NewDoc, update } from '../../platform/store/document-store.ts';
import type { ErasureCounts } from './personal-data.ts';
import type { ErasureRecord, PrivacyRepository } from './privacy-service.ts';
import { defaultRetentionMonths, type RetentionSettings } from './retention.ts';

// The school's retention term and the record of each erasure, in one collection partitioned per school.

interface SettingsDoc extends Doc {
  kind: 'retention';
  schoolId: string;
  monthsAfterLeaving: number | null;
  updatedAt: string;
}

type ErasureDoc = ErasureRecord & Doc & { kind: 'erasure' };

const settingsId = 'retention';

class Privacy implements PrivacyRepository {
  private readonly c: Collection<SettingsDoc | ErasureDoc>;
  constructor(c: Collection<SettingsDoc | ErasureDoc>) {
    this.c = c;
  }

  async settings(schoolId: string): Promise<RetentionSettings> {
    const doc = (await this.c.get(schoolId, settingsId)) as SettingsDoc | undefined;
    return doc
      ? { monthsAfterLeaving: doc.monthsAfterLeaving, updatedAt: doc.updatedAt }
      : { monthsAfterLeaving: defaultRetentionMonths };
  }

  async setRetention(schoolId: string, monthsAfterLeaving: number | null, at: string): Promise<RetentionSettings> {
    const existing = await this.c.get(schoolId, settingsId);
    if (!existing) {
      try {
        const doc: NewDoc<SettingsDoc> = {
          id: settingsId,
          pk: schoolId,
          kind: 'retention',
          schoolId,
          monthsAfterLeaving,
          updatedAt: at,
        };
        await this.c.create(doc);
        return { monthsAfterLeaving, updatedAt: at };
      } catch {
        // Created by someone else at the same moment: update theirs below.
      }
    }
    await update(this.c, schoolId, settingsId, (d) => ({ ...(d as SettingsDoc), monthsAfterLeaving, updatedAt: at }));
    return { monthsAfterLeaving, updatedAt: at };
  }

  async startErasure(record: Omit<ErasureRecord, 'version'>): Promise<ErasureRecord> {
    return (await this.c.create({ ...record, pk: record.schoolId, kind: 'erasure' })) as ErasureDoc;
  }

  async runningErasureOf(schoolId: string, personId: string): Promise<ErasureRecord | undefined> {
    const [found] = await this.c.find({ pk: schoolId, where: { kind: 'erasure', state: 'running', personId }, limit: 1 });
    return found as ErasureDoc | undefined;
  }

  async runningErasures(): Promise<ErasureRecord[]> {
    return (await this.c.find({ where: { kind: 'erasure', state: 'running' } })) as ErasureDoc[];
  }

  async finishErasure(schoolId: string, id: string, counts: ErasureCounts, at: string): Promise<void> {
    await update(this.c, schoolId, id, (d) => {
      const { personId: _p, anonId: _a, ...rest } = d as ErasureDoc;
      const done: ErasureDoc = { ...rest, state: 'done', completedAt: at, counts };
      return done;
    });
  }

  async erasures(schoolId: string): Promise<ErasureRecord[]> {
    return (await this.c.find({
      pk: schoolId,
      where: { kind: 'erasure' },
      orderBy: { field: 'startedAt', direction: 'desc' },
    })) as ErasureDoc[];
  }
}

export async function openPrivacyRepository(store: DocumentStore): Promise<PrivacyRepository> {
  return new Privacy(await store.collection<SettingsDoc | ErasureDoc>({ name: 'privacy', indexes: ['kind', 'state'] }));
}
