// SPDX-License-Identifier: MIT
'use strict';
// dtwSubsequence and opts.maxDist (issue 19) against independent pure-JS
// references: a naive full-matrix free-start, free-end subsequence DTW
// written from include/hdtw.h (whole matrix, literal walk back per end,
// greedy pick by sorting), and bench/js/dtw.js with the threshold applied
// as hdtw.h defines it. Every backend that exists here, Object.is on every
// double.
const test = require('node:test');
const assert = require('node:assert/strict');
const { hdtw, js, rng, series, randomInt, assertSameDoubles, availableBackends } =
  require('./helpers.js');

const BACKENDS = availableBackends();

// include/hdtw.h, hdtw_subsequence: D(0, j) = c(q0, s_j); D(i, j) =
// c(q_i, s_j) + min(up, left, diagonal), out of range +inf. Each end's
// start is where its path leaves row 0, walking back with the tie rule
// diagonal, then up, then left. Greedy: smallest cost first (ties: smaller
// end), skipping spans that overlap one picked. maxDist > 0 drops the ends
// that cost more.
function jsSubsequence(query, s, k, opts = {}) {
  const m = query.length, n = s.length, squared = opts.cost === 'squared';
  const maxDist = opts.maxDist ?? 0;
  const D = Array.from({ length: m }, () => new Float64Array(n).fill(Infinity));
  const cost = (i, j) => { const d = query[i] - s[j]; return squared ? d * d : Math.abs(d); };
  for (let j = 0; j < n; j++) D[0][j] = cost(0, j);
  for (let i = 1; i < m; i++) {
    for (let j = 0; j < n; j++) {
      const best = Math.min(D[i - 1][j], j ? D[i][j - 1] : Infinity, j ? D[i - 1][j - 1] : Infinity);
      D[i][j] = cost(i, j) + best;
    }
  }
  const startOf = (end) => {
    let i = m - 1, j = end;
    while (i > 0) {
      if (j === 0) { i--; continue; } // column 0: only "up" exists
      const diag = D[i - 1][j - 1], up = D[i - 1][j], left = D[i][j - 1];
      if (diag <= up && diag <= left) { i--; j--; } else if (up <= left) i--; else j--;
    }
    return j;
  };
  const ranked = [];
  for (let e = 0; e < n; e++)
    if (maxDist === 0 || !(D[m - 1][e] > maxDist)) ranked.push({ end: e, distance: D[m - 1][e] });
  ranked.sort((x, y) => (x.distance < y.distance ? -1 : x.distance > y.distance ? 1 : x.end - y.end));
  const picked = [];
  for (const c of ranked) {
    if (picked.length === k) break;
    const start = startOf(c.end);
    if (picked.every((p) => c.end < p.start || start > p.end)) picked.push({ start, ...c });
  }
  return { starts: Float64Array.from(picked, (p) => p.start),
           ends: Float64Array.from(picked, (p) => p.end),
           distances: Float64Array.from(picked, (p) => p.distance) };
}

function assertSameSpans(got, expected, what) {
  for (const key of ['starts', 'ends', 'distances']) {
    assert.ok(got[key] instanceof Float64Array, `${what}: ${key} is a Float64Array`);
    assertSameDoubles(got[key], expected[key], `${what}: ${key}`);
  }
}

function checkSubsequence(query, s, opts, what) {
  const got = hdtw.dtwSubsequence(query, s, opts);
  const expected = jsSubsequence(query, s, opts?.k ?? 1, opts);
  assertSameSpans(got, expected, `${what} ${JSON.stringify(opts)}`);
  return expected;
}

// The next double below a positive finite x.
function nextDown(x) {
  const f = new Float64Array([x]);
  new BigInt64Array(f.buffer)[0] -= 1n;
  return f[0];
}

