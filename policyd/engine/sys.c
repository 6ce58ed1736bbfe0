/* SPDX-License-Identifier: MIT */
#include "sys.h"

#include <elf.h>
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "progid.h"
#include "util.h"

#define DEFAULT_PATH                                                           \
	"/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

static int canon(const char *p, char *out, size_t outsz)
{
	char buf[PATH_MAX];
	if (!realpath(p, buf))
		return -errno;
	if (strlen(buf) >= outsz)
		return -ENAMETOOLONG;
	memcpy(out, buf, strlen(buf) + 1);
	return 0;
}

int sys_resolve_exe(const char *cmd, const char *cwd, const char *path_env,
		    char *out, size_t outsz)
{
	char tmp[TG_PATH_MAX];
	if (!cmd || !*cmd)
		return -ENOENT;
	if (strchr(cmd, '/')) {
		int r =
		    tg_path_normalize(cwd ? cwd : "/", cmd, tmp, sizeof(tmp));
		if (r < 0)
			return r;
		return canon(tmp, out, outsz);
	}
	const char *p = path_env ? path_env : DEFAULT_PATH;
	while (*p) {
		const char *e = strchr(p, ':');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		char cand[TG_PATH_MAX];
		int k;
		if (n == 0)
			k = snprintf(cand, sizeof(cand), "%s/%s",
				     cwd ? cwd : ".", cmd);
		else
			k = snprintf(cand, sizeof(cand), "%.*s/%s", (int)n, p,
				     cmd);
		if (k > 0 && (size_t)k < sizeof(cand) &&
		    access(cand, X_OK) == 0) {
			struct stat st;
			if (stat(cand, &st) == 0 && S_ISREG(st.st_mode))
				return canon(cand, out, outsz);
		}
		if (!e)
			break;
		p = e + 1;
	}
	return -ENOENT;
}

/* Binaries known by identity (git, ld.so), their identities (stat and
 * content) refreshed every 5 s (a package upgrade replaces them). A file
 * is one of them when it is the same file (device and inode) or has the
 * same size and bytes (progid: hashed only on equal sizes, cached).
 * Everything under known_lock. */
#define KNOWN_MAX 8
struct known_set {
	const char *paths[KNOWN_MAX];
	size_t n;
	struct progid id[KNOWN_MAX];
	bool ok[KNOWN_MAX];
	uint64_t at;
};

static struct known_set gits = {
    .paths = {"/usr/bin/git", "/bin/git", "/usr/local/bin/git",
	      "/usr/lib/git-core/git", "/usr/libexec/git-core/git"},
    .n = 5};
static struct known_set loaders = {
    .paths = {"/lib64/ld-linux-x86-64.so.2",
	      "/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2",
	      "/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2",
	      "/lib/ld-linux-aarch64.so.1", "/lib/ld-linux.so.2"},
    .n = 5};

bool sys_is_git_core_program(const char *path)
{
	static const char *const dirs[] = {"/usr/lib/git-core/",
					   "/usr/libexec/git-core/"};
	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		size_t n = strlen(dirs[i]);
		if (!strncmp(path, dirs[i], n) &&
		    !strncmp(path + n, "git-", 4) && path[n + 4] &&
		    !strchr(path + n, '/'))
			return true;
	}
	return false;
}

static pthread_mutex_t known_lock = PTHREAD_MUTEX_INITIALIZER;

static void refresh_known_locked(struct known_set *k)
{
	uint64_t now = tg_mono_ns();
	if (k->at && now - k->at <= 5000000000ULL)
		return;
	for (size_t i = 0; i < k->n; i++) {
		bool dup = false;
		k->ok[i] = progid_of_path(k->paths[i], &k->id[i]) == 0;
		/* one file under several names (symlinked /bin) once */
		for (size_t j = 0; j < i && k->ok[i] && !dup; j++)
			dup = k->ok[j] && k->id[j].dev == k->id[i].dev &&
			      k->id[j].ino == k->id[i].ino;
		if (dup)
			k->ok[i] = false;
	}
	k->at = now;
}

static size_t known_ids(struct known_set *k, struct sys_git_id *out, size_t max)
{
	size_t n = 0;
	pthread_mutex_lock(&known_lock);
	refresh_known_locked(k);
	for (size_t i = 0; i < k->n && n < max; i++)
		if (k->ok[i])
			out[n++] = (struct sys_git_id){.dev = k->id[i].dev,
						       .ino = k->id[i].ino,
						       .size = k->id[i].size};
	pthread_mutex_unlock(&known_lock);
	return n;
}

