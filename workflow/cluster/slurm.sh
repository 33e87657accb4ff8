#!/usr/bin/env bash
# A real single-node SLURM cluster on this machine, from Debian's packages, for
# running the pipeline through snakemake-executor-plugin-slurm (README, "On a cluster").
#
#   workflow/cluster/slurm.sh start    install what is missing, write the configs, start
#                                      munged, MariaDB, slurmdbd, slurmctld, slurmd; register
#                                      the cluster, account and user; wait until the node is idle
#   workflow/cluster/slurm.sh stop     stop every daemon this script started
#   workflow/cluster/slurm.sh status   sinfo, or a line saying the cluster is down
#
# Works as root without systemd (containers included): daemons are started directly,
# stopped through their pid files, and no cgroup plugin is used (processes are tracked
# through /proc, memory limits are enforced by polling job accounting).
# Both commands are idempotent. Settings (environment variables):
#   PACS_SLURM_CLUSTER (pacs), PACS_SLURM_PARTITION (pacs), PACS_SLURM_ACCOUNT (pacs),
#   PACS_SLURM_STATE (/var/lib/pacs-slurm: spool, state, logs), PACS_SLURM_WAIT_S (120).
set -euo pipefail

CLUSTER=${PACS_SLURM_CLUSTER:-pacs}
PARTITION=${PACS_SLURM_PARTITION:-pacs}
ACCOUNT=${PACS_SLURM_ACCOUNT:-pacs}
STATE=${PACS_SLURM_STATE:-/var/lib/pacs-slurm}
WAIT_S=${PACS_SLURM_WAIT_S:-120}
CONF_DIR=/etc/slurm
RUN_DIR=/run/pacs-slurm
PACKAGES=(munge slurmctld slurmd slurmdbd slurm-client mariadb-server)
COMMANDS=(munged slurmctld slurmd slurmdbd sinfo mariadbd)

say() { echo "pacs-slurm: $*"; }
die() { echo "pacs-slurm: $*" >&2; exit 1; }

need_root() {
  [ "$(id -u)" = 0 ] || die "must run as root (it installs packages and starts system daemons)"
}

