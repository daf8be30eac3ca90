import type { AdaptiveCardActionResponse } from '@microsoft/teams.api';
import type { IAdaptiveCard } from '@microsoft/teams.cards';
import type { Express } from 'express';
import type { Action } from '../core/authorization.ts';
import type { Person } from '../core/entities.ts';
import type { FlowCatalog } from '../core/flows/flows.ts';
import type { InstallDeps } from '../core/install.ts';
import type { Repositories } from '../core/ports.ts';
import type { RoleResolver } from '../core/roles.ts';
import type { SendPolicies } from '../core/send-policy/quiet-hours.ts';
import type { Locale, Role } from '../core/types.ts';
import type { DeliveryEngine } from '../delivery/engine.ts';
import type { Downloads } from '../modules/downloads/downloads.ts';
import type { Product } from '../modules/index.ts';
import type { Router } from '../modules/mentoring/routing.ts';
import type { CheckEvidenceSource } from '../modules/quality-cycle/check-evidence.ts';
import type { QualityCycleRepositories } from '../modules/quality-cycle/quality-cycle.ts';
import type { ReflectionService } from '../modules/reflection/reflections.ts';
import type { StudentFollowUps } from '../modules/reflection/student-follow-up.ts';
import type { Clock } from '../platform/clock.ts';
import type { Config } from '../platform/config.ts';
import type { Logger } from '../platform/log.ts';
import type { JobRunner } from '../platform/scheduler/jobs.ts';
import type { Leases } from '../platform/scheduler/leases.ts';
import type { DocumentStore } from '../platform/store/document-store.ts';
import type { Envelope } from './activity.ts';
import type { ConnectorClient } from './connector.ts';
import type { Reach } from './reach.ts';

/** Everything a feature handler may use: the platform, the set-up modules, the Teams transport. Built once in src/app.ts. */
export interface BotDeps {
  config: Config;
  log: Logger;
  clock: Clock;
  repos: Repositories;
  flows: FlowCatalog;
  reflections: ReflectionService;
  router: Router;
  connector: ConnectorClient;
  reach: Reach;
  install: InstallDeps;
  store: DocumentStore;
  leases: Leases;
  jobs: JobRunner;
  /** Effective roles: stored roles plus configured Entra group roles. */
  roles: RoleResolver;
  studentFollowUps: StudentFollowUps;
  /** Where people's browsers reach this server (download links); set once the server listens. */
  publicUrl: string;
  /** Short-lived download links served by the bot (exports offered on cards). */
  downloads: Downloads;
  /** Education teams and their yearly quality cycles (issue 6). */
  cycles: QualityCycleRepositories;
  /** Figures for the Check phase; the campaign ledger and mentor follow-up plug in here (BotOptions.evidence). */
  evidence: CheckEvidenceSource;
  /** Every feature module's services, set up once (src/modules/index.ts). */
  modules: Product;
  /** When the bot may message people of a school on its own initiative (src/core/send-policy/quiet-hours.ts). */
  sendPolicy: SendPolicies;
  /** Sends scheduled messages: send policy, claim with a lease, throttled send, outcome (docs/delivery.md). */
  delivery: DeliveryEngine;
}

/** One inbound activity from an identified person. */
export interface Turn {
  deps: BotDeps;
  activity: Envelope;
  actor: Person;
  locale: Locale;
  /** Sends a card into the conversation the activity came from. */
  sendCard(card: unknown, summary?: string): Promise<{ activityId: string }>;
  /** The help card for this person here: the commands of their roles that work in this conversation. */
  helpCard(notUnderstood?: boolean): unknown;
}

/** The time zone of the actor's school: dates on cards are the school's days. */
export async function schoolTimeZone(turn: Turn): Promise<string> {
  return (await turn.deps.repos.schools.get(turn.actor.schoolId))?.timeZone || turn.deps.config.DEFAULT_TIME_ZONE;
}

/** The body Teams expects back from an Action.Execute (adaptiveCard/action) invoke. */
export type CardActionResponse = AdaptiveCardActionResponse;

/** Teams replaces the card the button was on with this one. */
export function cardResponse(card: unknown): CardActionResponse {
  return { statusCode: 200, type: 'application/vnd.microsoft.card.adaptive', value: card as IAdaptiveCard };
}

export interface TextCommand {
  /** Lower-case words that start the command, in Dutch and English. */
  names: readonly string[];
  /** The action in the authorization policy (src/core/authorization.ts) whose roles may use it. Checked before run. */
  action?: Action;
  /** Who may use it, for commands without an action; omitted (and no action) means everyone. Checked before run. */
  roles?: readonly Role[];
  /** Only in the 1:1 chat (answers and personal data must not land in a channel). Default true. */
  personalOnly?: boolean;
  /** How the help card lists it; a command without is not listed (synonyms, greetings). */
  help?: CommandHelp;
  run(turn: Turn, args: string): Promise<void>;
}

/** The help card's sections, in order: what the person does with the commands listed under each. */
export const helpSections = ['student', 'mentor', 'teacher', 'coordinator', 'quality', 'general'] as const;
export type HelpSection = (typeof helpSections)[number];

export interface CommandHelp {
  section: HelpSection;
  /** The word shown, per language; each is one of the command's names. */
  words: Record<Locale, string>;
  /** Locale key of the one-line description. */
  text: string;
  /** Also in the Teams command menu (appPackage/manifest.json, en.json); a test keeps the two the same. */
  menu?: boolean;
}

export interface CardVerb {
  verb: string;
  /** As for TextCommand: the policy action, or plain roles. Resource checks (whose reflection) are the verb's own. */
  action?: Action;
  roles?: readonly Role[];
  /**
   * Only in the 1:1 chat, as for TextCommand. Default true: a card pressed in a channel answers in the
   * channel (the replacement card and anything sent), so only verbs that show nothing personal opt out.
   */
  personalOnly?: boolean;
  run(turn: Turn, data: Record<string, unknown>): Promise<CardActionResponse>;
}

/**
 * A module's Teams side: commands and card verbs (src/teams/command-dispatch.ts dispatches to them) and routes. Its
 * jobs and services come from the module's setup (src/modules/<feature>/setup.ts).
 */
export interface Feature {
  name: string;
  commands?: TextCommand[];
  verbs?: CardVerb[];
  /** Routes on the bot's own HTTP server (e.g. a download), given the bot's dependencies. */
  http?: (deps: BotDeps, app: Express) => void;
}
