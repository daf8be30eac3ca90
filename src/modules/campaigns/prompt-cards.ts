import { CardJson } from '../../core/cards/card-json.ts';
import type { AdaptiveCard } from '../../core/cards/cards.ts';
import type { Reflection } from '../../core/entities.ts';
import type { Flow } from '../../core/flows/flows.ts';
import { currentSector } from '../../core/i18n.ts';
import type { Activity } from './campaigns.ts';
import type { DuePrompt } from './outbox.ts';
import type { TrialoogPrompt } from './ports.ts';

// A campaign sends the same card to every student it reaches, except for the reflection id in the card's
// actions: drawing it from its template per prompt cost about as much CPU as the rest of the prompt's own
// work (bench/README.md, campaigns). So a run draws each distinct card once and copies it per student with
// the student's reflection id put in. Whether the id is all that differs is checked, not assumed: the card
// is drawn with two different ids, and only if the two texts differ exactly where the ids were is it kept
// for copying; any other card is drawn per prompt as before.

// Two ids that differ in every character and in length, so that a card showing any part or form of the
// id (shortened, upper-cased) fails the check.
const idA = 'aq7f3c9a2e-reflection-id';
const idB = 'ZX_4B8D/OTHER:ID';
/** How many distinct cards a run keeps (one per flow, language, sector, activity and kind in practice). */
const kept = 64;

/** The text of a string inside JSON, without its quotes. */
const inJson = (s: string) => JSON.stringify(s).slice(1, -1);

export class PromptCards {
  private readonly drawn = new Map<string, string | null>();

  /**
   * The card for `reflectionId`. `key` names everything else the card depends on; `draw` draws it for a
   * reflection id. A copy is the card's JSON text (CardJson), sent as it is.
   */
  card(key: string, reflectionId: string, draw: (reflectionId: string) => AdaptiveCard): AdaptiveCard | CardJson {
    let json = this.drawn.get(key);
    if (json === undefined) {
      json = this.template(draw);
      if (this.drawn.size >= kept) this.drawn.clear();
      this.drawn.set(key, json);
    }
    if (json === null) return draw(reflectionId);
    const id = inJson(reflectionId);
    return new CardJson(json.replaceAll(idA, () => id));
  }

  /** The card's JSON with idA where the reflection id goes, or null when it differs in more than that. */
  private template(draw: (reflectionId: string) => AdaptiveCard): string | null {
    const a = JSON.stringify(draw(idA));
    const b = JSON.stringify(draw(idB));
    return a.includes(idA) && a.replaceAll(idA, idB) === b ? a : null;
  }
}

/** What a prompt's card is drawn from, besides the flow's texts. */
export interface CardContext {
  flow: Flow;
  activity?: Pick<Activity, 'title' | 'type' | 'endsAt'>;
  timeZone: string;
  /** The reflection the card is for: stored once the student answered something, else the one the prompt stands for. */
  reflection: Reflection;
  /** The reflection is stored (the student answered something): its card shows that, so it is drawn for it alone. */
  stored: boolean;
  /** A trialoog campaign's prompt: choose a reflection and ask the supervisor (or add one first). */
  trialoog?: TrialoogPrompt;
}

/** Everything a prompt's card depends on but the reflection id (questions may vary by the week it started). */
export function promptCardKey(claimed: DuePrompt, context: CardContext): string {
  const { reflection, activity } = context;
  const week = Math.floor(Date.parse(reflection.createdAt) / (7 * 24 * 3_600_000));
  const about = activity ? [activity.title, activity.type, activity.endsAt] : [];
  return JSON.stringify([
    claimed.delivery.kind,
    claimed.op,
    reflection.locale,
    currentSector(),
    week,
    context.timeZone,
    ...about,
  ]);
}
