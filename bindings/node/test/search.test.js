// SPDX-License-Identifier: MIT
'use strict';
// dtwSearch and znorm against an independent pure-JS reference written
// from their definitions in include/hdtw.h: hdtw_znorm's operations in
// their order, then every window scored with bench/js/dtw.js, ranked by
// (distance, start) and thinned by the exclusion zone. No pruning here, so
// the library's lower bounds and early abandoning are checked, not copied.
const test = require('node:test');
const assert = require('node:assert/strict');
const { hdtw, js, rng, series, randomInt, assertSameDoubles } = require('./helpers.js');

// hdtw_znorm as include/hdtw.h spells it out.
function jsZnorm(x) {
  const n = x.length, out = new Float64Array(n);
  let sum = 0;
  for (let i = 0; i < n; i++) sum += x[i];
  const mean = sum / n;
  let acc = 0;
  for (let i = 0; i < n; i++) acc += (x[i] - mean) * (x[i] - mean);
  const sd = Math.sqrt(acc / n);
  if (x.every((v) => v === x[0]) || sd === 0) return out; // all +0
  for (let i = 0; i < n; i++) out[i] = (x[i] - mean) / sd;
  return out;
}

function jsSearch(query, s, k, opts = {}) {
  const m = query.length, normalise = opts.znorm !== false;
  const dtwOpts = { cost: opts.cost, band: opts.band };
  const q = normalise ? jsZnorm(query) : query;
  const scored = [];
  for (let start = 0; start + m <= s.length; start++) {
    const w = s.subarray(start, start + m);
    scored.push({ start, distance: js.dtw(q, normalise ? jsZnorm(w) : w, dtwOpts) });
  }
  scored.sort((x, y) => x.distance - y.distance || x.start - y.start);
  const exclusion = opts.exclusion ?? Math.floor(m / 2), kept = [];
  for (const c of scored) {
    if (kept.length === k) break;
    if (kept.every((o) => Math.abs(c.start - o.start) >= exclusion)) kept.push(c);
  }
  return { starts: Float64Array.from(kept, (c) => c.start),
           distances: Float64Array.from(kept, (c) => c.distance) };
}

function randomSearchOpts(random, m) {
  const opts = {};
  if (random() < 0.5) opts.cost = random() < 0.5 ? 'abs' : 'squared';
  if (random() < 0.6) opts.band = randomInt(random, -1, Math.max(1, m >> 2));
  if (random() < 0.3) opts.znorm = false;
  if (random() < 0.5) opts.exclusion = randomInt(random, 0, m);
  return opts;
}

function assertSameMatches(got, expected, what) {
  assert.ok(got.starts instanceof Float64Array, `${what}: starts is a Float64Array`);
  assert.ok(got.distances instanceof Float64Array, `${what}: distances is a Float64Array`);
  assertSameDoubles(got.starts, expected.starts, `${what}: starts`);
  assertSameDoubles(got.distances, expected.distances, `${what}: distances`);
}

test('znorm equals the pure-JS definition', () => {
  const random = rng(21);
  for (let t = 0; t < 300; t++) {
    const x = series(random, randomInt(random, 1, 200));
    assertSameDoubles(hdtw.znorm(x), jsZnorm(x), `case ${t}`);
  }
  assertSameDoubles(hdtw.znorm([5, 5, 5]), new Float64Array(3), 'constant: all +0');
  assert.ok(Object.is(hdtw.znorm(new Float64Array([-0, 0]))[0], 0), 'constant -0, +0: +0');
  const x = new Float64Array([1, 2, 4]);
  hdtw.znorm(x);
  assert.deepEqual([...x], [1, 2, 4], 'input untouched');
});

test('dtwSearch equals the pure-JS brute force', () => {
  const random = rng(22);
  for (let t = 0; t < 250; t++) {
    const len = randomInt(random, 1, 250), m = randomInt(random, 1, Math.min(len, 30));
    const s = series(random, len), k = randomInt(random, 1, 8);
    // a query cut from the series (an exact match exists) or a fresh one
    const cut = randomInt(random, 0, len - m);
    const q = random() < 0.5 ? s.slice(cut, cut + m) : series(random, m);
    const opts = randomSearchOpts(random, m);
    assertSameMatches(hdtw.dtwSearch(q, s, k, opts), jsSearch(q, s, k, opts),
                      `case ${t}: len=${len} m=${m} k=${k} ${JSON.stringify(opts)}`);
  }
});

test('dtwSearch finds a planted copy first, and k beyond the windows is fine', () => {
  const random = rng(23);
  const s = series(random, 400);
  const query = s.slice(123, 163);
  const got = hdtw.dtwSearch(query, s, 3, { band: 4 });
  assert.equal(got.starts[0], 123);
  assert.equal(got.distances[0], 0);
  assertSameMatches(got, jsSearch(query, s, 3, { band: 4 }), 'planted');
  const all = hdtw.dtwSearch(query, s, 1e12, { exclusion: 0, band: 2 });
  assert.equal(all.starts.length, 400 - 40 + 1, 'every window once');
  assertSameMatches(all, jsSearch(query, s, 1e12, { exclusion: 0, band: 2 }), 'all windows');
});

test('dtwSearch through number[] and views gives the same bits', () => {
  const random = rng(24);
  const backing = series(random, 600), s = backing.subarray(100, 500), q = backing.slice(0, 25);
  const expected = jsSearch(q, s, 4);
  assertSameMatches(hdtw.dtwSearch(Array.from(q), Array.from(s), 4), expected, 'number[]');
  assertSameMatches(hdtw.dtwSearch(q, s, 4), expected, 'subarray view');
});

test('the async forms give the same bits', async () => {
  const random = rng(25);
  for (let t = 0; t < 30; t++) {
    const s = series(random, randomInt(random, 10, 200)), m = randomInt(random, 1, 10);
    const q = series(random, m), opts = randomSearchOpts(random, m);
    assertSameMatches(await hdtw.dtwSearchAsync(q, s, 3, opts), jsSearch(q, s, 3, opts), `search ${t}`);
    assertSameDoubles(await hdtw.znormAsync(s), jsZnorm(s), `znorm ${t}`);
  }
});
