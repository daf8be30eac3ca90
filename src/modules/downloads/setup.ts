import type { CliCommand } from '../../cli/registry.ts';
import type { ModuleParts } from '../../core/module.ts';
import type { Platform } from '../../core/platform.ts';
import type { Feature } from '../../teams/turn.ts';
import { Downloads } from './downloads.ts';
import { downloadsFeature } from './feature.ts';

// Short-lived download links served by the bot (the dossier, the AVG export, the Check evidence).

/** The module's CLI commands: none. */
export const cli: CliCommand[] = [];

/** The module's Teams side. */
export const teams: Feature[] = [downloadsFeature];

export interface DownloadsModule extends ModuleParts {
  downloads: Downloads;
}

export async function setup(platform: Platform): Promise<DownloadsModule> {
  const { config, clock } = platform;
  const downloads = await Downloads.open(platform.store, {
    clock,
    baseUrl: config.publicUrl ?? `http://${config.HOST}:${config.PORT}`,
  });
  return {
    downloads,
    jobs: [{ name: 'downloads.purge', schedule: '17 3 * * *', run: (now) => downloads.purge(now) }],
  };
}
