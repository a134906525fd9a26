#!/bin/sh
# kata-bench floor guest: the full guest image booted with this init instead of the agent. It loads the same
# drivers, runs one container with the same crun (--no-pivot: an initramfs root cannot be pivoted), then serves
# the host over the agent's virtio-serial port with busybox tools only, so the host can time the bare port and
# crun in the guest's root namespace.
# Commands, one per line from the host:
#   echo N   echo N bytes back one by one (ping-pong)         out N   write N 64 KiB blocks of zeros
#   in N     swallow N bytes (64 KiB blocks), answer "done"   crun N  N x 'crun exec floor /bin/true', answer "crun MS"
#   spawn N  N x /bin/true from this shell, answer "spawn MS" quit    power off
export PATH=/bin:/sbin:/usr/bin:/usr/sbin
[ -e /proc/self ] || mount -t proc proc /proc
[ -e /sys/kernel ] || mount -t sysfs sysfs /sys
[ -e /dev/null ] || mount -t devtmpfs devtmpfs /dev
mount -t tmpfs -o mode=0755 tmpfs /run
mount -t tmpfs -o mode=1777 tmpfs /tmp
mount -t cgroup2 cgroup2 /sys/fs/cgroup
KVER=$(cat /etc/kata/kernel.version)
while read -r ko; do
    [ -n "$ko" ] || continue
    name=${ko##*/}; name=${name%%.ko*}; name=${name//-/_}
    [ -d "/sys/module/$name" ] || insmod "/lib/modules/$KVER/$ko" || echo "BENCH_SERIAL: cannot load $ko"
done < /etc/kata/modules.load
ms() { awk '{ printf "%d\n", $1 * 1000 }' /proc/uptime; }

mkdir -p /run/b/rootfs
mount -t 9p -o trans=virtio,version=9p2000.L,ro kataShared /run/b/rootfs || echo "BENCH_SERIAL: cannot mount the rootfs share"
(cd /run/b && crun spec && sed -i -e 's/"terminal": true/"terminal": false/' -e 's/"sh"$/"sleep", "2147483647"/' config.json)
crun run --no-pivot --detach --bundle /run/b floor </dev/null >/dev/null 2>/run/crun-run.err \
    || echo "BENCH_SERIAL: crun run failed: $(cat /run/crun-run.err)"
out=$(crun exec floor /bin/true 2>&1) || echo "BENCH_SERIAL: crun exec failed: $out"

port=""
i=0
while [ -z "$port" ] && [ $i -lt 1000 ]; do
    for d in /sys/class/virtio-ports/*; do
        [ "$(cat "$d/name" 2>/dev/null)" = agent.channel.0 ] && [ -e "/dev/${d##*/}" ] && port=/dev/${d##*/}
    done
    [ -n "$port" ] || sleep 0.01
    i=$((i + 1))
done
read up idle < /proc/uptime
echo "BENCH_SERIAL: ready at ${up}s on ${port:-no port}"
[ -n "$port" ] || poweroff -f
exec 3<>"$port"
idle=0
while [ $idle -lt 6000 ]; do
    # The port reads end-of-file while the host is not connected: wait for it.
    if ! read -r cmd arg <&3; then idle=$((idle + 1)); sleep 0.01; continue; fi
    idle=0
    case "$cmd" in
        echo) dd bs=1 count="$arg" <&3 >&3 2>/dev/null ;;
        out) dd if=/dev/zero bs=65536 count="$arg" 2>/dev/null >&3 ;;
        in) dd bs=65536 count=$((arg / 65536)) iflag=fullblock of=/dev/null <&3 2>/dev/null; echo done >&3 ;;
        crun) s=$(ms); n=0; while [ $n -lt "$arg" ]; do crun exec floor /bin/true; n=$((n + 1)); done; e=$(ms); echo "crun $((e - s))" >&3 ;;
        spawn) s=$(ms); n=0; while [ $n -lt "$arg" ]; do /bin/true; n=$((n + 1)); done; e=$(ms); echo "spawn $((e - s))" >&3 ;;
        quit) break ;;
        *) echo "unknown $cmd" >&3 ;;
    esac
done
poweroff -f
