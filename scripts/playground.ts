import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

// `npm run playground [-- --as student|mentor|coordinator]`: starts the Microsoft 365 Agents Playground
// against the local bot. The Playground shows only its current user's chats, so the mentor and the
// coordinator get a Playground of their own on the next ports (same tenant and users, same bot).

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({ options: { as: { type: 'string', default: 'student' }, port: { type: 'string' } } });
const role = values.as === 'mentor' || values.as === 'coordinator' ? values.as : 'student';
const port = values.port ?? { student: '56150', mentor: '56151', coordinator: '56152' }[role];
const who = {
  student: 'Alex Wilber, alexw@example.com',
  mentor: 'Megan Bowen, meganb@example.com',
  coordinator: 'Patti Fernandez, pattif@example.com',
}[role];
const botPort = process.env.PORT ?? '3978';
const endpoint = `http://127.0.0.1:${botPort}/api/messages`;

// Run on this Node with a preload that makes it listen on 127.0.0.1 only (scripts/playground/loopback.ts).
const cli = path.join(root, 'node_modules', '@microsoft', 'm365agentsplayground', 'cli.js');
const loopback = path.join(root, 'scripts', 'playground', 'loopback.ts');
const args = ['--import', loopback, cli, '-e', endpoint, '-c', 'msteams', '-p', port, '--dt'];
const child = spawn(process.execPath, args, {
  stdio: 'inherit',
  env: {
    ...process.env,
    TEAMSAPPTESTER_BROWSER: process.env.TEAMSAPPTESTER_BROWSER ?? 'none',
    SEND_INSTALLATION_ACTIVITY: 'true',
    M365_AGENTS_PLAYGROUND_CONFIG_PATH: path.join(root, 'scripts', 'playground', `${role}.yml`),
  },
});
process.stdout.write(
  `\nAgents Playground as the ${role} (${who})\n` +
    `  open http://127.0.0.1:${port} in a browser; the bot must be running (npm start) on ${endpoint}\n\n`,
);
const stop = () => child.kill('SIGTERM');
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
child.on('exit', (code) => process.exit(code ?? 0));
