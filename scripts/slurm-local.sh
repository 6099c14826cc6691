#!/usr/bin/env bash
# A single-node Slurm on this machine, for the tests that submit sharded jobs to a real
# scheduler: `start` writes its configuration under DIR (default /tmp/ifss-slurm), starts
# munge, slurmctld and slurmd (as root), waits until the node takes jobs and prints the
# path to export as SLURM_CONF; `stop` stops the daemons. Needs slurm-wlm and munge
# (scripts/test-tools.sh installs them).
set -euo pipefail
action=${1:-start}
dir=${2:-/tmp/ifss-slurm}
conf=$dir/slurm.conf

if [ "$action" = stop ]; then
  for p in slurmd slurmctld; do
    pid=$(cat "$dir/$p.pid" 2>/dev/null) || continue
    [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = "$p" ] && kill "$pid" 2>/dev/null || true
  done
  exit 0
fi

[ "$(id -u)" -eq 0 ] || { echo "slurm-local: the daemons need root" >&2; exit 1; }
mkdir -p "$dir/state" "$dir/spool" "$dir/log"
cpus=$(nproc)
memory=$(( $(awk '/MemTotal/ {print $2}' /proc/meminfo) / 1024 / 2 ))
cat > "$conf" <<CONF
ClusterName=ifss-local
SlurmctldHost=localhost
AuthType=auth/munge
CredType=cred/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
MpiDefault=none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
SlurmUser=root
SlurmdUser=root
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmdSpoolDir=$dir/spool
StateSaveLocation=$dir/state
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd.log
JobCompType=jobcomp/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
NodeName=localhost CPUs=$cpus RealMemory=$memory State=UNKNOWN
PartitionName=local Nodes=localhost Default=YES MaxTime=INFINITE State=UP
CONF

# A daemon counts as running only if its pid file names a live process of that name: a
# machine restored from a snapshot keeps /run and /tmp but not the processes.
alive() { # NAME PIDFILE
  local pid
  [ -f "$2" ] && pid=$(cat "$2" 2>/dev/null) && [ -n "$pid" ] &&
    [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = "$1" ] &&
    ! grep -q '^[0-9]* ([^)]*) Z' "/proc/$pid/stat" 2>/dev/null # a zombie is not running
}
# Everything a failed start leaves behind, for the person reading the CI log.
fail() {
  echo "slurm-local: $*" >&2
  for f in "$dir"/log/*.log /var/log/munge/munged.log; do
    [ -f "$f" ] && { echo "--- last lines of $f" >&2; tail -n 20 "$f" >&2; }
  done
  exit 1
}

# munge: its socket directory, its key, then the daemon (once; a stale socket is replaced)
mkdir -p /run/munge /var/log/munge /var/lib/munge
chown munge:munge /run/munge /var/log/munge /var/lib/munge 2>/dev/null || true
[ -f /etc/munge/munge.key ] || { dd if=/dev/urandom bs=1 count=1024 of=/etc/munge/munge.key 2>/dev/null; chown munge:munge /etc/munge/munge.key; chmod 400 /etc/munge/munge.key; }
if ! alive munged /run/munge/munged.pid; then
  rm -f /run/munge/munge.socket.2 /run/munge/munge.socket.2.lock /run/munge/munged.pid
  munged --force || fail "munged did not start"
fi
timeout 10 munge -n </dev/null | timeout 10 unmunge >/dev/null 2>&1 ||
  fail "munge does not authenticate (munge -n | unmunge failed)"

export SLURM_CONF=$conf
alive slurmctld "$dir/slurmctld.pid" || slurmctld -f "$conf" || fail "slurmctld did not start"
alive slurmd "$dir/slurmd.pid" || slurmd -f "$conf" || fail "slurmd did not start"
deadline=$((SECONDS + 60))
while ((SECONDS < deadline)); do
  if timeout 5 sinfo -h -o %t 2>/dev/null | grep -q idle; then
    echo "$conf"
    exit 0
  fi
  sleep 1
done
fail "the node did not become idle within 60 s (sinfo: $(timeout 5 sinfo -h -o '%t %E' 2>&1 | head -n 3))"
