import { styleText } from 'node:util';

// Human-readable log lines for a developer's terminal (`npm start`): "15:21:12 WARN  [http] message key=value".
// Everywhere else the logs stay JSON, one object a line, for log tooling (App Service, Azure Monitor).
// This formats pino's finished JSON lines, so redaction (log.ts) has already happened.

const levels: Record<number, { name: string; style: Parameters<typeof styleText>[0] }> = {
  10: { name: 'TRACE', style: 'gray' },
  20: { name: 'DEBUG', style: 'gray' },
  30: { name: 'INFO ', style: 'green' },
  40: { name: 'WARN ', style: 'yellow' },
  50: { name: 'ERROR', style: 'red' },
  60: { name: 'FATAL', style: ['red', 'bold'] },
};
const shownElsewhere = new Set(['level', 'time', 'msg', 'app', 'component', 'pid', 'hostname']);

/** Whether logs go to a person (a terminal, outside production) rather than to log tooling. */
export function wantsPrettyLogs(stream: { isTTY?: boolean }, production: boolean): boolean {
  return stream.isTTY === true && !production;
}

/** One pino JSON line as one readable line (a multi-line message stays multi-line, indented). */
export function formatLogLine(json: string, color = false): string {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(json);
  } catch {
    return json;
  }
  const level = levels[Number(entry.level)] ?? { name: String(entry.level), style: 'white' as const };
  const paint = (style: Parameters<typeof styleText>[0], text: string) =>
    // styleText drops the colours itself for NO_COLOR, a dumb terminal or a stream that is no terminal.
    color ? styleText(style, text, { stream: process.stdout }) : text;
  const time = typeof entry.time === 'string' ? new Date(entry.time) : new Date(Number(entry.time));
  const clock = Number.isNaN(time.getTime()) ? '' : `${time.toLocaleTimeString('en-GB')} `;
  const component = typeof entry.component === 'string' ? `${paint('cyan', `[${entry.component}]`)} ` : '';
  const message = String(entry.msg ?? '').replaceAll('\n', '\n    ');
  const fields = Object.entries(entry)
    .filter(([key]) => !shownElsewhere.has(key))
    .map(([key, value]) => `${key}=${typeof value === 'string' && !/\s/.test(value) ? value : JSON.stringify(value)}`);
  const rest = fields.length > 0 ? ` ${paint('gray', fields.join(' '))}` : '';
  return `${paint('gray', clock)}${paint(level.style, level.name)} ${component}${message}${rest}\n`;
}

/** A pino destination that writes readable lines to out. */
export function prettyDestination(out: NodeJS.WritableStream & { isTTY?: boolean }, color = out.isTTY === true) {
  return {
    write(chunk: string): boolean {
      let text = '';
      for (const line of chunk.split('\n')) if (line) text += formatLogLine(line, color);
      return out.write(text);
    },
  };
}
