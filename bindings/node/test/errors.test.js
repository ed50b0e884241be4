// SPDX-License-Identifier: MIT
'use strict';
// Bad input from JavaScript becomes an exception (sync) or a rejected
// promise (async), never a crash: TypeError for a wrong type (and for a
// detached buffer, with its own message and code), RangeError for an
// impossible value or size, Error with code HDTW_E_* for a status from the
// library (NaN or Infinity in the data, a backend absent here).
const test = require('node:test');
const assert = require('node:assert/strict');
const { hdtw } = require('./helpers.js');

const f = (...xs) => new Float64Array(xs);
const P = f(1, 2, 3), H = f(1, 2, 3, 4, 5, 6), S = f(1, 2, 3, 4, 5, 6, 7);

// [description, function name, arguments, expected error class, code]
const cases = [];
const wrongArrays = [[1, '2', 3], [1, undefined], new Float32Array(3), new Int32Array(3), new DataView(new ArrayBuffer(24)),
                     Buffer.alloc(24), 'abc', 3, null, undefined, {}];
for (const bad of wrongArrays) {
  const name = bad?.constructor?.name ?? String(bad);
  cases.push([`a = ${name}`, 'dtwDistance', [bad, P], TypeError, 'ERR_INVALID_ARG_TYPE']);
  cases.push([`b = ${name}`, 'dtwDistance', [P, bad], TypeError, 'ERR_INVALID_ARG_TYPE']);
  cases.push([`pattern = ${name}`, 'dtwBatch', [bad, H, 3], TypeError, 'ERR_INVALID_ARG_TYPE']);
  cases.push([`historical = ${name}`, 'dtwBatch', [P, bad, 3], TypeError, 'ERR_INVALID_ARG_TYPE']);
  cases.push([`series = ${name}`, 'dtwSliding', [P, bad, 3, 1], TypeError, 'ERR_INVALID_ARG_TYPE']);
  cases.push([`query = ${name}`, 'dtwSearch', [bad, S, 1], TypeError, 'ERR_INVALID_ARG_TYPE']);
  cases.push([`search series = ${name}`, 'dtwSearch', [P, bad, 1], TypeError, 'ERR_INVALID_ARG_TYPE']);
  cases.push([`x = ${name}`, 'znorm', [bad], TypeError, 'ERR_INVALID_ARG_TYPE']);
  cases.push([`subsequence query = ${name}`, 'dtwSubsequence', [bad, S], TypeError, 'ERR_INVALID_ARG_TYPE']);
  cases.push([`subsequence series = ${name}`, 'dtwSubsequence', [P, bad], TypeError, 'ERR_INVALID_ARG_TYPE']);
}
const empty = new Float64Array(0);
cases.push(['empty a', 'dtwDistance', [empty, P], RangeError, 'ERR_OUT_OF_RANGE']);
cases.push(['empty b', 'dtwDistance', [P, empty], RangeError, 'ERR_OUT_OF_RANGE']);
cases.push(['empty pattern', 'dtwBatch', [empty, H, 3], RangeError, 'ERR_OUT_OF_RANGE']);
cases.push(['empty historical', 'dtwBatch', [P, empty, 3], RangeError, 'ERR_OUT_OF_RANGE']);
cases.push(['empty series', 'dtwSliding', [P, empty, 1, 1], RangeError, 'ERR_OUT_OF_RANGE']);
cases.push(['empty query', 'dtwSearch', [empty, S, 1], RangeError, 'ERR_OUT_OF_RANGE']);
cases.push(['empty x', 'znorm', [empty], RangeError, 'ERR_OUT_OF_RANGE']);
cases.push(['empty subsequence query', 'dtwSubsequence', [empty, S], RangeError, 'ERR_OUT_OF_RANGE']);
cases.push(['empty subsequence series', 'dtwSubsequence', [P, []], RangeError, 'ERR_OUT_OF_RANGE']);
cases.push(['empty number[]', 'dtwDistance', [[], P], RangeError, 'ERR_OUT_OF_RANGE']);
cases.push(['empty view of a long buffer', 'dtwBatch', [P, H.subarray(3, 3), 3], RangeError, 'ERR_OUT_OF_RANGE']);
for (const bad of [0, -3, 2.5, NaN, Infinity, 2 ** 53]) {
  cases.push([`patternLength = ${bad}`, 'dtwBatch', [P, H, bad], RangeError, 'ERR_OUT_OF_RANGE']);
  cases.push([`window = ${bad}`, 'dtwSliding', [P, S, bad, 1], RangeError, 'ERR_OUT_OF_RANGE']);
  cases.push([`stride = ${bad}`, 'dtwSliding', [P, S, 3, bad], RangeError, 'ERR_OUT_OF_RANGE']);
  cases.push([`k = ${bad}`, 'dtwSearch', [P, S, bad], RangeError, 'ERR_OUT_OF_RANGE']);
  cases.push([`opts.k = ${bad}`, 'dtwSubsequence', [P, S, { k: bad }], RangeError, 'ERR_OUT_OF_RANGE']);
}
for (const bad of ['3', undefined, null, 3n, [3]]) {
  cases.push([`k = ${typeof bad}`, 'dtwSearch', [P, S, bad], TypeError, 'ERR_INVALID_ARG_TYPE']);
  cases.push([`patternLength = ${typeof bad}`, 'dtwBatch', [P, H, bad], TypeError, 'ERR_INVALID_ARG_TYPE']);
  cases.push([`stride = ${typeof bad}`, 'dtwSliding', [P, S, 3, bad], TypeError, 'ERR_INVALID_ARG_TYPE']);
  if (bad !== undefined)
    cases.push([`opts.k = ${typeof bad}`, 'dtwSubsequence', [P, S, { k: bad }], TypeError, 'ERR_INVALID_ARG_TYPE']);
}
cases.push(['historical.length not a multiple', 'dtwBatch', [P, H, 4], RangeError, 'ERR_OUT_OF_RANGE']);
cases.push(['pattern.length != patternLength', 'dtwBatch', [f(1, 2), H, 3], RangeError, 'ERR_OUT_OF_RANGE']);
cases.push(['query longer than the series', 'dtwSearch', [S, P, 1], RangeError, 'ERR_OUT_OF_RANGE']);
cases.push(['window > series.length', 'dtwSliding', [P, S, 8, 1], RangeError, 'ERR_OUT_OF_RANGE']);
const badOpts = [
  ['opts = 5', 5, TypeError], ['opts = "abs"', 'abs', TypeError],
  ['cost: "euclid"', { cost: 'euclid' }, RangeError], ['cost: 1', { cost: 1 }, TypeError],
  ['cost: "abs\\0x"', { cost: 'abs\0x' }, RangeError], ['cost: long string', { cost: 'squared'.repeat(9) }, RangeError],
  ['band: 1.5', { band: 1.5 }, RangeError], ['band: NaN', { band: NaN }, RangeError],
  ['band: Infinity', { band: Infinity }, RangeError], ['band: "3"', { band: '3' }, TypeError],
  ['backend: "gpu"', { backend: 'gpu' }, RangeError], ['backend: 0', { backend: 0 }, TypeError],
  ['threads: -1', { threads: -1 }, RangeError], ['threads: 0.5', { threads: 0.5 }, RangeError],
  ['threads: "2"', { threads: '2' }, TypeError], ['misspelled key bandd', { bandd: 3 }, TypeError],
  ['unknown key', { unknown: 1 }, TypeError],
];
for (const [what, opts, cls] of badOpts) {
  const code = cls === TypeError ? 'ERR_INVALID_ARG_TYPE' : 'ERR_OUT_OF_RANGE';
  cases.push([what, 'dtwDistance', [P, P, opts], cls, code]);
  cases.push([what, 'dtwBatch', [P, H, 3, opts], cls, code]);
  cases.push([what, 'dtwSliding', [P, S, 3, 2, opts], cls, code]);
  cases.push([what, 'dtwSearch', [P, S, 2, opts], cls, code]);
}
// each function's own boolean, and keys that belong to another function
cases.push(['alignment: "no"', 'dtwDistance', [P, P, { alignment: 'no' }], TypeError, 'ERR_INVALID_ARG_TYPE']);
cases.push(['allowUnequalLengths: 1', 'dtwBatch', [P, H, 3, { allowUnequalLengths: 1 }], TypeError, 'ERR_INVALID_ARG_TYPE']);
cases.push(['znorm: 0', 'dtwSearch', [P, S, 1, { znorm: 0 }], TypeError, 'ERR_INVALID_ARG_TYPE']);
cases.push(['exclusion: -1', 'dtwSearch', [P, S, 1, { exclusion: -1 }], RangeError, 'ERR_OUT_OF_RANGE']);
cases.push(['exclusion: "auto"', 'dtwSearch', [P, S, 1, { exclusion: 'auto' }], TypeError, 'ERR_INVALID_ARG_TYPE']);
cases.push(['alignment for dtwBatch', 'dtwBatch', [P, H, 3, { alignment: false }], TypeError, 'ERR_INVALID_ARG_TYPE']);
cases.push(['znorm for dtwSliding', 'dtwSliding', [P, S, 3, 1, { znorm: true }], TypeError, 'ERR_INVALID_ARG_TYPE']);
cases.push(['band for dtwSubsequence', 'dtwSubsequence', [P, S, { band: 2 }], TypeError, 'ERR_INVALID_ARG_TYPE']);
cases.push(['cost: "l2" for dtwSubsequence', 'dtwSubsequence', [P, S, { cost: 'l2' }], RangeError, 'ERR_OUT_OF_RANGE']);
cases.push(['backend: "gpu" for dtwSubsequence', 'dtwSubsequence', [P, S, { backend: 'gpu' }], RangeError,
            'ERR_OUT_OF_RANGE']);
