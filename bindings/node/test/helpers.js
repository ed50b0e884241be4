// SPDX-License-Identifier: MIT
'use strict';
// Shared by the addon's tests: the addon, the pure-JS references and seeded
// inputs. The distance reference is bench/js/dtw.js (two rolling rows, the
// same arithmetic as cpu/scalar.c); the alignment reference below is the
// full matrix and walk-back of docs/DESIGN.md §1, written independently here.
const assert = require('node:assert/strict');
const path = require('node:path');

const hdtw = require('..');
const js = require(path.join(__dirname, '..', '..', '..', 'bench', 'js', 'dtw.js'));

// mulberry32: a small seeded generator, uniform in [0, 1).
function rng(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Random walks of mixed scale, and small integers (many exact ties, which
// exercise the path's tie order).
function series(random, n) {
  const x = new Float64Array(n);
  if (random() < 0.25) {
    for (let i = 0; i < n; i++) x[i] = Math.floor(random() * 4);
    return x;
  }
  const scale = 10 ** Math.floor(random() * 8 - 4);
  let level = (random() - 0.5) * scale * 100;
  for (let i = 0; i < n; i++) x[i] = level += (random() - 0.5) * scale;
  return x;
}

function randomInt(random, lo, hi) {
  return lo + Math.floor(random() * (hi - lo + 1));
}

// docs/DESIGN.md §1: full matrix D, walk back from (m-1, n-1) preferring
// diagonal, then up, then left; similarity = 1 / (1 + d / pathLength).
function jsAlign(a, b, opts = {}) {
  const m = a.length, n = b.length, w = js.effectiveBand(opts.band, m, n);
  const squared = opts.cost === 'squared';
  const D = new Float64Array(m * n).fill(Infinity);
  const at = (i, j) => (i < 0 || j < 0 ? Infinity : D[i * n + j]);
  for (let i = 0; i < m; i++) {
    for (let j = Math.max(0, i - w); j <= Math.min(n - 1, i + w); j++) {
      const d = a[i] - b[j];
      const best = i === 0 && j === 0 ? 0 : Math.min(at(i - 1, j - 1), at(i - 1, j), at(i, j - 1));
      D[i * n + j] = (squared ? d * d : Math.abs(d)) + best;
    }
  }
  const cells = [];
  for (let i = m - 1, j = n - 1; ;) {
    cells.push([i, j]);
    if (i === 0 && j === 0) break;
    if (i === 0) { j--; continue; }
    if (j === 0) { i--; continue; }
    const diag = at(i - 1, j - 1), up = at(i - 1, j), left = at(i, j - 1);
    if (diag <= up && diag <= left) { i--; j--; } else if (up <= left) i--; else j--;
  }
  cells.reverse();
  const distance = D[m * n - 1];
  return { distance, similarity: 1 / (1 + distance / cells.length),
           alignment: Uint32Array.from(cells.flat()) };
}

// Element by element with Object.is: the same bits, not "close".
function assertSameDoubles(actual, expected, what) {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let k = 0; k < expected.length; k++) {
    if (!Object.is(actual[k], expected[k]))
      assert.fail(`${what}: [${k}] is ${actual[k]}, pure JS gives ${expected[k]}`);
  }
}

// The seed's JS sliding windows, from the two-row reference.
function jsSliding(pattern, s, window, stride, opts) {
  const out = [];
  for (let start = 0; start + window <= s.length; start += stride)
    out.push(js.dtw(pattern, s.subarray(start, start + window), opts));
  return Float64Array.from(out);
}

// The backends this machine has (the others answer HDTW_E_UNSUPPORTED).
function availableBackends() {
  return ['auto', 'scalar', 'avx2', 'avx512', 'opencl'].filter((backend) => {
    try {
      hdtw.dtwPdist([[1], [2]], { backend });
      return true;
    } catch (e) {
      assert.equal(e.code, 'HDTW_E_UNSUPPORTED', `${backend}: ${e.message}`);
      return false;
    }
  });
}

module.exports = { hdtw, js, rng, series, randomInt, jsAlign, jsSliding,
                   assertSameDoubles, availableBackends };
