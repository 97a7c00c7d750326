// The whole messaging "framework": exhaustive handler maps and a runtime guard for any
// postMessage-like port (host ⇄ webview, webview ⇄ worker).

/** A missing key is a compile error: a new message forces every receiver to handle it. */
export type Handlers<M extends { readonly type: string }> = {
  readonly [K in M['type']]: (msg: Extract<M, { readonly type: K }>) => void | Promise<void>;
};

export function dispatch<M extends { readonly type: string }>(handlers: Handlers<M>, msg: M): void | Promise<void> {
  const handler = handlers[msg.type as M['type']] as unknown as (m: M) => void | Promise<void>;
  return handler(msg);
}

/**
 * The one way to receive messages: returns the listener to hand to a port (webview
 * `onDidReceiveMessage`, `window` message events, a worker's `message`). Messages of other types
 * are ignored; a handler that throws or rejects is never lost: its error goes to `onError` with the
 * message's type, which shows it to the user (extension host, pages) or reports it to the sender.
 */
export function listen<M extends { readonly type: string }>(
  types: ReadonlySet<M['type']>,
  handlers: Handlers<M>,
  onError: (error: unknown, type: M['type']) => void,
  onUnknown?: (value: unknown) => void,
): (value: unknown) => void {
  return (value) => {
    if (!isMessageOf<M>(value, types)) {
      onUnknown?.(value);
      return;
    }
    try {
      const done = dispatch(handlers, value);
      if (done instanceof Promise) done.catch((e: unknown) => onError(e, value.type));
    } catch (e) {
      onError(e, value.type);
    }
  };
}

/** Runtime guard at each boundary: rejects anything whose `type` is not one of `types`. */
export function isMessageOf<M extends { readonly type: string }>(
  value: unknown,
  types: ReadonlySet<M['type']>,
): value is M {
  return typeof value === 'object' && value !== null && types.has((value as { type?: unknown }).type as M['type']);
}

/**
 * The set of a union's `type` tags for `isMessageOf`. The argument must name every tag (a missing
 * or unknown one is a compile error), so the runtime guard can never drift from the union.
 */
export function typeSet<M extends { readonly type: string }>(tags: { readonly [K in M['type']]: true }): ReadonlySet<
  M['type']
> {
  return new Set(Object.keys(tags) as M['type'][]);
}
