/*
 * compiler.h - attributes the library asks of the compiler.
 * Lowest layer: includes nothing of mmkit.
 */
#ifndef MMK_COMPILER_H
#define MMK_COMPILER_H

/*
 * MMK_NO_COVERAGE keeps a function's edges out of the coverage build's
 * counters (`make MODE=cov`: clang's -fsanitize-coverage and
 * MMK_COVERAGE; there never inlined, or the caller's instrumentation
 * would cover it after all).  For code
 * whose branches follow the host rather than the simulated system: which
 * host inode numbers share a hash chain, where host buffers lie.  For
 * `mmkit fuzz --guided` those are chance, not behaviour; what is done
 * with their results is counted where it is done.  Nothing in other
 * builds.
 */
#if defined(MMK_COVERAGE) && defined(__clang__)
#define MMK_NO_COVERAGE __attribute__((noinline, no_sanitize("coverage")))
#else
#define MMK_NO_COVERAGE
#endif

#endif
