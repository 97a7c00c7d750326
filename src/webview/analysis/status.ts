// The status line of a subject (waiting, progress with Cancel and where it runs, where the result
// was computed, or the failure with Run again), its in-place update for progress ticks (so focus
// stays on Cancel), and the compact form for a row of the compare table.

import { fileSlug } from '../../core/format';
import { h } from '../dom';
import { progressLabel } from '../viewer/progress';
import { computeInfo, placeText } from './computeInfo';
import type { SubjectState } from './subjectState';

export interface StatusActions {
  readonly cancel: (state: SubjectState) => void;
  readonly rerun: () => void;
}

export const statusId = (state: SubjectState) => `status-${fileSlug(state.subject.id)}`;

export function statusLine(state: SubjectState, actions: StatusActions): HTMLElement {
  const line = h('div', {
    class: 'status',
    attrs: { 'aria-live': 'polite', id: statusId(state) },
  });
  switch (state.status) {
    case 'queued':
      line.append(h('span', { class: 'muted', text: 'Waiting…' }));
      break;
    case 'running': {
      const pct = Math.round(state.fraction * 100);
      line.append(
        h('progress', { attrs: { max: '100', value: String(pct), 'aria-label': `Analysing ${state.subject.tensor}` } }),
        h('span', {
          class: 'muted',
          text: `${progressLabel(state.fraction, performance.now() - state.startedAt)} · ${state.label}`,
        }),
        h('button', {
          text: 'Cancel',
          attrs: { type: 'button', class: 'cancel' },
          on: { click: () => actions.cancel(state) },
        }),
      );
      if (state.place) line.append(h('span', { class: 'muted compute', text: placeText(state.place) }));
      break;
    }
    case 'done': {
      const r = state.report!;
      line.append(
        h('span', {
          class: 'muted',
          attrs: { id: 'compute-info' },
          text: computeInfo(r, state.cached === true, state.place),
        }),
      );
      break;
    }
    case 'failed': {
      const cancelled = state.error?.code === 'job/cancelled';
      line.append(
        h('span', {
          class: cancelled ? 'muted' : 'error',
          attrs: cancelled ? {} : { role: 'alert' },
          text: cancelled ? 'Cancelled.' : (state.error?.message ?? 'Failed.'),
        }),
      );
      line.append(
        h('button', {
          text: 'Run again',
          attrs: { type: 'button' },
          on: { click: () => actions.rerun() },
        }),
      );
      break;
    }
  }
  return line;
}

/** Updates a running subject's status line in place; false when it must be redrawn instead. */
export function updateRunningStatus(old: HTMLElement, state: SubjectState): boolean {
  const progress = old.querySelector('progress');
  if (state.status !== 'running' || !progress) return false;
  progress.setAttribute('value', String(Math.round(state.fraction * 100)));
  old.querySelector('span')!.textContent =
    `${progressLabel(state.fraction, performance.now() - state.startedAt)} · ${state.label}`;
  if (state.place && !old.querySelector('.compute')) {
    old.append(h('span', { class: 'muted compute', text: placeText(state.place) }));
  }
  const cancelButton = old.querySelector<HTMLButtonElement>('button.cancel');
  if (cancelButton) cancelButton.disabled = state.label === 'cancelling…';
  return true;
}

/** A short status for a row of the compare table; the details go in the tooltip. */
export function compactStatus(state: SubjectState): HTMLElement {
  switch (state.status) {
    case 'queued':
      return h('span', { class: 'muted', text: 'waiting' });
    case 'running':
      return h(
        'span',
        { class: 'muted', attrs: { id: statusId(state) } },
        h('progress', {
          attrs: {
            max: '100',
            value: String(Math.round(state.fraction * 100)),
            'aria-label': `Analysing ${state.subject.file}`,
          },
        }),
        h('span', { text: ` ${Math.round(state.fraction * 100)}%` }),
      );
    case 'done':
      return h('span', {
        text: `✓ ${(state.report!.ms / 1000).toFixed(2)} s${state.cached ? ' (cached)' : ''}`,
        attrs: { title: computeInfo(state.report!, state.cached === true, state.place) },
      });
    case 'failed':
      return h('span', {
        class: state.error?.code === 'job/cancelled' ? 'muted' : 'error',
        text: state.error?.code === 'job/cancelled' ? 'cancelled' : 'failed',
        attrs: { title: state.error?.message ?? '' },
      });
  }
}
