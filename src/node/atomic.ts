// Atomic file writes: write a temporary file next to the target, flush it, rename it over the
// target. A reader sees the old file or the new one, never half of one, even if the process is
// killed mid-write.

import { mkdir, open, rename, rm } from 'node:fs/promises';
import * as path from 'node:path';

export async function writeFileAtomic(file: string, data: Uint8Array | string): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
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
  await rename(temp, file);
}
