// SPDX-License-Identifier: MIT
'use strict';
// The seed's benchmark: the hdtw Node addon against pure JavaScript in the
// same process, on the seed's cases (pairs of 50..2000 bars, a batch of
// 1000 windows x 100 bars), with the seed's decision rule on the speedup:
// >= 50x GO, 25-50x CONDITIONAL, < 25x NO-GO (decided by the batch case).
//
// The fixed rule ignores the machine, so the benchmark also prints the
// highest speedup this machine allows: cores x the per-core op-mix bound
// (GCUPS) / the pure-JS GCUPS of the same case, and the share of that
// ceiling the addon reaches. The bound comes from dtwbench's calibration
// (`dtwbench --limit --json FILE`, given here as --limit-json FILE) or from
// --bound GCUPS; without either the ceiling is reported as unknown.
//   node bench/js/seed_bench.js [--pairs 50,100,...] [--batch COUNTxLEN]
//        [--repeats R] [--cost abs|squared] [--band B] [--backend NAME]
//        [--threads T] [--limit-json FILE] [--bound GCUPS] [--json FILE]
// The table goes to stderr, the JSON to stdout (or to FILE). Build the addon
// first (docs/NODE.md); HDTW_NODE_ADDON may point at another hdtw.node.
const os = require('node:os');
const fs = require('node:fs');
const path = require('node:path');
const js = require('./dtw.js');
const { randomWalk, timeEach } = require('./timing.js');
const hdtw = require(path.join(__dirname, '..', '..', 'bindings', 'node'));

const GO = 50, CONDITIONAL = 25;
// the issue's targets, as shares of the machine's ceiling
const BATCH_SHARE_TARGET = 0.85, LONG_PAIR_SHARE_TARGET = 0.70, LONG_PAIR_BARS = 500;

function verdict(speedup) {
  return speedup >= GO ? 'GO' : speedup >= CONDITIONAL ? 'CONDITIONAL' : 'NO-GO';
}

function parseArgs(argv) {
  const o = { pairs: [50, 100, 200, 500, 1000, 2000], batch: [1000, 100], repeats: 10,
              cost: 'abs', band: -1, backend: 'auto', threads: 0, json: null,
              limitJson: null, bound: null };
  for (let i = 2; i < argv.length; i += 2) {
    const v = argv[i + 1];
    switch (argv[i]) {
      case '--pairs': o.pairs = v ? v.split(',').map(Number) : []; break;
      case '--batch': o.batch = v.split('x').map(Number); break;
      case '--repeats': o.repeats = Number(v); break;
      case '--cost': o.cost = v; break;
      case '--band': o.band = Number(v); break;
      case '--backend': o.backend = v; break;
      case '--threads': o.threads = Number(v); break;
      case '--json': o.json = v; break;
      case '--limit-json': o.limitJson = v; break;
      case '--bound': o.bound = Number(v); break;
      default: throw new Error(`unknown option ${argv[i]}`);
    }
  }
  if (o.bound !== null && !(o.bound > 0)) throw new Error('--bound takes a positive GCUPS figure');
  return o;
}

// The per-core op-mix bound of each CPU backend, in GCUPS:
// { source, machine, perCore: { scalar, avx2, avx512 } | null, override }.
function readLimit(o) {
  const limit = { source: 'none', machine: null, perCore: null, override: o.bound };
  if (o.limitJson) {
    const data = JSON.parse(fs.readFileSync(o.limitJson, 'utf8'));
    const perCore = data.opmix_gcups_per_core;
    if (!perCore || typeof perCore !== 'object')
      throw new Error(`${o.limitJson}: no opmix_gcups_per_core (expected dtwbench --limit --json output)`);
    Object.assign(limit, { source: o.limitJson, machine: data.machine ?? null, perCore });
  }
  if (o.bound !== null) limit.source = '--bound';
  return limit;
}

// The per-core bound of the machine: the override, else the best CPU
// backend's calibrated figure (what this machine allows, whichever backend
// served the case); null (unknown) without calibration, and for a case an
// OpenCL device served (the CPU's bound says nothing about it).
function machineBound(limit) {
  if (limit.override !== null) return { gcups: limit.override, backend: null };
  let best = { gcups: null, backend: null };
  for (const [backend, gcups] of Object.entries(limit.perCore ?? {}))
    if (typeof gcups === 'number' && gcups > (best.gcups ?? 0)) best = { gcups, backend };
  return best;
}

