import { execFileSync } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, rm, symlink } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { repoRoot } from './server-process.js';

export interface FreshClone {
  dir: string;
  remove(): Promise<void>;
}

/**
 * The working tree as a fresh clone has it: the files git tracks or would add (the work in
 * progress included), without anything ignored (no dist, web/dist, .data, .dev.vars, .env), and
 * node_modules linked from here instead of installed again.
 */
export async function freshClone(): Promise<FreshClone> {
  const dir = await mkdtemp(join(tmpdir(), 'meetings-clone-'));
  const files = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: repoRoot, encoding: 'utf8' })
    .split('\0')
    .filter((file) => file && existsSync(join(repoRoot, file)));
  for (const file of files) {
    await mkdir(dirname(join(dir, file)), { recursive: true });
    await copyFile(join(repoRoot, file), join(dir, file));
  }
  await symlink(join(repoRoot, 'node_modules'), join(dir, 'node_modules'), 'dir');
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}
