// SPDX-License-Identifier: MIT
'use strict';
// hdtw for Node.js (docs/NODE.md): DTW distances, batches, sliding windows,
// the k-nearest-window search, free-end subsequence matches and distance
// matrices, computed by the C
// library, bit for bit the same as the pure-JavaScript reference
// (bench/js/dtw.js).
//
// The native addon (hdtw.node) checks the arrays and runs the library; this
// file does what is cheaper in JavaScript than through Node-API:
//   - a number[] is converted once into a new Float64Array (a Float64Array
//     is read in place, with no copy);
//   - the options object is checked here (unknown keys, types, values) and
//     handed over as one Float64Array of numbers (args.h, ADDON_OPT_...);
//   - the distance-only result { distance } is built here from a number.
// The ...Async functions never throw: bad input rejects their promise.
//
// hdtw.node is found at, in order:
//   1. $HDTW_NODE_ADDON, a path to hdtw.node (the tests set it);
//   2. hdtw.node next to this file (built by `npm install`, see
//      scripts/install.js, or the CMake build folder build/bindings/node);
//   3. build/bindings/node/hdtw.node under the repository root, when this
//      file is used from the source tree.
const fs = require('node:fs');
const path = require('node:path');

function addonPath() {
  if (process.env.HDTW_NODE_ADDON) return path.resolve(process.env.HDTW_NODE_ADDON);
  const candidates = [
    path.join(__dirname, 'hdtw.node'),
    path.join(__dirname, '..', '..', 'build', 'bindings', 'node', 'hdtw.node'),
  ];
  const found = candidates.find((p) => fs.existsSync(p));
  if (!found) {
    throw new Error(`hdtw: hdtw.node not found (looked for ${candidates.join(', ')}); ` +
                    'run `npm install` in this package, or build it with CMake, or set HDTW_NODE_ADDON');
  }
  return found;
}

const native = require(addonPath());

// ------------------------------------------------------------------ errors

function typeError(message) {
  const e = new TypeError(message);
  e.code = 'ERR_INVALID_ARG_TYPE';
  return e;
}

function rangeError(message) {
  const e = new RangeError(message);
  e.code = 'ERR_OUT_OF_RANGE';
  return e;
}

// ------------------------------------------------------------------ arrays

// A number[] becomes a Float64Array, once per call; anything else goes to
// the addon as it is, which accepts only a Float64Array and says so.
function toFloat64(x, name) {
  if (!Array.isArray(x)) return x;
  const out = new Float64Array(x.length);
  for (let k = 0; k < x.length; k++) {
    const v = x[k];
    if (typeof v !== 'number') throw typeError(`${name}[${k}] must be a number, not ${typeof v}`);
    out[k] = v;
  }
  return out;
}

// An array of series with its number[] elements converted (a new array only
// when there is one); anything else goes to the addon, which refuses it.
function toSeriesArray(set, name) {
  if (!Array.isArray(set) || !set.some(Array.isArray)) return set;
  return set.map((x, k) => toFloat64(x, `${name}[${k}]`));
}

// ----------------------------------------------------------------- options

// The packed layout of args.h (ADDON_OPT_...).
const COST = 0, BAND = 1, BACKEND = 2, THREADS = 3, FLAG = 4, EXCLUSION = 5, MAX_DIST = 6,
  OPT_COUNT = 7;
const BACKENDS = ['auto', 'scalar', 'avx2', 'avx512', 'opencl']; // hdtw_backend order
const MAX_SAFE = Number.MAX_SAFE_INTEGER;
const COMMON_KEYS = ['cost', 'band', 'backend', 'threads'];
// maxDist (hdtw_params.max_dist) where the library honours it: not on
// dtwSearch, and on dtwDistance only with alignment: false (hdtw_align
// ignores it; see pack).
const THRESHOLD_KEYS = [...COMMON_KEYS, 'maxDist'];

// The options each function takes; `flag` is the boolean option that goes
// to ADDON_OPT_FLAG, with its default. dtwSubsequence has no band (the
// library refuses one with a free start) and takes k here.
const SPECS = {
  dtwDistance: { keys: [...THRESHOLD_KEYS, 'alignment'], flag: 'alignment', flagDefault: true },
  dtwBatch: { keys: [...THRESHOLD_KEYS, 'allowUnequalLengths'], flag: 'allowUnequalLengths',
              flagDefault: false },
  dtwSliding: { keys: THRESHOLD_KEYS, flag: null, flagDefault: false },
  dtwSearch: { keys: [...COMMON_KEYS, 'znorm', 'exclusion'], flag: 'znorm', flagDefault: true },
  dtwSubsequence: { keys: ['k', 'cost', 'backend', 'threads', 'maxDist'], flag: null,
                    flagDefault: false },
  dtwCdist: { keys: THRESHOLD_KEYS, flag: null, flagDefault: false },
  dtwPdist: { keys: THRESHOLD_KEYS, flag: null, flagDefault: false },
};

