// The one message receiver (src/shared/channel.ts): unknown messages are ignored, and a handler
// that throws or rejects reaches onError with the message's type instead of vanishing.
import { describe, expect, it } from 'vitest';
import { listen, typeSet, type Handlers } from '../../src/shared/channel';

type Msg = { type: 'ok'; n: number } | { type: 'throws' } | { type: 'rejects' };
const TYPES = typeSet<Msg>({ ok: true, throws: true, rejects: true });

describe('listen', () => {
  it('routes known messages, ignores others, and reports every handler failure with its type', async () => {
    const seen: number[] = [];
    const failures: string[] = [];
    const handlers: Handlers<Msg> = {
      ok: (m) => void seen.push(m.n),
      throws: () => {
        throw new Error('sync failure');
      },
      rejects: async () => {
        await Promise.resolve();
        throw new Error('could not write the export');
      },
    };
    const receive = listen(TYPES, handlers, (e, type) => failures.push(`${type}: ${(e as Error).message}`));
    receive({ type: 'ok', n: 1 });
    receive({ type: 'unknown' });
    receive(null);
    receive('ok');
    receive({ type: 'throws' });
    receive({ type: 'rejects' });
    await new Promise((r) => setTimeout(r, 0));
    expect(seen).toEqual([1]);
    expect(failures).toEqual(['throws: sync failure', 'rejects: could not write the export']);
  });
});
