// The `superposition-lab` command line: the core on Node, for headless use and CI.
// Exit statuses: 0 ok, 1 usage, 2 invalid input (message on stderr, one line), 3 internal error.

import { parseArgs } from 'node:util';
import { EXIT, UsageError, errorLine, exitStatusFor } from './output';
import { runList } from './commands/list';
import { runStats } from './commands/stats';
import { toWireError } from '../core/errors';

declare const SUPERPOSITION_LAB_VERSION: string; // injected by esbuild from package.json

const HELP = `superposition-lab — inspect safetensors checkpoints and study superposition

Usage:
  superposition-lab list <file.safetensors | model.safetensors.index.json> [--json] [--no-index]
  superposition-lab stats <file | index.json> <tensor name> [--json] [--bins N]
  superposition-lab --help | --version

Commands:
  list    The tensor table: name, dtype, shape, parameters, bytes, shard; totals and metadata.
          A shard next to a *.safetensors.index.json opens the whole model (--no-index: this file only).
  stats   min, max, mean, std, zeros, NaN/Inf counts and a value histogram of one tensor,
          read in chunks.

Options:
  --json        Machine-readable output on stdout.
  --no-index    Do not look for a sharded-model index next to a .safetensors file.
  --bins N      Histogram bins for stats (default 64).

Exit status: 0 ok, 1 usage error, 2 invalid input, 3 internal error.`;

async function main(argv: readonly string[]): Promise<number> {
  let cancelled = false;
  process.once('SIGINT', () => {
    cancelled = true;
  });
  const write = (s: string) => process.stdout.write(s.endsWith('\n') ? s : `${s}\n`);
  let json = false;
  try {
    const { values, positionals } = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        json: { type: 'boolean', default: false },
        'no-index': { type: 'boolean', default: false },
        bins: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
        version: { type: 'boolean', short: 'v', default: false },
      },
    });
    json = values.json === true;
    if (values.help) {
      write(HELP);
      return EXIT.ok;
    }
    if (values.version) {
      write(SUPERPOSITION_LAB_VERSION);
      return EXIT.ok;
    }
    const [command, ...rest] = positionals;
    switch (command) {
      case 'list': {
        if (rest.length !== 1) throw new UsageError('list takes exactly one file');
        await runList(rest[0]!, { json, discoverIndex: !values['no-index'] }, write);
        return EXIT.ok;
      }
      case 'stats': {
        if (rest.length !== 2) throw new UsageError('stats takes a file and a tensor name');
        const bins = values.bins === undefined ? 64 : Number(values.bins);
        if (!Number.isInteger(bins) || bins < 1 || bins > 10000) {
          throw new UsageError(`--bins must be an integer from 1 to 10000, got ${values.bins}`);
        }
        await runStats(rest[0]!, rest[1]!, { json, bins, isCancelled: () => cancelled }, write);
        return EXIT.ok;
      }
      case undefined:
        throw new UsageError('no command given');
      default:
        throw new UsageError(`unknown command "${command}"`);
    }
  } catch (e) {
    // parseArgs reports unknown options with a TypeError carrying an ERR_PARSE_ARGS_* code.
    const parseError = (e as { code?: string } | null)?.code?.startsWith('ERR_PARSE_ARGS') === true;
    const err = parseError ? new UsageError((e as Error).message) : e;
    process.stderr.write(`${errorLine(err)}\n`);
    if (process.env['SUPERPOSITION_LAB_DEBUG'] && err instanceof Error) process.stderr.write(`${err.stack}\n`);
    if (json && !(err instanceof UsageError)) {
      const { code, message } = toWireError(err); // no `detail`: it may hold a stack trace
      write(JSON.stringify({ error: { code, message } }));
    }
    return exitStatusFor(err);
  }
}

// A closed pipe (`| head`) is not an error worth a stack trace.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(EXIT.ok);
});

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`${errorLine(e)}\n`);
    process.exitCode = EXIT.internal;
  },
);
