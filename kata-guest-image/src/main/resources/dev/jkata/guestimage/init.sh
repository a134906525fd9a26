#!/bin/sh
# jkata guest init: the first process of the guest. Mounts the kernel's file systems, loads the drivers
# listed in /etc/kata/modules.load (dependencies first, as the image builder ordered them), then runs the
# agent. When the agent exits the guest powers off, so the host sees the VM end.
export PATH=/bin:/sbin:/usr/bin:/usr/sbin
uptime() { cut -d' ' -f1 /proc/uptime; }

[ -e /proc/self ] || mount -t proc proc /proc
[ -e /sys/kernel ] || mount -t sysfs sysfs /sys
[ -e /dev/null ] || mount -t devtmpfs devtmpfs /dev
mkdir -p /dev/pts /dev/shm
mount -t devpts -o newinstance,ptmxmode=0666 devpts /dev/pts 2>/dev/null
mount -t tmpfs -o mode=1777 tmpfs /dev/shm
mount -t tmpfs -o mode=0755 tmpfs /run
mount -t tmpfs -o mode=1777 tmpfs /tmp
mount -t cgroup2 cgroup2 /sys/fs/cgroup
echo "KATA_INIT: kernel up at $(uptime)s"

KVER=$(cat /etc/kata/kernel.version)
while read -r ko; do
    [ -n "$ko" ] || continue
    name=${ko##*/}; name=${name%%.ko*}; name=${name//-/_}
    [ -d "/sys/module/$name" ] || insmod "/lib/modules/$KVER/$ko" || echo "KATA_INIT: cannot load $ko"
done < /etc/kata/modules.load
echo "KATA_INIT: drivers loaded at $(uptime)s"

# No udev here: name the virtio-serial ports the way udev would (/dev/virtio-ports/NAME -> /dev/vportXpY).
mkdir -p /dev/virtio-ports
i=0
while [ $i -lt 300 ]; do
    for port in /sys/class/virtio-ports/vport*; do
        [ -r "$port/name" ] || continue
        name=$(cat "$port/name")
        [ -n "$name" ] && [ ! -e "/dev/virtio-ports/$name" ] && ln -s "../${port##*/}" "/dev/virtio-ports/$name"
    done
    [ -e /dev/virtio-ports/agent.channel.0 ] && break
    sleep 0.01; i=$((i+1))
done
[ -e /dev/virtio-ports/agent.channel.0 ] || echo "KATA_INIT: no virtio-serial port named agent.channel.0 (is virtio_console loaded?)"

hostname kata
ip link set lo up 2>/dev/null

echo "KATA_INIT: starting agent at $(uptime)s"
# UTF-8 file names and arguments: the JVM encodes paths as the locale says (glibc's C.UTF-8 needs no locale files)
LANG=C.UTF-8 /opt/kata/jre/bin/java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xms16m -Xmx96m -Xss512k \
    -XX:-UsePerfData -XX:+DisableAttachMechanism -Djava.io.tmpdir=/run \
    -jar /opt/kata/agent/kata-agent.jar
rc=$?
echo "KATA_INIT: agent exited with status $rc at $(uptime)s; powering off"
sync
poweroff -f
