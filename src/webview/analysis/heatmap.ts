// W Wᵀ as an image on a canvas: Vega's rect marks do not scale to n² cells (vega/vega#1806), a
// canvas draws 4 million in milliseconds. Diverging colours, symmetric around 0: blue negative,
// the editor background at 0, red positive; blocks of cells are averaged when n exceeds the size.

import { h } from '../dom';

/** Largest side in CSS pixels. */
const MAX_SIDE = 480;

function cssColor(name: string, fallback: string): [number, number, number] {
  const probe = document.createElement('span');
  probe.style.color = `var(${name}, ${fallback})`;
  document.body.append(probe);
  const m = /rgba?\((\d+),\s*(\d+),\s*(\d+)/.exec(getComputedStyle(probe).color);
  probe.remove();
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : [128, 128, 128];
}

export interface Heatmap {
  readonly element: HTMLElement;
  readonly canvas: HTMLCanvasElement;
  /** The colour scale spans [-scale, scale]. */
  readonly scale: number;
}

export function drawHeatmap(gram: Float32Array, n: number, title: string): Heatmap {
  const side = Math.min(n, MAX_SIDE);
  const cell = n / side;
  let scale = 0;
  for (let i = 0; i < gram.length; i++) scale = Math.max(scale, Math.abs(gram[i]!));
  if (scale === 0) scale = 1;
  const bg = cssColor('--vscode-editor-background', '#ffffff');
  const neg = cssColor('--vscode-charts-blue', '#3794ff');
  const pos = cssColor('--vscode-charts-red', '#f14c4c');
  const canvas = h('canvas', {
    attrs: {
      width: String(side),
      height: String(side),
      role: 'img',
      'aria-label': `${title}: ${n} × ${n}, colour from −${scale.toPrecision(3)} (blue) to +${scale.toPrecision(3)} (red)`,
    },
  });
  const ctx = canvas.getContext('2d')!;
  const image = ctx.createImageData(side, side);
  for (let py = 0; py < side; py++) {
    const i0 = Math.floor(py * cell);
    const i1 = Math.max(i0 + 1, Math.floor((py + 1) * cell));
    for (let px = 0; px < side; px++) {
      const j0 = Math.floor(px * cell);
      const j1 = Math.max(j0 + 1, Math.floor((px + 1) * cell));
      let sum = 0;
      for (let i = i0; i < i1; i++) for (let j = j0; j < j1; j++) sum += gram[i * n + j]!;
      const v = Math.max(-1, Math.min(1, sum / ((i1 - i0) * (j1 - j0)) / scale));
      const target = v < 0 ? neg : pos;
      const t = Math.abs(v);
      const o = (py * side + px) * 4;
      for (let c = 0; c < 3; c++) image.data[o + c] = Math.round(bg[c]! + (target[c]! - bg[c]!) * t);
      image.data[o + 3] = 255;
    }
  }
  ctx.putImageData(image, 0, 0);
  const legend = h(
    'div',
    { class: 'heatmap-legend' },
    h('span', { text: `−${scale.toPrecision(3)}` }),
    h('span', { class: 'heatmap-gradient' }),
    h('span', { text: `+${scale.toPrecision(3)}` }),
  );
  const element = h(
    'figure',
    { class: 'heatmap' },
    h(
      'figcaption',
      {},
      h('strong', { text: title }),
      h('span', {
        class: 'muted',
        text: ` — rows and columns in storage order (row 0 top left); ${cell > 1 ? `${cell.toFixed(1)} × ${cell.toFixed(1)} cells averaged per pixel` : 'one pixel per cell'}`,
      }),
    ),
    canvas,
    legend,
  );
  return { element, canvas, scale };
}
