/*
 * signal.c - signal delivery to a guest task as Linux's
 * arch/riscv/kernel/signal.c does it: the rt_sigframe (a siginfo, then a
 * ucontext whose mcontext holds pc, x1..x31, f0..f31 and fcsr) pushed on
 * the task's stack (or its alternate stack with SA_ONSTACK), a0 = signo,
 * a1 = &siginfo, a2 = &ucontext, ra = the vdso's rt_sigreturn trampoline,
 * pc = the handler.  rt_sigreturn restores what the frame holds.
 *
 * Frame layout (offsets from the frame's start, 16-byte aligned):
 *     0  siginfo (128 bytes): si_signo, si_errno, si_code, si_addr at 16
 *   128  ucontext: uc_flags, uc_link, uc_stack (24 bytes), uc_sigmask (8,
 *        then padding to 128 bytes), uc_mcontext at ucontext + 176:
 *        sc_regs (pc, x1..x31: 256 bytes), then the FP state (f0..f31,
 *        fcsr; the union is 528 bytes for the Q layout)
 *  1088  end
 *
 * Default actions: SIGCHLD, SIGURG, SIGWINCH and SIGCONT are ignored;
 * every other signal kills (stop signals too: job control is not
 * simulated).  A fault signal that is blocked or ignored kills, as
 * Linux's force_sig_info_to_task() does.
 *
 * A signal for a task blocked in a system call (run.c): the call is made
 * once more first, since Linux checks the call's own condition (a child
 * ready, data in the pipe, the deadline passed) before signal_pending;
 * if it would still block and a handler is to run, the call ends as its
 * -ERESTART* code says in Linux (arch/riscv/kernel/signal.c's
 * handle_signal): read, write, wait4, waitid, futex (-ERESTARTSYS) are made
 * again after the handler with SA_RESTART, else -EINTR; ppoll (pause
 * too), pselect6 and sigsuspend (-ERESTARTNOHAND; poll.c ends the first
 * two as Linux's poll_select_finish), the sleeps and a futex wait with a
 * timeout (-ERESTART_RESTARTBLOCK) always -EINTR, the sleeps with the time
 * left; a pipe write that moved
 * some bytes returns their count.  An ignored signal does not interrupt.
 */
#include <errno.h>
#include <string.h>

#include "rv.h"

#define SA_ONSTACK_G   0x08000000ull
#define SA_RESETHAND_G 0x80000000ull
#define SA_NODEFER_G   0x40000000ull
#define SA_RESTART_G   0x10000000ull
#define SIGALRM_G      14
#define SIG_DFL_G      0
#define SIG_IGN_G      1

#define FRAME_SIZE 1088
#define UC_OFF	   128
#define MC_OFF	   (UC_OFF + 176)
#define FP_OFF	   (MC_OFF + 256)

static bool default_ignores(int sig)
{
	return sig == 17 || sig == 23 || sig == 28 || sig == 18;
}

/* Whether sig would do nothing to t (Linux's sig_ignored). */
static bool ignored(const struct rv_task *t, int sig)
{
	uint64_t h = t->act[sig].handler;
	return h == SIG_IGN_G || (h == SIG_DFL_G && default_ignores(sig));
}

int rv_signal_next_handled(struct rv_world *w, struct rv_task *t)
{
	uint64_t ready = t->pending & ~t->sigmask;
	for (int sig = 1; sig <= RV_NSIG; sig++) {
		uint64_t bit = 1ull << (sig - 1);
		if (!(ready & bit) || sig == 9)
			continue;
		if (ignored(t, sig)) {
			t->pending &= ~bit;
			if (sig == SIGALRM_G)
				rv_itimer_dequeued(w, t);
			continue;
		}
		return t->act[sig].handler == SIG_DFL_G ? 0 : sig; /* a kill returns nothing */
	}
	return 0;
}

/* How a blocked call ends when a handler interrupts it (Linux's codes). */
enum restart { RESTART_SYS, RESTART_NOHAND, RESTART_BLOCK, RESTART_ALWAYS };

static enum restart restart_code(uint64_t nr)
{
	switch (nr) {
	case 63:  /* read */
	case 64:  /* write */
	case 65:  /* readv */
	case 66:  /* writev */
	case 95:  /* waitid */
	case 98:  /* futex */
	case 260: /* wait4 */
		return RESTART_SYS;
	case 72:  /* pselect6 */
	case 73:  /* ppoll (pause too) */
	case 133: /* rt_sigsuspend */
		return RESTART_NOHAND;
	case 101: /* nanosleep */
	case 115: /* clock_nanosleep */
		return RESTART_BLOCK;
	}
	return RESTART_ALWAYS;
}

