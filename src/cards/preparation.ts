import type { Reflection } from '../domain/entities.ts';
import type { Flow } from '../domain/flows.ts';
import type { AdaptiveCard } from './cards.ts';

// The one place a campaign asks the prompt library for a preparation prompt (sent before an activity:
// "what do you want to find out at this open day?"). The prompt library (issue 3) defines preparation
// prompts and their card; at merge these two functions are wired to its `preparationCard`. Until then
// no flow has one, so a campaign that asks for a preparation prompt is refused with the reason.

/** Whether the flow has a preparation prompt a campaign can send before the activity. */
export function flowHasPreparation(flow: Flow): boolean {
  return (flow as Flow & { preparation?: unknown }).preparation !== undefined;
}

/** The preparation card for a flow and the reflection that holds its answer; undefined when the flow has none. */
export function preparationCard(_flow: Flow, _reflection: Reflection): AdaptiveCard | undefined {
  return undefined;
}
