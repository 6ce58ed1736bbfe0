/* SPDX-License-Identifier: MIT */
/*
 * egress_probe: which program types, attach types, maps and kernel
 * functions this kernel offers, each tried for real (a two-instruction
 * program loaded with its expected attach type, then attached through a
 * link to a probe cgroup made and removed under the given directory).
 * The errno of each failure and what the kernel said go to `policyctl
 * status`.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <linux/btf.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "egress_internal.h"
#include "util.h"

static const char *const ft_names[EGRESS_FT_MAX] = {
    [EGRESS_FT_CONNECT4] = "connect4",
    [EGRESS_FT_CONNECT6] = "connect6",
    [EGRESS_FT_SENDMSG4] = "sendmsg4",
    [EGRESS_FT_SENDMSG6] = "sendmsg6",
    [EGRESS_FT_SOCK_CREATE] = "sock_create",
    [EGRESS_FT_SKB_EGRESS] = "cgroup_skb/egress",
    [EGRESS_FT_SKB_INGRESS] = "cgroup_skb/ingress",
    [EGRESS_FT_RINGBUF] = "ringbuf",
    [EGRESS_FT_LPM] = "lpm_trie",
    [EGRESS_FT_SK_STORAGE] = "sk_storage",
    [EGRESS_FT_SPIN_LOCK] = "spin_lock",
    [EGRESS_FT_RECVMSG4] = "recvmsg4",
    [EGRESS_FT_RECVMSG6] = "recvmsg6",
    [EGRESS_FT_GETPEERNAME4] = "getpeername4",
    [EGRESS_FT_GETPEERNAME6] = "getpeername6",
    [EGRESS_FT_SOCK_OPS] = "sockops",
    [EGRESS_FT_CONNECT_UNIX] = "connect_unix",
    [EGRESS_FT_SENDMSG_UNIX] = "sendmsg_unix",
    [EGRESS_FT_KERN_CTX] = "bpf_cast_to_kern_ctx",
    [EGRESS_FT_LSM] = "lsm",
    [EGRESS_FT_LSM_CGROUP] = "lsm_cgroup",
    [EGRESS_FT_FENTRY] = "fentry",
};

const char *egress_feature_name(enum egress_feature f)
{
	return (unsigned)f < EGRESS_FT_MAX ? ft_names[f] : "?";
}

struct cg_probe {
	enum egress_feature ft;
	enum bpf_prog_type type;
	int attach;
};

static const struct cg_probe cg_probes[] = {
    {EGRESS_FT_CONNECT4, BPF_PROG_TYPE_CGROUP_SOCK_ADDR,
     BPF_CGROUP_INET4_CONNECT},
    {EGRESS_FT_CONNECT6, BPF_PROG_TYPE_CGROUP_SOCK_ADDR,
     BPF_CGROUP_INET6_CONNECT},
    {EGRESS_FT_SENDMSG4, BPF_PROG_TYPE_CGROUP_SOCK_ADDR,
     BPF_CGROUP_UDP4_SENDMSG},
    {EGRESS_FT_SENDMSG6, BPF_PROG_TYPE_CGROUP_SOCK_ADDR,
     BPF_CGROUP_UDP6_SENDMSG},
    {EGRESS_FT_SOCK_CREATE, BPF_PROG_TYPE_CGROUP_SOCK,
     BPF_CGROUP_INET_SOCK_CREATE},
    {EGRESS_FT_SKB_EGRESS, BPF_PROG_TYPE_CGROUP_SKB, BPF_CGROUP_INET_EGRESS},
    {EGRESS_FT_SKB_INGRESS, BPF_PROG_TYPE_CGROUP_SKB, BPF_CGROUP_INET_INGRESS},
    {EGRESS_FT_RECVMSG4, BPF_PROG_TYPE_CGROUP_SOCK_ADDR,
     BPF_CGROUP_UDP4_RECVMSG},
    {EGRESS_FT_RECVMSG6, BPF_PROG_TYPE_CGROUP_SOCK_ADDR,
     BPF_CGROUP_UDP6_RECVMSG},
    {EGRESS_FT_GETPEERNAME4, BPF_PROG_TYPE_CGROUP_SOCK_ADDR,
     BPF_CGROUP_INET4_GETPEERNAME},
    {EGRESS_FT_GETPEERNAME6, BPF_PROG_TYPE_CGROUP_SOCK_ADDR,
     BPF_CGROUP_INET6_GETPEERNAME},
    {EGRESS_FT_SOCK_OPS, BPF_PROG_TYPE_SOCK_OPS, BPF_CGROUP_SOCK_OPS},
    {EGRESS_FT_CONNECT_UNIX, BPF_PROG_TYPE_CGROUP_SOCK_ADDR,
     EG_ATTACH_UNIX_CONNECT},
    {EGRESS_FT_SENDMSG_UNIX, BPF_PROG_TYPE_CGROUP_SOCK_ADDR,
     EG_ATTACH_UNIX_SENDMSG},
};

#define INSN(c, d, s, o, i)                                                    \
	((struct bpf_insn){.code = (c),                                        \
			   .dst_reg = (d),                                     \
			   .src_reg = (s),                                     \
			   .off = (o),                                         \
			   .imm = (i)})
#define MOV_R0(v) INSN(BPF_ALU64 | BPF_MOV | BPF_K, 0, 0, 0, (v))
#define EXIT() INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0)

static void set_why(struct egress_features *f, enum egress_feature ft, int err,
		    const char *stage, const char *log)
{
	char first[80] = "";

	f->err[ft] = err;
	if (log && *log) {
		size_t n = strcspn(log, "\n");
		snprintf(first, sizeof(first), ": %.*s", (int)(n < 70 ? n : 70),
			 log);
	} else if (!strcmp(stage, "load") && err == EPERM) {
		snprintf(first, sizeof(first),
			 " before verification (no verifier log)");
	}
	snprintf(f->why[ft], sizeof(f->why[ft]), "%s: %s%s", stage,
		 strerror(err), first);
}

static int load(enum bpf_prog_type type, int attach, __u32 btf_id,
		const struct bpf_insn *insns, size_t n, char *log, size_t logsz)
{
	LIBBPF_OPTS(bpf_prog_load_opts, o, .expected_attach_type = attach,
		    .attach_btf_id = btf_id, .log_buf = log,
		    .log_size = (__u32)logsz, .log_level = 1);
	int fd;

	log[0] = '\0';
	fd = bpf_prog_load(type, "tg_probe", "Dual MIT/GPL", insns, n, &o);
	if (fd < 0)
		fd = -errno;
	return fd;
}

static void probe_cgroup_types(struct egress_features *f, int cgfd)
{
	static char log[4096];
	const struct bpf_insn ok[] = {MOV_R0(1), EXIT()};

	for (size_t i = 0; i < TG_ARRAY_SIZE(cg_probes); i++) {
		const struct cg_probe *p = &cg_probes[i];
		int fd = load(p->type, p->attach, 0, ok, 2, log, sizeof(log));
		if (fd < 0) {
			set_why(f, p->ft, -fd, "load", log);
			continue;
		}
		if (cgfd >= 0) {
			int l = bpf_link_create(fd, cgfd, p->attach, NULL);
			if (l < 0)
				set_why(f, p->ft, errno, "attach", NULL);
			else
				close(l);
		}
		close(fd);
	}
}

static int vmlinux_func(const char *name, __u32 *ret)
{
	struct btf *b = btf__load_vmlinux_btf();
	int id;

	if (!b)
		return -errno;
	id = btf__find_by_name_kind(b, name, BTF_KIND_FUNC);
	btf__free(b);
	if (id < 0)
		return -ENOENT;
	*ret = (__u32)id;
	return 0;
}

/* The kfunc the Unix guard uses, from a sock_addr program. */
static void probe_kern_ctx(struct egress_features *f)
{
	static char log[4096];
	__u32 id = 0;
	int fd, r;

	r = vmlinux_func("bpf_cast_to_kern_ctx", &id);
	if (r < 0) {
		f->err[EGRESS_FT_KERN_CTX] = -r;
		snprintf(f->why[EGRESS_FT_KERN_CTX],
			 sizeof(f->why[EGRESS_FT_KERN_CTX]),
			 "not in the kernel's BTF (Linux 6.2+)");
		return;
	}
	const struct bpf_insn call[] = {
	    INSN(BPF_JMP | BPF_CALL, 0, BPF_PSEUDO_KFUNC_CALL, 0, (int)id),
	    MOV_R0(1), EXIT()};
	int attach = f->err[EGRESS_FT_CONNECT_UNIX] ? BPF_CGROUP_INET4_CONNECT
						    : EG_ATTACH_UNIX_CONNECT;
	fd = load(BPF_PROG_TYPE_CGROUP_SOCK_ADDR, attach, 0, call, 3, log,
		  sizeof(log));
	if (fd < 0)
		set_why(f, EGRESS_FT_KERN_CTX, -fd, "load", log);
	else
		close(fd);
}

