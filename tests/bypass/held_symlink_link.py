# Attack (tests/bypass/rename.sh): a symlink .git -> .gitx made by linking
# a symlink through a descriptor (linkat(fd, "", AT_EMPTY_PATH); root),
# whose /proc name reads "lnk (deleted)" while another name (lnk2) keeps
# the symlink: a decision that looks the descriptor's name up finds no
# symlink there. Prints "linked" or "refused ERRNO".
import ctypes, os
libc = ctypes.CDLL(None, use_errno=True)
os.symlink(".gitx", "lnk"); os.link("lnk", "lnk2", follow_symlinks=False)
fd = os.open("lnk", os.O_PATH | os.O_NOFOLLOW); os.unlink("lnk")
AT_FDCWD, AT_EMPTY_PATH = -100, 0x1000
if libc.linkat(fd, b"", AT_FDCWD, b".git", AT_EMPTY_PATH) == 0:
    print("linked")
else:
    print("refused", ctypes.get_errno())
