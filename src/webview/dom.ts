// A few lines of DOM building. Text always goes in through textContent, never innerHTML, so
// tensor names and metadata from a hostile file cannot inject markup.

type Child = Node | string | null | undefined | false;

export interface Props {
  readonly class?: string;
  readonly text?: string;
  readonly attrs?: Readonly<Record<string, string>>;
  readonly on?: { readonly [K in keyof HTMLElementEventMap]?: (e: HTMLElementEventMap[K]) => void };
}

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Props = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  if (props.class) el.className = props.class;
  if (props.text !== undefined) el.textContent = props.text;
  for (const [k, v] of Object.entries(props.attrs ?? {})) el.setAttribute(k, v);
  for (const [event, handler] of Object.entries(props.on ?? {})) el.addEventListener(event, handler as EventListener);
  for (const c of children) if (c !== null && c !== undefined && c !== false) el.append(c);
  return el;
}

export function clear(el: Element): void {
  el.replaceChildren();
}

/**
 * A failure the page could not handle (a message handler threw): shown at the top of the page as
 * an alert, never swallowed. Pages pass this to `listen()` (src/shared/channel.ts).
 */
export function showPageError(error: unknown, type: string): void {
  const message = error instanceof Error ? error.message : String(error);
  const banner = h('div', { class: 'page-error', attrs: { role: 'alert' } }, `Could not handle “${type}”: ${message}`);
  document.body.prepend(banner);
  console.error(`[superposition-lab] ${type}:`, error);
}