install_missing() {
  local missing=()
  for command in "${COMMANDS[@]}"; do
    command -v "$command" >/dev/null || PATH=$PATH:/usr/sbin command -v "$command" >/dev/null || missing+=("$command")
  done
  [ ${#missing[@]} = 0 ] && return
  say "installing ${PACKAGES[*]} (missing: ${missing[*]})"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${PACKAGES[@]}" >/dev/null
}

# Running daemon recorded in a pid file?
alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

wait_for() {  # wait_for SECONDS WHAT COMMAND...
  local seconds=$1 what=$2; shift 2
  for _ in $(seq "$((seconds * 2))"); do
    "$@" >/dev/null 2>&1 && return 0
    sleep 0.5
  done
  die "timed out after ${seconds}s waiting for $what (logs: $STATE/log/)"
}

gpu_count() {
  if command -v nvidia-smi >/dev/null; then nvidia-smi -L 2>/dev/null | grep -c '^GPU' || true; else echo 0; fi
}

write_configs() {
  mkdir -p "$CONF_DIR" "$STATE"/{log,spool/slurmd,spool/slurmctld} "$RUN_DIR"
  # The node as slurmd itself sees it: real CPUs, sockets, cores, memory.
  local node gpus gres=""
  node=$(slurmd -C | head -n 1)
  gpus=$(gpu_count)
  if [ "$gpus" -gt 0 ]; then
    gres="Gres=gpu:$gpus"
    printf 'AutoDetect=off\nName=gpu File=/dev/nvidia[0-%d]\n' "$((gpus - 1))" >"$CONF_DIR/gres.conf"
  else
    rm -f "$CONF_DIR/gres.conf"
  fi
  local host
  host=$(echo "$node" | sed -n 's/^NodeName=\([^ ]*\).*/\1/p')
  cat >"$CONF_DIR/slurm.conf" <<EOF
# Written by workflow/cluster/slurm.sh: a single-node cluster, no cgroups.
ClusterName=$CLUSTER
SlurmctldHost=$host(127.0.0.1)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
MpiDefault=none
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
SchedulerType=sched/backfill
ReturnToService=2
# memory limits without cgroups: accounting polls each step and kills it over its --mem
JobAcctGatherType=jobacct_gather/linux
JobAcctGatherFrequency=task=1
JobAcctGatherParams=OverMemoryKill
AccountingStorageType=accounting_storage/slurmdbd
AccountingStorageHost=localhost
AccountingStorageEnforce=associations
GresTypes=gpu
MinJobAge=600
SlurmctldPidFile=$RUN_DIR/slurmctld.pid
SlurmdPidFile=$RUN_DIR/slurmd.pid
SlurmdSpoolDir=$STATE/spool/slurmd
StateSaveLocation=$STATE/spool/slurmctld
SlurmctldLogFile=$STATE/log/slurmctld.log
SlurmdLogFile=$STATE/log/slurmd.log
$node NodeAddr=127.0.0.1 $gres State=UNKNOWN
PartitionName=$PARTITION Nodes=$host Default=YES MaxTime=INFINITE State=UP
EOF
  sed -i 's/ UpTime=[^ ]*//' "$CONF_DIR/slurm.conf"
  # The database holds accounting only; MariaDB's root is reached through its unix socket.
  cat >"$CONF_DIR/slurmdbd.conf" <<EOF
AuthType=auth/munge
DbdHost=localhost
SlurmUser=root
StorageType=accounting_storage/mysql
StorageHost=localhost
StorageUser=root
StorageLoc=pacs_slurm_acct_db
LogFile=$STATE/log/slurmdbd.log
PidFile=$RUN_DIR/slurmdbd.pid
EOF
  chmod 600 "$CONF_DIR/slurmdbd.conf"
}

start_munge() {
  alive /run/munge/munged.pid && return
  install -d -o munge -g munge -m 755 /run/munge
  [ -s /etc/munge/munge.key ] || runuser -u munge -- mungekey --create
  runuser -u munge -- munged
  wait_for 10 munged munge -n
}

start_mariadb() {
  alive /run/mysqld/pacs-mariadb.pid && return
  install -d -o mysql -g mysql -m 755 /run/mysqld "$STATE/log/mariadb"
  [ -d /var/lib/mysql/mysql ] || mariadb-install-db --user=mysql >/dev/null
  # no native AIO (io_uring): sandboxed kernels may not offer it
  setsid mariadbd --user=mysql --pid-file=/run/mysqld/pacs-mariadb.pid --skip-networking \
    --innodb-use-native-aio=0 --log-error="$STATE/log/mariadb/error.log" </dev/null >/dev/null 2>&1 &
  wait_for 60 MariaDB mariadb-admin ping
}

start_slurmdbd() {
  alive "$RUN_DIR/slurmdbd.pid" && return
  slurmdbd
  wait_for 60 slurmdbd sacctmgr -n list cluster
}

register() {  # register KIND NAME ARGS...: add a cluster or account once
  local kind=$1 name=$2; shift 2
  # the name column is called after the kind: Cluster, Account, User
  if [ -z "$(sacctmgr -n -P list "$kind" "$name" format="$kind" 2>/dev/null)" ]; then
    sacctmgr -i add "$kind" "$name" "$@" >/dev/null
  fi
}

start_slurm() {
  register cluster "$CLUSTER"
  if ! alive "$RUN_DIR/slurmctld.pid"; then slurmctld; fi
  wait_for 60 slurmctld scontrol ping
  register account "$ACCOUNT" Cluster="$CLUSTER" Description=pacs Organization=pacs
  # root exists from the start (account root): what matters is its association with ours
  if [ -z "$(sacctmgr -n -P list assoc user="$(id -un)" account="$ACCOUNT" cluster="$CLUSTER" format=user)" ]; then
    sacctmgr -i add user "$(id -un)" Account="$ACCOUNT" DefaultAccount="$ACCOUNT" Cluster="$CLUSTER" >/dev/null
  fi
  if ! alive "$RUN_DIR/slurmd.pid"; then slurmd; fi
  # a node left down or drained by an earlier run comes back
  scontrol update nodename="$(sinfo -h -N -o %N | head -n 1)" state=resume >/dev/null 2>&1 || true
  wait_for "$WAIT_S" "the node to be idle (sinfo)" node_idle
}

node_idle() { sinfo -h -p "$PARTITION" -o %t | grep -qx idle; }

start() {
  need_root
  local began=$SECONDS
  install_missing
  write_configs
  start_munge
  start_mariadb
  start_slurmdbd
  start_slurm
  say "cluster '$CLUSTER' up in $((SECONDS - began)) s: partition '$PARTITION', account '$ACCOUNT'"
  sinfo
}

stop_pid() {  # stop_pid NAME PIDFILE: TERM, then wait for it to exit
  local name=$1 pidfile=$2
  alive "$pidfile" || return 0
  local pid
  pid=$(cat "$pidfile")
  kill "$pid"
  for _ in $(seq 60); do kill -0 "$pid" 2>/dev/null || { rm -f "$pidfile"; return 0; }; sleep 0.5; done
  say "$name ($pid) did not stop on TERM; killing it"
  kill -9 "$pid" 2>/dev/null || true
  rm -f "$pidfile"
}

stop() {
  need_root
  stop_pid slurmd "$RUN_DIR/slurmd.pid"
  stop_pid slurmctld "$RUN_DIR/slurmctld.pid"
  stop_pid slurmdbd "$RUN_DIR/slurmdbd.pid"
  stop_pid mariadb /run/mysqld/pacs-mariadb.pid
  stop_pid munged /run/munge/munged.pid
  fail_fast_while_stopped
  say "cluster stopped"
}

# snakemake's SLURM plugin runs `scontrol show config` whenever snakemake starts, a local
# run or a dry run included (it computes its --help text on import); with the controller
# down, scontrol waits MessageTimeout (10 s by default; 9 s measured) before failing. A
# stopped cluster's config says 1 s, which makes it fail at once; `start` writes the
# config afresh.
fail_fast_while_stopped() {
  local conf=$CONF_DIR/slurm.conf
  [ -f "$conf" ] || return 0
  grep -qx 'MessageTimeout=1' "$conf" && return 0
  printf '# the cluster is stopped (slurm.sh stop): clients fail at once\nMessageTimeout=1\n' >>"$conf"
}

status() {
  if alive "$RUN_DIR/slurmctld.pid"; then sinfo; else say "cluster is down"; return 1; fi
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) die "usage: $0 start|stop|status" ;;
esac