/* Types this layer does not use, reported so that status says why. */
static void probe_btf_type(struct egress_features *f, enum egress_feature ft,
			   enum bpf_prog_type type, int attach,
			   const char *func)
{
	static char log[4096];
	const struct bpf_insn ret0[] = {MOV_R0(0), EXIT()};
	__u32 id = 0;
	int fd, r;

	r = vmlinux_func(func, &id);
	if (r < 0) {
		set_why(f, ft, -r, "btf", NULL);
		return;
	}
	fd = load(type, attach, id, ret0, 2, log, sizeof(log));
	if (fd < 0)
		set_why(f, ft, -fd, "load", log);
	else
		close(fd);
}

/* BTF for maps that need it: int, struct bpf_spin_lock, a value with
 * the lock first. */
static int make_btf(void)
{
	struct btf *b = btf__new_empty();
	int fd;

	if (!b)
		return -ENOMEM;
	int i = btf__add_int(b, "int", 4, BTF_INT_SIGNED); /* 1 */
	btf__add_struct(b, "bpf_spin_lock", 4);		   /* 2 */
	btf__add_field(b, "val", i, 0, 0);
	btf__add_struct(b, "val", 8); /* 3 */
	btf__add_field(b, "l", 2, 0, 0);
	btf__add_field(b, "x", i, 32, 0);
	fd = btf__load_into_kernel(b);
	fd = fd < 0 ? -errno : btf__fd(b);
	if (fd >= 0)
		fd = dup(fd);
	btf__free(b);
	return fd < 0 ? -errno : fd;
}

