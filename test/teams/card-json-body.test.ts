import { describe, expect, it } from 'vitest';
import { CardJson } from '../../src/core/cards/card-json.ts';
import { bodyText, cardActivity } from '../../src/teams/connector.ts';

// A card that is JSON text already goes on the wire as that text: the request body is byte for byte what
// JSON.stringify makes of the same activity with the card as objects.

const card = { type: 'AdaptiveCard', version: '1.5', body: [{ type: 'TextBlock', text: 'Hoi "jij" \u0000 \\ ✓ $& $1' }] };

describe('bodyText', () => {
  it('puts a CardJson card in as its text, equal to stringifying the card itself', () => {
    const plain = { ...cardActivity(card, '\u0000card:0'), from: { id: '28:bot' } };
    const asText = { ...cardActivity(new CardJson(JSON.stringify(card)), '\u0000card:0'), from: { id: '28:bot' } };
    expect(bodyText(asText)).toBe(JSON.stringify(plain));
  });

  it('handles several attachments, mixed', () => {
    const two = {
      type: 'message' as const,
      attachments: [
        { contentType: 'a', content: new CardJson(JSON.stringify({ n: 1 })) },
        { contentType: 'b', content: { n: 2 } },
        { contentType: 'c', content: new CardJson(JSON.stringify({ n: 3 })) },
      ],
    };
    expect(JSON.parse(bodyText(two))).toEqual({
      type: 'message',
      attachments: [
        { contentType: 'a', content: { n: 1 } },
        { contentType: 'b', content: { n: 2 } },
        { contentType: 'c', content: { n: 3 } },
      ],
    });
  });

  it('is JSON.stringify for any other body', () => {
    for (const body of [{ isGroup: false, members: [{ id: 'x' }] }, cardActivity(card), 'text', null])
      expect(bodyText(body)).toBe(JSON.stringify(body));
  });
});
