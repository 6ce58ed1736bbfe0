# A session's processes keep the privileges they were started with: a root
# shell natively and in a session has the same capability sets, may gain
# privileges through setuid programs (no_new_privs unset) and runs under no
# seccomp filter of someone else's. Tools run as root in CI: chroot, mknod,
# sethostname, immutable flags, trusted.* extended attributes,
# CAP_DAC_READ_SEARCH. Prints the fields of /proc/self/status that say so.
sed -n 's/^\(CapEff\|CapBnd\|CapPrm\|NoNewPrivs\|Seccomp\):[[:space:]]*/\1 /p' /proc/self/status
