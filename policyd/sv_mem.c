/* SPDX-License-Identifier: MIT */
#include "sv_mem.h"

#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include <sys/uio.h>

int sv_mem_read(pid_t pid, uint64_t addr, void *buf, size_t len)
{
	struct iovec l = {.iov_base = buf, .iov_len = len};
	struct iovec r = {.iov_base = (void *)(uintptr_t)addr, .iov_len = len};
	ssize_t n = process_vm_readv(pid, &l, 1, &r, 1, 0);
	if (n < 0)
		return -errno;
	return (size_t)n == len ? 0 : -EFAULT;
}

int sv_mem_write(pid_t pid, uint64_t addr, const void *buf, size_t len)
{
	struct iovec l = {.iov_base = (void *)(uintptr_t)buf, .iov_len = len};
	struct iovec r = {.iov_base = (void *)(uintptr_t)addr, .iov_len = len};
	ssize_t n = process_vm_writev(pid, &l, 1, &r, 1, 0);
	/* a page not mapped, or mapped read-only (process_vm_writev honours
	 * the caller's protections as copy_to_user does) */
	if (n < 0)
		return errno == EFAULT ? -EFAULT : -errno;
	return (size_t)n == len ? 0 : -EFAULT;
}

/* an exec's argv and environment: a pointer page and the pages of their
 * strings (bash's, scattered in its heap), walked twice (the decision,
 * the environment's digest): enough pages that none is read twice */
#define PAGES 16
static struct {
	pid_t pid;
	int n, next;
	uint64_t base[PAGES];
	uint8_t buf[PAGES][SV_PAGE];
} pg;

void sv_mem_reset(pid_t pid)
{
	pg.pid = pid;
	pg.n = pg.next = 0;
}

static int page_slot(uint64_t base)
{
	for (int i = 0; i < pg.n; i++)
		if (pg.base[i] == base)
			return i;
	return -1;
}

static int slot_take(void)
{
	int slot = pg.next;
	pg.next = (pg.next + 1) % PAGES;
	if (pg.n < PAGES)
		pg.n++;
	pg.base[slot] = UINT64_MAX; /* never matches a page until read */
	return slot;
}

/* Page a into slot sa, and page b into slot sb (sb < 0: none), in one
 * system call; a page the process has not mapped readable is left unread,
 * and so is every page after it. true: a was read. */
static bool pages_read(uint64_t a, int sa, uint64_t b, int sb)
{
	int cnt = sb >= 0 ? 2 : 1;
	struct iovec l[2] = {{pg.buf[sa], SV_PAGE},
			     {sb >= 0 ? pg.buf[sb] : NULL, SV_PAGE}};
	struct iovec r[2] = {{(void *)(uintptr_t)a, SV_PAGE},
			     {(void *)(uintptr_t)b, SV_PAGE}};
	ssize_t n = process_vm_readv(pg.pid, l, cnt, r, cnt, 0);
	if (n >= (ssize_t)SV_PAGE)
		pg.base[sa] = a;
	if (sb >= 0 && n == 2 * (ssize_t)SV_PAGE)
		pg.base[sb] = b;
	return n >= (ssize_t)SV_PAGE;
}

/* The page at base (page-aligned), read now or before; NULL if it is not
 * mapped readable. A page read is read with the one after it, unless that
 * one is here already (strings run on: the next is usually wanted). */
static const uint8_t *page_get(uint64_t base)
{
	int slot = page_slot(base);
	if (slot >= 0)
		return pg.buf[slot];
	slot = slot_take();
	uint64_t nb = base + SV_PAGE;
	int next = nb > base && page_slot(nb) < 0 ? slot_take() : -1;
	return pages_read(base, slot, nb, next) ? pg.buf[slot] : NULL;
}

void sv_mem_prefetch(uint64_t a, uint64_t b)
{
	a &= ~(uint64_t)(SV_PAGE - 1);
	b &= ~(uint64_t)(SV_PAGE - 1);
	if (!a || !b || a == b || pg.n)
		return;
	int sa = slot_take(), sb = slot_take();
	(void)pages_read(a, sa, b, sb);
}

int sv_mem_copy(uint64_t addr, void *out, size_t len)
{
	uint8_t *o = out;
	while (len) {
		size_t off = (size_t)(addr % SV_PAGE), n = SV_PAGE - off;
		if (n > len)
			n = len;
		const uint8_t *p = page_get(addr - off);
		if (!p)
			return -EFAULT;
		memcpy(o, p + off, n);
		o += n;
		addr += n;
		len -= n;
	}
	return 0;
}

int sv_mem_str(uint64_t addr, char *buf, size_t cap, size_t *ret_len)
{
	size_t got = 0;
	if (!addr)
		return -EFAULT;
	while (got < cap) {
		size_t chunk = SV_PAGE - (size_t)((addr + got) % SV_PAGE);
		if (chunk > cap - got)
			chunk = cap - got;
		int r = sv_mem_copy(addr + got, buf + got, chunk);
		if (r < 0)
			return r;
		char *z = memchr(buf + got, '\0', chunk);
		if (z) {
			if (ret_len)
				*ret_len = (size_t)(z - buf);
			return 0;
		}
		got += chunk;
	}
	return -ENAMETOOLONG;
}

int sv_mem_strv(uint64_t at, char *arena, size_t cap, const char **v,
		size_t max, uint64_t *addrs, size_t *ret_n)
{
	size_t n = 0, used = 0;
	for (bool more = at != 0; more;) {
		uint64_t ptrs[SV_PAGE / 8];
		uint64_t pa = at + n * 8;
		size_t cnt = (SV_PAGE - (size_t)(pa % SV_PAGE)) / 8, i = 0;
		if (cnt == 0)
			cnt = 1;
		if (sv_mem_copy(pa, ptrs, cnt * 8) < 0)
			return -EFAULT;
		for (; i < cnt && ptrs[i]; i++) {
			if (n >= max)
				return -E2BIG;
			size_t sl;
			int r =
			    sv_mem_str(ptrs[i], arena + used, cap - used, &sl);
			if (r < 0)
				return r == -ENAMETOOLONG ? -E2BIG : -EFAULT;
			v[n] = arena + used;
			if (addrs)
				addrs[n] = ptrs[i];
			n++;
			used += sl + 1;
		}
		more = i == cnt;
	}
	*ret_n = n;
	return 0;
}
