import { z } from 'zod';

// What the bot reads from inbound activities, checked with zod. The SDK hands activities over as
// "trusted" objects; they are not, so every field used here is validated (and bounded) first.

const id = z.string().min(1).max(512);

export const envelopeSchema = z.looseObject({
  type: z.string().min(1).max(64),
  id: z.string().max(512).optional(),
  channelId: z.string().max(64).optional(),
  serviceUrl: z.url({ protocol: /^https?$/ }).max(2048),
  locale: z.string().max(32).optional(),
  from: z.looseObject({ id, aadObjectId: z.string().max(128).optional(), name: z.string().max(512).optional() }),
  recipient: z.looseObject({ id, name: z.string().max(512).optional() }),
  conversation: z.looseObject({
    id,
    tenantId: z.string().max(128).optional(),
    conversationType: z.string().max(32).optional(),
  }),
  channelData: z
    .looseObject({
      tenant: z.looseObject({ id: z.string().max(128) }).optional(),
      team: z.looseObject({ id: z.string().max(512), name: z.string().max(512).optional() }).optional(),
    })
    .optional(),
});

export type Envelope = z.infer<typeof envelopeSchema>;

export function tenantOf(a: Envelope): string | undefined {
  return a.conversation.tenantId ?? a.channelData?.tenant?.id;
}

/** A personal (1:1) conversation, as opposed to a channel or group chat where answers would be public. */
export function isPersonal(a: Envelope): boolean {
  return (a.conversation.conversationType ?? 'personal') === 'personal';
}

/**
 * Action.Execute (adaptiveCard/action) payload: the activity's `value` (the rest of the activity is the
 * envelope, validated once by the HTTP adapter). Card data is capped: nothing a card sends is ever large.
 */
export const cardActionValueSchema = z.looseObject({
  action: z.looseObject({
    type: z.literal('Action.Execute'),
    verb: z.string().min(1).max(64),
    data: z.record(z.string().max(64), z.unknown()).optional(),
  }),
  trigger: z.string().max(32).optional(),
});

export const messageSchema = z.looseObject({
  text: z.string().max(4000).optional(),
  value: z.unknown().optional(),
});

/** Command text: mentions removed, lower case, no surrounding punctuation. */
export function commandText(text: string | undefined): string {
  return (text ?? '')
    .replace(/<at>[^<]*<\/at>/gi, ' ')
    .replace(/[\s\u00a0]+/g, ' ')
    .trim()
    .toLowerCase()
    .replace(/^[/!.\s]+|[.!?\s]+$/g, '');
}

/** installationUpdate: the SDK routes on `action` without checking its type (["add"] counts as add). */
export const installationSchema = z.looseObject({ action: z.enum(['add', 'remove', 'add-upgrade', 'remove-upgrade']) });

const members = z
  .array(z.looseObject({ id: z.string().max(512) }))
  .max(10_000)
  .optional();
/** conversationUpdate: who joined or left. */
export const membersSchema = z.looseObject({ membersAdded: members, membersRemoved: members });

/** Where a reply into the activity's conversation goes. */
export function replyTarget(a: Envelope): { serviceUrl: string; conversationId: string; botId: string } {
  return { serviceUrl: a.serviceUrl, conversationId: a.conversation.id, botId: a.recipient.id };
}

/** The conversation an install captures (the bot's id in it included). */
export function conversationInfo(a: Envelope): { conversationId: string; serviceUrl: string; botId: string } {
  return { conversationId: a.conversation.id, serviceUrl: a.serviceUrl, botId: a.recipient.id };
}
