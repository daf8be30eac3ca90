import type { Envelope } from './activity.ts';

// Which handler an inbound activity goes to. The bot's HTTP adapter (http-adapter.ts) has already
// parsed, bounded, authenticated and guarded the activity; this hands it to the bot's handlers.
//
// Why not the Teams SDK's App.process: per activity (SDK 2.1) it clones its HTTP client seven times
// (each an `axios.create`) for an API client and two Graph clients, builds a streaming context and an
// activity sender, and opens two tracing spans, none of which the bot uses (replies go through Reach
// and the connector, the caller is verified by inbound-auth.ts). That was most of the SDK's cost per activity
// (bench/inbound.bench.ts measures it). test/teams/sdk-per-activity.test.ts fails when the SDK stops
// building clients per activity; then routing through App.process again may be cheap enough.
//
// The selection is the SDK's (v2 router) for the four events the bot handles, kept identical.

/** The events the bot handles, named as the SDK names them. */
export type InboundEvent = 'message' | 'conversationUpdate' | 'install.add' | 'install.remove' | 'card.action';

/** What goes back to Teams: the HTTP status and, for an invoke, its body. */
export interface InboundResponse {
  status: number;
  body?: unknown;
}

export type InboundHandler = (activity: Envelope) => Promise<unknown>;
export type Dispatch = (activity: Envelope) => Promise<InboundResponse>;

/** The event an activity is for, as the SDK's router selects it; undefined: no handler (answered 200). */
export function inboundEvent(activity: Envelope): InboundEvent | undefined {
  switch (activity.type) {
    case 'message':
    case 'conversationUpdate':
      return activity.type;
    case 'installationUpdate': {
      // As the SDK does: the action as a string, so ["add"] counts as add (bot.ts refuses it then).
      const event = `install.${stringOrUndefined(activity['action'])}`;
      return event === 'install.add' || event === 'install.remove' ? event : undefined;
    }
    case 'invoke':
      return activity['name'] === 'adaptiveCard/action' ? 'card.action' : undefined;
    default:
      return undefined;
  }
}

/**
 * String(value), or undefined where it throws: {"toString":1} cannot be converted and an array nested
 * deeper than the stack overflows it. The SDK would fail on those; here they select no handler (ignored).
 */
function stringOrUndefined(value: unknown): string | undefined {
  try {
    return String(value);
  } catch {
    return undefined;
  }
}

/** Dispatches to the handlers; a handler's result is the invoke's body (Teams reads it for card actions). */
export function dispatchTo(handlers: Record<InboundEvent, InboundHandler>): Dispatch {
  return async (activity) => {
    const event = inboundEvent(activity);
    if (!event) return { status: 200 };
    const body = await handlers[event](activity);
    return body === undefined ? { status: 200 } : { status: 200, body };
  };
}
