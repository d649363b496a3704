/*
 * pagecache_view.c - the public snapshot of the page cache
 * (mmk_pagecache_files, mmk_pagecache_pages): which files the system has
 * inodes for, and the state of each cached page of one of them, for
 * tools that draw memory (`mmkit run --html`) as /proc/PID/pagemap and
 * mincore(2) serve them for address spaces.  Linux has no one call for
 * this; it is what fincore(1) and /proc/kpageflags show together.
 *
 * Read only: a snapshot never reads the host file, allocates a frame or
 * changes a page.  Each file is looked at under its inode->lock, so the
 * pages of one call are one instant of that file; two files, or two
 * calls, may see different instants.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysmacros.h>

#include "pages.h"

/* qsort order of inodes: by host path. */
static int path_cmp(const void *a, const void *b)
{
	const struct mmk_inode *x = *(struct mmk_inode *const *)a,
			       *y = *(struct mmk_inode *const *)b;
	return strcmp(x->path, y->path);
}

static void info_fill(const struct mmk_inode *in, struct mmk_cache_info *out)
{
	memset(out, 0, sizeof(*out));
	out->dev_major = major(in->dev);
	out->dev_minor = minor(in->dev);
	out->ino = (uint64_t)in->ino;
	snprintf(out->path, sizeof(out->path), "%s", in->path ? in->path : "");
}

int64_t mmk_pagecache_files(mmk_system *sys, struct mmk_cache_info *out, uint64_t n)
{
	if (!sys)
		return -EINVAL;
	if (n && !out)
		return -EFAULT;
	size_t count;
	struct mmk_inode **v = inodes_snapshot(sys, &count);
	if (!v && count)
		return -ENOMEM;
	size_t files = 0;
	for (size_t i = 0; i < count; i++)
		if (v[i]->kind == INODE_FILE && !v[i]->nommap)
			v[files++] = v[i];
	if (files)
		qsort(v, files, sizeof(*v), path_cmp);
	for (size_t i = 0; i < files && i < n; i++) {
		struct mmk_inode *in = v[i];
		info_fill(in, &out[i]);
		mmk_mutex_lock(&in->lock);
		out[i].size = in->size;
		out[i].nrpages = in->nrpages;
		out[i].nrdirty = in->nrdirty;
		mmk_mutex_unlock(&in->lock);
	}
	inodes_release(v, count);
	return (int64_t)files;
}

/* The host-file inode with (dev, ino), referenced, or NULL. */
static struct mmk_inode *inode_find(struct mmk_system *sys, const struct mmk_cache_info *f)
{
	size_t count;
	struct mmk_inode **v = inodes_snapshot(sys, &count), *found = NULL;
	for (size_t i = 0; v && i < count; i++) {
		struct mmk_inode *in = v[i];
		if (!found && in->kind == INODE_FILE && major(in->dev) == f->dev_major &&
		    minor(in->dev) == f->dev_minor && (uint64_t)in->ino == f->ino) {
			inode_get(in);
			found = in;
		}
	}
	inodes_release(v, count);
	return found;
}

static void cache_page_fill(struct mmk_inode *in, pfn_t pfn, struct mmk_cache_page *out)
{
	struct page *pg = inode_page(in, pfn);
	uint32_t f = page_flags(pg);
	out->flags = MMK_CACHE_PRESENT;
	if (f & PG_dirty)
		out->flags |= MMK_CACHE_DIRTY;
	if (f & PG_writeback)
		out->flags |= MMK_CACHE_WRITEBACK;
	if (f & PG_readahead)
		out->flags |= MMK_CACHE_READAHEAD;
	if (f & PG_active)
		out->flags |= MMK_CACHE_ACTIVE;
	out->pfn = pfn;
	out->mapcount = (uint32_t)page_mapcount(pg);
	out->folio_order = page_folio_order(pg);
}

int64_t mmk_pagecache_pages(mmk_system *sys, const struct mmk_cache_info *file, uint64_t first,
			    uint64_t n, struct mmk_cache_page *out)
{
	if (!sys || !file)
		return -EINVAL;
	if (n && !out)
		return -EFAULT;
	struct mmk_inode *in = inode_find(sys, file);
	if (!in)
		return -ENOENT;
	if (n)
		memset(out, 0, n * sizeof(*out));
	uint64_t key;
	uint32_t val;
	mmk_mutex_lock(&in->lock);
	uint64_t pages = size_to_pages(in->size);
	uint64_t last = n > UINT64_MAX - first ? UINT64_MAX : first + n;
	for (uint64_t p = first;
	     p < last && !pcache_index_next(&in->pages, p, &key, &val) && key < last; p = key + 1) {
		cache_page_fill(in, val, &out[key - first]);
		if (key == UINT64_MAX)
			break;
	}
	mmk_mutex_unlock(&in->lock);
	inode_put(in);
	return (int64_t)pages;
}
