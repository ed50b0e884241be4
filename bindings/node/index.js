'use strict';
// hdtw for Node.js: DTW distances computed by the C library, bit for bit
// the same as the pure-JavaScript reference (bench/js/dtw.js). The addon
// itself (hdtw.node) does all argument checking; this file only finds it:
//   1. $HDTW_NODE_ADDON, a path to hdtw.node (the tests set it);
//   2. hdtw.node next to this file (the CMake build folder
//      build/bindings/node, or an installed lib/node_modules/hdtw);
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
                    'build it with CMake (see README, "Node.js") or set HDTW_NODE_ADDON');
  }
  return found;
}

module.exports = require(addonPath());