// A single pair runs on one thread; a batch on `threads` (0: every core).
function coresUsed(c, o, cores) {
  if (c.count === 1) return 1;
  return o.threads > 0 ? Math.min(o.threads, cores) : cores;
}

// ceiling = cores used x bound / JS GCUPS; share = speedup / ceiling.
function withCeiling(c, o, cores, limit) {
  const jsGcups = c.cells / c.js.mean * 1e-9;
  const bound = c.backend === 'opencl' ? null : machineBound(limit).gcups;
  const used = coresUsed(c, o, cores);
  const ceiling = bound === null ? null : used * bound / jsGcups;
  return { ...c, js_gcups: jsGcups, addon_gcups: c.cells / c.addon.mean * 1e-9, cores_used: used,
           bound_gcups_per_core: bound, ceiling, share: ceiling === null ? null : c.speedup / ceiling };
}

const summary = ({ mean, std, median }) => ({ mean, std, median });

// Every double of the addon's answer against pure JS, with Object.is.
function identical(a, b) {
  if (typeof a === 'number') return Object.is(a, b);
  return a.length === b.length && a.every((x, k) => Object.is(x, b[k]));
}

function pairCase(n, o) {
  const a = randomWalk(n, 1), b = randomWalk(n, 2);
  const base = { cost: o.cost, band: o.band };
  // options built once, as a caller in a loop would (reading a fresh
  // object's properties costs the addon about a microsecond)
  const opts = { ...base, backend: o.backend, threads: o.threads };
  const distanceOnly = { ...opts, alignment: false };
  const [tJs, tAddon, tPath] = timeEach([
    () => js.dtw(a, b, base),
    () => hdtw.dtwDistance(a, b, distanceOnly).distance,
    () => hdtw.dtwDistance(a, b, opts).distance,
  ], o.repeats);
  hdtw.dtwDistance(a, b, distanceOnly); // the path call above always runs on the CPU
  const backend = hdtw.lastBackend();
  return { case: `pair ${n}`, m: n, n, count: 1, cells: n * n, js: summary(tJs),
           addon: summary(tAddon), addon_with_path: summary(tPath),
           speedup: tJs.mean / tAddon.mean, speedup_with_path: tJs.mean / tPath.mean,
           identical: identical(tAddon.result, tJs.result) && identical(tPath.result, tJs.result),
           backend };
}

function batchCase([count, n], o) {
  const pattern = randomWalk(n, 1), windows = randomWalk(count * n, 3);
  const base = { cost: o.cost, band: o.band };
  const opts = { ...base, backend: o.backend, threads: o.threads };
  const [tJs, tAddon] = timeEach([
    () => js.dtwBatch(pattern, windows, n, base),
    () => hdtw.dtwBatch(pattern, windows, n, opts),
  ], o.repeats);
  return { case: `batch ${count}x${n}`, m: n, n, count, cells: count * n * n,
           js: summary(tJs), addon: summary(tAddon), speedup: tJs.mean / tAddon.mean,
           identical: identical(tAddon.result, tJs.result), backend: hdtw.lastBackend() };
}

// The cost of one call beyond its DTW work, for a 50-bar pair: a call of
// dtwDistance(a, b, { alignment: false }) minus one hdtw_distance on the
// same pair and context timed inside C (the addon's distanceLoop, 1000
// calls per sample), both in the same run, interleaved; and, for scale, a
// 1-bar call.
// (A pair inside a batch is no measure of a single pair's DTW work: the
// batch kernels run several windows per vector.)
function overhead(o) {
  const a = randomWalk(50, 1), b = randomWalk(50, 2), loops = 1000;
  const one = new Float64Array([1]);
  const base = { cost: o.cost, band: o.band, backend: o.backend, threads: o.threads };
  const opts = { ...base, alignment: false };
  const [tCall, tLoop, tTiny] = timeEach([
    () => hdtw.dtwDistance(a, b, opts),
    () => hdtw.distanceLoop(a, b, loops, base),
    () => hdtw.dtwDistance(one, one, opts),
  ], o.repeats);
  // the fastest sample of each: on a busy machine noise only adds time,
  // and a difference of medians can swing by more than the overhead itself
  const fastest = (t) => Math.min(...t.secs);
  const call = fastest(tCall), inC = fastest(tLoop) / loops;
  return { pair50_call_us: call * 1e6, pair50_in_c_us: inC * 1e6, overhead_us: (call - inC) * 1e6,
           one_bar_call_us: fastest(tTiny) * 1e6, statistic: 'fastest sample' };
}