function integerOption(value, name, lo, hi) {
  if (typeof value !== 'number') throw typeError(`opts.${name} must be a number`);
  if (!(value >= lo && value <= hi) || Math.floor(value) !== value)
    throw rangeError(`opts.${name} must be an integer from ${lo} to ${hi}, not ${value}`);
  return value;
}

function wordOption(value, name, words) {
  if (typeof value !== 'string') throw typeError(`opts.${name} must be a string`);
  const k = words.indexOf(value);
  if (k < 0) throw rangeError(`opts.${name} must be ${words.map((w) => `'${w}'`).join(', ')}, not '${value}'`);
  return k;
}

// hdtw_params.max_dist: 0 is no threshold, > 0 (Infinity too) a threshold;
// negative or NaN is refused, as the library refuses it.
function maxDistOption(value) {
  if (typeof value !== 'number') throw typeError('opts.maxDist must be a number');
  if (!(value >= 0))
    throw rangeError(`opts.maxDist must be >= 0 (0: no threshold), not ${value}`);
  return value;
}

function checkKeys(opts, fn, spec) {
  for (const key in opts) {
    if (!spec.keys.includes(key))
      throw typeError(`opts.${key} is not an option of ${fn}; its options are: ${spec.keys.join(', ')}`);
  }
}

// One scratch array serves every call: the addon copies the numbers out
// before it returns (async calls too), so reusing it is safe.
const packed = new Float64Array(OPT_COUNT);

// opts -> packed; undefined keys take their defaults.
function pack(fn, opts) {
  const spec = SPECS[fn];
  packed[COST] = 0;
  packed[BAND] = -1;
  packed[BACKEND] = 0; // HDTW_BACKEND from the environment decides
  packed[THREADS] = 0;
  packed[FLAG] = spec.flagDefault ? 1 : 0;
  packed[EXCLUSION] = -1; // HDTW_EXCLUSION_AUTO
  packed[MAX_DIST] = 0; // no threshold
  if (opts === undefined || opts === null) return packed;
  if (typeof opts !== 'object') throw typeError('opts must be an object');
  checkKeys(opts, fn, spec);
  const { cost, band, backend, threads } = opts;
  if (cost !== undefined) packed[COST] = wordOption(cost, 'cost', ['abs', 'squared']);
  if (band !== undefined) packed[BAND] = Math.max(-1, integerOption(band, 'band', -MAX_SAFE, MAX_SAFE));
  if (backend !== undefined) packed[BACKEND] = 1 + wordOption(backend, 'backend', BACKENDS);
  if (threads !== undefined) packed[THREADS] = integerOption(threads, 'threads', 0, 2 ** 31 - 1);
  const flag = spec.flag === null ? undefined : opts[spec.flag];
  if (flag !== undefined) {
    if (typeof flag !== 'boolean') throw typeError(`opts.${spec.flag} must be a boolean`);
    packed[FLAG] = flag ? 1 : 0;
  }
  if (fn === 'dtwSearch' && opts.exclusion !== undefined)
    packed[EXCLUSION] = integerOption(opts.exclusion, 'exclusion', 0, MAX_SAFE);
  if (opts.maxDist !== undefined) packed[MAX_DIST] = maxDistOption(opts.maxDist);
  if (fn === 'dtwDistance' && packed[MAX_DIST] > 0 && packed[FLAG] === 1) {
    // hdtw_align ignores max_dist (the path needs the exact distance)
    const e = new TypeError('opts.maxDist applies to the distance only: pass ' +
                            '{ alignment: false } with it');
    e.code = 'ERR_INCOMPATIBLE_OPTION_PAIR';
    throw e;
  }
  return packed;
}

// opts.k of dtwSubsequence (default 1); the addon checks it again.
function subsequenceK(opts) {
  const k = opts === undefined || opts === null ? undefined : opts.k;
  return k === undefined ? 1 : integerOption(k, 'k', 1, MAX_SAFE);
}

// ------------------------------------------------------------------- calls

const distanceResult = (r) => (typeof r === 'number' ? { distance: r } : r);

function dtwDistance(a, b, opts) {
  const o = pack('dtwDistance', opts);
  return distanceResult(native.dtwDistance(toFloat64(a, 'a'), toFloat64(b, 'b'), undefined, undefined, o));
}

function dtwBatch(pattern, historical, patternLength, opts) {
  const o = pack('dtwBatch', opts);
  return native.dtwBatch(toFloat64(pattern, 'pattern'), toFloat64(historical, 'historical'),
                         patternLength, undefined, o);
}

