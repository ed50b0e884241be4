#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The command-line tools on bad input (issue 12): every refusal is one line
# on stderr and a non-zero exit; the CSV reader's accepted forms give the
# same numbers as the plain file; --ahead and the flat warnings appear.
#   tests/tools/test_tools.sh HDTW_MATCH DTWBENCH DATA_DIR
set -uo pipefail
match=$1 bench=$2 data=$3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }

# refuse STATUS PATTERN CMD...: exits with STATUS, one stderr line matching
# PATTERN (grep -E), nothing on stdout
refuse() {
  local want=$1 pattern=$2
  shift 2
  "$@" >"$work/out" 2>"$work/err"
  local got=$?
  [ "$got" -eq "$want" ] || fail "$* exited $got, not $want"
  [ "$(wc -l <"$work/err")" -eq 1 ] || fail "$*: stderr is not one line: $(cat "$work/err")"
  grep -Eq -- "$pattern" "$work/err" || fail "$*: stderr lacks /$pattern/: $(cat "$work/err")"
  [ ! -s "$work/out" ] || fail "$*: wrote to stdout"
}

fx=$data/usdchf_30min.csv
small=$work/small.csv
head -n 401 "$fx" >"$small"

# item 2: the CSV reader
refuse 1 'small.csv:2:1: column time: .1996-04-01T00:00:00. is not a decimal' "$match" -c time "$small"
tr ',' ';' <"$small" >"$work/semi.csv"
refuse 1 "semi.csv:2:1: .*try --sep ';'" "$match" "$work/semi.csv"
for bad in 1.2345abc 0x10 nan inf '' 1e999 '1.5 2' +-1 1e .; do
  { head -n 3 "$small"; echo "1996-04-01T01:30:00,$bad"; tail -n +5 "$small"; } >"$work/bad.csv"
  refuse 1 'bad.csv:4:21: column usdchf: .* is not a decimal number' "$match" -n 10 "$work/bad.csv"
done
{ head -n 3 "$small"; echo "1996-04-01T01:30:00,1.19,extra"; } >"$work/fields.csv"
refuse 1 'fields.csv:4: 3 fields, the header has 2' "$match" -n 1 "$work/fields.csv"
printf 'time,v\n"1,2' >"$work/quote.csv"
refuse 1 'quote.csv:2:1: a quoted field is not closed' "$match" "$work/quote.csv"
printf 'time,v\n"a"b,1\n' >"$work/after.csv"
refuse 1 'after.csv:2:4: text after the closing quote' "$match" "$work/after.csv"
: >"$work/empty.csv"
refuse 1 'empty.csv:1: empty file: no header row' "$match" "$work/empty.csv"
head -n 1 "$small" >"$work/header.csv"
refuse 1 'header.csv:.*no data rows' "$match" "$work/header.csv"
refuse 1 'no column 2: the header has 2 columns, counted from 0' "$match" -c 2 "$small"
refuse 1 "no column 'close' in the header" "$match" -c close "$small"

# the same numbers from every form the reader accepts: CRLF, a BOM, quotes,
# a tab or ';' separator, blank lines, a label longer than any buffer
"$match" -n 50 "$small" | tail -n +3 >"$work/want" || fail "plain file refused"
long=$(head -c 20000 /dev/zero | tr '\0' x)
{
  printf '\xef\xbb\xbf"time","usdchf"\r\n\r\n'
  tail -n +2 "$small" | sed -e 's/^\([^,]*\),\(.*\)$/"\1",\2\r/'
} >"$work/fancy.csv"
sed 's/,/;/' "$work/fancy.csv" >"$work/fancy-semi.csv"
tr ',' '\t' <"$small" >"$work/tab.csv"
for variant in "fancy.csv" "fancy-semi.csv --sep ;" "tab.csv --sep tab"; do
  set -- $variant
  file=$1
  shift
  "$match" -n 50 "$@" "$work/$file" | tail -n +3 >"$work/got" || fail "$variant refused"
  cmp -s "$work/want" "$work/got" || fail "$variant: output differs: $(diff "$work/want" "$work/got" | head -5)"