test('dtwSubsequence equals the naive full-matrix reference, on every backend', () => {
  const random = rng(19);
  for (let t = 0; t < 150; t++) {
    const m = randomInt(random, 1, 12), n = randomInt(random, 1, 40);
    const query = series(random, m), s = series(random, n);
    const exact = jsSubsequence(query, s, n).distances.filter((d) => d > 0);
    for (const backend of BACKENDS) {
      for (const cost of ['abs', 'squared']) {
        for (const k of [1, 3, n + 5])
          checkSubsequence(query, s, { k, cost, backend }, `case ${t}`);
      }
      if (exact.length) {
        const d = exact[randomInt(random, 0, exact.length - 1)];
        checkSubsequence(query, s, { k: 4, backend, maxDist: d }, `case ${t} at a cost`);
        checkSubsequence(query, s, { k: 4, backend, maxDist: nextDown(d) }, `case ${t} below a cost`);
      }
    }
  }
});

test('dtwSubsequence: worked example, ties, repeats, m = 1, m > series.length, overflow', () => {
  const example = checkSubsequence([0, 4, 0], [9, 9, 0, 4, 4, 4, 0, 9, 9, 0, 4, 0, 9], { k: 2 }, 'README');
  assert.deepEqual([...example.starts, ...example.ends], [2, 9, 6, 11]);
  for (const backend of BACKENDS) {
    const o = { k: 20, backend };
    checkSubsequence([1, 1], new Float64Array(9).fill(1), o, 'constant, every end costs 0');
    checkSubsequence([2, 2, 2], new Float64Array(7).fill(1), o, 'constant, off by one');
    checkSubsequence([0, 1, 0], [0, 1, 0, 0, 1, 0, 0, 1, 0, 0, 1, 0], o, 'repeated motif');
    checkSubsequence([0, 1], [1, 0, 1, 0, 1, 0, 1, 0], o, 'alternating');
    checkSubsequence([5], [1, 5, 5, 2], o, 'm = 1');
    checkSubsequence([1, 2, 3, 4, 5], [3, 1], o, 'm > series.length');
    const huge = [1e200, -1e200, 1e200], values = [1e200, -1e200, 0, 1e200, 1, -1e200];
    const over = checkSubsequence(huge, values, { ...o, cost: 'squared' }, 'overflow');
    assert.ok(over.distances.includes(Infinity), 'some costs overflow to +inf');
    checkSubsequence(huge, values, { ...o, cost: 'squared', maxDist: Infinity }, 'overflow, maxDist Infinity');
    checkSubsequence(huge, values, { ...o, cost: 'squared', maxDist: 1e300 }, 'overflow, maxDist 1e300');
  }
});

test('dtwSubsequence: k defaults to 1, a huge k is capped, inputs are untouched', () => {
  const q = new Float64Array([1]), s = new Float64Array([1, 2, 3]);
  assert.deepEqual([...hdtw.dtwSubsequence(q, s).starts], [0]);
  const all = hdtw.dtwSubsequence(q, s, { k: 2 ** 53 - 1 });
  assert.deepEqual([...all.starts, ...all.ends, ...all.distances], [0, 1, 2, 0, 1, 2, 0, 1, 2]);
  assert.deepEqual([...q, ...s], [1, 1, 2, 3]);
});

test('dtwSubsequence: nothing within maxDist gives empty arrays', () => {
  const none = hdtw.dtwSubsequence([0, 5], [1, 1, 1], { k: 3, maxDist: 0.5 });
  for (const key of ['starts', 'ends', 'distances'])
    assert.ok(none[key] instanceof Float64Array && none[key].length === 0, key);
});

test('dtwSubsequenceAsync resolves to the same spans', async () => {
  const random = rng(20);
  const query = series(random, 7), s = series(random, 300);
  const expected = jsSubsequence(query, s, 5);
  assertSameSpans(await hdtw.dtwSubsequenceAsync(query, s, { k: 5 }), expected, 'async');
  await assert.rejects(hdtw.dtwSubsequenceAsync(query, s, { k: 0 }), RangeError);
});

// ------------------------------------------------------------------ maxDist

// include/hdtw.h: a distance greater than max_dist is +inf; 0 is none.
const thresholded = (exact, t) => exact.map((d) => (t === 0 || !(d > t) ? d : Infinity));

