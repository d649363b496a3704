int proc_enter(struct mmk_proc *p)
{
	if (!p)
		return -EINVAL;
	if (atomic_load(&p->killed))
		return -ESRCH;
	return 0;
}

int proc_enter_buf(struct mmk_proc *p, const void *buf, uint64_t len)
{
	int err = proc_enter(p);
	if (!err && !buf && len)
		err = -EFAULT;
	return err;
}

int mmk_proc_killed(mmk_proc *p)
{
	if (!p)
		return -EINVAL;
	return atomic_load(&p->killed);
}

int mmk_getpid(mmk_proc *p)
{
	if (!p)
		return -EINVAL;
	return p->pid;
}

