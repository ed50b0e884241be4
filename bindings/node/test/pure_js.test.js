// SPDX-License-Identifier: MIT
'use strict';
// The addon gives exactly the doubles of the pure-JavaScript reference, on
// random shapes, both costs and a range of bands, through Float64Arrays,
// views with offsets and number[].
const test = require('node:test');
const assert = require('node:assert/strict');
const { hdtw, js, rng, series, randomInt, jsAlign, jsSliding,
        assertSameDoubles } = require('./helpers.js');

const COSTS = ['abs', 'squared'];

function randomOpts(random) {
  const bands = [undefined, -1, 0, 1, 2, randomInt(random, 0, 20), 1e9];
  return { cost: COSTS[randomInt(random, 0, 1)], band: bands[randomInt(random, 0, bands.length - 1)] };
}

test('dtwDistance equals pure JS: distance, similarity and path', () => {
  const random = rng(1);
  for (let t = 0; t < 600; t++) {
    const m = randomInt(random, 1, t < 500 ? 40 : 300), n = randomInt(random, 1, t < 500 ? 40 : 300);
    const a = series(random, m), b = series(random, n), opts = randomOpts(random);
    const what = `case ${t}: m=${m} n=${n} ${JSON.stringify(opts)}`;
    const expected = jsAlign(a, b, opts);
    assert.ok(Object.is(expected.distance, js.dtw(a, b, opts)), `${what}: the two JS references agree`);
    const got = hdtw.dtwDistance(a, b, opts);
    assert.ok(Object.is(got.distance, expected.distance), `${what}: distance`);
    assert.ok(Object.is(got.similarity, expected.similarity), `${what}: similarity`);
    assert.ok(got.alignment instanceof Uint32Array, `${what}: alignment type`);
    assert.deepEqual(got.alignment, expected.alignment, `${what}: path`);
    const bare = hdtw.dtwDistance(a, b, { ...opts, alignment: false });
    assert.deepEqual(Object.keys(bare), ['distance']);
    assert.ok(Object.is(bare.distance, expected.distance), `${what}: distance without path`);
  }
});

test('dtwDistance equals pure JS on long pairs', () => {
  const random = rng(2);
  for (const [m, n] of [[1000, 1000], [2000, 1500], [1, 2000], [2000, 1]]) {
    for (const cost of COSTS) {
      for (const band of [-1, 0, 50]) {
        const a = series(random, m), b = series(random, n), opts = { cost, band, alignment: false };
        assert.ok(Object.is(hdtw.dtwDistance(a, b, opts).distance, js.dtw(a, b, opts)),
                  `m=${m} n=${n} ${cost} band ${band}`);
      }
    }
  }
});

test('dtwBatch equals pure JS dtwBatch', () => {
  const random = rng(3);
  for (let t = 0; t < 200; t++) {
    const n = randomInt(random, 1, 60), count = randomInt(random, 1, 40);
    // the pattern may be shorter or longer than the windows
    const m = random() < 0.7 ? n : randomInt(random, 1, 60);
    const pattern = series(random, m), historical = series(random, n * count);
    const opts = { ...randomOpts(random), allowUnequalLengths: m !== n || random() < 0.5 };
    const got = hdtw.dtwBatch(pattern, historical, n, opts);
    assert.ok(got instanceof Float64Array);
    assertSameDoubles(got, js.dtwBatch(pattern, historical, n, opts),
                      `case ${t}: m=${m} n=${n} count=${count} ${JSON.stringify(opts)}`);
  }
});

test('dtwSliding equals pure JS over every window', () => {
  const random = rng(4);
  for (let t = 0; t < 200; t++) {
    const len = randomInt(random, 1, 300), window = randomInt(random, 1, Math.min(len, 50));
    const stride = randomInt(random, 1, 7), m = randomInt(random, 1, 50);
    const pattern = series(random, m), s = series(random, len), opts = randomOpts(random);
    assertSameDoubles(hdtw.dtwSliding(pattern, s, window, stride, opts),
                      jsSliding(pattern, s, window, stride, opts),
                      `case ${t}: len=${len} window=${window} stride=${stride} m=${m}`);
  }
});

test('views with offsets are read in place', () => {
  const random = rng(5);
  const backing = series(random, 5000);
  for (let t = 0; t < 100; t++) {
    const start = randomInt(random, 0, 2000), n = randomInt(random, 1, 30), count = randomInt(random, 1, 50);
    const viaSubarray = backing.subarray(start, start + n * count);
    const viaBuffer = new Float64Array(backing.buffer, (start + 7) * 8, n * count);
    const pattern = backing.subarray(4000 + t, 4000 + t + n);
    const copy = Float64Array.from(viaSubarray);
    assertSameDoubles(hdtw.dtwBatch(pattern, viaSubarray, n), js.dtwBatch(pattern, copy, n), `subarray ${t}`);
    assertSameDoubles(hdtw.dtwBatch(pattern, viaBuffer, n),
                      js.dtwBatch(pattern, Float64Array.from(viaBuffer), n), `buffer view ${t}`);
    assertSameDoubles(hdtw.dtwSliding(pattern, viaSubarray, n, 3),
                      jsSliding(pattern, copy, n, 3), `sliding view ${t}`);
    const a = backing.subarray(start + 1, start + 1 + n);
    assert.ok(Object.is(hdtw.dtwDistance(a, pattern).distance, js.dtw(Float64Array.from(a), pattern)));
  }
  // a view of a Node Buffer's memory, at an offset inside its pool
  const bytes = Buffer.alloc(8 * 40);
  const view = new Float64Array(bytes.buffer, bytes.byteOffset, 40);
  view.set(backing.subarray(0, 40));
  assertSameDoubles(hdtw.dtwBatch(view.subarray(0, 10), view, 10), js.dtwBatch(view.subarray(0, 10), view, 10), 'Buffer');
});

