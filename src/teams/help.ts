import { mayUse } from '../core/authorization.ts';
import { type AdaptiveCard, helpCard } from '../core/cards/cards.ts';
import type { Person } from '../core/entities.ts';
import { t } from '../core/i18n.ts';
import { helpSections, type TextCommand } from './turn.ts';

// The help card lists what this person can type here: the commands of their roles that work in this
// conversation, in their language, grouped by what they do with them. It is built from the features' own
// command lists, so what it lists exists, and a role sees nothing of another role's commands.

/** Whether the help card lists a command for this person in this conversation. */
export function listedFor(command: TextCommand, actor: Person, personal: boolean): boolean {
  if (!command.help || !mayUse(actor, command)) return false;
  if (!personal && (command.personalOnly ?? true)) return false;
  // Everyone has their own (empty) overview and pause; they are listed for students, whose they are.
  return command.help.section !== 'student' || actor.roles.includes('student');
}

export function helpCardFor(
  commands: readonly TextCommand[],
  actor: Person,
  options: { personal: boolean; notUnderstood?: boolean },
): AdaptiveCard {
  const { locale } = actor;
  const listed = commands.filter((c) => listedFor(c, actor, options.personal));
  const sections = helpSections
    .map((section) => ({
      title: t(locale, `core.help.sections.${section}`),
      commands: listed
        .filter((c) => c.help?.section === section)
        .map((c) => ({ command: c.help!.words[locale], description: t(locale, c.help!.text) })),
    }))
    .filter((s) => s.commands.length > 0);
  return helpCard(locale, sections, {
    notUnderstood: options.notUnderstood ?? false,
    canReflect: options.personal && mayUse(actor, { action: 'reflection.start' }),
  });
}
