import { checkPrivateTarget, FileRefusedError, makePrivateFolder, writePrivateFile } from '../platform/private-file.ts';
import { CliError } from './context.ts';

// The CLI's files: owner-only, never through a link, an existing file only with --force.

function refusing<T>(run: () => T): T {
  try {
    return run();
  } catch (err) {
    if (err instanceof FileRefusedError) throw new CliError(err.message);
    throw err;
  }
}

/** Writes the files (target → body), or none of them when one is refused. */
export function writeCliFiles(files: readonly { target: string; body: string | Uint8Array }[], force: boolean): void {
  refusing(() => {
    for (const f of files) checkPrivateTarget(f.target, { force });
    for (const f of files) writePrivateFile(f.target, f.body, { force });
  });
}

export { makePrivateFolder };
