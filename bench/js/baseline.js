// SPDX-License-Identifier: MIT
'use strict';
// Times the pure-JavaScript DTW on the seed's cases and prints JSON, so the
// C benchmarks can report "x faster than JS" from the same machine and run.
//   node bench/js/baseline.js [--pairs 50,100,...] [--batch COUNTxLEN]...
//                             [--repeats R] [--cost abs|squared] [--band B]
// Inputs are the same deterministic random walks as bench/ uses (seeded
// splitmix64 in timing.js), so results can also be checked bit for bit.
const { dtw, dtwBatch } = require('./dtw.js');
const { randomWalk, time } = require('./timing.js');

function parseArgs(argv) {
  const o = { pairs: [50, 100, 200, 500, 1000, 2000], batches: [[1000, 100]],
              repeats: 5, cost: 'abs', band: -1 };
  for (let i = 2; i < argv.length; i++) {
    const v = argv[++i];
    switch (argv[i - 1]) {
      case '--pairs': o.pairs = v ? v.split(',').map(Number) : []; break;
      case '--batch': o.batches.push(v.split('x').map(Number)); break;
      case '--no-default-batch': o.batches = []; i--; break;
      case '--repeats': o.repeats = Number(v); break;
      case '--cost': o.cost = v; break;
      case '--band': o.band = Number(v); break;
      default: throw new Error(`unknown option ${argv[i - 1]}`);
    }
  }
  return o;
}

function main() {
  const o = parseArgs(process.argv);
  const opts = { cost: o.cost, band: o.band };
  const cases = [];
  for (const n of o.pairs) {
    const a = randomWalk(n, 1), b = randomWalk(n, 2);
    const t = time(() => dtw(a, b, opts), o.repeats);
    cases.push({ case: `pair ${n}`, m: n, n, count: 1, seconds: t.median,
                 cells: n * n, gcups: n * n / t.median * 1e-9, result: t.result });
  }
  for (const [count, n] of o.batches) {
    const pattern = randomWalk(n, 1), windows = randomWalk(count * n, 3);
    const t = time(() => dtwBatch(pattern, windows, n, opts), o.repeats);
    const cells = count * n * n;
    cases.push({ case: `batch ${count}x${n}`, m: n, n, count, seconds: t.median,
                 cells, gcups: cells / t.median * 1e-9, result: t.result[0] });
  }
  process.stdout.write(JSON.stringify({ runtime: `node ${process.version}`,
    cost: o.cost, band: o.band, repeats: o.repeats, cases }, null, 1) + '\n');
}

main();
