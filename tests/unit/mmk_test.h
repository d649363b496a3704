/*
 * mmk_test.h - fixtures shared by the library's unit tests: a system in a
 * fresh temporary directory, helpers to make files, read maps, and check the
 * invariants after every mutating call.
 */
#ifndef MMK_TEST_H
#define MMK_TEST_H

#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mmkit.h"
#include "t.h"

struct fixture {
	char dir[64];
	mmk_system *sys;
	mmk_proc *p;
};

static void rm_rf(const char *dir)
{
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "warning: could not remove %s\n", dir);
}

/*
 * What a failed test leaves is freed by the harness (t.h): every system a
 * test creates is registered with t_defer until it is destroyed, and so is
 * a fixture's temporary directory until fx_done removes it.  The tests
 * call mmk_system_create/destroy as always; these wrappers do the
 * bookkeeping.
 */
#define FX_DIRS 16
static char fx_dirs[FX_DIRS][64]; /* a copy: the fixture lives on the test's stack */

static void fx_dir_cleanup(void *arg)
{
	rm_rf(arg);
}

static void fx_sys_cleanup(void *arg)
{
	(mmk_system_destroy)(arg);
}

static __attribute__((unused)) int fx_system_create(const struct mmk_config *cfg, mmk_system **out)
{
	int err = (mmk_system_create)(cfg, out);
	if (!err && out && *out)
		t_defer(fx_sys_cleanup, *out);
	return err;
}

static __attribute__((unused)) int fx_system_destroy(mmk_system *sys)
{
	t_undefer(sys);
	return (mmk_system_destroy)(sys);
}
#define mmk_system_create(cfg, out) fx_system_create(cfg, out)
#define mmk_system_destroy(sys)	    fx_system_destroy(sys)

/* A slot is in use while the running test has it registered. */
static bool fx_dir_slot_used(const char *slot)
{
	for (int j = 0; j < t_ndeferred; j++)
		if (t_deferred[j].arg == slot)
			return true;
	return false;
}

static void fx_dir_keep(const char *dir)
{
	for (int i = 0; i < FX_DIRS; i++) {
		if (!fx_dir_slot_used(fx_dirs[i])) {
			snprintf(fx_dirs[i], sizeof(fx_dirs[i]), "%s", dir);
			t_defer(fx_dir_cleanup, fx_dirs[i]);
			return;
		}
	}
}

static void fx_dir_forget(const char *dir)
{
	for (int i = 0; i < FX_DIRS; i++)
		if (fx_dir_slot_used(fx_dirs[i]) && !strcmp(fx_dirs[i], dir))
			t_undefer(fx_dirs[i]);
}

/* A system with one process; cfg may be NULL for the defaults. */
static int fx_init_cfg(struct fixture *fx, struct mmk_config *cfg)
{
	memset(fx, 0, sizeof(*fx));
	strcpy(fx->dir, "/tmp/mmkit-test-XXXXXX");
	if (!mkdtemp(fx->dir))
		return -1;
	fx_dir_keep(fx->dir);
	struct mmk_config c = {0};
	if (cfg)
		c = *cfg;
	c.root = fx->dir;
	if (!c.ram_bytes)
		c.ram_bytes = 16ULL << 20;
	if (mmk_system_create(&c, &fx->sys))
		return -1;
	if (mmk_spawn(fx->sys, &fx->p) <= 0)
		return -1;
	return 0;
}

static __attribute__((unused)) int fx_init(struct fixture *fx)
{
	return fx_init_cfg(fx, NULL);
}

/* Checks every invariant; returns 0 or prints what broke. */
static int fx_check(struct fixture *fx)
{
	char err[512];
	if (mmk_system_check(fx->sys, err, sizeof(err))) {
		printf("invariant: %s\n", err);
		return -1;
	}
	return 0;
}

/* Destroys the system: all frames must be free again. */
static __attribute__((unused)) int fx_done(struct fixture *fx)
{
	int ret = fx_check(fx);
	if (fx->p)
		mmk_exit(fx->p);
	fx->p = NULL;
	if (mmk_system_destroy(fx->sys))
		ret = -1;
	rm_rf(fx->dir);
	fx_dir_forget(fx->dir);
	return ret;
}

/* Writes a host file of len bytes, byte i = fill or (i & 0xff) if fill < 0. */
static __attribute__((unused)) void fx_file(struct fixture *fx, const char *name, size_t len,
					    int fill)
{
	char path[256];
	snprintf(path, sizeof(path), "%s/%s", fx->dir, name);
	int fd = open(path, O_CREAT | O_TRUNC | O_WRONLY, 0644);
	char *b = malloc(len ? len : 1);
	for (size_t i = 0; i < len; i++)
		b[i] = fill < 0 ? (char)(i & 0xff) : (char)fill;
	if (len && write(fd, b, len) != (ssize_t)len)
		perror("write");
	free(b);
	close(fd);
}

/* maps of p into a static buffer. */
static __attribute__((unused)) const char *fx_maps(mmk_proc *p)
{
	static char buf[1 << 16];
	int64_t n = mmk_proc_maps(p, buf, sizeof(buf));
	if (n < 0)
		snprintf(buf, sizeof(buf), "error %lld", (long long)n);
	return buf;
}

static __attribute__((unused)) int count_vmas(mmk_proc *p)
{
	int n = 0;
	for (const char *s = fx_maps(p); *s; s++)
		n += *s == '\n';
	return n;
}

/* The line of /proc/PID/status starting with key, or "". */
static __attribute__((unused)) const char *status_line(mmk_proc *p, const char *key)
{
	static char buf[8192];
	static char line[256];
	line[0] = 0;
	if (mmk_proc_status(p, buf, sizeof(buf)) < 0)
		return line;
	const char *s = strstr(buf, key);
	if (!s)
		return line;
	size_t n = strcspn(s, "\n");
	if (n >= sizeof(line))
		n = sizeof(line) - 1;
	memcpy(line, s, n);
	line[n] = 0;
	return line;
}

#define RW   (MMK_PROT_READ | MMK_PROT_WRITE)
#define PA   (MMK_MAP_PRIVATE | MMK_MAP_ANONYMOUS)
#define KB   1024ULL
#define MB   (1024ULL * 1024)
#define BASE 0x7ffff7fff000ULL /* mmap_base with ASLR off, 8 MiB stack */

#endif