void rv_signal_interrupt(struct rv_world *w, struct rv_task *t, int sig)
{
	int64_t r = -EINTR;
	if (t->io_done) {
		r = (int64_t)t->io_done; /* pipe_write's partial count */
		t->io_done = 0;
	} else {
		switch (restart_code(t->cpu.x[17])) {
		case RESTART_ALWAYS:
			return;
		case RESTART_SYS:
			/* a futex wait with a timeout: -ERESTART_RESTARTBLOCK */
			if (t->sleeping) {
				t->sleeping = 0;
				break;
			}
			if (t->act[sig].flags & SA_RESTART_G)
				return;
			break;
		case RESTART_NOHAND:
			if (t->polling) /* its time left, its revents */
				r = rv_poll_interrupted(t);
			break;
		case RESTART_BLOCK:
			r = rv_sleep_interrupted(t);
			break;
		}
	}
	t->wait_eintr = 0;
	t->futex_addr = 0;
	t->cpu.x[10] = (uint64_t)r;
	t->cpu.pc += 4;
}

/* The vdso's __vdso_rt_sigreturn (vdso.c): `li a7, 139; ecall`. */
static uint64_t sigreturn_tramp(struct rv_world *w, struct rv_task *t)
{
	return t->vdso_base + w->vdso_sigreturn;
}

void rv_signal_deliver(struct rv_world *w, struct rv_task *t, int sig, const struct mmk_siginfo *si,
		       int code)
{
	if (sig == SIGALRM_G && !si)
		rv_itimer_dequeued(w, t); /* it was pending: taken now */
	struct rv_sigaction *act = &t->act[sig];
	bool blocked = (t->sigmask >> (sig - 1)) & 1;
	if (si && (blocked || act->handler == SIG_IGN_G)) {
		act->handler = SIG_DFL_G;
		blocked = false;
	}
	if (act->handler == SIG_IGN_G || (act->handler == SIG_DFL_G && default_ignores(sig)))
		return;
	if (act->handler == SIG_DFL_G || sig == 9) {
		rv_task_exit(w, t, sig);
		return;
	}
	uint8_t f[FRAME_SIZE];
	memset(f, 0, sizeof(f));
	int32_t info[4] = {sig, 0, code, 0};
	memcpy(f, info, 16);
	if (si) {
		memcpy(f + 16, &si->addr, 8);
	} else {
		int32_t pid_uid[2] = {w->current ? w->current->tgid : 0, 0};
		memcpy(f + 16, pid_uid, 8);
	}
	uint64_t sp = t->cpu.x[2];
	bool off_alt = t->altstack_size && sp - t->altstack_sp >= t->altstack_size;
	uint64_t stack[3] = {t->altstack_sp, t->altstack_size ? 0 : 2, t->altstack_size};
	memcpy(f + UC_OFF + 16, stack, 24);
	/* after sigsuspend, the handler's return restores the mask from
	 * before it (Linux's set_restore_sigmask) */
	memcpy(f + UC_OFF + 40, t->restore_mask ? &t->saved_mask : &t->sigmask, 8);
	t->restore_mask = 0;
	memcpy(f + MC_OFF, &t->cpu.pc, 8);
	memcpy(f + MC_OFF + 8, &t->cpu.x[1], 31 * 8);
	memcpy(f + FP_OFF, t->cpu.f, 32 * 8);
	uint32_t fcsr = t->cpu.frm << 5 | t->cpu.fflags;
	memcpy(f + FP_OFF + 256, &fcsr, 4);
	if ((act->flags & SA_ONSTACK_G) && off_alt)
		sp = t->altstack_sp + t->altstack_size;
	sp = (sp - FRAME_SIZE) & ~15ull;
	if (mmk_store(t->proc, sp, f, FRAME_SIZE, NULL)) {
		rv_task_exit(w, t, 11); /* Linux: force_sigsegv on a bad frame */
		return;
	}
	t->cpu.x[1] = sigreturn_tramp(w, t);
	t->cpu.x[2] = sp;
	t->cpu.x[10] = sig;
	t->cpu.x[11] = sp;
	t->cpu.x[12] = sp + UC_OFF;
	t->cpu.pc = act->handler;
	t->sigmask |= act->mask;
	if (!(act->flags & SA_NODEFER_G))
		t->sigmask |= 1ull << (sig - 1);
	t->sigmask &= ~(1ull << 8 | 1ull << 18);
	if (act->flags & SA_RESETHAND_G)
		act->handler = SIG_DFL_G;
}

int rv_sigreturn(struct rv_world *w, struct rv_task *t)
{
	uint8_t f[FRAME_SIZE];
	uint64_t sp = t->cpu.x[2];
	if (mmk_load(t->proc, sp, f, FRAME_SIZE, NULL)) {
		rv_task_exit(w, t, 11);
		return -1;
	}
	memcpy(&t->cpu.pc, f + MC_OFF, 8);
	memcpy(&t->cpu.x[1], f + MC_OFF + 8, 31 * 8);
	memcpy(t->cpu.f, f + FP_OFF, 32 * 8);
	uint32_t fcsr;
	memcpy(&fcsr, f + FP_OFF + 256, 4);
	t->cpu.fflags = fcsr & 0x1f;
	t->cpu.frm = (fcsr >> 5) & 7;
	memcpy(&t->sigmask, f + UC_OFF + 40, 8);
	t->sigmask &= ~(1ull << 8 | 1ull << 18);
	return 0;
}