size_t sys_git_ids(struct sys_git_id *out, size_t max)
{
	return known_ids(&gits, out, max);
}

size_t sys_loader_ids(struct sys_git_id *out, size_t max)
{
	return known_ids(&loaders, out, max);
}

bool sys_ctime_settled(const struct stat *st)
{
	return progid_ctime_settled(st);
}

/* Is the file at path (a: its stat) one of k, or a copy of one? */
static bool known_file(struct known_set *k, const char *path,
		       const struct stat *a)
{
	if (!S_ISREG(a->st_mode))
		return false;
	struct progid ids[KNOWN_MAX];
	size_t n = 0;
	pthread_mutex_lock(&known_lock);
	refresh_known_locked(k);
	for (size_t i = 0; i < k->n; i++)
		if (k->ok[i])
			ids[n++] = k->id[i];
	pthread_mutex_unlock(&known_lock);
	/* hashed outside the lock, once, and only when a size is equal */
	struct progid_file f = {.path = path, .st = *a};
	for (size_t i = 0; i < n; i++)
		if (progid_file_is(&f, &ids[i], false))
			return true;
	return false;
}

#define GIT_HEAD 4096

/* The first GIT_HEAD bytes of the regular file at path (still the file
 * st describes, when st is given) into buf. */
static bool read_head(const char *path, const struct stat *st,
		      unsigned char buf[GIT_HEAD])
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW |
						O_NONBLOCK | O_NOCTTY);
	struct stat now;
	if (fd < 0 || fstat(fd, &now) < 0 || !S_ISREG(now.st_mode) ||
	    (st && (now.st_dev != st->st_dev || now.st_ino != st->st_ino)))
		return false;
	return pread(fd, buf, GIT_HEAD, 0) == GIT_HEAD;
}

/* Is the file (larger than a git) one of the gits with bytes appended?
 * Its start (the ELF header, the program headers and the build-id note,
 * all in the first page) is that git's. A git changed elsewhere is not
 * recognised: network and file rules decide it (docs/threat-model.md). */
static bool git_with_tail(const char *path, const struct stat *a)
{
	const char *same[KNOWN_MAX];
	size_t n = 0;
	pthread_mutex_lock(&known_lock);
	refresh_known_locked(&gits);
	for (size_t i = 0; i < gits.n; i++)
		if (gits.ok[i] && gits.id[i].size >= GIT_HEAD &&
		    a->st_size > gits.id[i].size)
			same[n++] = gits.paths[i]; /* static strings */
	pthread_mutex_unlock(&known_lock);
	unsigned char head[GIT_HEAD], ghead[GIT_HEAD];
	if (!n || !read_head(path, a, head))
		return false;
	for (size_t i = 0; i < n; i++)
		if (read_head(same[i], NULL, ghead) &&
		    !memcmp(head, ghead, GIT_HEAD))
			return true;
	return false;
}

bool sys_is_git_file(const char *path, const struct stat *st)
{
	return known_file(&gits, path, st) ||
	       (S_ISREG(st->st_mode) && git_with_tail(path, st));
}

/* The parts of an ELF file's program headers a loader check needs. */
struct elf_view {
	bool dyn_type, interp;
	uint64_t dyn_off, dyn_size; /* PT_DYNAMIC in the file */
	bool is64;
};

#define ELF_PH_MAX 64
#define ELF_DYN_MAX (64u << 10)

/* Reads the ELF header and program headers of fd (native byte order
 * only: nothing else runs here). 0, or -ENOEXEC: not an ELF file this
 * machine runs. */
