// CONTRIBUTING.md's "Messages" section documents the message contracts. It carries a hash of the
// protocol files, so changing a message without revisiting the documentation fails here
// (rust-analyzer's lsp-extensions.md tripwire). After updating the section, put the new hash in.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(__dirname, '../..');
const read = (f: string) => readFileSync(path.join(root, f), 'utf8');

describe('CONTRIBUTING Messages section', () => {
  it('matches the current protocol files', () => {
    const hash = createHash('sha256')
      .update(
        read('src/shared/viewerProtocol.ts') +
          read('src/shared/computeJobs.ts') +
          read('src/shared/analysisProtocol.ts') +
          read('src/shared/experimentProtocol.ts') +
          read('src/shared/previewProtocol.ts') +
          read('src/shared/nodeWorkerProtocol.ts') +
          read('src/shared/pageReports.ts'),
      )
      .digest('hex')
      .slice(0, 12);
    const documented = /Protocol hash: `([0-9a-f]{12})`/.exec(read('CONTRIBUTING.md'))?.[1];
    expect(documented, `CONTRIBUTING.md says ${documented}; the protocol files hash to ${hash}`).toBe(hash);
  });
});
