// SPDX-License-Identifier: MIT
'use strict';
// dtwCdist and dtwPdist against pairwise dtwDistance (and the pure-JS
// reference bench/js/dtw.js), element by element with Object.is, on fixed
// and ragged sets, Float64Array and number[] series, every backend that
// exists here; the condensed order written out from scipy's definition;
// option and input errors; the async forms.
const test = require('node:test');
const assert = require('node:assert/strict');
const { hdtw, js, rng, series, randomInt, assertSameDoubles, availableBackends } = require('./helpers.js');

function fixedSet(random, count, n) {
  return Array.from({ length: count }, () => series(random, n));
}

function raggedSet(random, count, maxLen) {
  return Array.from({ length: count }, () => series(random, randomInt(random, 1, maxLen)));
}

const pairDistance = (a, b, opts) => hdtw.dtwDistance(a, b, { ...opts, alignment: false }).distance;

// Row-major, element by element through dtwDistance on the scalar backend.
function pairwise(A, B, opts) {
  const out = [];
  for (const a of A) for (const b of B) out.push(pairDistance(a, b, { ...opts, backend: 'scalar' }));
  return Float64Array.from(out);
}

// scipy.spatial.distance.squareform's inverse direction written out: the
// upper triangle row by row, i < j.
function condensed(X, distanceOf) {
  const out = [];
  for (let i = 0; i < X.length; i++)
    for (let j = i + 1; j < X.length; j++) out.push(distanceOf(X[i], X[j]));
  return Float64Array.from(out);
}

function sets(seed) {
  const random = rng(seed);
  return {
    fixed: [fixedSet(random, 9, 17), fixedSet(random, 7, 17)],
    unequal: [fixedSet(random, 5, 11), fixedSet(random, 6, 23)],
    ragged: [raggedSet(random, 10, 40), raggedSet(random, 8, 40)],
    arrays: [fixedSet(random, 4, 6).map((x) => Array.from(x)),
             raggedSet(random, 3, 7).map((x) => Array.from(x))],
  };
}

const OPTIONS = [{}, { cost: 'squared' }, { band: 2 }, { band: 0, cost: 'squared', threads: 2 }];

const BACKENDS = availableBackends();

test('dtwCdist is pairwise dtwDistance, bit for bit, on every backend', () => {
  for (const [kind, [A, B]] of Object.entries(sets(16))) {
    for (const opts of OPTIONS) {
      const expected = pairwise(A, B, opts);
      for (const backend of BACKENDS) {
        const got = hdtw.dtwCdist(A, B, { ...opts, backend });
        assert.ok(got instanceof Float64Array);
        assertSameDoubles(got, expected, `${kind} ${JSON.stringify(opts)} ${backend}`);
      }
    }
  }
});

test('dtwPdist is the upper triangle in scipy order, bit for bit, on every backend', () => {
  for (const [kind, [X]] of Object.entries(sets(17))) {
    for (const opts of OPTIONS) {
      const n = X.length;
      const expected = condensed(X, (a, b) => pairDistance(a, b, { ...opts, backend: 'scalar' }));
      for (const backend of BACKENDS) {
        const got = hdtw.dtwPdist(X, { ...opts, backend });
        assertSameDoubles(got, expected, `${kind} ${JSON.stringify(opts)} ${backend}`);
        // the index formula of docs/NODE.md, element by element
        for (let i = 0; i < n; i++)
          for (let j = i + 1; j < n; j++)
            assert.ok(Object.is(got[n * i - (i * (i + 1)) / 2 + (j - i - 1)],
                                pairDistance(X[i], X[j], opts)));
      }
    }
  }
});

test('matrices equal the pure-JS reference', () => {
  const random = rng(18);
  const A = raggedSet(random, 5, 30), B = raggedSet(random, 4, 30);
  const opts = { cost: 'squared', band: 3 };
  const rows = A.flatMap((a) => B.map((b) => js.dtw(a, b, opts)));
  assertSameDoubles(hdtw.dtwCdist(A, B, opts), Float64Array.from(rows), 'cdist');
  assertSameDoubles(hdtw.dtwPdist(A, opts), condensed(A, (a, b) => js.dtw(a, b, opts)), 'pdist');
});

test('one series has an empty condensed matrix; views at offsets are read as views', () => {
  assert.equal(hdtw.dtwPdist([[1, 2]]).length, 0);
  const buffer = Float64Array.from([9, 0, 1, 9, 2, 2, 9]);
  const got = hdtw.dtwCdist([buffer.subarray(1, 3)], [buffer.subarray(4, 6), [1]]);
  assertSameDoubles(got, Float64Array.from([3, 1]), 'views');
});

test('bad sets and options are refused with the addon\'s errors', () => {
  const ok = [[1, 2], [3]];
  const cases = [
    [() => hdtw.dtwCdist(new Float64Array(4), ok), TypeError, /A must be an array of series/],
    [() => hdtw.dtwPdist('abc'), TypeError, /X must be an array of series/],
    [() => hdtw.dtwCdist(ok, [[1], new Float32Array(2)]), TypeError, /B\[1\] must be a Float64Array.*Float32Array/],
    [() => hdtw.dtwPdist([[1], ['a']]), TypeError, /X\[1\]\[0\] must be a number/],
    [() => hdtw.dtwCdist([], ok), RangeError, /A must not be empty/],
    [() => hdtw.dtwPdist([[1], []]), RangeError, /X\[1\] must not be empty/],
    [() => hdtw.dtwPdist(ok, { bandd: 1 }), TypeError, /opts\.bandd is not an option of dtwPdist; its options are: cost, band, backend, threads/],
    [() => hdtw.dtwCdist(ok, ok, { alignment: false }), TypeError, /opts\.alignment is not an option of dtwCdist/],
    [() => hdtw.dtwCdist(ok, ok, { cost: 'sq' }), RangeError, /opts\.cost/],
  ];
  for (const [call, type, message] of cases) assert.throws(call, (e) => e instanceof type && message.test(e.message));
  assert.throws(() => hdtw.dtwPdist([[1, 2], [0, NaN]]), (e) => e.code === 'HDTW_E_NONFINITE');
  const detached = new Float64Array(2);
  structuredClone(detached.buffer, { transfer: [detached.buffer] });
  assert.throws(() => hdtw.dtwPdist([[1], detached]), (e) => e.code === 'ERR_INVALID_STATE' && /X\[1\]/.test(e.message));
});

test('the async forms give the same bits, and reject bad input', async () => {
  const { ragged: [A, B] } = sets(19);
  assertSameDoubles(await hdtw.dtwCdistAsync(A, B, { band: 4 }), hdtw.dtwCdist(A, B, { band: 4 }), 'cdist');
  assertSameDoubles(await hdtw.dtwPdistAsync(A), hdtw.dtwPdist(A), 'pdist');
  await assert.rejects(hdtw.dtwPdistAsync([[1], []]), RangeError);
  await assert.rejects(hdtw.dtwCdistAsync(A, B, { nope: 1 }), TypeError);
  // the series are copied when the call starts: changing them afterwards
  // does not change the answer
  const X = sets(20).fixed[0].map((x) => x.slice());
  const expected = hdtw.dtwPdist(X);
  const pending = hdtw.dtwPdistAsync(X);
  for (const x of X) x.fill(0);
  assertSameDoubles(await pending, expected, 'copied at the start');
});
