#!/bin/sh
# jkata nvdimm boot stage: load the NVDIMM and ext4 drivers, mount the root file system QEMU maps at
# /dev/pmem0 read-only (with DAX where the kernel can map it), and switch into it.
export PATH=/bin:/sbin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
KVER=$(cat /etc/kata/kernel.version)
while read -r ko; do
    [ -n "$ko" ] || continue
    insmod "/lib/modules/$KVER/$ko" || echo "KATA_INIT: cannot load $ko"
done < /etc/kata/modules.load

i=0
while [ ! -b /dev/pmem0 ] && [ $i -lt 500 ]; do sleep 0.01; i=$((i+1)); done
[ -b /dev/pmem0 ] || { echo "KATA_INIT: FATAL: /dev/pmem0 did not appear (is nfit loaded? is the nvdimm device configured?)"; poweroff -f; }

mkdir -p /newroot
if mount -t ext4 -o ro,dax=always /dev/pmem0 /newroot 2>/dev/null; then
    echo "KATA_INIT: root file system /dev/pmem0 mounted read-only with DAX"
elif mount -t ext4 -o ro /dev/pmem0 /newroot; then
    echo "KATA_INIT: root file system /dev/pmem0 mounted read-only without DAX (the namespace has no pfn metadata)"
else
    echo "KATA_INIT: FATAL: cannot mount /dev/pmem0"; poweroff -f
fi
mount --move /dev /newroot/dev
umount /sys
umount /proc
exec switch_root /newroot /sbin/init
