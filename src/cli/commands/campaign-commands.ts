import type { CliCommand } from '../registry.ts';
import { calendarHolidayAddCommand, calendarHolidayRemoveCommand, calendarSetCommand, calendarShowCommand } from './calendar.ts';
import {
  campaignCancelCommand,
  campaignCreateCommand,
  campaignListCommand,
  campaignPauseCommand,
  campaignResumeCommand,
  campaignStatusCommand,
} from './campaigns.ts';
import { activityAddCommand, activityListCommand, groupLinkCommand, groupListCommand } from './groups.ts';
import { importActivitiesCommand, importGroupsCommand, importMentorsCommand, importStudentsCommand } from './imports.ts';

/** The campaign engine's commands, in the order `npm run cli` lists them. */
export const campaignCommands: CliCommand[] = [
  importStudentsCommand,
  importMentorsCommand,
  importGroupsCommand,
  importActivitiesCommand,
  groupListCommand,
  groupLinkCommand,
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