done
{ echo "time,usdchf"; for k in $(seq 1 40); do echo "$long$k,1.$k"; done; } >"$work/long.csv"
"$match" -n 5 -k 1 "$work/long.csv" >"$work/out" 2>"$work/err" || fail "long lines refused: $(cat "$work/err")"
grep -q ": 40 bars;" "$work/out" || fail "long lines: not 40 bars: $(head -1 "$work/out")"

# item 3 and 7: option values and the environment
for opt in "-b abc" "-b ''" "-b 1.5" "-b 5x" "-b -1" "-n 99999999999999999999999" \
           "-n 0" "-k x" "--ahead 0" "--sep ab" "--sep" "--bogus"; do
  eval "refuse 2 '^hdtw-match: ' \"\$match\" $opt \"\$small\""
done
refuse 2 'no CSV file given' "$match"
refuse 1 'HDTW_BACKEND=cuda is not a backend: use auto, scalar, avx2, avx512 or opencl' \
  env HDTW_BACKEND=cuda "$match" "$small"
refuse 1 'HDTW_DISABLE=sse: use a comma-separated list' env HDTW_DISABLE=sse "$match" "$small"

{ echo "t,v"; for k in $(seq 1 50); do echo "$k,${k}e200"; done; } >"$work/big.csv"
refuse 1 'values too large to z-normalise .*try --raw' "$match" -n 10 "$work/big.csv"

# item 5: flat windows get a warning, the results still come
for n in 1 2; do
  "$match" -n $n "$small" 2>"$work/err" >/dev/null || fail "-n $n refused"
  grep -q "warning: a $n-bar pattern has no shape" "$work/err" || fail "-n $n: no warning"
done
{ echo "time,v"; for k in $(seq 1 100); do echo "$k,1.5"; done; } >"$work/flat.csv"
"$match" -n 10 "$work/flat.csv" 2>"$work/err" >/dev/null || fail "flat file refused"
grep -q "warning: the pattern is constant" "$work/err" || fail "flat: no warning"

# item 10: --ahead on a series whose future is known: a straight line up
{ echo "time,v"; for k in $(seq 1 300); do echo "$k,$k"; done; } >"$work/line.csv"
"$match" -n 20 -k 3 --ahead 10 "$work/line.csv" >"$work/out" || fail "--ahead refused"
grep -q "went up after 3 of 3 matches (100%)" "$work/out" || fail "--ahead: no summary: $(cat "$work/out")"
grep -Eq '^ +max drawdown +0\.000% +0\.000%$' "$work/out" || fail "--ahead: drawdown of a rising line is not 0"
"$match" -n 20 "$work/line.csv" | grep -q drawdown && fail "default output has --ahead columns"