// maxDist: refused where the library refuses it (negative, NaN), a number
// only, and only where the library honours it
const thresholdCalls = [
  ['dtwDistance', (o) => [P, S, { alignment: false, ...o }]], ['dtwBatch', (o) => [P, H, 3, o]],
  ['dtwSliding', (o) => [P, S, 3, 1, o]], ['dtwCdist', (o) => [[P], [S, H], o]],
  ['dtwPdist', (o) => [[P, S, H], o]], ['dtwSubsequence', (o) => [P, S, o]],
];
for (const [fn, args] of thresholdCalls) {
  for (const bad of [-1, -5e-324, -Infinity, NaN])
    cases.push([`maxDist: ${bad}`, fn, args({ maxDist: bad }), RangeError, 'ERR_OUT_OF_RANGE']);
  for (const bad of ['1', null, true, 1n, [1]])
    cases.push([`maxDist: ${typeof bad}`, fn, args({ maxDist: bad }), TypeError, 'ERR_INVALID_ARG_TYPE']);
}
cases.push(['maxDist for dtwSearch', 'dtwSearch', [P, S, 1, { maxDist: 1 }], TypeError, 'ERR_INVALID_ARG_TYPE']);
cases.push(['maxDist with the alignment', 'dtwDistance', [P, S, { maxDist: 1 }], TypeError,
            'ERR_INCOMPATIBLE_OPTION_PAIR']);
