// Writes the generated Qwen-size LM head (152064 × 1024 BF16, bench/heads.ts, seeded) into the
// folder given as the first argument: the analysis input of bench/gpu/run.sh (bundled by prepare.sh).
import * as path from 'node:path';
import { QWEN, writeHead } from '../heads';

const dir = process.argv[2];
if (dir === undefined) throw new Error('usage: makeHead.js <folder>');
writeHead(QWEN, path.join(dir, QWEN.file));
process.stdout.write(`${path.join(dir, QWEN.file)}\n`);
