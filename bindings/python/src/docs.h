/* SPDX-License-Identifier: MIT */
/*
 * docs.h — the docstrings of the hdtw module (the worked examples are run
 * by tests/test_docs.py; the numbers quoted from dtaidistance and tslearn
 * were computed with dtaidistance 2.5.1 and tslearn 0.10.0).
 */
#ifndef HDTW_PY_DOCS_H
#define HDTW_PY_DOCS_H

#define OPTIONS_DOC \
"Keyword options (all functions that compute distances):\n" \
"    cost     'abs' (|x - y|, the default) or 'squared' ((x - y)**2, the\n" \
"             accumulated cost, never square-rooted)\n" \
"    band     -1 (no constraint, the default) or the Sakoe-Chiba half\n" \
"             width r >= 0: cell (i, j) exists only where\n" \
"             |i - j| <= max(r, |len(a) - len(b)|)\n" \
"    backend  'auto' (the default), 'scalar', 'avx2', 'avx512' or 'opencl';\n" \
"             every backend returns the same bits\n" \
"    threads  CPU threads, 0 = all cores (the default); never changes a\n" \
"             result\n" \
"    max_dist (all but align and search) None (the default) or 0: no\n" \
"             threshold; > 0: a distance greater than max_dist comes back\n" \
"             as inf, one equal to it as it is, so the answer is the exact\n" \
"             distance or inf on every backend (inf changes nothing);\n" \
"             negative or NaN: ValueError, as the C library refuses them\n" \
"\n" \
"Arrays: C-contiguous float64 arrays are read in place (no copy); lists,\n" \
"other dtypes and strided views are converted once to float64. The GIL is\n" \
"released while hdtw computes.\n" \
"Errors: NaN or Inf -> ValueError naming the argument; a wrong type ->\n" \
"TypeError; a wrong shape, an empty array or a bad option -> ValueError;\n" \
"out of memory -> MemoryError; an OpenCL device failure -> RuntimeError.\n"

#define PROGRESS_DOC \
"progress  None (the default) or a callable(done, total) -> bool | None,\n" \
"          called on the calling thread (with the GIL) before any work,\n" \
"          between pieces of work about every 10 to 100 ms, and last with\n" \
"          done == total; done only grows (batch and sliding count\n" \
"          windows, cdist and pdist pairs). Returning True cancels: the\n" \
"          call raises hdtw.CancelledError and returns nothing. An\n" \
"          exception in the callable, or Ctrl-C (KeyboardInterrupt, whose\n" \
"          handler runs there), also cancels and is re-raised. With a\n" \
"          callable, results are staged in a second buffer of the\n" \
"          output's size.\n" \
"\n"

#define MODULE_DOC \
"Dynamic Time Warping on CPUs and GPUs, bit for bit the same.\n" \
"\n" \
"    D(0,0) = c(a0, b0)\n" \
"    D(i,j) = c(ai, bj) + min(D(i-1,j), D(i,j-1), D(i-1,j-1))\n" \
"    distance = D(m-1, n-1)\n" \
"\n" \
"Conventions of other libraries:\n" \
"  dtaidistance  dtw.distance(a, b, window=w) is\n" \
"                math.sqrt(hdtw.distance(a, b, cost='squared', band=w-1))\n" \
"                (equal lengths)\n" \
"  tslearn       dtw(a, b, global_constraint='sakoe_chiba',\n" \
"                sakoe_chiba_radius=r) is\n" \
"                math.sqrt(hdtw.distance(a, b, cost='squared', band=r))\n" \
"                (equal lengths)\n" \
"  aeon          dtw_distance(a, b) is hdtw.distance(a, b, cost='squared')\n" \
"\n" OPTIONS_DOC

#define DISTANCE_DOC \
"distance($module, a, b, /, *, cost='abs', band=-1, backend='auto', threads=0, max_dist=None)\n" \
"--\n" \
"\n" \
"DTW distance between the 1-D series a and b (any lengths), a float.\n" \
"\n" \
">>> import math, hdtw\n" \
">>> a = [0., 1., 2., 3., 2., 0., 1., 0.]\n" \
">>> b = [0., 0., 1., 3., 3., 1., 1., 0.]\n" \
">>> hdtw.distance(a, b)\n" \
"3.0\n" \
"\n" \
"dtaidistance: dtw.distance(a, b, window=2) gives 1.7320508075688772\n" \
"here; window=w is band=w-1 with the squared cost, square-rooted:\n" \
"\n" \
">>> math.sqrt(hdtw.distance(a, b, cost='squared', band=2 - 1))\n" \
"1.7320508075688772\n" \
"\n" \
"tslearn: dtw(a, b, global_constraint='sakoe_chiba',\n" \
"sakoe_chiba_radius=0) gives 2.0 here; radius r is band=r:\n" \
"\n" \
">>> math.sqrt(hdtw.distance(a, b, cost='squared', band=0))\n" \
"2.0\n" \
"\n" \
"max_dist: past it only \"too far\" matters (k-NN, pruning):\n" \
"\n" \
">>> hdtw.distance(a, b, max_dist=3.0), hdtw.distance(a, b, max_dist=2.5)\n" \
"(3.0, inf)\n" \
"\n" OPTIONS_DOC

