// A page's message handler that fails is shown, not lost: listen() routes the failure to
// showPageError, which puts an alert at the top of the page (happy-dom).
import { afterEach, describe, expect, it, vi } from 'vitest';
import { listen, typeSet, type Handlers } from '../../src/shared/channel';
import { showPageError } from '../../src/webview/dom';

type Msg = { type: 'weights'; ok: boolean };

describe('a failing page handler', () => {
  afterEach(() => document.body.replaceChildren());

  it('becomes an alert naming the message and the cause', async () => {
    const quiet = vi.spyOn(console, 'error').mockImplementation(() => {});
    const handlers: Handlers<Msg> = {
      weights: async (m) => {
        await Promise.resolve();
        if (!m.ok) throw new Error('W has the wrong shape');
      },
    };
    const receive = listen(typeSet<Msg>({ weights: true }), handlers, showPageError);
    receive({ type: 'weights', ok: true });
    receive({ type: 'weights', ok: false });
    await new Promise((r) => setTimeout(r, 0));
    const alerts = document.querySelectorAll('[role="alert"]');
    expect(alerts).toHaveLength(1);
    expect(alerts[0]!.textContent).toBe('Could not handle “weights”: W has the wrong shape');
    expect(quiet).toHaveBeenCalledOnce();
    quiet.mockRestore();
  });
});