const ms = (s) => (s * 1e3).toFixed(4);

const times = (x, digits = 1) => (x === null ? 'unknown' : `${x.toFixed(digits)}×`);
const percent = (x) => (x === null ? '—' : `${(x * 100).toFixed(0)}%`);

function ceilingLines(result) {
  const { limit, verdict_case: name } = result;
  const batch = result.cases.find((c) => c.case === name);
  if (batch.ceiling === null) {
    const why = batch.backend === 'opencl' ? 'the batch ran on OpenCL, which the CPU bound does not cover'
      : 'no calibration given (--limit-json FILE from `dtwbench --limit --json FILE`, or --bound GCUPS)';
    return [`machine ceiling: unknown (${why}); only the fixed rule applies`];
  }
  const from = limit.bound_backend ? `${limit.bound_backend} op-mix bound from ${limit.source}` : limit.source;
  const lines = [
    `machine ceiling (${name}): ${batch.cores_used} cores × ${batch.bound_gcups_per_core.toFixed(2)} GCUPS/core ` +
    `(${from}${limit.machine ? `, ${limit.machine}` : ''}) ` +
    `÷ pure JS ${batch.js_gcups.toFixed(3)} GCUPS = ${times(batch.ceiling)}; achieved ${times(batch.speedup)}, ` +
    `${percent(batch.share)} of it`,
  ];
  if (batch.ceiling < GO)
    lines.push(`the GO line (${GO}×) is above this machine's ceiling (${times(batch.ceiling)}): ` +
               'it cannot be reached on this CPU, however good the code');
  return lines;
}

// With an fp64 GPU present, the batch and the long pairs again on OpenCL:
// rows of their own, outside the CPU's ceiling and the verdict.
function gpuCases(o) {
  const gpus = hdtw.openclDevices().filter((d) => d.isGpu && d.fp64);
  if (gpus.length === 0 || o.backend === 'opencl') return { gpus: [], cases: [] };
  const og = { ...o, backend: 'opencl' };
  const cases = [...o.pairs.filter((n) => n >= LONG_PAIR_BARS).map((n) => pairCase(n, og)), batchCase(o.batch, og)]
    .map((c) => ({ ...c, case: `${c.case} on opencl`, verdict: verdict(c.speedup) }));
  return { gpus: gpus.map((d) => d.name), cases };
}

function gpuLines(result) {
  if (result.gpu_cases.length === 0) return [];
  const lines = ['', `GPU rows (OpenCL; GPUs here: ${result.gpus.join(', ')}):`,
                 '| case | pure JS ms | addon ms | speedup | identical | backend | verdict |', '|---|---|---|---|---|---|---|'];
  for (const c of result.gpu_cases)
    lines.push(`| ${c.case} | ${ms(c.js.mean)} | ${ms(c.addon.mean)} | ${c.speedup.toFixed(1)}× | ` +
               `${c.identical ? 'yes' : 'NO'} | ${c.backend} | ${c.verdict} |`);
  return lines;
}

