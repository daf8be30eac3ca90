import { loadDevEnv } from './dev-env.ts';

// Preloaded by `npm start`, `npm run dev` and `npm run cli` (node --import): the development settings.
// Production (`npm run start:production`, the installed CLI) never loads this file.
loadDevEnv();
