// SPDX-License-Identifier: MIT
'use strict';
// The ...Async variants: the same bits as the sync calls, many in flight at
// once, inputs kept alive while a worker reads them, and a 10^6-window batch
// whose promise is still pending when the call returns. Nothing here
// asserts on wall-clock time or timer ticks: those depend on the machine.
const test = require('node:test');
const assert = require('node:assert/strict');
const v8 = require('node:v8');
const vm = require('node:vm');
const { Worker } = require('node:worker_threads');
const { hdtw, js, rng, series, randomInt, assertSameDoubles } = require('./helpers.js');

// The sanitizer build (unoptimised and instrumented) runs the same code some
// 30 times slower: the big cases shrink there, by 10.
const SCALE = process.env.HDTW_NODE_SANITIZED === '1' ? 0.1 : 1;
const BIG_COUNT = 1e6 * SCALE;

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc');

function randomCall(random) {
  const opts = { cost: random() < 0.5 ? 'abs' : 'squared', band: randomInt(random, -1, 8),
                 threads: randomInt(random, 0, 2) };
  const pattern = series(random, randomInt(random, 1, 40));
  switch (randomInt(random, 0, 4)) {
    case 0: return ['dtwDistance', [pattern, series(random, randomInt(random, 1, 40)), opts]];
    case 1: {
      const n = randomInt(random, 1, 40);
      return ['dtwBatch', [pattern, series(random, n * randomInt(random, 1, 30)), n,
                           { ...opts, allowUnequalLengths: true }]];
    }
    case 2: return ['znorm', [pattern]];
    case 3: {
      const s = series(random, pattern.length + randomInt(random, 0, 300));
      return ['dtwSearch', [pattern, s, randomInt(random, 1, 5), opts]];
    }
    default: {
      const len = randomInt(random, 1, 400);
      return ['dtwSliding', [pattern, series(random, len), randomInt(random, 1, len), randomInt(random, 1, 5), opts]];
    }
  }
}

function assertSameResult(got, expected, what) {
  if (expected instanceof Float64Array) return assertSameDoubles(got, expected, what);
  if (expected.starts) {
    assertSameDoubles(got.starts, expected.starts, `${what}: starts`);
    return assertSameDoubles(got.distances, expected.distances, `${what}: distances`);
  }
  assert.ok(Object.is(got.distance, expected.distance), `${what}: distance`);
  assert.ok(Object.is(got.similarity, expected.similarity), `${what}: similarity`);
  assert.deepEqual(got.alignment, expected.alignment, `${what}: path`);
}

test('async equals sync, one call at a time', async () => {
  const random = rng(11);
  for (let t = 0; t < 150; t++) {
    const [fn, args] = randomCall(random);
    assertSameResult(await hdtw[`${fn}Async`](...args), hdtw[fn](...args), `${fn} case ${t}`);
  }
});

test('async equals sync with 64 calls in flight', async () => {
  const random = rng(12);
  const calls = Array.from({ length: 64 }, () => randomCall(random));
  const promises = calls.map(([fn, args]) => hdtw[`${fn}Async`](...args));
  const results = await Promise.all(promises);
  calls.forEach(([fn, args], k) => assertSameResult(results[k], hdtw[fn](...args), `${fn} call ${k}`));
});

test('inputs stay alive while pending, even when only the addon holds them', async () => {
  const random = rng(13);
  const jobs = [];
  for (let k = 0; k < 6; k++) {
    // 2000 windows of 100 against a 100-bar pattern: 20 million cells each,
    // long enough for the collections below to run while workers read
    const pattern = series(random, 100), historical = series(random, 100 * 2000 * SCALE);
    jobs.push({ pattern: pattern.slice(), historical: historical.slice(),
                promise: hdtw.dtwBatchAsync(pattern, historical, 100) });
  }
  for (let k = 0; k < 5; k++) {
    gc();
    new Float64Array(1 << 20).fill(k); // reuse whatever was freed
  }
  for (const [k, job] of jobs.entries())
    assertSameDoubles(await job.promise, hdtw.dtwBatch(job.pattern, job.historical, 100), `job ${k}`);
});

test('sync calls run while an async call is in flight, on their own context', async () => {
  const random = rng(14);
  const pattern = series(random, 64), historical = series(random, 64 * 3000);
  const pending = hdtw.dtwBatchAsync(pattern, historical, 64, { cost: 'squared' });
  for (let k = 0; k < 20; k++) {
    const a = series(random, 30), b = series(random, 30);
    assert.ok(Object.is(hdtw.dtwDistance(a, b).distance, js.dtw(a, b)));
  }
  assertSameDoubles(await pending, js.dtwBatch(pattern, historical, 64, { cost: 'squared' }), 'big batch');
});


// Whether the event loop turns while the batch runs depends on the machine,
// so the ticks are reported, not asserted. What is certain: the call returns
// a promise that is still pending (the result can only arrive through the
// completion callback, on a later turn of the loop), and the result is right.
test(`a ${BIG_COUNT}-window async batch returns a pending promise`, async (t) => {
  const bars = 16, count = BIG_COUNT;
  const historical = new Float64Array(bars * count);
  for (let i = 0; i < historical.length; i++) historical[i] = Math.sin(i * 0.001) + (i % 7) * 0.01;
  const pattern = historical.slice(5 * bars, 6 * bars).reverse();

  let ticks = 0;
  const timer = setInterval(() => { ticks++; }, 2);
  const promise = hdtw.dtwBatchAsync(pattern, historical, bars);
  const pending = Symbol('pending');
  assert.equal(await Promise.race([promise, Promise.resolve(pending)]), pending);
  const result = await promise;
  clearInterval(timer);

  assert.equal(result.length, count);
  for (let k = 0; k < count; k += 997)
    assert.ok(Object.is(result[k], js.dtw(pattern, historical.subarray(k * bars, (k + 1) * bars))), `window ${k}`);
  t.diagnostic(`${count} x ${bars} batch: ${ticks} ticks of a 2 ms timer while it ran`);
});

test('a worker thread loads the addon with its own state and gets the same bits', async () => {
  const random = rng(15);
  const pattern = series(random, 20), historical = series(random, 20 * 50);
  const worker = new Worker(`
    const { parentPort, workerData } = require('node:worker_threads');
    const hdtw = require(workerData.index);
    parentPort.postMessage(hdtw.dtwBatch(workerData.pattern, workerData.historical, 20));`,
    { eval: true, workerData: { index: require.resolve('..'), pattern, historical } });
  const fromWorker = await new Promise((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  await worker.terminate();
  assertSameDoubles(fromWorker, js.dtwBatch(pattern, historical, 20), 'worker');
});

test('terminating a worker with async calls in flight is safe', async () => {
  for (let k = 0; k < 3; k++) {
    const worker = new Worker(`
      const { parentPort, workerData } = require('node:worker_threads');
      const hdtw = require(workerData.index);
      const h = new Float64Array(16 * workerData.windows).map((_, i) => Math.sin(i));
      for (let j = 0; j < 4; j++) hdtw.dtwBatchAsync(h.subarray(0, 16), h, 16);
      parentPort.postMessage('started');`,
      { eval: true, workerData: { index: require.resolve('..'), windows: 200000 * SCALE } });
    await new Promise((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    await worker.terminate();
  }
  const p = new Float64Array([1, 2, 3]);
  assert.equal((await hdtw.dtwBatchAsync(p, p, 3))[0], 0, 'the main thread is unaffected');
});