static void probe_map(struct egress_features *f, enum egress_feature ft,
		      enum bpf_map_type type, __u32 ksz, __u32 vsz,
		      __u32 maxent, __u32 flags, int btf_fd, __u32 vtype)
{
	LIBBPF_OPTS(bpf_map_create_opts, o, .map_flags = flags);
	int fd;

	if (btf_fd >= 0) {
		o.btf_fd = btf_fd;
		o.btf_key_type_id = 1;
		o.btf_value_type_id = vtype;
	}
	fd = bpf_map_create(type, "tg_probe", ksz, vsz, maxent, &o);
	if (fd < 0)
		set_why(f, ft, errno, "map", NULL);
	else
		close(fd);
}

static void probe_maps(struct egress_features *f)
{
	int btf = make_btf();

	probe_map(f, EGRESS_FT_RINGBUF, BPF_MAP_TYPE_RINGBUF, 0, 0, 4096, 0, -1,
		  0);
	probe_map(f, EGRESS_FT_LPM, BPF_MAP_TYPE_LPM_TRIE, 8, 8, 16,
		  BPF_F_NO_PREALLOC, -1, 0);
	if (btf < 0) {
		set_why(f, EGRESS_FT_SK_STORAGE, -btf, "btf", NULL);
		set_why(f, EGRESS_FT_SPIN_LOCK, -btf, "btf", NULL);
		return;
	}
	probe_map(f, EGRESS_FT_SK_STORAGE, BPF_MAP_TYPE_SK_STORAGE, 4, 4, 0,
		  BPF_F_NO_PREALLOC, btf, 1);
	probe_map(f, EGRESS_FT_SPIN_LOCK, BPF_MAP_TYPE_HASH, 4, 8, 4, 0, btf,
		  3);
	close(btf);
}

int egress_probe(const char *cgroup_dir, struct egress_features *ret)
{
	struct egress_features f;
	char dir[PATH_MAX] = "";
	int cgfd = -1;

	memset(&f, 0, sizeof(f));
	if (cgroup_dir) {
		snprintf(dir, sizeof(dir), "%s/tg-probe-%d", cgroup_dir,
			 (int)getpid());
		if (mkdir(dir, 0700) == 0 || errno == EEXIST)
			cgfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	}
	f.attach_tested = cgfd >= 0;
	probe_cgroup_types(&f, cgfd);
	probe_kern_ctx(&f);
	probe_maps(&f);
	probe_btf_type(&f, EGRESS_FT_LSM, BPF_PROG_TYPE_LSM, BPF_LSM_MAC,
		       "bpf_lsm_socket_connect");
	probe_btf_type(&f, EGRESS_FT_LSM_CGROUP, BPF_PROG_TYPE_LSM,
		       BPF_LSM_CGROUP, "bpf_lsm_socket_connect");
	probe_btf_type(&f, EGRESS_FT_FENTRY, BPF_PROG_TYPE_TRACING,
		       BPF_TRACE_FENTRY, "tcp_v4_connect");
	if (cgfd >= 0) {
		close(cgfd);
		/* the links are closed: the cgroup has no programs left */
		rmdir(dir);
	}
	*ret = f;
	return 0;
}

int egress_features_format(const struct egress_features *f, char *buf,
			   size_t bufsz)
{
	struct strbuf b = {0};
	bool first = true;
	int n;

	for (int i = 0; i < EGRESS_FT_MAX; i++) {
		if (f->err[i])
			continue;
		strbuf_printf(&b, "%s%s", first ? "" : " ", ft_names[i]);
		first = false;
	}
	strbuf_puts(&b, first ? "nothing works" : " work");
	if (!f->attach_tested)
		strbuf_puts(&b, " (loaded, attach not tried)");
	for (int i = 0; i < EGRESS_FT_MAX; i++)
		if (f->err[i])
			strbuf_printf(&b, "; %s: %s", ft_names[i], f->why[i]);
	if (b.oom) {
		strbuf_free(&b);
		return -ENOMEM;
	}
	n = snprintf(buf, bufsz, "%s", b.s);
	strbuf_free(&b);
	return n;
}