#define ALIGN_DOC \
"align($module, a, b, /, *, cost='abs', band=-1, backend='auto', threads=0)\n" \
"--\n" \
"\n" \
"An optimal alignment: Alignment(distance, similarity, path).\n" \
"\n" \
"distance is distance()'s result, similarity = 1 / (1 + distance / k) in\n" \
"(0, 1], and path is a (k, 2) intp array of index pairs (i, j) from (0, 0)\n" \
"to (len(a)-1, len(b)-1). Ties on the way back prefer the diagonal, then\n" \
"(i-1, j), then (i, j-1). Always computed on the CPU with O(len(a) *\n" \
"len(b)) memory.\n" \
"\n" \
">>> import hdtw\n" \
">>> al = hdtw.align([0., 1., 2.], [0., 2.])\n" \
">>> al.distance, al.similarity\n" \
"(1.0, 0.75)\n" \
">>> al.path.tolist()\n" \
"[[0, 0], [1, 0], [2, 1]]\n" \
"\n" OPTIONS_DOC

#define BATCH_DOC \
"batch($module, pattern, windows, /, *, cost='abs', band=-1, backend='auto', threads=0, max_dist=None, progress=None)\n" \
"--\n" \
"\n" \
"distance(pattern, windows[k]) for every row k of the 2-D array windows\n" \
"(count, n): a float64 array of count distances.\n" \
"\n" \
">>> import hdtw\n" \
">>> hdtw.batch([0., 1.], [[0., 1.], [1., 1.], [2., 0.]]).tolist()\n" \
"[0.0, 1.0, 3.0]\n" \
"\n" PROGRESS_DOC OPTIONS_DOC

#define SLIDING_DOC \
"sliding($module, pattern, series, /, window, stride=1, *, cost='abs', band=-1, backend='auto', threads=0, max_dist=None, progress=None)\n" \
"--\n" \
"\n" \
"distance(pattern, series[s:s+window]) for s = 0, stride, 2*stride, ...\n" \
"while the window fits: a float64 array of (len(series) - window) //\n" \
"stride + 1 distances. The windows are read in place.\n" \
"\n" \
">>> import hdtw\n" \
">>> hdtw.sliding([0., 1.], [0., 1., 2., 3.], 2).tolist()\n" \
"[0.0, 2.0, 4.0]\n" \
"\n" PROGRESS_DOC OPTIONS_DOC

#define SEARCH_DOC \
"search($module, query, series, /, k=1, *, znorm=True, exclusion=None, cost='abs', band=-1, backend='auto', threads=0)\n" \
"--\n" \
"\n" \
"The k windows series[s:s+len(query)] most similar to query, exactly:\n" \
"(starts, distances), an intp and a float64 array, best first.\n" \
"\n" \
"znorm      z-normalise the query and every window first (znorm())\n" \
"exclusion  None = len(query) // 2: a window is skipped when its start is\n" \
"           closer than this to the start of a better one already\n" \
"           returned; 0 allows overlapping matches\n" \
"Fewer than k matches come back when the series runs out of windows.\n" \
"Pruned with lower bounds in the manner of the UCR Suite; always on the\n" \
"CPU. A band of about 5% of len(query) makes it much faster.\n" \
"\n" \
">>> import hdtw\n" \
">>> starts, dists = hdtw.search([1., 2., 3.], [0., 5., 1., 2., 3., 0.], k=1,\n" \
"...                              znorm=False)\n" \
">>> starts.tolist(), dists.tolist()\n" \
"([2], [0.0])\n" \
"\n" OPTIONS_DOC

