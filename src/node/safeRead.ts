// Reading a file the user (or a file they opened) named: regular files only, size-capped. A FIFO
// named like a sibling index would block a plain readFile forever, and /dev/zero would be read
// until memory runs out. Symbolic links are followed (the Hugging Face cache is symlinks into
// blobs/), and the check is made on the opened handle, so a file swapped for a FIFO between a
// stat and the read is still refused. O_NONBLOCK makes opening a FIFO return at once instead of
// waiting for a writer; it changes nothing for regular files.

import { constants, type Stats } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { CoreError, messages } from '../core/errors';

function kindOf(s: Stats): string {
  if (s.isDirectory()) return 'a folder';
  if (s.isFIFO()) return 'a named pipe (FIFO)';
  if (s.isCharacterDevice() || s.isBlockDevice()) return 'a device';
  if (s.isSocket()) return 'a socket';
  return 'not a regular file';
}

const READ_CHUNK_BYTES = 1 << 20;

/** Limits per kind of file read whole: generous for real files, far below "all memory". */
export const READ_LIMITS = {
  /** An experiment config (a few hundred bytes in practice). */
  config: 1024 * 1024,
  /** data.counts: a vocabulary's token counts (GPT-2's is about 1 MB as CSV). */
  counts: 64 * 1024 * 1024,
  /** results.json of a sweep of up to 10,000 runs with their curves. */
  results: 256 * 1024 * 1024,
} as const;

const isMissing = (e: unknown): boolean => {
  const code = (e as { code?: string } | null)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR';
};

/**
 * Opens `filePath` for reading if it is a regular file (after symlinks); null when it does not
 * exist. Anything else is a CoreError: `file/not-regular`, or `safetensors/io` with the reason.
 */
export async function openRegularFile(
  filePath: string,
  name: string,
): Promise<{ handle: FileHandle; stats: Stats } | null> {
  let handle: FileHandle;
  try {
    handle = await open(filePath, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (e) {
    if (isMissing(e)) return null;
    // EISDIR on some systems: still "not a regular file", with the same message as below.
    if ((e as { code?: string } | null)?.code === 'EISDIR') {
      throw new CoreError('file/not-regular', messages.notRegular(name, 'a folder'));
    }
    throw new CoreError('safetensors/io', messages.io(name, e instanceof Error ? e.message : String(e)));
  }
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) throw new CoreError('file/not-regular', messages.notRegular(name, kindOf(stats)));
    return { handle, stats };
  } catch (e) {
    await handle.close();
    if (e instanceof CoreError) throw e;
    throw new CoreError('safetensors/io', messages.io(name, e instanceof Error ? e.message : String(e)));
  }
}

/** Size and times of a regular file, or null when it does not exist (see openRegularFile). */
export async function statRegularFile(filePath: string, name: string): Promise<Stats | null> {
  const opened = await openRegularFile(filePath, name);
  if (opened === null) return null;
  await opened.handle.close();
  return opened.stats;
}

/**
 * The whole of a regular file of at most `maxBytes`, or null when it does not exist. Reads in
 * chunks until the end and stops past maxBytes whatever size the file claims (files in /proc
 * claim 0 bytes; a file may grow while it is read).
 */
export async function readRegularFile(filePath: string, name: string, maxBytes: number): Promise<Buffer | null> {
  const opened = await openRegularFile(filePath, name);
  if (opened === null) return null;
  const { handle, stats } = opened;
  try {
    if (stats.size > maxBytes) throw new CoreError('file/too-large', messages.readTooLarge(name, stats.size, maxBytes));
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.alloc(Math.min(READ_CHUNK_BYTES, maxBytes + 1 - total));
      const { bytesRead } = await handle.read(chunk, 0, chunk.length, total);
      if (bytesRead === 0) break;
      chunks.push(chunk.subarray(0, bytesRead));
      total += bytesRead;
      if (total > maxBytes) throw new CoreError('file/too-large', messages.readTooLarge(name, total, maxBytes));
    }
    return Buffer.concat(chunks, total);
  } catch (e) {
    if (e instanceof CoreError) throw e;
    throw new CoreError('safetensors/io', messages.io(name, e instanceof Error ? e.message : String(e)));
  } finally {
    await handle.close();
  }
}

/** readRegularFile as UTF-8 text. */
export async function readRegularText(filePath: string, name: string, maxBytes: number): Promise<string | null> {
  const bytes = await readRegularFile(filePath, name, maxBytes);
  return bytes === null ? null : bytes.toString('utf8');
}
