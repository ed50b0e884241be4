// SPDX-License-Identifier: MIT
'use strict';
// npm's install step for the hdtw package (docs/NODE.md, "Installing").
// With an hdtw.node already next to index.js (a prebuilt addon), nothing is
// done. Otherwise the addon is built with the project's own CMake build
// from the hdtw source tree this package sits in (bindings/node of the
// repository), or from $HDTW_SOURCE_DIR, into ./build, and hdtw.node is
// copied next to index.js. Nothing is downloaded: the build needs cmake, a
// C compiler and node_api.h (scripts/install-deps in the repository).
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const packageDir = path.join(__dirname, '..');
const addon = path.join(packageDir, 'hdtw.node');

function fail(message) {
  process.stderr.write(`hdtw install: ${message}\n`);
  process.exit(1);
}

function sourceDir() {
  const candidates = [process.env.HDTW_SOURCE_DIR, path.join(packageDir, '..', '..')].filter(Boolean);
  const found = candidates.find((d) => fs.existsSync(path.join(d, 'include', 'hdtw.h')) &&
                                      fs.existsSync(path.join(d, 'CMakeLists.txt')));
  if (!found) {
    fail(`no prebuilt hdtw.node and no hdtw source tree (looked in ${candidates.join(', ')}); ` +
         'install from the repository (npm install /path/to/hdtw/bindings/node) or set HDTW_SOURCE_DIR');
  }
  return path.resolve(found);
}

function run(command, args) {
  process.stderr.write(`hdtw install: ${command} ${args.join(' ')}\n`);
  const r = spawnSync(command, args, { stdio: ['ignore', process.stderr, process.stderr] });
  if (r.error) fail(`cannot run ${command} (${r.error.code ?? r.error.message}); scripts/install-deps installs it`);
  if (r.status !== 0) fail(`${command} failed with status ${r.status ?? r.signal}`);
}

function main() {
  if (fs.existsSync(addon)) {
    process.stderr.write(`hdtw install: using the prebuilt ${addon}\n`);
    return;
  }
  const source = sourceDir(), build = path.join(packageDir, 'build');
  const jobs = String(Math.min(os.availableParallelism?.() ?? os.cpus().length, 8));
  run('cmake', ['-S', source, '-B', build, '-DCMAKE_BUILD_TYPE=Release', '-DHDTW_NODE=ON',
                `-DHDTW_NODE_EXECUTABLE=${process.execPath}`, '-DHDTW_TESTS=OFF', '-DHDTW_TOOLS=OFF']);
  run('cmake', ['--build', build, '--target', 'hdtw_node', '--parallel', jobs]);
  fs.copyFileSync(path.join(build, 'bindings', 'node', 'hdtw.node'), addon);
  process.stderr.write(`hdtw install: built ${addon}\n`);
}

main();
