// Per-run locks (src/node/runLock.ts): exclusive, released, stale ones taken over, and exclusive
// under concurrent processes racing for the same locks.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { acquireRunLock, lockHolder, staleReason } from '../../src/node/runLock';
import { tempDir } from '../fixtures/files';

const tmp = tempDir('spl-lock-');
afterAll(tmp.cleanup);
let counter = 0;
const lockPath = () => path.join(tmp.dir, `run-${counter++}.lock`);

describe('acquireRunLock', () => {
  it('is exclusive while held, records owner, host and pid, and is free again after release', async () => {
    const file = lockPath();
    const a = await acquireRunLock(file, { staleMs: 10_000 });
    expect(a).not.toBeNull();
    const info = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    expect(info).toMatchObject({ host: hostname(), pid: process.pid, owner: a!.info.owner });
    expect(await acquireRunLock(file, { staleMs: 10_000 })).toBeNull();
    expect(await lockHolder(file, 10_000)).toMatchObject({ pid: process.pid });
    expect(await a!.stillHeld()).toBe(true);
    await a!.release();
    expect(existsSync(file)).toBe(false);
    const b = await acquireRunLock(file, { staleMs: 10_000 });
    expect(b).not.toBeNull();
    await b!.release();
  });

  it('keeps a held lock fresh with its heartbeat', async () => {
    const file = lockPath();
    const held = await acquireRunLock(file, { staleMs: 400, heartbeatMs: 50 });
    await new Promise((r) => setTimeout(r, 900));
    expect(await staleReason(file, 400)).toBeNull();
    await held!.release();
  });

  it('takes over a lock without heartbeat, and one left by an exited process on this host', async () => {
    const silent = lockPath();
    writeFileSync(silent, JSON.stringify({ owner: 'x', host: 'elsewhere', pid: 1, startedAt: '' }));
    const old = new Date(Date.now() - 120_000);
    utimesSync(silent, old, old);
    expect(await staleReason(silent, 60_000)).toMatch(/^no heartbeat for 1[12]\d s$/);
    const a = await acquireRunLock(silent, { staleMs: 60_000 });
    expect(a).not.toBeNull();
    expect(await a!.stillHeld()).toBe(true);
    await a!.release();

    const orphan = lockPath();
    writeFileSync(orphan, JSON.stringify({ owner: 'y', host: hostname(), pid: 999_999, startedAt: '' }));
    expect(await staleReason(orphan, 60_000)).toBe(`process 999999 on ${hostname()} has exited`);
    const b = await acquireRunLock(orphan, { staleMs: 60_000 });
    expect(b).not.toBeNull();
    await b!.release();
  });

  it('does not release a lock taken over by someone else', async () => {
    const file = lockPath();
    const a = await acquireRunLock(file, { staleMs: 60_000 });
    writeFileSync(file, JSON.stringify({ owner: 'other', host: 'h', pid: 1, startedAt: '' }));
    expect(await a!.stillHeld()).toBe(false);
    await a!.release();
    expect(existsSync(file)).toBe(true);
  });

  it('under 6 processes racing for 20 locks (some stale), each lock is won exactly once', async () => {
    const dir = path.join(tmp.dir, 'race');
    mkdirSync(dir);
    const files = Array.from({ length: 20 }, (_, i) => path.join(dir, `r${i}.lock`));
    // Every third lock is a stale leftover that must be taken over by exactly one process.
    for (const f of files.filter((_, i) => i % 3 === 0)) {
      writeFileSync(f, JSON.stringify({ owner: 'dead', host: 'gone', pid: 1, startedAt: '' }));
      const old = new Date(Date.now() - 600_000);
      utimesSync(f, old, old);
    }
    const bundle = path.join(tmp.dir, 'runLock.cjs');
    await bundleRunLock(bundle);
    // Each process keeps its locks (and stays alive, so they are not orphans) until all report.
    const script = `
      const { acquireRunLock } = require(${JSON.stringify(bundle)});
      (async () => {
        const won = [];
        for (const f of ${JSON.stringify(files)}) { if (await acquireRunLock(f, { staleMs: 60000 })) won.push(f); }
        process.stdout.write(JSON.stringify(won) + '\\n');
        process.stdin.on('end', () => process.exit(0)).resume();
      })();`;
    const children = Array.from({ length: 6 }, () => startNode(script));
    const outputs = await Promise.all(children.map((c) => c.firstLine));
    for (const c of children) c.child.stdin.end();
    await Promise.all(children.map((c) => c.exited));
    const won = outputs.flatMap((o) => JSON.parse(o) as string[]);
    expect(won.sort()).toEqual([...files].sort());
  });
});

/** runLock.ts as CommonJS for the child processes (they hold their locks until they exit). */
async function bundleRunLock(outfile: string): Promise<void> {
  const { build } = await import('esbuild');
  await build({
    entryPoints: [path.resolve(__dirname, '../../src/node/runLock.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    logLevel: 'silent',
  });
}

function startNode(script: string) {
  const child = spawn(process.execPath, ['-e', script], { stdio: ['pipe', 'pipe', 'inherit'] });
  let out = '';
  const firstLine = new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('\n')) resolve(out.split('\n')[0]!);
    });
    child.on('error', reject);
    child.on('close', (code) => reject(new Error(`exited ${code} before reporting`)));
  });
  const exited = new Promise<void>((resolve) => child.on('close', () => resolve()));
  return { child, firstLine, exited };
}
