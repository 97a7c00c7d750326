// A lock per run, so that any number of processes (shards, a restarted Slurm task, VS Code) can
// train one experiment folder at once without training a run twice. The lock is a file created
// with O_EXCL (atomic on local filesystems and NFSv3+), holding its owner, host, pid and start
// time; its mtime is the heartbeat, touched while the run trains. A lock is stale when its
// heartbeat is older than the timeout, or when it was written on this host by a process that no
// longer exists (a SIGKILLed task); a stale lock is taken over under a second O_EXCL file, so that
// of two processes finding it stale, only one replaces it.

import { mkdir, open, readFile, rm, stat, utimes } from 'node:fs/promises';
import * as path from 'node:path';
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';

export interface LockInfo {
  readonly owner: string;
  readonly host: string;
  readonly pid: number;
  readonly startedAt: string;
}

export interface LockOptions {
  /** A lock whose heartbeat is older than this is taken over (default 60 s). */
  readonly staleMs?: number;
  /** How often the holder touches the lock (default staleMs / 4). */
  readonly heartbeatMs?: number;
}

export interface HeldLock {
  readonly file: string;
  readonly info: LockInfo;
  /** Is the lock file still ours (not taken over after a long stall)? */
  stillHeld(): Promise<boolean>;
  release(): Promise<void>;
}

/** SUPERPOSITION_LAB_LOCK_STALE_MS overrides the default, for clusters with slow shared disks and for tests. */
export function defaultStaleMs(): number {
  const fromEnv = Number(process.env['SUPERPOSITION_LAB_LOCK_STALE_MS']);
  return Number.isFinite(fromEnv) && fromEnv > 0 ? fromEnv : 60_000;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function readInfo(file: string): Promise<LockInfo | null> {
  try {
    const info = JSON.parse(await readFile(file, 'utf8')) as Partial<LockInfo>;
    return typeof info.owner === 'string' && typeof info.host === 'string' && typeof info.pid === 'number'
      ? (info as LockInfo)
      : null;
  } catch {
    return null; // half-written by a process killed between create and write: judged by age
  }
}

/** Creates `file` only if it does not exist; false when it does. */
async function createExclusive(file: string, content: string): Promise<boolean> {
  let handle;
  try {
    handle = await open(file, 'wx');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  }
  try {
    await handle.writeFile(content);
    await handle.sync();
  } finally {
    await handle.close();
  }
  return true;
}

/** Why the lock at `file` may be taken over, or null while its holder is alive. */
export async function staleReason(file: string, staleMs: number, now = Date.now()): Promise<string | null> {
  const info = await stat(file).catch(() => null);
  if (info === null) return 'gone';
  const age = now - info.mtimeMs;
  if (age > staleMs) return `no heartbeat for ${Math.round(age / 1000)} s`;
  const holder = await readInfo(file);
  if (holder !== null && holder.host === hostname() && holder.pid !== process.pid && !processAlive(holder.pid)) {
    return `process ${holder.pid} on ${holder.host} has exited`;
  }
  return null;
}

/** Removes a stale lock, guarded by `<lock>.takeover` so that only one process does it. */
async function takeOver(file: string, staleMs: number): Promise<void> {
  const guard = `${file}.takeover`;
  if (!(await createExclusive(guard, String(process.pid)))) {
    // Someone else is taking it over; a guard left by a process killed mid-takeover expires.
    const g = await stat(guard).catch(() => null);
    if (g !== null && Date.now() - g.mtimeMs > staleMs) await rm(guard, { force: true });
    return;
  }
  try {
    // Checked again under the guard: the lock may have been replaced since we looked.
    if ((await staleReason(file, staleMs)) !== null) await rm(file, { force: true });
  } finally {
    await rm(guard, { force: true });
  }
}

/**
 * Takes the lock at `file`, taking over a stale one; null when a live process holds it. While
 * held, its heartbeat is touched every heartbeatMs (the timer does not keep Node alive).
 */
export async function acquireRunLock(file: string, options: LockOptions = {}): Promise<HeldLock | null> {
  const staleMs = options.staleMs ?? defaultStaleMs();
  await mkdir(path.dirname(file), { recursive: true });
  const info: LockInfo = {
    owner: randomUUID(),
    host: hostname(),
    pid: process.pid,
    startedAt: new Date().toISOString(),
  };
  for (let attempt = 0; attempt < 2; attempt++) {
    if (await createExclusive(file, `${JSON.stringify(info)}\n`)) {
      return held(file, info, options.heartbeatMs ?? staleMs / 4);
    }
    if ((await staleReason(file, staleMs)) === null) return null;
    await takeOver(file, staleMs);
  }
  return null;
}

function held(file: string, info: LockInfo, heartbeatMs: number): HeldLock {
  const beat = setInterval(() => {
    const now = new Date();
    utimes(file, now, now).catch(() => undefined); // a lost lock is found by stillHeld
  }, heartbeatMs);
  beat.unref();
  let released = false;
  return {
    file,
    info,
    stillHeld: async () => (await readInfo(file))?.owner === info.owner,
    release: async () => {
      if (released) return;
      released = true;
      clearInterval(beat);
      // Only our own lock: after a takeover the file is someone else's.
      if ((await readInfo(file))?.owner === info.owner) await rm(file, { force: true });
    },
  };
}

/** The holder of a lock, if it is held and fresh (for dashboards: "running on host, pid"). */
export async function lockHolder(file: string, staleMs = defaultStaleMs()): Promise<LockInfo | null> {
  if ((await staleReason(file, staleMs)) !== null) return null;
  return readInfo(file);
}
