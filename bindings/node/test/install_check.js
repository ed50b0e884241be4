// SPDX-License-Identifier: MIT
'use strict';
// CI's check of `npm install /path/to/hdtw/bindings/node` (.ci/run): copied
// into the installing project and run there, so that require('hdtw')
// resolves through that project's node_modules. One search and one distance
// are checked against a small DTW written here, independent of the package.
const assert = require('node:assert/strict');
const hdtw = require('hdtw');

// Unconstrained absolute-cost DTW, full matrix, in index order.
function dtw(a, b) {
  const D = Array.from({ length: a.length }, () => new Array(b.length).fill(Infinity));
  for (let i = 0; i < a.length; i++) {
    for (let j = 0; j < b.length; j++) {
      const best = i === 0 && j === 0 ? 0
        : Math.min(i > 0 && j > 0 ? D[i - 1][j - 1] : Infinity, i > 0 ? D[i - 1][j] : Infinity,
                   j > 0 ? D[i][j - 1] : Infinity);
      D[i][j] = Math.abs(a[i] - b[j]) + best;
    }
  }
  return D[a.length - 1][b.length - 1];
}

const series = Array.from({ length: 300 }, (_, i) => Math.sin(i / 7) * 10 + (i % 13));
const query = series.slice(150, 170).map((v, i) => v + (i % 3) * 0.25);
const { starts, distances } = hdtw.dtwSearch(query, series, 1, { znorm: false });
// the brute force: every window's distance, the smallest (first on ties)
let best = 0, bestDistance = Infinity;
for (let s = 0; s + query.length <= series.length; s++) {
  const d = dtw(query, series.slice(s, s + query.length));
  if (d < bestDistance) [best, bestDistance] = [s, d];
}
assert.equal(starts[0], best);
assert.ok(Object.is(distances[0], bestDistance));
const a = series.slice(3, 40), b = series.slice(100, 151);
assert.ok(Object.is(hdtw.dtwDistance(a, b, { alignment: false }).distance, dtw(a, b)));
console.log(`hdtw from npm install: search and distance as expected (backend ${hdtw.lastBackend()})`);
