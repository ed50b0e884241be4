// SPDX-License-Identifier: MIT
'use strict';
// Pure-JavaScript DTW: the baseline the seed's trading system measured, and
// the reference the Node addon's tests compare with. Plain Float64Array,
// two rolling rows, the same arithmetic as cpu/scalar.c (docs/DESIGN.md §2), so
// it gives the same bits: cost = |x - y| or (x - y) * (x - y), then
// D = cost + min(up, left, diag). JavaScript never fuses multiply-add.

function effectiveBand(band, m, n) {
  const longest = Math.max(m, n);
  if (band === undefined || band < 0 || band >= longest) return longest;
  return Math.max(band, Math.abs(m - n));
}

function dtw(a, b, opts = {}) {
  const m = a.length, n = b.length;
  const squared = opts.cost === 'squared';
  const w = effectiveBand(opts.band, m, n);
  let prev = new Float64Array(n + 1).fill(Infinity);
  let cur = new Float64Array(n + 1).fill(Infinity);
  prev[0] = 0; // row -1, column -1: D(0,0) = cost + 0
  for (let i = 0; i < m; i++) {
    const lo = i > w ? i - w : 0, hi = Math.min(n - 1, i + w);
    cur[lo] = Infinity;
    const ai = a[i];
    for (let j = lo; j <= hi; j++) {
      const d = ai - b[j];
      const cost = squared ? d * d : Math.abs(d);
      let best = prev[j];
      if (prev[j + 1] < best) best = prev[j + 1];
      if (cur[j] < best) best = cur[j];
      cur[j + 1] = cost + best;
    }
    if (hi + 2 <= n) cur[hi + 2] = Infinity;
    const t = prev; prev = cur; cur = t;
  }
  return prev[n];
}

// The seed's dtw_batch: one pattern against windows stored back to back.
function dtwBatch(pattern, windows, n, opts = {}) {
  const count = windows.length / n;
  const out = new Float64Array(count);
  for (let k = 0; k < count; k++)
    out[k] = dtw(pattern, windows.subarray(k * n, (k + 1) * n), opts);
  return out;
}

module.exports = { dtw, dtwBatch, effectiveBand };
