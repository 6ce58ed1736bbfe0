# A session's processes keep the capabilities they were started with: a
# root shell natively and in a session has the same effective set (tools
# run as root in CI: chroot, mknod, setting immutable flags, trusted.*
# extended attributes, reading other users' files with CAP_DAC_READ_SEARCH).
sed -n 's/^\(CapEff\|CapBnd\|CapPrm\):/\1/p' /proc/self/status
