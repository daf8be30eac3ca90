import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { z } from 'zod';
import { isDate } from '../time/zoned-time.ts';
import { checkHoliday, type Holiday, type Region, regions } from './calendar.ts';

export const shippedHolidaysFile = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../../calendar/school-holidays.yaml',
);

const range = z.tuple([z.string().refine(isDate, 'not a date'), z.string().refine(isDate, 'not a date')]);
const holidaySchema = z.strictObject({
  key: z.string().regex(/^[a-z][a-z0-9-]{0,31}$/),
  name: z.string().min(1).max(80),
  all: range.optional(),
  noord: range.optional(),
  midden: range.optional(),
  zuid: range.optional(),
  provisional: z.boolean().optional(),
});
const fileSchema = z.strictObject({
  schoolYears: z.array(z.strictObject({ id: z.string().regex(/^\d{4}-\d{4}$/), holidays: z.array(holidaySchema) })),
});

export class HolidayFileError extends Error {}

let cached: Holiday[] | undefined;

/** The shipped school holidays, flattened to one entry per date range with the regions it applies to. */
export function shippedHolidays(file = shippedHolidaysFile): Holiday[] {
  if (file === shippedHolidaysFile && cached) return cached;
  let raw: unknown;
  try {
    raw = parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new HolidayFileError(`${path.basename(file)}: ${(err as Error).message}`);
  }
  const parsed = fileSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new HolidayFileError(`${path.basename(file)}: ${issue?.path.join('.')}: ${issue?.message}`);
  }
  const out: Holiday[] = [];
  for (const year of parsed.data.schoolYears) {
    for (const h of year.holidays) {
      const perRegion = new Map<string, Region[]>();
      for (const region of regions) {
        const r = h[region] ?? h.all;
        if (!r) continue;
        const k = `${r[0]}/${r[1]}`;
        perRegion.set(k, [...(perRegion.get(k) ?? []), region]);
      }
      for (const [k, rs] of perRegion) {
        const [from, to] = k.split('/') as [string, string];
        const key = perRegion.size === 1 ? `${year.id}:${h.key}` : `${year.id}:${h.key}:${rs.join('-')}`;
        const holiday: Holiday = { key, name: h.name, from, to, regions: rs, ...(h.provisional ? { provisional: true } : {}) };
        const problem = checkHoliday(holiday);
        if (problem) throw new HolidayFileError(`${path.basename(file)}: ${key}: ${problem}`);
        out.push(holiday);
      }
    }
  }
  if (file === shippedHolidaysFile) cached = out;
  return out;
}
