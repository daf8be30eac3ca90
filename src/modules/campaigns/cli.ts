import type { CliCommand } from '../../cli/registry.ts';
import {
  calendarHolidayAddCommand,
  calendarHolidayRemoveCommand,
  calendarSetCommand,
  calendarShowCommand,
} from './calendar-cli.ts';
import {
  campaignCancelCommand,
  campaignCreateCommand,
  campaignListCommand,
  campaignPauseCommand,
  campaignResumeCommand,
  campaignStatusCommand,
} from './campaign-cli.ts';
import { activityAddCommand, activityListCommand, groupLinkCommand, groupListCommand } from './group-cli.ts';
import { importActivitiesCommand, importGroupsCommand } from './import-cli.ts';
import { importMentorsCommand, importStudentsCommand } from './import-people-cli.ts';
import { installCommand } from './install-cli.ts';

/** The campaign engine's commands, in the order `npm run cli` lists them. */
export const campaignCommands: CliCommand[] = [
  importStudentsCommand,
  importMentorsCommand,
  importGroupsCommand,
  importActivitiesCommand,
  groupListCommand,
  groupLinkCommand,
  installCommand,
  activityAddCommand,
  activityListCommand,
  campaignCreateCommand,
  campaignListCommand,
  campaignStatusCommand,
  campaignPauseCommand,
  campaignResumeCommand,
  campaignCancelCommand,
  calendarShowCommand,
  calendarSetCommand,
  calendarHolidayAddCommand,
  calendarHolidayRemoveCommand,
];