# issue 19: --free, matches of any length. Each printed distance must be
# the DTW distance (abs cost, no band) of the pattern against exactly the
# printed bars, recomputed here by a naive full-matrix DTW in awk and
# compared at the printed precision; lengths, labels, order and disjointness
# are checked too.
"$match" --free -n 20 -k 8 "$small" >"$work/free" 2>"$work/err" || fail "--free refused: $(cat "$work/err")"
tail -n +5 "$work/free" >"$work/free-rows"
[ "$(wc -l <"$work/free-rows")" -eq 8 ] || fail "--free: not 8 matches: $(cat "$work/free")"
awk -F, -v rows="$work/free-rows" '
  NR > 1 { v[NR - 2] = $2 + 0; t[NR - 2] = $1; n = NR - 1 }
  function dtw(s, e,   i, j, c, b, D) {
    for (i = 0; i < 20; i++)
      for (j = s; j <= e; j++) {
        c = p[i] - v[j]; if (c < 0) c = -c
        if (i == 0 && j == s) b = 0
        else {
          b = "inf"
          if (i > 0) b = D[i - 1, j]
          if (j > s && (b == "inf" || D[i, j - 1] < b)) b = D[i, j - 1]
          if (i > 0 && j > s && D[i - 1, j - 1] < b) b = D[i - 1, j - 1]
        }
        D[i, j] = c + b
      }
    return D[19, e]
  }
  END {
    for (i = 0; i < 20; i++) p[i] = v[n - 20 + i]
    bad = 0; last = -1; k = 0
    while ((getline line < rows) > 0) {
      split(line, f, " +")
      r = f[2]; s = f[3]; st = f[4]; e = f[5]; et = f[6]; bars = f[7]; d = f[8]
      if (e + 0 >= n - 20 || s + 0 > e + 0 || bars != e - s + 1 || st != t[s] || et != t[e]) {
        print "row " r ": bad span or labels: " line; bad = 1
      }
      want = sprintf("%.6f", dtw(s + 0, e + 0))
      if (want != d) { print "row " r ": distance " d ", DTW of the span " want; bad = 1 }
      if (d + 0 < last) { print "row " r ": not in distance order"; bad = 1 }
      last = d + 0
      for (q = 0; q < k; q++)
        if (s + 0 <= E[q] && S[q] <= e + 0) { print "row " r ": overlaps an earlier match"; bad = 1 }
      S[k] = s + 0; E[k] = e + 0; k++
    }
    exit bad
  }' "$small" >"$work/err" || fail "--free: $(cat "$work/err")"
# a planted copy, every bar twice (40 bars for a 20-bar pattern), among
# values far from it: found at distance 0 from its first bar (60, or 61: q0
# is there twice) to the first of its last bar's two copies (98: equal
# costs go to the smaller end)
{
  echo "time,v"
  for k in $(seq 0 59); do echo "t$k,5.$((100 + k))"; done
  for k in $(seq 0 39); do echo "t$((60 + k)),1.$((10 + k / 2))"; done
  for k in $(seq 100 159); do echo "t$k,5.$((100 + k))"; done
  for k in $(seq 0 19); do echo "t$((160 + k)),1.$((10 + k))"; done
} >"$work/planted.csv"
"$match" --free -n 20 -k 1 "$work/planted.csv" >"$work/out" || fail "--free planted refused"
grep -Eq '^ +1 +6[01] +t6[01] +98 +t98 +3[89] +0\.000000$' "$work/out" ||
  fail "--free: the planted copy is not the best match: $(tail -n 2 "$work/out")"
refuse 2 '^hdtw-match: --free takes no --band' "$match" --free -b 3 "$small"
refuse 2 '^hdtw-match: --free takes no --ahead' "$match" --free --ahead 5 "$small"

# items 1 and 4: dtwbench
{ head -n 3 "$small"; echo "1996-04-01T01:30:00,nan"; tail -n +5 "$small"; } >"$work/nan.csv"
refuse 1 "nan.csv:4:21: column usdchf: 'nan' is not a decimal number" \
  "$bench" --pairs none --batch none --repeats 1 --no-js --data "$work/nan.csv"
refuse 2 'no case to run' "$bench" --pairs none --batch none --data none
refuse 2 '^dtwbench: --devices 99: this machine has [0-9]+ OpenCL devices' "$bench" --devices 99
refuse 2 '^dtwbench: --plot x.txt: the name must end in .png or .svg' "$bench" --plot x.txt
refuse 2 '^dtwbench: bad value for --band' "$bench" --band 1.5
refuse 2 "^dtwbench: bad value for --pairs: '99999999999999999999'" "$bench" --pairs 99999999999999999999
refuse 2 "^dtwbench: bad value for --batch: '10x'" "$bench" --batch 10x
refuse 2 '^dtwbench: unknown option --bogus' "$bench" --bogus
refuse 2 'HDTW_BACKEND=cuda is not a backend' env HDTW_BACKEND=cuda "$bench"

