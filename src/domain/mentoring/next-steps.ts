import type { Repositories } from '../ports.ts';
import type { NextStepStatuses } from './ports.ts';
import type { StepStatus } from './views.ts';

/**
 * Whether a student did the next step they set, from the student's own answer to the follow-up question
 * some days after the reflection (done / not yet / changed my mind). No answer yet: the step is open.
 */
export function followUpNextSteps(repos: Repositories): NextStepStatuses {
  return {
    async statusOf(studentId, reflectionIds) {
      const statuses = new Map<string, StepStatus>();
      const wanted = new Set(reflectionIds);
      for (const r of await repos.reflections.listByStudent(studentId)) {
        if (!wanted.has(r.id)) continue;
        statuses.set(r.id, r.followUp?.outcome ?? 'open');
      }
      return statuses;
    },
  };
}
