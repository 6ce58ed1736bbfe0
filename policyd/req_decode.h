/* SPDX-License-Identifier: MIT */
/*
 * req_decode: strict decoding of one agent-socket message into a struct req
 * (the fields policyd uses). Bounded: paths by TGP_MAX_PATH, argv by
 * TGP_MAX_ARGS, every string NUL-free; anything else is -EBADMSG.
 * Lifecycle: req_decode() -> use -> req_free() (also after an error).
 */
#ifndef TIERGATE_REQ_DECODE_H
#define TIERGATE_REQ_DECODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tg_proto.h"

struct req {
	uint32_t kind, access, port, proto, flags;
	uint32_t pid; /* KREFUSED: the process refused */
	uint32_t access2;  /* PATH2's access bits; 0: create (kernel path) */
	const char *label; /* the audit line's kind ("rename", "chmod", ...);
			      NULL: "open" */
	bool nofollow;	   /* PATH's final symlink is not followed (lchown,
			      link): decided on the name itself */
	bool symlink;	   /* kernel path: PATH is made a symlink */
	bool src_fd, src_symlink; /* kernel path: link's PATH is a descriptor
				     (AT_EMPTY_PATH, /proc/self/fd/N), and
				     its file is (or may be) a symlink */
	bool made, made2;  /* kernel path: PATH (PATH2) is only made
			      (O_CREAT|O_EXCL, mkdir, link's new name...):
			      the call makes a new name there or fails with
			      EEXIST, never reaches what is there */
	bool unheld_fd;	   /* kernel path: PATH names a descriptor of a
			      multithreaded caller that policyd could not
			      copy (an allow becomes descriptor_race) */
	int32_t dirfd, dirfd2;
	char path[TGP_MAX_PATH + 1], path2[TGP_MAX_PATH + 1];
	bool has_path, has_path2, has_addr;
	char host[256];
	uint8_t addr[16];
	/* NAMES: the addresses HOST resolved to */
	uint8_t addrs[TGP_MAX_NAME_ADDRS][16];
	unsigned naddrs;
	const char **argv;
	size_t argc;
	/* exec asked by the interposer: the variables of the exec's
	 * environment git reads (TGPT_ENV, "NAME=VALUE"), at most
	 * TGP_MAX_ENV */
	const char **env;
	size_t nenv;
	/* exec by a seccomp caller: the name the kernel gives the program
	 * (a script's interpreter gets it as an argument): the path as
	 * passed, or /dev/fd/N[/path] for execveat from a descriptor */
	const char *kname;
	/* exec by a seccomp caller: its envp in the caller's memory (0: none
	 * or not known), read when git needs it (decide_exec.c) */
	uint64_t envp_at;
	char name[64], policy[TGP_MAX_PATH + 1], tmpdir[512];
};

int req_decode(const uint8_t *msg, size_t len, struct tgp_dec *d,
	       struct req *q);
void req_free(struct req *q);

#endif
