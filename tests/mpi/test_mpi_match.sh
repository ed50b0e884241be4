#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# hdtw-match under mpirun (issue 20, item 4): at RANKS ranks it prints
# exactly what it prints in one process, stdout and stderr byte for byte
# (only the time in the "searched ..." line may differ), and exits with the
# same status on every rank: on the bundled data with several option sets,
# on files with quotes, CRLF, a byte-order mark, blank lines and a tab
# separator, on files so short that some ranks hold no row, and on bad
# input (a NaN in one rank's part, a bad option, a missing file, ...),
# where the one line comes from rank 0 alone. A quoted field with a line
# break inside is refused under mpirun with more than one rank, and so is
# --free.
#   tests/mpi/test_mpi_match.sh HDTW_MATCH MPIEXEC RANKS DATA_DIR
set -uo pipefail
match=$1 mpiexec=$2 ranks=$3 data=$4
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0
fail() { echo "FAIL ($ranks ranks): $*" >&2; failures=$((failures + 1)); }

# The timing, the one thing allowed to differ.
untimed() { sed -E '/^searched /s/ in [0-9]+\.[0-9]+ s / in - s /' "$1"; }

# distributed ARGS...: the job's stdout and stderr in $work/mpi.out and
# mpi.err, each rank's exit status in $work/rc.RANK, mpirun's in $work/job.
# Open MPI ends a job when one rank exits non-zero; told not to, it lets
# every rank write its status.
distributed() {
  rm -f "$work"/rc.*
  OMPI_MCA_orte_abort_on_non_zero_status=0 timeout 120 "$mpiexec" --quiet --oversubscribe -np "$ranks" sh -c \
    '"$0" "$@"; rc=$?; echo $rc >"'"$work"'/rc.${OMPI_COMM_WORLD_RANK:-${PMI_RANK:-0}}"; exit $rc' \
    "$match" "$@" >"$work/mpi.out" 2>"$work/mpi.err"
  echo $? >"$work/job"
}

# every rank exited with status $1, and within the time limit
same_exit() {
  local want=$1 what=$2 got
  got=$(cat "$work/job")
  [ "$got" -ne 124 ] || fail "$what: the job hung"
  [ "$(ls "$work"/rc.* 2>/dev/null | wc -l)" -eq "$ranks" ] ||
    fail "$what: not every rank reported an exit status"
  for rc in "$work"/rc.*; do
    [ "$(cat "$rc")" -eq "$want" ] ||
      fail "$what: ${rc##*/} exited $(cat "$rc"), not $want"
  done
}

# same ARGS...: one process and the job print the same and exit the same
same() {
  "$match" "$@" >"$work/one.out" 2>"$work/one.err"
  local want=$?
  distributed "$@"
  same_exit "$want" "$*"
  cmp -s <(untimed "$work/one.out") <(untimed "$work/mpi.out") ||
    fail "$*: stdout differs: $(diff <(untimed "$work/one.out") <(untimed "$work/mpi.out") | head -5)"
  cmp -s "$work/one.err" "$work/mpi.err" ||
    fail "$*: stderr differs: $(diff "$work/one.err" "$work/mpi.err" | head -5)"
  echo "$want"
}

fx=$data/usdchf_30min.csv
[ "$(same "$fx")" -eq 0 ] || fail "the bundled data refused"
same -k 8 -a 20 "$fx" >/dev/null
same --raw --squared -n 50 -k 20 -b 3 --ahead 5 -c usdchf "$fx" >/dev/null
same -n 2 -k 3 -c 1 "$fx" >/dev/null # the flat-pattern warning on stderr

# the forms the reader accepts; with the pattern in two ranks' parts
small=$work/small.csv
head -n 401 "$fx" >"$small"
long=$(head -c 5000 /dev/zero | tr '\0' x)
{
  printf '\xef\xbb\xbf\r\n"time","usdchf"\r\n\r\n'
  tail -n +2 "$small" | sed -e 's/^\([^,]*\),\(.*\)$/"\1 ""q"", x",\2\r/'
  printf '"%s",1.5\r\n  \r\n' "$long"
} >"$work/fancy.csv"
tr ',' '\t' <"$small" >"$work/tab.csv"
[ "$(same -n 50 -a 3 "$work/fancy.csv")" -eq 0 ] || fail "fancy.csv refused"
[ "$(same -n 150 -k 3 --sep tab "$work/tab.csv")" -eq 0 ] || fail "tab.csv refused"
name=$(head -c 100 /dev/zero | tr '\0' c) # a header cut to 60 bytes + "..."
{ echo "time,$name"; tail -n +2 "$small"; } >"$work/longname.csv"
[ "$(same -n 50 -k 2 "$work/longname.csv")" -eq 0 ] || fail "longname.csv refused"
grep -q "column ${name:0:60}\.\.\.: 400 bars" "$work/mpi.out" ||
  fail "longname.csv: $(head -1 "$work/mpi.out")"
