/*
 * narrate.c - one English sentence per trace event of the library (struct
 * mmk_event), for a person learning how mmap works.  Shared by the script
 * backend (`mmkit run --trace`) and the RISC-V runner (`mmkit exec
 * --trace`), so both tell the same story in the same words.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "narrate.h"

/* "0x1000-0x3000 (8K)" */
static int put_range(char *buf, size_t len, uint64_t start, uint64_t end)
{
	uint64_t n = end - start;
	const char *unit = "";
	uint64_t v = n;

	if (n && n % (1ULL << 30) == 0) {
		v = n >> 30;
		unit = "G";
	} else if (n && n % (1ULL << 20) == 0) {
		v = n >> 20;
		unit = "M";
	} else if (n && n % (1ULL << 10) == 0) {
		v = n >> 10;
		unit = "K";
	}
	return snprintf(buf, len, "0x%" PRIx64 "-0x%" PRIx64 " (%" PRIu64 "%s)", start, end, v,
			unit);
}

/* A host path as the script names it: relative to the run's directory. */
static const char *script_path(const char *root, const char *path)
{
	size_t n = root ? strlen(root) : 0;
	if (path && n && strncmp(path, root, n) == 0 && path[n] == '/')
		return path + n + 1;
	return path;
}

/* One English sentence per event; buf gets no trailing newline. */
void narrate_event(const char *root, const struct mmk_event *ev, char *buf, size_t len)
{
	char range[96];
	const char *d = ev->detail;

	put_range(range, sizeof(range), ev->start, ev->end);
	switch (ev->kind) {
	case MMK_EV_VMA_CREATE:
		if (d && strcmp(d, "mremap") == 0)
			snprintf(buf, len, "new VMA %s for the mapping mremap moves", range);
		else
			snprintf(buf, len, "new %s%sVMA %s", d ? d : "", d ? " " : "", range);
		break;
	case MMK_EV_VMA_SPLIT:
		snprintf(buf, len, "VMA %s split in two at 0x%" PRIx64, range, ev->addr);
		break;
	case MMK_EV_VMA_MERGE:
		snprintf(buf, len, "VMA merged with its neighbour into %s", range);
		break;
	case MMK_EV_VMA_REMOVE:
		snprintf(buf, len, "VMA %s removed", range);
		break;
	case MMK_EV_VMA_CHANGE:
		snprintf(buf, len, "VMA %s changed%s%s", range, d ? ": " : "", d ? d : "");
		break;
	case MMK_EV_FAULT:
		snprintf(buf, len, "page fault: %s at 0x%" PRIx64 " (%s)", d ? d : "access",
			 ev->addr,
			 ev->major ? "major: the page had to be read from disk" : "minor");
		break;
	case MMK_EV_PAGE_READ:
		snprintf(buf, len, "read page %" PRIu64 " of %s from disk into the page cache",
			 ev->pgoff, d ? script_path(root, d) : "the file");
		break;
	case MMK_EV_ZERO_PAGE:
		snprintf(buf, len,
			 "mapped the shared zero page read-only at 0x%" PRIx64
			 " (a later write gets a page of its own)",
			 ev->addr);
		break;
	case MMK_EV_ANON_PAGE:
		snprintf(buf, len, "allocated a zero-filled page for 0x%" PRIx64, ev->addr);
		break;
	case MMK_EV_COW:
		snprintf(buf, len,
			 "copy-on-write at 0x%" PRIx64
			 ": copied the shared page into a private one",
			 ev->addr);
		break;
	case MMK_EV_REUSE:
		snprintf(buf, len,
			 "write at 0x%" PRIx64 ": nobody else maps the page, so it "
			 "is made writable in place (no copy)",
			 ev->addr);
		break;
	case MMK_EV_FAULT_AROUND:
		snprintf(buf, len,
			 "fault-around: mapped %" PRIu64 " page(s) already in the "
			 "page cache around 0x%" PRIx64 " in one go",
			 ev->count, ev->addr);
		break;
	case MMK_EV_PTE_SET:
		snprintf(buf, len, "page table entry for 0x%" PRIx64 " now maps frame %" PRIu64,
			 ev->addr, ev->pfn);
		break;
	case MMK_EV_WRITEBACK:
		snprintf(buf, len, "writeback: dirty page %" PRIu64 " of %s written to disk",
			 ev->pgoff, d ? script_path(root, d) : "its file");
		break;
	case MMK_EV_TLB_FLUSH:
		snprintf(buf, len, "TLB flushed for %s", range);
		break;
	case MMK_EV_ZAP:
		snprintf(buf, len, "page table entries cleared for %s", range);
		break;
	case MMK_EV_SIGNAL:
		if (d && strcmp(d, "SIGKILL") == 0)
			snprintf(buf, len,
				 "the access was stopped: the process was killed (SIGKILL)");
		else
			snprintf(buf, len, "the access at 0x%" PRIx64 " raised %s", ev->addr,
				 d ? d : "a signal");
		break;
	case MMK_EV_RECLAIM:
		snprintf(buf, len, "reclaim: freed frame %" PRIu64 " (%s page)", ev->pfn,
			 d ? d : "a");
		break;
	case MMK_EV_SWAP_OUT:
		snprintf(buf, len, "swap-out: frame %" PRIu64 " written to swap slot %" PRIu64,
			 ev->pfn, ev->count);
		break;
	case MMK_EV_SWAP_IN:
		snprintf(buf, len, "swap-in: read swap slot %" PRIu64 " back for 0x%" PRIx64,
			 ev->count, ev->addr);
		break;
	case MMK_EV_OOM_KILL:
		snprintf(buf, len, "%s", d ? d : "out of memory: a process was killed");
		break;
	case MMK_EV_PAGE_EVICT:
		snprintf(buf, len,
			 "evicted page %" PRIu64 " of %s from the page cache (frame %" PRIu64
			 " freed)",
			 ev->pgoff, d ? script_path(root, d) : "the file", ev->pfn);
		break;
	default:
		snprintf(buf, len, "event %d", (int)ev->kind);
	}
}
