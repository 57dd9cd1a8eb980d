// The program's only signal handler. Everything it does is async-signal-safe: it records
// the signal in a `volatile sig_atomic_t`, writes one byte to a non-blocking self-pipe
// (so a poll(2) that began just before the signal still wakes), and leaves errno as it
// found it. Only Sources/Commands/Support/Signals.swift imports this module.
#ifndef CSIGNALS_H
#define CSIGNALS_H

#include <sys/types.h>

/// Installs the handler for SIGINT and SIGTERM (once; again after csignals_release), and
/// creates the wakeup pipe on first use. Returns 0, or -1 with errno set.
int csignals_catch(void);

/// Gives SIGINT and SIGTERM back the dispositions they had before csignals_catch, and
/// forgets what was recorded: returns the termination signal (see
/// csignals_termination_signal), which the caller must act on.
int csignals_release(void);

/// Whether the handler is installed.
int csignals_is_catching(void);

/// The read end of the wakeup pipe (non-blocking, close-on-exec): readable once a signal
/// has arrived, until csignals_drain_wakeup. -1 before the first csignals_catch.
int csignals_wakeup_descriptor(void);

/// Reads whatever the handler has written to the wakeup pipe.
void csignals_drain_wakeup(void);

/// SIGINT or SIGTERM, whichever first asked the program to end; 0 while none has.
int csignals_termination_signal(void);

/// With `on`, SIGINT no longer asks the program to end: it only counts an interrupt
/// (the interactive console clears its line), however often it comes. SIGTERM still ends.
void csignals_set_interrupt_only(int on);

/// Whether SIGINT has interrupted since the last call (only counted in interrupt-only mode).
int csignals_take_interrupt(void);

/// A process group of ours the handler kills (SIGKILL) before the program gives up on a
/// clean close (see csignals_catch); 0 for none.
void csignals_set_child_group(pid_t group);

/// Ends the program by `signo` with its default action, so that the parent sees how it
/// ended (a shell reports 128 + signo). Does not return.
__attribute__((noreturn)) void csignals_end_by(int signo);

#endif
