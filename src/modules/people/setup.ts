import type { Feature } from '../../teams/turn.ts';

// People and their roles. Who is who comes from Teams (install, roster) and the SIS imports, and lives in
// the core repositories (src/core/ports.ts); IT adds roles by hand here. Nothing to set up, and no Teams
// commands of its own: every other module uses the roles.

export { peopleCommands as cli } from './role-cli.ts';

export const teams: Feature[] = [];
