# SPDX-License-Identifier: MIT
"""Pure-Python DTW, written from the definition in include/hdtw.h, never
from hdtw's code: the oracle the binding's answers must equal bit for bit.
Python floats are IEEE-754 doubles and every step below is one rounded
operation in the order hdtw.h specifies (no fused multiply-add)."""
import math
from fractions import Fraction

INF = math.inf


def _cost(x, y, cost):
    d = x - y
    return abs(d) if cost == "abs" else d * d


def _in_band(i, j, m, n, band):
    return band < 0 or abs(i - j) <= max(band, abs(m - n))


def cost_matrix(a, b, cost="abs", band=-1, fused=False):
    """The full accumulated-cost matrix D (a list of rows), +inf outside the
    band. fused=True rounds c + min once, as a fused multiply-add does
    (numba fastmath, aeon): float(Fraction) is correctly rounded."""
    m, n = len(a), len(b)
    D = [[INF] * n for _ in range(m)]
    for i in range(m):
        for j in range(n):
            if not _in_band(i, j, m, n, band):
                continue
            best = 0.0 if i == 0 and j == 0 else min(
                D[i - 1][j] if i else INF,
                D[i][j - 1] if j else INF,
                D[i - 1][j - 1] if i and j else INF)
            if fused:
                d = Fraction(a[i]) - Fraction(b[j])
                D[i][j] = float(d * d + Fraction(best))
            else:
                D[i][j] = _cost(a[i], b[j], cost) + best
    return D


def distance(a, b, cost="abs", band=-1, fused=False):
    return cost_matrix(a, b, cost, band, fused)[-1][-1]


def align(a, b, cost="abs", band=-1):
    """(distance, similarity, path): walk back from the end, ties
    preferring the diagonal, then (i-1, j), then (i, j-1)."""
    D = cost_matrix(a, b, cost, band)
    i, j = len(a) - 1, len(b) - 1
    path = [(i, j)]
    while i or j:
        steps = []
        if i and j:
            steps.append((D[i - 1][j - 1], i - 1, j - 1))
        if i:
            steps.append((D[i - 1][j], i - 1, j))
        if j:
            steps.append((D[i][j - 1], i, j - 1))
        best = min(s[0] for s in steps)
        _, i, j = next(s for s in steps if s[0] == best)
        path.append((i, j))
    path.reverse()
    dist = D[-1][-1]
    return dist, 1.0 / (1.0 + dist / len(path)), path


def znorm(x):
    """hdtw.h's z-normalisation, step by step."""
    n = len(x)
    if all(v == x[0] for v in x):
        return [0.0] * n
    total = 0.0
    for v in x:
        total = total + v
    mean = total / n
    acc = 0.0
    for v in x:
        acc = acc + (v - mean) * (v - mean)
    sd = math.sqrt(acc / n)
    if sd == 0.0:
        return [0.0] * n
    return [(v - mean) / sd for v in x]


def search(query, series, k, znormed=True, exclusion=None, cost="abs",
           band=-1):
    """Every window's distance, ranked by (distance, start), filtered by
    the exclusion zone: [(start, distance), ...]."""
    m = len(query)
    q = znorm(query) if znormed else query
    ranked = []
    for s in range(len(series) - m + 1):
        w = series[s:s + m]
        ranked.append((distance(q, znorm(w) if znormed else w, cost, band), s))
    ranked.sort()
    zone = m // 2 if exclusion is None else exclusion
    kept = []
    for dist, s in ranked:
        if all(abs(s - t) >= zone for t, _ in kept):
            kept.append((s, dist))
        if len(kept) == k:
            break
    return kept


def subsequence(query, series, k, cost="abs", max_dist=0.0):
    """Free-start, free-end subsequence DTW as include/hdtw.h defines
    hdtw_subsequence, from the whole matrix: [(start, end, distance), ...]
    in the order picked. Row 0 is c(q0, s_j) (a path may begin anywhere);
    each end is walked back cell by cell with align's tie rule to the
    column where its path leaves row 0; then greedy: smallest cost first
    (ties: smaller end), skipping spans that overlap one already picked.
    max_dist > 0 drops the ends that cost more."""
    m, n = len(query), len(series)
    D = [[INF] * n for _ in range(m)]
    for j in range(n):
        D[0][j] = _cost(query[0], series[j], cost)
    for i in range(1, m):
        for j in range(n):
            best = min(D[i - 1][j], D[i][j - 1] if j else INF,
                       D[i - 1][j - 1] if j else INF)
            D[i][j] = _cost(query[i], series[j], cost) + best

    def start_of(end):
        i, j = m - 1, end
        while i > 0:
            if j == 0:  # column 0: only "up" exists
                i -= 1
                continue
            diag, up, left = D[i - 1][j - 1], D[i - 1][j], D[i][j - 1]
            if diag <= up and diag <= left:
                i, j = i - 1, j - 1
            elif up <= left:
                i -= 1
            else:
                j -= 1
        return j

    ranked = sorted((D[m - 1][e], e) for e in range(n)
                    if max_dist == 0 or not D[m - 1][e] > max_dist)
    picked = []
    for dist, end in ranked:
        if len(picked) == k:
            break
        start = start_of(end)
        if all(end < s or start > e for s, e, _ in picked):
            picked.append((start, end, dist))
    return picked
