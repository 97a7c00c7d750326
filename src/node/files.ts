// Node implementations of the core's file interfaces, shared by the CLI and the extension host
// (for `file:` URIs). Reads are positioned `read(2)`s; nothing ever reads a whole checkpoint.

import { constants } from 'node:fs';
import { open, readdir } from 'node:fs/promises';
import * as path from 'node:path';
import type { RangedReader } from '../core/safetensors/reader';
import { MAX_INDEX_BYTES, type CheckpointFiles } from '../core/safetensors/open';
import { CoreError, messages } from '../core/errors';
import { readRegularText, statRegularFile } from './safeRead';

/** A RangedReader over a local file. Each read opens and closes the file, so nothing leaks. */
export class NodeFileReader implements RangedReader {
  /** Total bytes handed out so far: lets tests and logs prove only the header was read. */
  bytesRead = 0;

  constructor(
    readonly filePath: string,
    readonly name: string,
    readonly size: number,
    readonly mtimeMs: number,
  ) {}

  async read(offset: number, length: number): Promise<Uint8Array> {
    const out = new Uint8Array(length);
    // Non-blocking: if a FIFO replaced the file since it was opened, this returns instead of hanging.
    const handle = await open(this.filePath, constants.O_RDONLY | constants.O_NONBLOCK);
    try {
      let done = 0;
      while (done < length) {
        const { bytesRead } = await handle.read(out, done, length - done, offset + done);
        if (bytesRead === 0) break; // end of file: the caller reports the short read
        done += bytesRead;
      }
      this.bytesRead += done;
      return done === length ? out : out.subarray(0, done);
    } finally {
      await handle.close();
    }
  }
}

/** Opens a reader, or null when the file does not exist. Other failures are CoreErrors. */
export async function openNodeReader(filePath: string, name: string): Promise<NodeFileReader | null> {
  const s = await statRegularFile(filePath, name);
  return s === null ? null : new NodeFileReader(filePath, name, s.size, s.mtimeMs);
}

export function nodeCheckpointFiles(displayName: (filePath: string) => string = (p) => p): CheckpointFiles {
  return {
    openReader: (p) => openNodeReader(p, displayName(p)),
    async readText(p) {
      const s = await statRegularFile(p, displayName(p));
      if (s === null) return null;
      if (s.size > MAX_INDEX_BYTES) {
        throw new CoreError(
          'index/json',
          messages.indexJson(displayName(p), `it is ${s.size.toLocaleString('en-US')} bytes, too large for an index`),
        );
      }
      return readRegularText(p, displayName(p), MAX_INDEX_BYTES);
    },
    async listSiblings(p) {
      try {
        return await readdir(path.dirname(p));
      } catch {
        return [];
      }
    },
    resolveSibling: (p, relative) => path.join(path.dirname(p), ...relative.split('/')),
    baseName: (p) => path.basename(p),
    displayName,
  };
}