head -n 9 "$fx" >"$work/tiny.csv" # fewer rows than some ranks' byte ranges
printf '%s' "$(head -n 12 "$fx")" >"$work/open.csv" # no final line break
[ "$(same -n 3 -k 2 -a 1 "$work/tiny.csv")" -eq 0 ] || fail "tiny.csv refused"
[ "$(same -n 4 -k 9 "$work/open.csv")" -eq 0 ] || fail "open.csv refused"

# bad input: the same one line from rank 0, the same status on every rank
rows=$(wc -l <"$fx")
{ head -n $((rows * 3 / 4)) "$fx"; echo "2001-01-01T00:00:00,nan"
  tail -n +$((rows * 3 / 4 + 2)) "$fx"; } >"$work/nan.csv"
[ "$(same "$work/nan.csv")" -eq 1 ] || fail "nan.csv accepted"
timeout 120 "$mpiexec" --quiet --oversubscribe -np "$ranks" "$match" "$work/nan.csv" 2>/dev/null
got=$?
[ "$got" -eq 1 ] || fail "nan.csv: mpirun itself exited $got, not 1"
grep -q "nan.csv:$((rows * 3 / 4 + 1)):21: column usdchf: 'nan'" "$work/mpi.err" ||
  fail "nan.csv: $(cat "$work/mpi.err")"
{ echo "t,v"; for k in $(seq 1 50); do echo "$k,${k}e200"; done; } >"$work/big.csv"
[ "$(same -n 10 "$work/big.csv")" -eq 1 ] || fail "big.csv accepted"
head -n 1 "$fx" >"$work/header.csv"
: >"$work/empty.csv"
for bad in "$work/header.csv" "$work/empty.csv" "$work/missing.csv" \
           "-c 7 $fx" "-c time $fx" "-n 40000 $fx"; do
  [ "$(same $bad)" -eq 1 ] || fail "$bad accepted"
done
[ "$(same --bogus "$fx")" -eq 2 ] || fail "--bogus accepted"
[ "$(same -k 0 "$fx")" -eq 2 ] || fail "-k 0 accepted"
[ "$(HDTW_BACKEND=cuda same "$fx")" -eq 1 ] || fail "HDTW_BACKEND=cuda accepted"
for out in "$work"/*.err; do
  [ "$(wc -l <"$out")" -le 1 ] || fail "${out##*/}: more than one line"
done

# a line break inside a quoted field: refused by more than one rank
{ echo 'time,v'; for k in $(seq 1 30); do printf '"%d\nh",%d.5\n' "$k" "$k"; done; } >"$work/quoted.csv"
if [ "$ranks" -gt 1 ]; then
  distributed -n 5 "$work/quoted.csv"
  same_exit 1 quoted.csv
  [ "$(wc -l <"$work/mpi.err")" -eq 1 ] && [ ! -s "$work/mpi.out" ] &&
    grep -q 'quoted.csv:2: a line with an odd number of quotes' "$work/mpi.err" ||
    fail "quoted.csv: $(cat "$work/mpi.err")"
else
  [ "$(same -n 5 "$work/quoted.csv")" -eq 0 ] || fail "quoted.csv refused"
fi

# --free has no distributed form: refused by more than one rank, the same
# lines as one process with one
if [ "$ranks" -gt 1 ]; then
  distributed --free -n 20 "$fx"
  same_exit 2 --free
  [ "$(wc -l <"$work/mpi.err")" -eq 1 ] && [ ! -s "$work/mpi.out" ] &&
    grep -q -- '--free runs in one process' "$work/mpi.err" ||
    fail "--free: $(cat "$work/mpi.err")"
else
  [ "$(same --free -n 20 "$fx")" -eq 0 ] || fail "--free refused at one rank"
fi

[ "$failures" -eq 0 ] && echo "test_mpi_match at $ranks ranks: all passed"
exit $((failures > 0))
