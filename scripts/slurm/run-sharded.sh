#!/usr/bin/env bash
# Submit `ifss-sim run` (or `compare`, `sweep`, `sensitivity`) as N shards in a Slurm job
# array and a merge that starts when every shard has finished. Usage:
#   scripts/slurm/run-sharded.sh N OUT [run|compare|sweep|sensitivity] [its options and scenario...]
# e.g. scripts/slurm/run-sharded.sh 8 results --reps 10000 western-bay
#      scripts/slurm/run-sharded.sh 8 results compare --reps 10000 --policies proportional,pooled
#      scripts/slurm/run-sharded.sh 20 results sensitivity --reps 2000 --global 200
# Shards go to OUT/parts/K, the merged run's files to OUT/merged. The job ids are printed
# (array, then merge). IFSS_SIM names the binary [default: ifss-sim on PATH]; extra sbatch
# options (partition, time, account) go in SBATCH_OPTIONS.
set -euo pipefail
n=${1:?number of shards}
out=${2:?output folder}
shift 2
command=run
case "${1:-}" in run|compare|sweep|sensitivity) command=$1; shift ;; esac
sim=${IFSS_SIM:-ifss-sim}
mkdir -p "$out/parts" "$out/logs"
out=$(cd "$out" && pwd)
args=""
(($#)) && args=$(printf ' %q' "$@")
array=$(sbatch --parsable ${SBATCH_OPTIONS:-} --job-name=ifss-shards --array=1-"$n" \
  --output="$out/logs/shard-%a.txt" --wrap \
  "$(printf '%q' "$sim") $command$args --quiet --shard \${SLURM_ARRAY_TASK_ID}/$n --out $(printf '%q' "$out")/parts/\${SLURM_ARRAY_TASK_ID}")
merge=$(sbatch --parsable ${SBATCH_OPTIONS:-} --job-name=ifss-merge --dependency=afterok:"$array" \
  --output="$out/logs/merge.txt" --wrap \
  "$(printf '%q' "$sim") merge --quiet --out $(printf '%q' "$out")/merged $(printf '%q' "$out")/parts/*")
echo "$array $merge"
