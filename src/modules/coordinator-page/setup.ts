import type { CliCommand } from '../../cli/registry.ts';
import type { ModuleParts } from '../../core/module.ts';
import type { Platform } from '../../core/platform.ts';
import type { Feature } from '../../teams/turn.ts';
import { coordinatorPageFeature } from './feature.ts';
import { CoordinatorFigures, type FiguresDeps } from './snapshots.ts';

// The coordinator page: its routes on the bot's server, and the figures it shows (kept warm per instance).

/** The module's CLI commands: none. */
export const cli: CliCommand[] = [];

/** The module's Teams side. */
export const teams: Feature[] = [coordinatorPageFeature];

export interface CoordinatorPage extends ModuleParts {
  figures: CoordinatorFigures;
}

export function setup(platform: Platform, needs: Omit<FiguresDeps, 'platform'>): CoordinatorPage {
  const figures = new CoordinatorFigures({ platform, ...needs });
  return {
    figures,
    jobs: [
      {
        name: 'coordinator-page.warm',
        schedule: '*/10 * * * *',
        perInstance: true,
        runAtStart: true,
        run: () => figures.warm(),
      },
    ],
  };
}
