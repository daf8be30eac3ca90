import fs from 'node:fs';

// Files the CLI writes can hold a student's answers (an AVG export) or a team's figures. They are made
// readable by the owner only, and never written through a link or into a file someone else prepared:
// an existing file keeps its mode and its other readers (hard links, open handles) when written into.

/** Why a file was not written; the message names the file and what to do. */
export class FileRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FileRefusedError';
  }
}

// O_NOFOLLOW does not exist on Windows; O_EXCL already refuses any existing name, links included.
const createFlags = fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL | (fs.constants.O_NOFOLLOW ?? 0);

/**
 * Writes `body` to a new file with mode 0600. An existing file is refused unless `force`, and then
 * removed first so the written file is a new one of ours; a symbolic link or anything but a regular file
 * at `target` is always refused.
 */
export function writePrivateFile(target: string, body: string | Uint8Array, options: { force?: boolean } = {}): void {
  if (checkPrivateTarget(target, options)) fs.unlinkSync(target);
  let fd: number;
  try {
    fd = fs.openSync(target, createFlags, 0o600);
  } catch (err) {
    // Something appeared at the name between the check and the create: refused, never followed.
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST' || code === 'ELOOP') throw new FileRefusedError(`${target} appeared while writing; not replaced`);
    throw err;
  }
  try {
    // The mode given to open is reduced by the umask only; this makes it exactly 0600.
    fs.fchmodSync(fd, 0o600);
    fs.writeFileSync(fd, body);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Refuses what writePrivateFile would refuse, without writing: for commands that write several files and
 * should write none when one is refused. True when a file exists that `force` lets replace.
 */
export function checkPrivateTarget(target: string, options: { force?: boolean } = {}): boolean {
  let existing: fs.Stats | undefined;
  try {
    existing = fs.lstatSync(target);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  if (existing?.isSymbolicLink()) throw new FileRefusedError(`${target} is a symbolic link; not writing through it`);
  if (existing && !existing.isFile()) throw new FileRefusedError(`${target} exists and is not a regular file`);
  if (existing && !options.force) throw new FileRefusedError(`${target} exists; add --force to replace it`);
  return Boolean(existing);
}

/** Creates a folder for private files: new folders are the owner's only; existing ones are left as they are. */
export function makePrivateFolder(folder: string): void {
  fs.mkdirSync(folder, { recursive: true, mode: 0o700 });
}
