// The streaming analysis job inside the worker: blocks of raw tensor bytes arrive in order,
// are decoded here (never on the page), folded into the accumulator, and acknowledged.

import { SuperpositionAccumulator, type PartialNorms } from '../core/analysis/superposition';
import { decodeRowBlock, type MatrixLayout } from '../core/analysis/rowBlocks';
import type { MatrixKernel } from '../core/analysis/kernel';
import { CoreError, messages } from '../core/errors';
import type { AnalysisSettings } from '../shared/workerProtocol';

export interface AnalyzeJobEvents {
  blockDone(index: number): void;
  /** Row norms so far, for a first plot: after the first block, then at most every PARTIAL_MS. */
  partial(norms: PartialNorms): void;
  progress(fraction: number, label: string): void;
  /** The first failure while folding in a block (the job is over; later blocks are ignored). */
  failed(error: unknown): void;
}

const PARTIAL_MS = 500;

export class AnalyzeJob {
  private readonly accumulator: SuperpositionAccumulator;
  /** Blocks are processed strictly one after another. */
  private chain: Promise<void> = Promise.resolve();
  private cancelled = false;
  private failure: unknown = undefined;
  private nextIndex = 0;
  private lastPartial = -Infinity;

  constructor(
    private readonly layout: MatrixLayout,
    settings: AnalysisSettings,
    kernel: MatrixKernel,
    private readonly events: AnalyzeJobEvents,
  ) {
    this.accumulator = new SuperpositionAccumulator(layout.n, layout.m, {
      kernel,
      pairBudget: settings.pairBudget,
      sampleRows: settings.sampleRows,
      seed: settings.seed,
      heatmapMaxRows: settings.heatmapMaxRows,
      isCancelled: () => this.cancelled,
    });
  }

  cancel(): void {
    this.cancelled = true;
  }

  /** Queues one block. A failure ends the job at once (events.failed) rather than at `end()`. */
  block(index: number, rows: number, bytes: ArrayBuffer): void {
    this.chain = this.chain.then(async () => {
      if (this.failure !== undefined || this.cancelled) return;
      try {
        if (index !== this.nextIndex) throw new Error(`analysis block ${index} arrived, expected ${this.nextIndex}`);
        this.nextIndex++;
        await this.accumulator.addRows(decodeRowBlock(new Uint8Array(bytes), this.layout, rows), rows);
        this.events.blockDone(index);
        const seen = this.accumulator.rowsSeen;
        // Not after the last block: the full report follows at once.
        if (seen < this.layout.n && performance.now() - this.lastPartial >= PARTIAL_MS) {
          this.lastPartial = performance.now();
          this.events.partial(this.accumulator.partialNorms());
        }
        this.events.progress(
          (0.8 * seen) / this.layout.n,
          `rows ${seen.toLocaleString('en-US')} of ${this.layout.n.toLocaleString('en-US')}`,
        );
      } catch (e) {
        this.failure = e;
        this.events.failed(e);
      }
    });
  }

  get hasFailed(): boolean {
    return this.failure !== undefined;
  }

  async end() {
    await this.chain;
    if (this.failure !== undefined) throw this.failure;
    if (this.cancelled) throw new CoreError('job/cancelled', messages.cancelled());
    const analysis = await this.accumulator.finish((f) => this.events.progress(0.8 + 0.2 * f, 'pair statistics'));
    const gram = await this.accumulator.gramOfRows();
    return { analysis, gram };
  }
}
