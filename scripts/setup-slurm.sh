#!/usr/bin/env bash
# Installs Debian's Slurm (controller, node daemon, client) and munge, for the real-Slurm test
# (test/cli/slurmCluster.test.ts starts them itself as a single-node cluster and stops them).
# Idempotent: does nothing when the programs are there. Needs root (apt) on Debian/Ubuntu.
set -euo pipefail
need=()
for prog in slurmctld slurmd sbatch munged; do
  command -v "$prog" >/dev/null 2>&1 || need+=("$prog")
done
if [ ${#need[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" != 0 ]; then
  echo "setup-slurm.sh: missing ${need[*]}; run as root to install slurmctld slurmd slurm-client munge" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# The packages try to start their services; in a container without systemd that fails harmlessly.
apt-get install -y -qq --no-install-recommends slurmctld slurmd slurm-client munge >/dev/null
