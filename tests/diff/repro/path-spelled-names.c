/* Names the kernel refuses for how they are spelled, beyond
 * path-trailing-slash.c and rmdir-dot.c: "." and ".." as the last name of
 * a rename (EBUSY, EEXIST with RENAME_NOREPLACE) or an unlink (EISDIR),
 * RENAME_EXCHANGE with "name/" of a file (ENOTDIR), "name/" made by
 * symlink (ENOENT, EEXIST), directories spelled "dir/" where they are
 * fine. policyd decides and performs these calls on normalised names, so
 * each must fail (or work) as natively. Prints each result. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void t(const char *label, int r)
{
	printf("%-22s %s\n", label, r == 0 ? "ok" : strerrorname_np(errno));
}

int main(void)
{
	if (mkdir("d1", 0755) < 0 || mkdir("d2", 0755) < 0 ||
	    close(open("f1", O_CREAT | O_WRONLY, 0644)) < 0 ||
	    close(open("f2", O_CREAT | O_WRONLY, 0644)) < 0)
		return 1;
	t("exchange d1 f2/",
	  renameat2(AT_FDCWD, "d1", AT_FDCWD, "f2/", RENAME_EXCHANGE));
	t("exchange d1 d2/",
	  renameat2(AT_FDCWD, "d1", AT_FDCWD, "d2/", RENAME_EXCHANGE));
	t("noreplace f1 .",
	  renameat2(AT_FDCWD, "f1", AT_FDCWD, ".", RENAME_NOREPLACE));
	t("rename f1 ..", rename("f1", ".."));
	t("rename . x", rename(".", "x"));
	t("rename d1/ d3/", rename("d1/", "d3/"));
	t("unlink d2/", unlink("d2/"));
	t("unlink .", unlink("."));
	t("mkdir d4/", mkdir("d4/", 0755));
	t("mkdir d4/.", mkdir("d4/.", 0755));
	t("symlink f1 nx/", symlink("f1", "nx/"));
	t("symlink f1 f2/", symlink("f1", "f2/"));
	t("chmod d4/", chmod("d4/", 0700));
	t("truncate missing/", truncate("missing/", 0));
	t("rmdir d4/..", rmdir("d4/.."));
	return 0;
}
