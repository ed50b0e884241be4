'use strict';
// The seed's benchmark: the hdtw Node addon against pure JavaScript in the
// same process, on the seed's cases (pairs of 50..2000 bars, a batch of
// 1000 windows x 100 bars), with the seed's decision rule on the speedup:
// >= 50x GO, 25-50x CONDITIONAL, < 25x NO-GO (decided by the batch case).
//   node bench/js/seed_bench.js [--pairs 50,100,...] [--batch COUNTxLEN]
//        [--repeats R] [--cost abs|squared] [--band B] [--backend NAME]
//        [--threads T] [--json FILE]
// The table goes to stderr, the JSON to stdout (or to FILE). Build the addon
// first (README, "Node.js"); HDTW_NODE_ADDON may point at another hdtw.node.
const os = require('node:os');
const fs = require('node:fs');
const path = require('node:path');
const js = require('./dtw.js');
const { randomWalk, timeEach } = require('./timing.js');
const hdtw = require(path.join(__dirname, '..', '..', 'bindings', 'node'));

const GO = 50, CONDITIONAL = 25;

function verdict(speedup) {
  return speedup >= GO ? 'GO' : speedup >= CONDITIONAL ? 'CONDITIONAL' : 'NO-GO';
}

function parseArgs(argv) {
  const o = { pairs: [50, 100, 200, 500, 1000, 2000], batch: [1000, 100], repeats: 10,
              cost: 'abs', band: -1, backend: 'auto', threads: 0, json: null };
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
      default: throw new Error(`unknown option ${argv[i]}`);
    }
  }
  return o;
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
  return { case: `pair ${n}`, m: n, n, count: 1, cells: n * n, js: summary(tJs),
           addon: summary(tAddon), addon_with_path: summary(tPath),
           speedup: tJs.mean / tAddon.mean, speedup_with_path: tJs.mean / tPath.mean,
           identical: identical(tAddon.result, tJs.result) && identical(tPath.result, tJs.result),
           backend: hdtw.lastBackend() };
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

// The cost of one call beyond its DTW work, for a 50-bar pair: a single
// call minus the per-window time of a 1000-window batch (which spreads one
// call's overhead over 1000 pairs); and, for scale, a call on 1-bar inputs.
function overhead(o) {
  const a = randomWalk(50, 1), b = randomWalk(50, 2), windows = new Float64Array(50 * 1000);
  for (let k = 0; k < 1000; k++) windows.set(b, 50 * k);
  const one = new Float64Array([1]);
  const opts = { cost: o.cost, band: o.band, backend: o.backend, threads: o.threads, alignment: false };
  const [tCall, tBatch, tTiny] = timeEach([
    () => hdtw.dtwDistance(a, b, opts),
    () => hdtw.dtwBatch(a, windows, 50, opts),
    () => hdtw.dtwDistance(one, one, opts),
  ], o.repeats);
  return { pair50_call_us: tCall.median * 1e6, pair50_in_batch_us: tBatch.median / 1000 * 1e6,
           overhead_us: (tCall.median - tBatch.median / 1000) * 1e6,
           one_bar_call_us: tTiny.median * 1e6 };
}

const ms = (s) => (s * 1e3).toFixed(4);

function table(result) {
  const lines = [
    `hdtw addon vs pure JS — ${result.runtime}, ${result.cpu} (${result.cores} cores), ` +
    `cost ${result.cost}, band ${result.band}, backend ${result.backend_option} ` +
    `(served by ${result.cases.at(-1).backend}), ${result.repeats} repeats`,
    '| case | pure JS ms (mean ± std) | addon ms (mean ± std) | speedup | addon + path ms | speedup with path | identical | verdict |',
    '|---|---|---|---|---|---|---|---|',
  ];
  for (const c of result.cases) {
    const p = c.addon_with_path;
    lines.push(`| ${c.case} | ${ms(c.js.mean)} ± ${ms(c.js.std)} | ${ms(c.addon.mean)} ± ${ms(c.addon.std)} | ` +
               `${c.speedup.toFixed(1)}× | ${p ? `${ms(p.mean)} ± ${ms(p.std)}` : '—'} | ` +
               `${p ? `${c.speedup_with_path.toFixed(1)}×` : '—'} | ${c.identical ? 'yes' : 'NO'} | ${c.verdict} |`);
  }
  const ov = result.overhead;
  lines.push('', `per-call overhead, 50-bar pair: ${ov.overhead_us.toFixed(2)} µs ` +
             `(call ${ov.pair50_call_us.toFixed(2)} µs, same pair inside a 1000-window batch ` +
             `${ov.pair50_in_batch_us.toFixed(2)} µs; a 1-bar call ${ov.one_bar_call_us.toFixed(2)} µs)`);
  for (const [what, t] of Object.entries(result.targets))
    lines.push(`target ${what}: ${t.speedup.toFixed(1)}× (need ≥ ${t.need}×) ${t.met ? 'met' : 'MISSED'}`);
  lines.push(`verdict (${result.verdict_case}, thresholds ≥ ${GO}× GO, ${CONDITIONAL}–${GO}× CONDITIONAL): ${result.verdict}`);
  return lines.join('\n') + '\n';
}

function main() {
  const o = parseArgs(process.argv);
  const cases = [...o.pairs.map((n) => pairCase(n, o)), batchCase(o.batch, o)]
    .map((c) => ({ ...c, verdict: verdict(c.speedup) }));
  const batch = cases.at(-1), pair100 = cases.find((c) => c.case === 'pair 100');
  const targets = { [batch.case]: { need: GO, speedup: batch.speedup, met: batch.speedup >= GO } };
  if (pair100) targets[pair100.case] = { need: 10, speedup: pair100.speedup, met: pair100.speedup >= 10 };
  const result = {
    runtime: `node ${process.version}`, cpu: os.cpus()[0]?.model ?? 'unknown',
    cores: os.availableParallelism?.() ?? os.cpus().length, cost: o.cost, band: o.band,
    backend_option: o.backend, threads: o.threads, repeats: o.repeats,
    thresholds: { go: GO, conditional: CONDITIONAL }, cases, overhead: overhead(o), targets,
    verdict_case: batch.case, verdict: verdict(batch.speedup),
    all_identical: cases.every((c) => c.identical),
  };
  process.stderr.write(table(result));
  const text = JSON.stringify(result, null, 1) + '\n';
  if (o.json) fs.writeFileSync(o.json, text); else process.stdout.write(text);
  if (!result.all_identical) process.exitCode = 1; // a wrong answer is never a benchmark result
}

main();