// [name, call(opts) -> Float64Array, pure-JS exact distances]
function thresholdCases() {
  const random = rng(1919);
  const a = series(random, 9), b = series(random, 13), pattern = series(random, 6);
  const windows = Array.from({ length: 12 }, () => series(random, 6));
  const historical = Float64Array.from(windows.flatMap((w) => [...w]));
  const s = series(random, 40);
  const A = Array.from({ length: 5 }, () => series(random, randomInt(random, 3, 10)));
  const B = Array.from({ length: 4 }, () => series(random, randomInt(random, 3, 10)));
  const pairs = (X, Y, o) => X.flatMap((x) => Y.map((y) => js.dtw(x, y, o)));
  const upper = (X, o) => X.flatMap((x, i) => X.slice(i + 1).map((y) => js.dtw(x, y, o)));
  return [
    ['dtwDistance', (o) => Float64Array.of(hdtw.dtwDistance(a, b, { ...o, band: 3, alignment: false }).distance),
     [js.dtw(a, b, { band: 3 })]],
    ['dtwBatch', (o) => hdtw.dtwBatch(pattern, historical, 6, { ...o, cost: 'squared' }),
     windows.map((w) => js.dtw(pattern, w, { cost: 'squared' }))],
    ['dtwSliding', (o) => hdtw.dtwSliding(pattern, s, 8, 2, o),
     Array.from({ length: 17 }, (_, k) => js.dtw(pattern, s.subarray(2 * k, 2 * k + 8)))],
    ['dtwCdist', (o) => hdtw.dtwCdist(A, B, o), pairs(A, B, {})],
    ['dtwPdist', (o) => hdtw.dtwPdist(A, { ...o, band: 1 }), upper(A, { band: 1 })],
  ];
}

test('maxDist: the exact bits or Infinity, on every call and backend', () => {
  for (const [fn, call, exact] of thresholdCases()) {
    const positive = [...new Set(exact.filter((d) => d > 0 && d < Infinity))].sort((x, y) => x - y);
    const picks = positive.filter((_, k) => k % Math.max(1, positive.length >> 2) === 0);
    for (const backend of BACKENDS) {
      assertSameDoubles(call({ backend }), exact, `${fn} ${backend}: no threshold`);
      for (const t of [...picks, ...picks.map(nextDown)])
        assertSameDoubles(call({ backend, maxDist: t }), thresholded(exact, t), `${fn} ${backend} maxDist ${t}`);
    }
  }
});

test('maxDist equal to a distance keeps it; the next double below gives Infinity', () => {
  for (const [fn, call, exact] of thresholdCases()) {
    const d = Math.max(...exact.filter((x) => x < Infinity)), k = exact.indexOf(d);
    assert.ok(d > 0, fn);
    const plain = call({}), at = call({ maxDist: d }), below = call({ maxDist: nextDown(d) });
    assert.ok(Object.is(at[k], d) && below[k] === Infinity, fn);
    // beside the pure-JS reference, the binding's own unthresholded call:
    // every element not above the threshold is its bits
    assertSameDoubles(at, plain, `${fn}: at`);
    assertSameDoubles(below, thresholded([...plain], nextDown(d)), `${fn}: below`);
  }
});

test('maxDist 0, -0 and Infinity change nothing', () => {
  for (const [fn, call, exact] of thresholdCases()) {
    for (const none of [0, -0, Infinity])
      assertSameDoubles(call({ maxDist: none }), exact, `${fn} maxDist ${none}`);
  }
});

test('maxDist in the ...Async forms', async () => {
  const p = [0, 1, 2], h = [0, 1, 2, 5, 5, 5];
  assertSameDoubles(await hdtw.dtwBatchAsync(p, h, 3, { maxDist: 1 }), [0, Infinity], 'batch');
  assert.equal((await hdtw.dtwDistanceAsync(p, [4, 4], { maxDist: 1, alignment: false })).distance, Infinity);
  await assert.rejects(hdtw.dtwCdistAsync([p], [p], { maxDist: NaN }), RangeError);
});
