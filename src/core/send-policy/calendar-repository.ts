import {
  type Collection,
  createOrGet,
  type DocumentStore,
  type Stored,
  stored,
  update,
} from '../../platform/store/document-store.ts';
import type { Mutate } from '../ports.ts';
import type { CalendarRepository, SchoolCalendar } from './calendar.ts';
import { defaultQuietHours } from './quiet-hours.ts';

// The school calendar (region, quiet hours, the school's own days off): one document per school. Every
// proactive message reads it through the send policy (src/core/send-policy/quiet-hours.ts).

const calendarId = 'calendar';

class Calendars implements CalendarRepository {
  private readonly c: Collection<Stored<SchoolCalendar>>;
  constructor(c: Collection<Stored<SchoolCalendar>>) {
    this.c = c;
  }
  get(schoolId: string) {
    return this.c.get(schoolId, calendarId);
  }
  async ensure(schoolId: string, at: string) {
    const { doc } = await createOrGet(this.c, {
      id: calendarId,
      pk: schoolId,
      schoolId,
      quietHours: defaultQuietHours,
      addedHolidays: [],
      removedHolidays: [],
      updatedAt: at,
    });
    return doc;
  }
  update(schoolId: string, mutate: Mutate<SchoolCalendar>) {
    return update(this.c, schoolId, calendarId, stored(mutate));
  }
}

/** The school calendars of a store (the platform opens them once: src/core/platform.ts). */
export async function openCalendars(store: DocumentStore): Promise<CalendarRepository> {
  return new Calendars(await store.collection<Stored<SchoolCalendar>>({ name: 'calendars', indexes: [] }));
}