test('number[] gives the same bits as the Float64Array it converts to', () => {
  const random = rng(7);
  for (let t = 0; t < 50; t++) {
    const n = randomInt(random, 1, 40), count = randomInt(random, 1, 10);
    const pattern = series(random, n), historical = series(random, n * count), opts = randomOpts(random);
    const p = Array.from(pattern), h = Array.from(historical);
    assertSameDoubles(hdtw.dtwBatch(p, h, n, opts), js.dtwBatch(pattern, historical, n, opts), `batch ${t}`);
    assertSameDoubles(hdtw.dtwSliding(p, h, n, 2, opts), jsSliding(pattern, historical, n, 2, opts), `sliding ${t}`);
    const pair = hdtw.dtwDistance(p, h.slice(0, n + 3), opts), expected = jsAlign(pattern, historical.subarray(0, n + 3), opts);
    assert.ok(Object.is(pair.distance, expected.distance), `pair ${t}`);
    assert.deepEqual(pair.alignment, expected.alignment, `pair path ${t}`);
  }
  assert.deepEqual(hdtw.dtwBatch([1, 2, 3], [1, 2, 3, 3, 2, 1], 3), js.dtwBatch(new Float64Array([1, 2, 3]), new Float64Array([1, 2, 3, 3, 2, 1]), 3));
  const h = [1, 2, 3];
  hdtw.dtwBatch(h, h, 3);
  assert.deepEqual(h, [1, 2, 3], 'the array is left as it was');
});

test('every backend that exists here gives the same bits; the others say so', () => {
  const random = rng(6);
  const pattern = series(random, 37), historical = series(random, 37 * 21);
  const expected = js.dtwBatch(pattern, historical, 37, { cost: 'squared', band: 5 });
  for (const backend of ['auto', 'scalar', 'avx2', 'avx512', 'opencl']) {
    for (const threads of [0, 1, 2]) {
      let got;
      try {
        got = hdtw.dtwBatch(pattern, historical, 37, { cost: 'squared', band: 5, backend, threads });
      } catch (e) {
        assert.equal(e.code, 'HDTW_E_UNSUPPORTED', `${backend}: ${e.message}`);
        continue;
      }
      assertSameDoubles(got, expected, `${backend}, ${threads} threads`);
      if (backend !== 'auto') assert.equal(hdtw.lastBackend(), backend);
    }
  }
  assert.ok(['scalar', 'avx2', 'avx512', 'opencl'].includes(hdtw.lastBackend()));
});

test('openclDevices lists devices with their fields, and opencl runs where one has fp64', () => {
  const devices = hdtw.openclDevices();
  assert.ok(Array.isArray(devices));
  for (const d of devices) {
    assert.deepEqual(Object.keys(d), ['name', 'vendor', 'platform', 'computeUnits', 'globalMemBytes', 'isGpu', 'fp64']);
    for (const k of ['name', 'vendor', 'platform']) assert.equal(typeof d[k], 'string');
    assert.ok(Number.isInteger(d.computeUnits) && Number.isInteger(d.globalMemBytes));
    assert.equal(typeof d.isGpu, 'boolean');
    assert.equal(typeof d.fp64, 'boolean');
  }
  const p = new Float64Array([1, 2, 3]), h = new Float64Array([1, 2, 3, 3, 2, 1]);
  let ran = true;
  try { hdtw.dtwBatch(p, h, 3, { backend: 'opencl' }); } catch (e) {
    assert.equal(e.code, 'HDTW_E_UNSUPPORTED');
    ran = false;
  }
  // HDTW_DISABLE=opencl (a test variant) hides devices from the backend only
  if (!/opencl/.test(process.env.HDTW_DISABLE ?? ''))
    assert.equal(ran, devices.some((d) => d.fp64), 'opencl runs exactly when a device has fp64');
});

test('results do not alias the inputs and are fresh each call', () => {
  const pattern = new Float64Array([1, 2, 3]), historical = new Float64Array([1, 2, 3, 3, 2, 1]);
  const first = hdtw.dtwBatch(pattern, historical, 3), second = hdtw.dtwBatch(pattern, historical, 3);
  assert.notEqual(first.buffer, second.buffer);
  assert.notEqual(first.buffer, historical.buffer);
  assert.deepEqual([...historical], [1, 2, 3, 3, 2, 1], 'inputs untouched');
  assert.equal(first.byteOffset, 0);
  assert.equal(first.buffer.byteLength, 2 * 8);
});
