import { mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

export class DataDirectoryLockedError extends Error {
  constructor(
    readonly path: string,
    readonly holder: LockHolder,
  ) {
    super(
      `The embedded database in ${dirname(path)} is open in another process (pid ${holder.pid}: ${holder.command || 'unknown command'}, since ${holder.since}). ` +
        'PGlite serves one process at a time: stop that process first, or set DATABASE_URL to use Postgres.',
    );
    this.name = 'DataDirectoryLockedError';
  }
}

interface LockHolder {
  pid: number;
  command: string;
  since: string;
}

export interface DirectoryLock {
  path: string;
  release(): Promise<void>;
}

/**
 * Takes `<dir>.lock` beside the PGlite directory, whatever port or command opens it: the
 * server, the keys CLI, a second `npm start`. A lock whose process is gone is taken over.
 */
export async function lockDataDirectory(dataDir: string): Promise<DirectoryLock> {
  const path = `${resolve(dataDir)}.lock`;
  mkdirSync(dirname(path), { recursive: true });
  const me: LockHolder = { pid: process.pid, command: process.argv.slice(1).join(' ').slice(0, 300), since: new Date().toISOString() };
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      writeFileSync(path, JSON.stringify(me), { flag: 'wx', mode: 0o600 });
      return holdUntilExit(path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = readHolder(path);
    if (holder && holder.pid !== process.pid && isAlive(holder.pid)) throw new DataDirectoryLockedError(path, holder);
    // Left behind by a process that is gone (or unreadable): take it over.
    try {
      unlinkSync(path);
    } catch {
      // another process took it over first; try again
    }
  }
  const holder = readHolder(path);
  throw new DataDirectoryLockedError(path, holder ?? { pid: 0, command: '', since: 'unknown' });
}

function holdUntilExit(path: string): DirectoryLock {
  let held = true;
  const release = () => {
    if (!held) return;
    held = false;
    process.off('exit', release);
    try {
      const holder = readHolder(path);
      if (holder?.pid === process.pid) unlinkSync(path);
    } catch {
      // already gone
    }
  };
  process.on('exit', release);
  return { path, release: async () => release() };
}

function readHolder(path: string): LockHolder | undefined {
  try {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as Partial<LockHolder>;
    return typeof parsed.pid === 'number' ? { pid: parsed.pid, command: String(parsed.command ?? ''), since: String(parsed.since ?? '') } : undefined;
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