#define SUBSEQUENCE_DOC \
"subsequence($module, query, series, /, k=1, *, cost='abs', backend='auto', threads=0, max_dist=None)\n" \
"--\n" \
"\n" \
"Where the whole query matches a stretch of series of any length (free\n" \
"start, free end; hdtw_subsequence): (starts, ends, distances), two intp\n" \
"arrays and a float64 array, in the order picked. ends are inclusive, as\n" \
"in the C library: match i is series[starts[i]:ends[i] + 1].\n" \
"\n" \
"    D(0, j) = c(q0, s_j)                    (free start)\n" \
"    D(i, j) = c(q_i, s_j) + min(D(i-1, j), D(i, j-1), D(i-1, j-1))\n" \
"\n" \
"Every end e costs D(len(query)-1, e); its start is where the path that\n" \
"reaches it leaves row 0 (ties: diagonal, then up, then left). Matches\n" \
"are picked greedily: the smallest cost first (ties: the smaller end),\n" \
"then the next whose span overlaps none picked, until k are picked or\n" \
"none is left (so fewer than k may come back). With max_dist > 0, ends\n" \
"that cost more are not candidates. No band option (a free start has no\n" \
"diagonal to band); threads is accepted for uniformity (one CPU thread\n" \
"runs it: AVX-512 where allowed, else scalar, the same bits).\n" \
"\n" \
">>> import hdtw\n" \
">>> series = [9., 9., 0., 4., 4., 4., 0., 9., 9., 0., 4., 0., 9.]\n" \
">>> starts, ends, dists = hdtw.subsequence([0., 4., 0.], series, k=2)\n" \
">>> starts.tolist(), ends.tolist(), dists.tolist()\n" \
"([2, 9], [6, 11], [0.0, 0.0])\n" \
"\n" OPTIONS_DOC

#define SETS_DOC \
"A set is a 2-D array (count, n), read in place when it is C-contiguous\n" \
"float64, or a sequence of 1-D arrays of any lengths (ragged), copied\n" \
"once into one buffer. Every element is the same bits as distance() on\n" \
"its pair. NaN or Inf: ValueError naming the series (\"A[3]\").\n" \
"\n"

#define CDIST_DOC \
"cdist($module, A, B, /, *, cost='abs', band=-1, backend='auto', threads=0, max_dist=None, progress=None)\n" \
"--\n" \
"\n" \
"The distance matrix between two sets: a float64 array D of shape\n" \
"(len(A), len(B)) with D[i, j] = distance(A[i], B[j]).\n" \
"\n" \
">>> import hdtw\n" \
">>> hdtw.cdist([[0., 1.], [2., 2.]], [[0., 1.], [1.], [0., 1., 2.]]).tolist()\n" \
"[[0.0, 1.0, 1.0], [3.0, 2.0, 3.0]]\n" \
"\n" SETS_DOC PROGRESS_DOC OPTIONS_DOC

#define PDIST_DOC \
"pdist($module, X, /, *, cost='abs', band=-1, backend='auto', threads=0, max_dist=None, progress=None)\n" \
"--\n" \
"\n" \
"The distances within a set, condensed in the order of\n" \
"scipy.spatial.distance.pdist: a float64 array of n*(n-1)//2 elements\n" \
"(n = len(X)) whose element n*i - i*(i+1)//2 + (j - i - 1) is\n" \
"distance(X[i], X[j]) for i < j; scipy.spatial.distance.squareform turns\n" \
"it into the square matrix. Each pair is computed once.\n" \
"\n" \
">>> import hdtw\n" \
">>> hdtw.pdist([[0., 1.], [2., 2.], [1.]]).tolist()\n" \
"[3.0, 1.0, 2.0]\n" \
"\n" SETS_DOC PROGRESS_DOC OPTIONS_DOC

#define ZNORM_DOC \
"znorm($module, x, /)\n" \
"--\n" \
"\n" \
"x z-normalised, a new float64 array: (x - mean) / sd with the population\n" \
"deviation, summed in index order exactly as search() does; all zeros when\n" \
"x is constant. NaN or Inf, or values beyond about 1e154 in magnitude:\n" \
"ValueError.\n" \
"\n" \
">>> import hdtw\n" \
">>> hdtw.znorm([1., 2., 3., 4.]).round(6).tolist()\n" \
"[-1.341641, -0.447214, 0.447214, 1.341641]\n"

#define BACKENDS_DOC \
"backends($module, /)\n" \
"--\n" \
"\n" \
"The backends available here, a list of str: 'scalar' always, then\n" \
"'avx2', 'avx512' and 'opencl' when this machine (and the environment's\n" \
"HDTW_DISABLE) allows them. backend='auto' is always accepted.\n"

#endif
