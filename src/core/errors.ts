// The one domain error of the project. Every failure the core can foresee is a CoreError with a
// stable code (for programs: exit statuses, UI actions, tests) and one sentence that names the
// file and what is wrong (for people). Message wording lives in `messages` below so it stays
// consistent and testable.

export type ErrorCode =
  // Safetensors file structure (see src/core/safetensors/header.ts for the rules).
  | 'safetensors/too-small'
  | 'safetensors/header-too-large'
  | 'safetensors/header-truncated'
  | 'safetensors/header-start'
  | 'safetensors/header-utf8'
  | 'safetensors/header-json'
  | 'safetensors/header-depth'
  | 'safetensors/header-not-object'
  | 'safetensors/duplicate-name'
  | 'safetensors/metadata'
  | 'safetensors/entry'
  | 'safetensors/duplicate-field'
  | 'safetensors/dtype'
  | 'safetensors/shape'
  | 'safetensors/offsets'
  | 'safetensors/overflow'
  | 'safetensors/size-mismatch'
  | 'safetensors/gap'
  | 'safetensors/overlap'
  | 'safetensors/out-of-bounds'
  | 'safetensors/data-length'
  | 'safetensors/not-decodable'
  | 'safetensors/tensor-not-found'
  | 'safetensors/io'
  | 'safetensors/changed'
  // Sharded checkpoints (`model.safetensors.index.json`, a Hugging Face convention).
  | 'index/json'
  | 'index/schema'
  | 'index/path'
  | 'index/missing-shard'
  | 'index/mismatch'
  | 'index/duplicate'
  // Analysis of a matrix.
  | 'analysis/not-a-matrix'
  | 'analysis/no-matrix-found'
  /** The analysis would need more memory than its limit (two Grams of the smaller side). */
  | 'analysis/too-large'
  // Experiment configs and the files they name (config problems with positions are ConfigProblems).
  | 'config/invalid'
  | 'config/counts'
  /** Finished runs of this config were trained with other settings: asked once before training anew. */
  | 'config/changed-settings'
  /** The output folder would be outside the config's folder and the results root. */
  | 'config/out-of-bounds'
  /** A malformed --shard K/N. */
  | 'config/shard'
  /** A sweep whose lists multiply past MAX_RUNS (src/core/config/sweep.ts). */
  | 'config/too-many-runs'
  // Files the host refuses to read.
  | 'file/too-large'
  | 'file/not-found'
  /** A FIFO, device, socket or directory where a file was expected. */
  | 'file/not-regular'
  // Interrupted by the user (Ctrl-C): CLI exit status 130.
  | 'job/interrupted'
  /** Runs given to one batched training group that cannot train together, or a bad memory cap. */
  | 'train/batch'
  // Jobs and plumbing.
  | 'job/cancelled'
  /** A compute worker thread died (crash, out of memory) with jobs in flight. */
  | 'compute/worker-crashed'
  /** The GPU device went away in the middle of a job (driver reset, out of memory, destroyed). */
  | 'compute/device-lost'
  /** A run's tensor is larger than the GPU allows in one buffer (the message names both sizes). */
  | 'compute/too-large'
  /** No TF.js backend could be initialised here (each one's reason is in the message). */
  | 'compute/no-backend'
  /** A job reported nothing for longer than its watchdog allows and was abandoned. */
  | 'job/stalled'
  | 'usage'
  | 'internal';

export class CoreError extends Error {
  override readonly name = 'CoreError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly detail?: string,
  ) {
    super(message);
  }
}

export function isCoreError(e: unknown): e is CoreError {
  return e instanceof CoreError;
}

/** An error that survives structured clone and JSON: what crosses every boundary. */
export interface WireError {
  readonly code: ErrorCode;
  readonly message: string;
  readonly detail?: string;
}

/** Anything thrown → a WireError. Unknown errors become `internal`, with the stack as detail. */
export function toWireError(e: unknown): WireError {
  if (isCoreError(e)) {
    return e.detail === undefined
      ? { code: e.code, message: e.message }
      : { code: e.code, message: e.message, detail: e.detail };
  }
  if (e instanceof Error) {
    return { code: 'internal', message: `Internal error: ${e.message}`, detail: e.stack ?? String(e) };
  }
  return { code: 'internal', message: `Internal error: ${String(e)}` };
}

/** True for codes that mean "the input is bad" (CLI exit status 2) rather than a bug. */
export function isInputError(code: ErrorCode): boolean {
  return ['safetensors/', 'index/', 'file/', 'analysis/', 'config/'].some((prefix) => code.startsWith(prefix));
}