cases.push(['maxDist with alignment: true', 'dtwDistance', [P, S, { maxDist: 1, alignment: true }], TypeError,
            'ERR_INCOMPATIBLE_OPTION_PAIR']);
for (const bad of [NaN, Infinity, -Infinity]) {
  const nonfinite = (x, k) => { const y = Float64Array.from(x); y[k] = bad; return y; };
  cases.push([`${bad} in a`, 'dtwDistance', [nonfinite(P, 2), P], Error, 'HDTW_E_NONFINITE']);
  cases.push([`${bad} in b`, 'dtwDistance', [P, nonfinite(P, 0), { alignment: false }], Error, 'HDTW_E_NONFINITE']);
  cases.push([`${bad} in pattern`, 'dtwBatch', [nonfinite(P, 1), H, 3], Error, 'HDTW_E_NONFINITE']);
  cases.push([`${bad} in historical`, 'dtwBatch', [P, nonfinite(H, 5), 3], Error, 'HDTW_E_NONFINITE']);
  cases.push([`${bad} in series`, 'dtwSliding', [P, nonfinite(S, 3), 3, 1], Error, 'HDTW_E_NONFINITE']);
  cases.push([`${bad} in query`, 'dtwSearch', [nonfinite(P, 1), S, 2], Error, 'HDTW_E_NONFINITE']);
  cases.push([`${bad} in search series`, 'dtwSearch', [P, nonfinite(S, 6), 2], Error, 'HDTW_E_NONFINITE']);
  cases.push([`${bad} in x`, 'znorm', [nonfinite(S, 0)], Error, 'HDTW_E_NONFINITE']);
  cases.push([`${bad} in subsequence query`, 'dtwSubsequence', [nonfinite(P, 2), S], Error, 'HDTW_E_NONFINITE']);
  cases.push([`${bad} in subsequence series`, 'dtwSubsequence', [P, nonfinite(S, 6), { maxDist: 1 }], Error,
              'HDTW_E_NONFINITE']);
  cases.push([`${bad} in a number[]`, 'dtwDistance', [[1, bad], P], Error, 'HDTW_E_NONFINITE']);
}

function check(error, cls, code, what) {
  assert.ok(error instanceof cls, `${what}: ${error} is not a ${cls.name}`);
  if (cls === Error) assert.ok(!(error instanceof TypeError) && !(error instanceof RangeError), what);
  assert.equal(error.code, code, `${what}: code`);
  assert.equal(typeof error.message, 'string');
}

test('sync calls throw the right error class and code', () => {
  for (const [what, fn, args, cls, code] of cases)
    assert.throws(() => hdtw[fn](...args), (e) => (check(e, cls, code, `${fn}: ${what}`), true),
                  `${fn}: ${what}`);
});

