#!/usr/bin/env bash
# What `make reproduce` runs after the set-up: the workflow, resumed with no manual
# flag after any interruption (see README, "If a run was interrupted").
#   SNAKEMAKE, CORES, PRESET come from the environment (Makefile variables), and
#   TARGET, the workflow's target (empty: its default, the report; `tune`: the sweeps).
# Incomplete outputs of killed jobs: rerun (rerun-incomplete in profiles/default).
# Snakemake's own lock (.snakemake/locks) outlives a kill -9 or a power loss and
# then stops every later run. It is removed (snakemake --unlock) only when it is
# provably stale: this script holds an flock on .snakemake/make-run.lock for the
# whole run (the kernel releases it when the run dies, however it dies), so no
# other `make reproduce` is running here; and no live process in this directory
# is a snakemake or one of its script jobs (one started by hand). Not --nolock:
# that would let two runs write the same files at once.
set -euo pipefail
: "${SNAKEMAKE:?}" "${CORES:?}" "${PRESET:?}"
mkdir -p .snakemake
exec 9>.snakemake/make-run.lock
# a few seconds' grace: the processes of a run killed just now may still be exiting
if ! flock --wait 10 9; then
  echo "pacs: another 'make reproduce' is running in $PWD; wait for it to finish" >&2
  exit 1
fi

# pids of live snakemake processes (or their script jobs) whose working directory is here
snakemake_here() {
  local proc argv
  for proc in /proc/[0-9]*; do
    [ "$(readlink "$proc/cwd" 2>/dev/null)" = "$PWD" ] || continue
    argv=$(tr '\0' '\n' <"$proc/cmdline" 2>/dev/null | sed -n 1,3p) || true  # sed reads all: no SIGPIPE
    if grep -qE '(^|/)snakemake$|\.snakemake/scripts/' <<<"$argv"; then
      echo "${proc#/proc/}"
    fi
  done
}

if [ -n "$(ls -A .snakemake/locks 2>/dev/null)" ]; then
  running=$(snakemake_here | tr '\n' ' ')
  if [ -n "$running" ]; then
    echo "pacs: snakemake is running in $PWD (pid $running); wait for it to finish" >&2
    exit 1
  fi
  echo "pacs: removing the lock of an interrupted run (no snakemake is running here)"
  "$SNAKEMAKE" --unlock --config preset="$PRESET"
fi
# Snakemake's job rate limiter (--max-jobs-per-timespan, default 100/1s) reruns the
# scheduler's loop from a timer one timespan after every pass that had ready jobs, and every
# event (a job done) starts one more such chain, each pass looking at every ready job: in the
# one-piece default run its main process used about 1,150 CPU-s of the 12,400
# (docs/2026-12-07-default-design-universes.md). A 10-second timespan (and a limit no run
# reaches) makes those passes ten times rarer; the cost: up to 10 s at exit, until the last
# timer fires. Design universes' nested runs take it from the environment (pacs.claims.multiverse).
export PACS_MAX_JOBS_PER_TIMESPAN="${PACS_MAX_JOBS_PER_TIMESPAN:-1000/10s}"
exec "$SNAKEMAKE" ${TARGET:+"$TARGET"} --cores "$CORES" --config preset="$PRESET" \
  --max-jobs-per-timespan "$PACS_MAX_JOBS_PER_TIMESPAN"
