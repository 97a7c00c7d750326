// Atomic file writes: write a temporary file next to the target, flush it, rename it over the
// target, then flush the folder so that the rename itself survives a power cut. A reader sees the
// old file or the new one, never half of one, even if the process is killed mid-write.
//
// A process killed between creating and renaming its temporary file leaves it behind; its name
// says which host and process wrote it, so removeStaleTemps can tell a leftover from a file that
// another process (another shard on the same folder) is writing right now.

import { mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises';
import { hostname } from 'node:os';
import * as path from 'node:path';

/** The host, reduced to characters that are safe in a file name and contain no dot. */
const HOST_TAG = hostname().replace(/[^A-Za-z0-9-]/g, '_') || 'host';

/** A temporary file older than this is a leftover whatever wrote it (a write takes seconds). */
export const STALE_TEMP_MS = 10 * 60_000;

const TEMP_NAME = /\.([A-Za-z0-9_-]+)~(\d+)~[a-z0-9]+\.tmp$/;

/** Flushes a folder's entries (the rename); a no-op where folders cannot be opened (Windows). */
export async function syncDir(dir: string): Promise<void> {
  let handle;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'EISDIR' && code !== 'EPERM' && code !== 'EINVAL' && code !== 'EBADF') throw e;
  } finally {
    await handle?.close();
  }
}

export async function writeFileAtomic(file: string, data: Uint8Array | string): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const temp = `${file}.${HOST_TAG}~${process.pid}~${Math.random().toString(36).slice(2)}.tmp`;
  const handle = await open(temp, 'w');
  try {
    await handle.writeFile(data);
    await handle.sync();
  } catch (e) {
    await handle.close();
    await rm(temp, { force: true });
    throw e;
  }
  await handle.close();
  try {
    await rename(temp, file);
  } catch (e) {
    await rm(temp, { force: true });
    throw e;
  }
  await syncDir(path.dirname(file));
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'; // alive, someone else's
  }
}

/**
 * Removes leftover `*.tmp` files in `dir`: those written on this host by a process that has
 * exited, and any older than STALE_TEMP_MS. Returns how many were removed.
 */
export async function removeStaleTemps(dir: string, now = Date.now()): Promise<number> {
  const names = await readdir(dir).catch(() => [] as string[]);
  let removed = 0;
  for (const name of names) {
    if (!name.endsWith('.tmp')) continue;
    const file = path.join(dir, name);
    const info = await stat(file).catch(() => null);
    if (info === null || !info.isFile()) continue;
    const match = TEMP_NAME.exec(name);
    const deadHere = match !== null && match[1] === HOST_TAG && !processAlive(Number(match[2]));
    if (deadHere || now - info.mtimeMs > STALE_TEMP_MS) {
      await rm(file, { force: true });
      removed++;
    }
  }
  return removed;
}