test('async calls reject, never throw, with the same errors', async () => {
  for (const [what, fn, args, cls, code] of cases) {
    let promise;
    assert.doesNotThrow(() => { promise = hdtw[`${fn}Async`](...args); }, `${fn}Async: ${what}`);
    assert.ok(promise instanceof Promise);
    await assert.rejects(promise, (e) => (check(e, cls, code, `${fn}Async: ${what}`), true),
                        `${fn}Async: ${what}`);
  }
});

test('the NaN message is the library status text', () => {
  assert.throws(() => hdtw.dtwBatch(P, f(1, NaN, 3), 3),
                { code: 'HDTW_E_NONFINITE', message: 'dtwBatch: input contains NaN or infinity' });
});

test('an exception thrown by an opts getter propagates unchanged', async () => {
  const boom = new Error('boom');
  const opts = { get cost() { throw boom; } };
  assert.throws(() => hdtw.dtwBatch(P, H, 3, opts), (e) => e === boom);
  await assert.rejects(hdtw.dtwBatchAsync(P, H, 3, opts), (e) => e === boom);
});

test('a transferred (detached) buffer is refused with its own message', async () => {
  const data = f(1, 2, 3, 4, 5, 6);
  structuredClone(data.buffer, { transfer: [data.buffer] });
  assert.equal(data.length, 0);
  const detached = (e) => e instanceof TypeError && e.code === 'ERR_INVALID_STATE' &&
                          /historical: its ArrayBuffer is detached/.test(e.message);
  assert.throws(() => hdtw.dtwBatch(P, data, 3), detached);
  await assert.rejects(hdtw.dtwBatchAsync(P, data, 3), detached);
  assert.throws(() => hdtw.dtwBatch(P, new Float64Array(0), 3),
                (e) => e instanceof RangeError && /must not be empty/.test(e.message), 'empty, not detached');
});

test('messages say what to pass', () => {
  assert.throws(() => hdtw.dtwDistance(new Float32Array(3), P),
                { name: 'TypeError', message: /a must be a Float64Array or an array of numbers, not a Float32Array/ });
  assert.throws(() => hdtw.dtwDistance(P, P, { bandd: 3 }),
                { message: 'opts.bandd is not an option of dtwDistance; its options are: ' +
                           'cost, band, backend, threads, maxDist, alignment' });
  assert.throws(() => hdtw.dtwSubsequence(P, S, { band: 3 }),
                { message: 'opts.band is not an option of dtwSubsequence; its options are: ' +
                           'k, cost, backend, threads, maxDist' });
  assert.throws(() => hdtw.dtwBatch(P, H, 3, { maxDist: -2 }),
                { message: 'opts.maxDist must be >= 0 (0: no threshold), not -2' });
  assert.throws(() => hdtw.dtwDistance(P, P, { maxDist: 2 }),
                { message: /maxDist applies to the distance only: pass \{ alignment: false \}/ });
  assert.throws(() => hdtw.dtwSearch(P, S, 1, { excl: 3 }),
                { message: /its options are: cost, band, backend, threads, znorm, exclusion$/ });
  assert.throws(() => hdtw.dtwBatch(f(1, 2), H, 3), { message: /allowUnequalLengths/ });
  assert.throws(() => hdtw.dtwDistance([1, 'x'], P), { message: 'a[1] must be a number, not string' });
});

test('extra arguments are ignored and opts may be null', () => {
  assert.deepEqual(hdtw.dtwBatch(P, H, 3, null, 'extra'), hdtw.dtwBatch(P, H, 3));
  assert.deepEqual(hdtw.dtwBatch(P, H, 3, { band: undefined }), hdtw.dtwBatch(P, H, 3));
});

test('the native functions refuse options not packed by index.js', () => {
  const native = require(require('node:path').resolve(process.env.HDTW_NODE_ADDON ?? `${__dirname}/../hdtw.node`));
  const packedWith = (k, v) => { const o = new Float64Array(7); o[k] = v; return o; };
  for (const bad of [undefined, { cost: 'abs' }, new Float64Array(7).fill(7), new Float64Array(6),
                     new Float32Array(7), packedWith(6, -1), packedWith(6, NaN)])
    assert.throws(() => native.dtwBatch(P, H, 3, undefined, bad), TypeError);
  assert.deepEqual(native.dtwBatch(P, H, 3, undefined, packedWith(6, 1)), f(0, Infinity));
});

test('a failed call leaves the addon usable', () => {
  for (let k = 0; k < 100; k++) assert.throws(() => hdtw.dtwBatch(P, f(NaN, 1, 2), 3));
  assert.equal(hdtw.dtwBatch(P, H, 3)[0], 0);
});
