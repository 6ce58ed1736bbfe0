/* SPDX-License-Identifier: MIT */
/*
 * sv_exec: execve/execveat notifications. The path and argv are read from
 * the caller's memory and decided like an interposed exec (decide_exec.c:
 * the chain of scripts and ld.so included); allowed -> the kernel
 * continues. A caller that could rewrite its path or argv before the
 * kernel reads them again is held to settings.exec_race: refused, or held
 * with ptrace and checked at its exec stop (exec_verify.c).
 */
#ifndef TIERGATE_SV_EXEC_H
#define TIERGATE_SV_EXEC_H

#include "sv_call.h"

/* Answers k (an exec; k->sc says which). 0 (never parks). */
int sv_exec(struct call *k);

#endif
