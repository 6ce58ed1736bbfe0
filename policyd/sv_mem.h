/* SPDX-License-Identifier: MIT */
/*
 * sv_mem: the memory of the caller of the notification being answered,
 * read with process_vm_readv (the kernel path's arguments are pointers into
 * it). The path, argv and its strings usually sit on one or two pages, and
 * every read costs a pin of the page: each page is read once, whole, and
 * kept for the notification (sv_mem_reset starts the next). One thread.
 */
#ifndef TIERGATE_SV_MEM_H
#define TIERGATE_SV_MEM_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define SV_PAGE 4096u

/* Forgets the pages read; the next reads are pid's. */
void sv_mem_reset(pid_t pid);
/* Two pages known up front (the path's and argv's) in one system call;
 * what fails here is read (and fails) again one page at a time. */
void sv_mem_prefetch(uint64_t a, uint64_t b);
/* len bytes at addr from the caller's pages; -EFAULT if any is unmapped. */
int sv_mem_copy(uint64_t addr, void *out, size_t len);
/* A NUL-terminated string at addr, one page at a time (never past the page
 * the terminator is on), into buf; *ret_len its length (may be NULL).
 * -EFAULT, or -ENAMETOOLONG if cap bytes hold no NUL. */
int sv_mem_str(uint64_t addr, char *buf, size_t cap, size_t *ret_len);
/* A NULL-terminated array of string pointers at at (argv, envp): the
 * pointers a page at a time, then each string (sv_mem_str) into arena
 * (cap bytes), at most max of them into v; with addrs, each string's
 * address too. *ret_n the count. 0, -EFAULT, or -E2BIG: more than max
 * strings or cap bytes (the exec's own limits are the kernel's). */
int sv_mem_strv(uint64_t at, char *arena, size_t cap, const char **v,
		size_t max, uint64_t *addrs, size_t *ret_n);
/* Exactly len bytes at addr from pid, not kept; -EFAULT if any is
 * unmapped (a structure read once: an address, a header). */
int sv_mem_read(pid_t pid, uint64_t addr, void *buf, size_t len);
/* Exactly len bytes of buf written at addr in pid (a result the kernel
 * would have written: prlimit64's old limit); -EFAULT if any of it is not
 * mapped writable, as the kernel's copy out would fail. */
int sv_mem_write(pid_t pid, uint64_t addr, const void *buf, size_t len);

#endif
