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