/**
 * Why JSON.parse failed, without the text: V8's messages quote the input ("Unexpected token 'x',
 * "…" is not valid JSON"), and the input is a file's bytes. Only the position is kept.
 */
export function jsonSyntaxReason(e: unknown): string {
  const message = e instanceof Error ? e.message : '';
  if (/end of JSON input/i.test(message)) return 'it ends in the middle of a value';
  const at = /at position (\d+)/.exec(message);
  return at ? `a syntax error at character ${Number(at[1]).toLocaleString('en-US')}` : 'a syntax error';
}

const plural = (n: number, one: string, many = `${one}s`): string =>
  `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;

/** One function per message, each a full sentence naming the file. */
export const messages = {
  tooSmall: (file: string, size: number) =>
    `${file} is not a safetensors file: it is ${plural(size, 'byte')} long, shorter than the 8-byte header length.`,
  // The declared length is the file's first 8 bytes: never printed (the file may be anything).
  headerTooLarge: (file: string, max: number) =>
    `${file} declares a header over the ${max.toLocaleString('en-US')}-byte limit; the file is probably not safetensors or is corrupt.`,
  headerTruncated: (file: string, length: number, size: number) =>
    `${file} is truncated: its header claims ${plural(length, 'byte')} but the file has only ${plural(Math.max(0, size - 8), 'byte')} after the length field.`,
  headerStart: (file: string, got: string) =>
    `${file} is not a safetensors file: the header should start with "{" but starts with ${got}.`,
  headerUtf8: (file: string) => `${file} has a header that is not valid UTF-8 text.`,
  headerJson: (file: string, reason: string) => `${file} has a header that is not valid JSON (${reason}).`,
  headerDepth: (file: string, max: number) =>
    `${file} has a header nested more than ${max} levels deep (the reference implementation's limit); the file is corrupt or hostile.`,
  duplicateField: (file: string, name: string, field: string) =>
    `${file}: tensor "${name}" gives its ${field} more than once.`,
  headerNotObject: (file: string) => `${file} has a header that is valid JSON but not an object of tensors.`,
  duplicateName: (file: string, name: string) => `${file} lists the tensor "${name}" more than once in its header.`,
  metadata: (file: string, reason: string) => `${file} has an invalid __metadata__ entry: ${reason}.`,
  entry: (file: string, name: string, reason: string) => `${file}: tensor "${name}" ${reason}.`,
  dtype: (file: string, name: string, dtype: string) =>
    `${file}: tensor "${name}" has unknown dtype ${JSON.stringify(dtype)}.`,
  shape: (file: string, name: string, reason: string) => `${file}: tensor "${name}" has an invalid shape: ${reason}.`,
  offsets: (file: string, name: string, reason: string) =>
    `${file}: tensor "${name}" has invalid data_offsets: ${reason}.`,
  overflow: (file: string, name: string) =>
    `${file}: tensor "${name}" is too large to address (its shape overflows the byte size).`,
  sizeMismatch: (file: string, name: string, expected: number, got: number) =>
    `${file}: tensor "${name}" needs ${plural(expected, 'byte')} for its dtype and shape but its offsets span ${plural(got, 'byte')}.`,
  gap: (file: string, name: string, at: number, begin: number) =>
    `${file}: the data section has a gap: tensor "${name}" starts at byte ${begin.toLocaleString('en-US')} of the data but the previous tensor ends at ${at.toLocaleString('en-US')}.`,
  overlap: (file: string, a: string, b: string) => `${file}: tensors "${a}" and "${b}" overlap in the data section.`,
  outOfBounds: (file: string, name: string, end: number, dataLength: number) =>
    `${file} is truncated or lies about its layout: tensor "${name}" ends at data byte ${end.toLocaleString('en-US')} but the data section has only ${plural(dataLength, 'byte')}.`,
  dataLength: (file: string, used: number, dataLength: number) =>
    `${file}: the tensors cover ${plural(used, 'byte')} of a ${plural(dataLength, 'byte')} data section; the rest is unaccounted for.`,
  notDecodable: (file: string, name: string, dtype: string, why: string) =>
    `${file}: tensor "${name}" has dtype ${dtype}, which cannot be decoded to numbers here (${why}).`,
  tensorNotFound: (file: string, name: string, hint?: string) =>
    `${file} has no tensor named "${name}"${hint === undefined ? '' : ` (did you mean "${hint}"?)`}.`,
  io: (file: string, reason: string) => `Could not read ${file}: ${reason}.`,
  changed: (file: string) => `${file} changed on disk since it was opened; reopen it to see the new contents.`,
  indexJson: (file: string, reason: string) => `${file} is not a valid sharded-checkpoint index: ${reason}.`,
  indexPath: (file: string, shard: string) =>
    `${file} refers to the shard ${JSON.stringify(shard)}, which is not a plain file name next to the index.`,
  missingShard: (file: string, shard: string, tensors: number) =>
    `${file} needs the shard ${shard} (${plural(tensors, 'tensor')}), which is missing.`,
  indexMismatch: (file: string, name: string, shard: string) =>
    `${file} says tensor "${name}" is in ${shard}, but that shard's header does not list it.`,
  indexDuplicate: (file: string, name: string, a: string, b: string) =>
    `${file}: tensor "${name}" is stored in two shards, ${a} and ${b}.`,
  notAMatrix: (file: string, name: string, shape: readonly number[]) =>
    `${file}: tensor "${name}" has shape [${shape.join(', ')}]; the analysis needs a 2-D matrix with at least one row and one column (rows = features or tokens, columns = model width).`,
  noMatrixFound: (file: string) =>
    `${file} has no 2-D tensor that looks like an LM head or embedding; name one with --tensor (or pick one in the viewer).`,
  fileTooLarge: (file: string, size: number, maxMB: number) =>
    `${file} is ${Math.round(size / 1e6).toLocaleString('en-US')} MB; files on this file system must be read whole and the limit is ${maxMB} MB (setting superpositionLab.maxWholeFileReadMB).`,
  notFound: (file: string) => `${file} does not exist.`,
  changedSettings: (outDir: string, changed: number, example: string) =>
    `${outDir} holds ${plural(changed, 'finished run')} of this config trained with other settings (e.g. ${example}); they are kept and come back when the settings do. Confirm to train this config's runs anew (CLI: --accept-new-settings).`,
  outputOutside: (outDir: string, roots: readonly string[]) =>
    `The output folder ${outDir} is outside ${roots.join(' and ')}; results are only written inside the config's folder or the results root.`,
  badShard: (spec: string) =>
    `--shard must be K/N with whole numbers 0 <= K < N (e.g. 0/4 for the first of 4 shards), got ${JSON.stringify(spec)}.`,
  workerCrashed: (why: string) =>
    `The compute worker stopped unexpectedly (${why}); finished results are kept and a new worker takes the next job.`,
  deviceLost: (adapter: string, why: string) =>
    `The GPU device (${adapter}) was lost during the job (${why}); run it again, or with --backend wasm.`,
  notRegular: (file: string, kind: string) =>
    `${file} is ${kind}, not a regular file; only regular files (or symbolic links to them) are read.`,
  readTooLarge: (file: string, size: number, max: number) =>
    `${file} is ${plural(size, 'byte')}, over the ${plural(max, 'byte')} limit for this kind of file.`,
  tooManyRuns: (count: number, max: number) =>
    `This sweep makes ${count.toLocaleString('en-US')} runs, over the limit of ${max.toLocaleString('en-US')}; shorten its lists.`,
  analysisTooLarge: (file: string, name: string, rows: number, cols: number, needMB: number, maxMB: number) =>
    `${file}: tensor "${name}" is ${rows.toLocaleString('en-US')} × ${cols.toLocaleString('en-US')}; its analysis would need about ${needMB.toLocaleString('en-US')} MB of memory (it grows with the square of the number of columns, the width), over the ${maxMB.toLocaleString('en-US')} MB limit. If its rows are the width, transposing it analyses the other side.`,
  interrupted: () => 'Interrupted.',
  cancelled: () => 'Cancelled.',
  ambiguityShape: (n: number, m: number, length: number) =>
    `Cannot compute the ambiguity of a ${n}×${m} matrix from ${plural(length, 'number')}; W must be n×m with n, m ≥ 1.`,
  batchMismatch: (first: string, other: string, key: string) =>
    `Runs ${first} and ${other} cannot train as one batch: they differ in ${key} (a batch shares n, width, batch size, steps and the optimizer's β₁, β₂, ε and loss scale).`,
  batchCap: (cap: number) => `The memory cap for batched training must be a positive number of bytes, not ${cap}.`,
  batchEmpty: () => 'A batched training group needs at least one run.',
} as const;