function dtwSliding(pattern, series, window, stride, opts) {
  const o = pack('dtwSliding', opts);
  return native.dtwSliding(toFloat64(pattern, 'pattern'), toFloat64(series, 'series'),
                           window, stride, o);
}

function dtwSearch(query, series, k, opts) {
  const o = pack('dtwSearch', opts);
  return native.dtwSearch(toFloat64(query, 'query'), toFloat64(series, 'series'), k, undefined, o);
}

// Free-start, free-end matches of the whole query (hdtw_subsequence):
// { starts, ends, distances }, Float64Arrays in the order picked, ends
// inclusive (match i is series[starts[i] .. ends[i]]).
function dtwSubsequence(query, series, opts) {
  const o = pack('dtwSubsequence', opts);
  return native.dtwSubsequence(toFloat64(query, 'query'), toFloat64(series, 'series'),
                               subsequenceK(opts), undefined, o);
}

// A and B: arrays of series (Float64Array or number[], any lengths). The
// result is row-major: element i * B.length + j is the distance of A[i]
// and B[j].
function dtwCdist(A, B, opts) {
  const o = pack('dtwCdist', opts);
  return native.dtwCdist(toSeriesArray(A, 'A'), toSeriesArray(B, 'B'), undefined, undefined, o);
}

// The condensed upper triangle, in scipy.spatial.distance.pdist order:
// element n*i - i*(i+1)/2 + (j-i-1) is the distance of X[i] and X[j], i < j.
function dtwPdist(X, opts) {
  const o = pack('dtwPdist', opts);
  return native.dtwPdist(toSeriesArray(X, 'X'), undefined, undefined, undefined, o);
}

function znorm(x) {
  return native.znorm(toFloat64(x, 'x'));
}

// The body of an async function runs synchronously up to its first await,
// so the inputs are converted and the options read before these return; a
// throw becomes a rejected promise.
async function dtwDistanceAsync(a, b, opts) {
  const o = pack('dtwDistance', opts);
  return distanceResult(await native.dtwDistanceAsync(toFloat64(a, 'a'), toFloat64(b, 'b'),
                                                      undefined, undefined, o));
}

async function dtwBatchAsync(pattern, historical, patternLength, opts) {
  const o = pack('dtwBatch', opts);
  return native.dtwBatchAsync(toFloat64(pattern, 'pattern'), toFloat64(historical, 'historical'),
                              patternLength, undefined, o);
}

async function dtwSlidingAsync(pattern, series, window, stride, opts) {
  const o = pack('dtwSliding', opts);
  return native.dtwSlidingAsync(toFloat64(pattern, 'pattern'), toFloat64(series, 'series'),
                                window, stride, o);
}

async function dtwSearchAsync(query, series, k, opts) {
  const o = pack('dtwSearch', opts);
  return native.dtwSearchAsync(toFloat64(query, 'query'), toFloat64(series, 'series'), k, undefined, o);
}

async function dtwSubsequenceAsync(query, series, opts) {
  const o = pack('dtwSubsequence', opts);
  return native.dtwSubsequenceAsync(toFloat64(query, 'query'), toFloat64(series, 'series'),
                                    subsequenceK(opts), undefined, o);
}

async function dtwCdistAsync(A, B, opts) {
  const o = pack('dtwCdist', opts);
  return native.dtwCdistAsync(toSeriesArray(A, 'A'), toSeriesArray(B, 'B'), undefined, undefined, o);
}

async function dtwPdistAsync(X, opts) {
  const o = pack('dtwPdist', opts);
  return native.dtwPdistAsync(toSeriesArray(X, 'X'), undefined, undefined, undefined, o);
}

async function znormAsync(x) {
  return native.znormAsync(toFloat64(x, 'x'));
}

const lastBackend = () => native.lastBackend();
const openclDevices = () => native.openclDevices();

module.exports = {
  dtwDistance, dtwBatch, dtwSliding, dtwSearch, dtwSubsequence, dtwCdist, dtwPdist, znorm,
  dtwDistanceAsync, dtwBatchAsync, dtwSlidingAsync, dtwSearchAsync, dtwSubsequenceAsync,
  dtwCdistAsync, dtwPdistAsync, znormAsync,
  lastBackend, openclDevices,
};
// Not part of the API: hdtw_distance run `reps` times in C, so that
// bench/js/seed_bench.js can time one call's DTW work without the binding.
Object.defineProperty(module.exports, 'distanceLoop', {
  enumerable: false,
  value: (a, b, reps, opts) => native.distanceLoop(a, b, reps, undefined,
                                                   pack('dtwDistance', { ...opts, alignment: false })),
});
