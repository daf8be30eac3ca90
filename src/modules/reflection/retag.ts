import type { Reflection } from '../../core/entities.ts';
import type { FlowCatalog } from '../../core/flows/flows.ts';
import { creditedCompetencies, taggingRule } from '../../core/flows/tagging.ts';
import type { Repositories } from '../../core/ports.ts';

// A document-level data migration, run at every start (both backends): submitted reflections tagged
// under an older competency rule are tagged again with the current one (src/core/flows/tagging.ts), so
// coverage figures read what students actually answered. It is idempotent: each reflection records the
// rule version it was tagged with and is skipped once it is current, and re-tagging the same answers gives
// the same tags. A reflection whose flow the library no longer has is left as it is and tried again at
// the next start (its questions, and so what they target, are unknown). A reflection without answers was
// anonymised (src/modules/privacy/anonymise.ts keeps only its figures): nothing is left to recompute it
// from, so it keeps its tags and is only marked, or the coverage counts retention promises to keep would
// be lost.

export interface RetagResult {
  retagged: number;
  unchanged: number;
  unknownFlow: number;
}

export function retagged(r: Reflection, flows: FlowCatalog): Reflection | undefined {
  if (r.status !== 'submitted' || (r.taggingRule ?? 0) >= taggingRule) return undefined;
  if (Object.keys(r.answers).length === 0) return { ...r, taggingRule };
  const flow = flows.get(r.flowId);
  if (!flow) return undefined;
  const competencies = creditedCompetencies(flow, { emotion: r.emotion, answers: r.answers, choices: r.choices });
  return { ...r, competencies, taggingRule };
}

export async function retagReflections(repos: Repositories, flows: FlowCatalog): Promise<RetagResult> {
  const result: RetagResult = { retagged: 0, unchanged: 0, unknownFlow: 0 };
  for (const r of await repos.reflections.listTaggedBefore(taggingRule)) {
    if (!flows.get(r.flowId) && Object.keys(r.answers).length > 0) {
      result.unknownFlow++;
      continue;
    }
    const before = r.competencies.join(',');
    const stored = await repos.reflections.update(r.studentId, r.id, (current) => retagged(current, flows));
    if (stored.competencies.join(',') === before) result.unchanged++;
    else result.retagged++;
  }
  return result;
}