function table(result) {
  const lines = [
    `hdtw addon vs pure JS — ${result.runtime}, ${result.cpu} (${result.cores} cores), ` +
    `cost ${result.cost}, band ${result.band}, backend ${result.backend_option} ` +
    `(served by ${result.cases.at(-1).backend}), ${result.repeats} repeats`,
    '| case | pure JS ms (mean ± std) | addon ms (mean ± std) | speedup | addon + path ms | speedup with path | identical | backend | cores | ceiling | share | verdict |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const c of result.cases) {
    const p = c.addon_with_path;
    lines.push(`| ${c.case} | ${ms(c.js.mean)} ± ${ms(c.js.std)} | ${ms(c.addon.mean)} ± ${ms(c.addon.std)} | ` +
               `${c.speedup.toFixed(1)}× | ${p ? `${ms(p.mean)} ± ${ms(p.std)}` : '—'} | ` +
               `${p ? `${c.speedup_with_path.toFixed(1)}×` : '—'} | ${c.identical ? 'yes' : 'NO'} | ` +
               `${c.backend} | ${c.cores_used} | ${times(c.ceiling)} | ${percent(c.share)} | ${c.verdict} |`);
  }
  const ov = result.overhead;
  lines.push('', `per-call overhead, 50-bar pair: ${ov.overhead_us.toFixed(2)} µs ` +
             `(call ${ov.pair50_call_us.toFixed(2)} µs, hdtw_distance on the same pair in C ` +
             `${ov.pair50_in_c_us.toFixed(2)} µs; a 1-bar call ${ov.one_bar_call_us.toFixed(2)} µs)`);
  lines.push(...ceilingLines(result), ...gpuLines(result));
  for (const [what, t] of Object.entries(result.targets))
    lines.push(`target ${what}: ${t.text} ${t.met === null ? 'unknown' : t.met ? 'met' : 'MISSED'}`);
  lines.push(`verdict (${result.verdict_case}, thresholds ≥ ${GO}× GO, ${CONDITIONAL}–${GO}× CONDITIONAL): ${result.verdict}`);
  return lines.join('\n') + '\n';
}

// The seed's fixed targets, then the per-machine ones (shares of the
// ceiling) where the ceiling is known.
function targets(cases) {
  const out = {}, batch = cases.at(-1), pair100 = cases.find((c) => c.case === 'pair 100');
  out[batch.case] = { text: `${batch.speedup.toFixed(1)}× (need ≥ ${GO}×)`, met: batch.speedup >= GO };
  if (pair100) out[pair100.case] = { text: `${pair100.speedup.toFixed(1)}× (need ≥ 10×)`, met: pair100.speedup >= 10 };
  const share = (c, need) => ({ text: `${percent(c.share)} of the ceiling (need ≥ ${percent(need)})`,
                                met: c.share === null ? null : c.share >= need });
  out[`${batch.case} share`] = share(batch, BATCH_SHARE_TARGET);
  for (const c of cases.filter((c) => c.count === 1 && c.n >= LONG_PAIR_BARS))
    out[`${c.case} share`] = share(c, LONG_PAIR_SHARE_TARGET);
  return out;
}

function main() {
  const o = parseArgs(process.argv);
  const limit = readLimit(o);
  const cores = o.threads > 0 ? o.threads : os.availableParallelism?.() ?? os.cpus().length;
  const cases = [...o.pairs.map((n) => pairCase(n, o)), batchCase(o.batch, o)]
    .map((c) => withCeiling({ ...c, verdict: verdict(c.speedup) }, o, cores, limit));
  const batch = cases.at(-1), gpu = gpuCases(o);
  const result = {
    runtime: `node ${process.version}`, cpu: os.cpus()[0]?.model ?? 'unknown',
    cores: os.availableParallelism?.() ?? os.cpus().length, cost: o.cost, band: o.band,
    backend_option: o.backend, threads: o.threads, repeats: o.repeats,
    thresholds: { go: GO, conditional: CONDITIONAL },
    limit: { source: limit.source, machine: limit.machine, opmix_gcups_per_core: limit.perCore,
             bound_override: limit.override, bound_backend: machineBound(limit).backend },
    cases, overhead: overhead(o), targets: targets(cases),
    verdict_case: batch.case, verdict: verdict(batch.speedup),
    machine_ceiling: batch.ceiling, machine_share: batch.share,
    gpus: gpu.gpus, gpu_cases: gpu.cases,
    all_identical: [...cases, ...gpu.cases].every((c) => c.identical),
  };
  process.stderr.write(table(result));
  const text = JSON.stringify(result, null, 1) + '\n';
  if (o.json) fs.writeFileSync(o.json, text); else process.stdout.write(text);
  if (!result.all_identical) process.exitCode = 1; // a wrong answer is never a benchmark result
}

main();
