/*
 * proto.h - the wire protocol between the Linux backend (in the mmkit
 * command, tools/mmkit/backend_linux.c) and its server (build/mmkit-linux,
 * tools/linux/), one server process per script process.
 *
 * The channel is an AF_UNIX SOCK_STREAM socket, at fd LX_CHANNEL_FD in the
 * server.  It is strictly request/reply, one at a time:
 *
 *   backend                              server
 *   -------                              ------
 *   spawn: fork+exec server  ----->      setup, then HELLO (unprompted)
 *   struct lx_req [path] [data] ---->
 *                            <-----      struct lx_rep [data] [text]
 *   LX_FORK + SCM_RIGHTS(new socket) ->  fork(); the child moves to the new
 *                            <-----      socket; the parent replies (ret = pid)
 *   BK_EXEC                  ----->      execve(itself); the NEW image sends
 *                            <-----      HELLO as the reply (ret = 0), or the
 *                                        old image replies -errno
 *   BK_EXEC PATH [ARGS]      ----->      a traced child execs PATH; the server
 *                            <-----      replies 0 or -errno, and serves the
 *                                        child from then on (tracee.c)
 *   BK_EXIT                  ----->
 *                            <-----      reply, then _exit(0)
 *
 * A HELLO is a struct lx_rep whose data is a struct lx_hello.  Everything is
 * in host byte order: both ends run on the same machine.
 *
 * Invariants: a request's path is at most LX_PATH_MAX bytes and its data at
 * most LX_DATA_MAX bytes; a reply's data and text are each at most
 * LX_DATA_MAX bytes.  An operation whose result would not fit fails with
 * -EMSGSIZE (a limit of this backend, never of the script's semantics).
 */
#ifndef MMKIT_LINUX_PROTO_H
#define MMKIT_LINUX_PROTO_H

#include <stdint.h>

#include "backend.h"

/* Bumped whenever a struct below changes: the backend refuses a server
 * built from another version (the Makefile does not rebuild build/mmkit
 * when only this header changes). */
#define LX_VERSION 10

/* The channel's fd number in every server: high, so that a script's own
 * open() calls (lowest free fd) never meet it. */
#define LX_CHANNEL_FD 1000

#define LX_PATH_MAX 4096
#define LX_DATA_MAX (2u << 20)

/* Opcodes beyond enum bk_opcode, private to this protocol. */
enum lx_opcode {
	LX_FORK = 1000, /* carries one fd (SCM_RIGHTS): the child's channel */
};

struct lx_req {
	int32_t code;	  /* enum bk_opcode or enum lx_opcode */
	int32_t has_path; /* 1 if a path follows (possibly empty) */
	int64_t a[6];
	uint32_t pathlen; /* bytes of path that follow, no NUL */
	uint32_t pad;
	uint64_t datalen; /* bytes of data that follow the path */
};

/* lx_rep.signo of an operation the server refused to run because it would
 * touch the server's own (hidden) memory: unmap, change or access it.  No
 * script can expect a result there that mmkit could match (docs/CHECK.md),
 * so the backend reports a failure of its own instead. */
#define LX_REFUSED (-1)

struct lx_rep {
	int64_t ret;
	int32_t signo, code;
	uint64_t addr;
	uint64_t datalen; /* bytes of data that follow */
	uint64_t textlen; /* bytes of text that follow the data */
};

/* What a server says when it starts (spawn or exec). */
struct lx_hello {
	uint32_t version; /* LX_VERSION */
	int32_t pid;
	/* Empty, or why this server cannot run scripts faithfully (a setup step
	 * failed); the backend reports it and gives up. */
	char problem[200];
	/* Empty, or a setting this server could not make as docs/CHECK.md
	 * says (a hard resource limit too low...): it runs, but the scripts
	 * that depend on the setting will not compare. */
	char warning[200];
	/* The mappings present when the script starts: what the views hide and
	 * what `mmkit check` has the mmkit backend reserve. */
	struct bk_layout layout;
};

#endif