static int elf_read(int fd, struct elf_view *v)
{
	/* one read for the headers and, as they usually follow them, the
	 * program headers (policyd's cost per exec is in its system calls) */
	unsigned char head[4096];
	ssize_t got = pread(fd, head, sizeof(head), 0);
	Elf64_Ehdr e64;
	Elf32_Ehdr e32;
	if (got < (ssize_t)sizeof(e32) || memcmp(head, ELFMAG, SELFMAG) ||
	    head[EI_DATA] !=
		(__BYTE_ORDER == __LITTLE_ENDIAN ? ELFDATA2LSB : ELFDATA2MSB))
		return -ENOEXEC;
	v->is64 = head[EI_CLASS] == ELFCLASS64;
	uint64_t phoff;
	size_t phnum, phent;
	if (v->is64) {
		if (got < (ssize_t)sizeof(e64))
			return -ENOEXEC;
		memcpy(&e64, head, sizeof(e64));
		v->dyn_type = e64.e_type == ET_DYN;
		phoff = e64.e_phoff, phnum = e64.e_phnum,
		phent = e64.e_phentsize;
		if (phent != sizeof(Elf64_Phdr))
			return -ENOEXEC;
	} else if (head[EI_CLASS] == ELFCLASS32) {
		memcpy(&e32, head, sizeof(e32));
		v->dyn_type = e32.e_type == ET_DYN;
		phoff = e32.e_phoff, phnum = e32.e_phnum,
		phent = e32.e_phentsize;
		if (phent != sizeof(Elf32_Phdr))
			return -ENOEXEC;
	} else {
		return -ENOEXEC;
	}
	if (phnum > ELF_PH_MAX)
		return -ENOEXEC;
	unsigned char ph[ELF_PH_MAX * sizeof(Elf64_Phdr)];
	size_t len = phnum * phent;
	if (len && phoff <= (uint64_t)got && len <= (uint64_t)got - phoff)
		memcpy(ph, head + phoff, len);
	else if (len && pread(fd, ph, len, (off_t)phoff) != (ssize_t)len)
		return -ENOEXEC;
	v->interp = false;
	v->dyn_off = v->dyn_size = 0;
	for (size_t i = 0; i < phnum; i++) {
		uint32_t type;
		uint64_t off, size;
		if (v->is64) {
			Elf64_Phdr h;
			memcpy(&h, ph + i * phent, sizeof(h));
			type = h.p_type, off = h.p_offset, size = h.p_filesz;
		} else {
			Elf32_Phdr h;
			memcpy(&h, ph + i * phent, sizeof(h));
			type = h.p_type, off = h.p_offset, size = h.p_filesz;
		}
		if (type == PT_INTERP)
			v->interp = true;
		if (type == PT_DYNAMIC)
			v->dyn_off = off, v->dyn_size = size;
	}
	return 0;
}

/* Has the dynamic section of fd a DT_SONAME? */
static bool elf_has_soname(int fd, const struct elf_view *v)
{
	size_t ent = v->is64 ? sizeof(Elf64_Dyn) : sizeof(Elf32_Dyn);
	size_t len = v->dyn_size < ELF_DYN_MAX ? v->dyn_size : ELF_DYN_MAX;
	_cleanup_free_ unsigned char *d = malloc(len ? len : 1);
	if (!d || !len || pread(fd, d, len, (off_t)v->dyn_off) != (ssize_t)len)
		return false;
	for (size_t i = 0; i + ent <= len; i += ent) {
		int64_t tag;
		if (v->is64) {
			Elf64_Dyn x;
			memcpy(&x, d + i, sizeof(x));
			tag = x.d_tag;
		} else {
			Elf32_Dyn x;
			memcpy(&x, d + i, sizeof(x));
			tag = x.d_tag;
		}
		if (tag == DT_NULL)
			break;
		if (tag == DT_SONAME)
			return true;
	}
	return false;
}

/* An ELF file built as a dynamic loader (see sys.h), whatever its bytes. */
static bool elf_is_loader(const char *path, const struct stat *st)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW |
						O_NONBLOCK | O_NOCTTY);
	struct stat now;
	struct elf_view v;
	if (fd < 0 || fstat(fd, &now) < 0 || !S_ISREG(now.st_mode) ||
	    now.st_dev != st->st_dev || now.st_ino != st->st_ino ||
	    elf_read(fd, &v) < 0)
		return false;
	return v.dyn_type && !v.interp && v.dyn_size && elf_has_soname(fd, &v);
}

bool sys_is_loader_file(const char *path, const struct stat *st)
{
	return known_file(&loaders, path, st) || elf_is_loader(path, st);
}

bool sys_is_git(const char *path)
{
	struct stat a;
	return stat(path, &a) == 0 && sys_is_git_file(path, &a);
}

bool sys_is_loader(const char *path)
{
	struct stat a;
	return stat(path, &a) == 0 && sys_is_loader_file(path, &a);
}