# issue 15 item 7: every table and JSON states GCUPS as a share of the
# op-mix bound per core of the ISA that ran: pct = 100*gcups/threads/bound.
# Distinct bounds per ISA show the right one is divided by.
printf '{"machine": "test", "opmix_gcups_per_core": {"scalar": 2, "avx2": 4, "avx512": 8}}\n' >"$work/limit.json"
refuse 1 '^dtwbench: --limit-json .*nothing.json: no op-mix bound' \
  "$bench" --pairs 20 --batch none --data none --no-js --repeats 1 --limit-json "$work/nothing.json"
"$bench" --pairs 20,64 --batch 30x20 --data none --no-js --repeats 1 --threads 1,2 \
  --limit-json "$work/limit.json" --csv >"$work/csv" || fail "dtwbench --csv with --limit-json failed"
awk -F, 'NR == 1 { ok = $16 == "bound_gcups_per_core" && $17 == "pct_of_bound"; next }
  $15 == "opencl" { next }
  { want_bound = $15 == "scalar" ? 2 : $15 == "avx2" ? 4 : 8
    thr = $15 == "scalar" ? 1 : $7
    want = 100 * $11 / thr / want_bound
    if ($16 != want_bound || (want - $17) ^ 2 > (1e-4 * want) ^ 2) { ok = 0; print "bad row: " $0 } }
  END { exit !(ok && NR > 1) }' "$work/csv" || fail "--csv pct_of_bound is not 100*gcups/threads/bound"
# JavaScript is checked against the scalar reference's bits even when the
# scalar backend is not among the timed ones (it read "NO" and exited 1)
if command -v node >/dev/null 2>&1; then
  "$bench" --backends auto --pairs 20 --batch 10x16 --band 3 --data none --js --repeats 1 \
    --threads 1 --limit-json "$work/limit.json" >"$work/out" ||
    fail "dtwbench --js without scalar exited $?"
  [ "$(grep -c '^.* javascript .* yes *$' "$work/out")" -eq 2 ] ||
    fail "dtwbench --js without scalar: $(grep javascript "$work/out")"
fi
HDTW_PROFILE=$work/no-profile "$bench" --pairs 20 --batch none --data none --no-js --repeats 1 \
  --json "$work/run.json" >"$work/out" || fail "dtwbench with a measured bound failed"
grep -q '% bound' "$work/out" || fail "the table has no % bound column"
grep -q '"bound_source": "measured"' "$work/run.json" || fail "run JSON: the bound was not measured"
results=$(grep -Ec '"served_by": "(scalar|avx2|avx512)"' "$work/run.json")
[ "$(grep -c '"pct_of_bound": [0-9]' "$work/run.json")" -eq "$results" ] ||
  fail "run JSON: not every CPU result has a pct_of_bound"
"$bench" --sweep --sweep-max 1e3 --repeats 1 --threads 1 --backends scalar,auto \
  --limit-json "$work/limit.json" --json "$work/sweep.json" >"$work/out" || fail "--sweep failed"
grep -Eq '"gcups": [0-9.e+-]+, "threads_used": 1, "bound_gcups_per_core": 2, "pct_of_bound": [0-9]' \
  "$work/sweep.json" || fail "sweep JSON lacks the share of the bound"

# the README's C example is examples/quickstart.c (ctest example_quickstart
# runs it), verbatim
readme=$data/../README.md
sed -n '/^### C$/,/^```$/p' "$readme" | sed -n '/^```c$/,/^```$/p' | sed '1d;$d' >"$work/readme.c"
cmp -s "$work/readme.c" "$data/../examples/quickstart.c" ||
  fail "README's C example differs from examples/quickstart.c"

[ "$failures" -eq 0 ] && echo "test_tools: all passed"
exit $((failures > 0))
