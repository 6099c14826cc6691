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
    [ -f "$dir/$p.pid" ] && kill "$(cat "$dir/$p.pid")" 2>/dev/null || true
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

# munge: its socket directory, then the daemon (once)
mkdir -p /run/munge /var/log/munge /var/lib/munge
chown munge:munge /run/munge /var/log/munge /var/lib/munge 2>/dev/null || true
[ -f /etc/munge/munge.key ] || { dd if=/dev/urandom bs=1 count=1024 of=/etc/munge/munge.key 2>/dev/null; chown munge:munge /etc/munge/munge.key; chmod 400 /etc/munge/munge.key; }
[ -S /run/munge/munge.socket.2 ] || munged --force

export SLURM_CONF=$conf
running() { [ -f "$dir/$1.pid" ] && kill -0 "$(cat "$dir/$1.pid")" 2>/dev/null; }
running slurmctld || slurmctld -f "$conf"
running slurmd || slurmd -f "$conf"
for _ in $(seq 1 60); do
  if sinfo -h -o %t 2>/dev/null | grep -q idle; then
    echo "$conf"
    exit 0
  fi
  sleep 1
done
echo "slurm-local: the node did not become idle within 60 s; see $dir/log" >&2
exit 1
