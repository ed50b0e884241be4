// SPDX-License-Identifier: MIT
'use strict';
// Shared by the JavaScript benchmarks (baseline.js, seed_bench.js): the
// seeded inputs and the timing method, so every number is taken the same way.

function splitmix64(seed) {
  let s = BigInt.asUintN(64, BigInt(seed));
  return () => {
    s = BigInt.asUintN(64, s + 0x9e3779b97f4a7c15n);
    let z = s;
    z = BigInt.asUintN(64, (z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n);
    z = BigInt.asUintN(64, (z ^ (z >> 27n)) * 0x94d049bb133111ebn);
    return z ^ (z >> 31n);
  };
}

// A random walk with steps uniform in [-1, 1): x[0] = step, x[i] = x[i-1] + step.
function randomWalk(n, seed) {
  const next = splitmix64(seed), x = new Float64Array(n);
  let level = 0;
  for (let i = 0; i < n; i++) {
    level += Number(next() >> 11n) * 2 ** -52 - 1;
    x[i] = level;
  }
  return x;
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b), h = s.length >> 1;
  return s.length % 2 ? s[h] : (s[h - 1] + s[h]) / 2;
}

function mean(xs) {
  return xs.reduce((sum, x) => sum + x, 0) / xs.length;
}

// Sample standard deviation (n - 1); 0 for a single sample.
function std(xs) {
  if (xs.length < 2) return 0;
  const mu = mean(xs);
  return Math.sqrt(xs.reduce((sum, x) => sum + (x - mu) ** 2, 0) / (xs.length - 1));
}

const MIN_SAMPLE_SECONDS = 0.02;

// How many calls make one sample: warmed up first (the JIT optimises hot
// functions only after some calls), then doubled until a sample lasts
// >= 20 ms, long enough for the clock to resolve.
function callsPerSample(fn) {
  for (let warm = 0; warm < 3; warm++) fn();
  for (let calls = 1; ; calls *= 2) {
    const t0 = process.hrtime.bigint();
    for (let c = 0; c < calls; c++) fn();
    if (Number(process.hrtime.bigint() - t0) * 1e-9 >= MIN_SAMPLE_SECONDS) return calls;
  }
}

// Seconds per call, averaged over one sample of `calls` calls.
function sample(fn, calls) {
  const t0 = process.hrtime.bigint();
  for (let c = 0; c < calls; c++) fn();
  return Number(process.hrtime.bigint() - t0) * 1e-9 / calls;
}

function stats(secs) {
  return { secs, median: median(secs), mean: mean(secs), std: std(secs) };
}

// Times each function `repeats` times, the samples interleaved (f0, f1, ...,
// f0, f1, ...) so that noise from other work on the machine falls on all of
// them alike. Returns one { secs, median, mean, std, result } per function.
function timeEach(fns, repeats) {
  const calls = fns.map(callsPerSample);
  const secs = fns.map(() => []);
  for (let r = 0; r < repeats; r++)
    fns.forEach((fn, k) => secs[k].push(sample(fn, calls[k])));
  return fns.map((fn, k) => ({ ...stats(secs[k]), result: fn() }));
}

function time(fn, repeats) {
  return timeEach([fn], repeats)[0];
}

module.exports = { splitmix64, randomWalk, median, mean, std, time, timeEach };
