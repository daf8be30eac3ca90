/**
 * A card that is JSON text already (a campaign prompt copied from the card its run drew once): the
 * connector sends it as that text, without parsing it into objects only to write them out again
 * (src/teams/connector.ts, bodyText). Anywhere else it is turned into JSON (a test, a log), it is the card.
 */
export class CardJson {
  readonly text: string;
  constructor(text: string) {
    this.text = text;
  }
  toJSON(): unknown {
    return JSON.parse(this.text);
  }
}
