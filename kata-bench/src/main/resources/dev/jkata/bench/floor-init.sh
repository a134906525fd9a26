#!/bin/sh
# kata-bench start floor: the least a guest can do. The same kernel and QEMU command line as a sandbox, but
# this is the whole init: print a marker with the kernel's uptime, then power off.
/bin/busybox mount -t proc proc /proc
read up idle < /proc/uptime
echo "BENCH_FLOOR: init up at ${up}s"
/bin/busybox poweroff -f
