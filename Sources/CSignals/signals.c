// The only code of the program that runs inside a signal handler. What the handler calls
// is on POSIX's list of async-signal-safe functions (write, sigaction, raise, kill), and
// what it touches is `volatile sig_atomic_t`, set up before the handler is installed.
//
// A termination request (SIGTERM, or SIGINT outside interrupt-only mode) is recorded and
// the loops close the stream cleanly. A second one while the first is being handled ends
// the program at once with the signal's default action, as most command-line tools do:
// whoever sends it twice wants it gone now.
#define _GNU_SOURCE
#include "CSignals.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <unistd.h>

static volatile sig_atomic_t termination_signal = 0;
static volatile sig_atomic_t interrupt_only = 0;
static volatile sig_atomic_t interrupts = 0;
static volatile sig_atomic_t child_group = 0;
static volatile sig_atomic_t wakeup_writer = -1;
static int wakeup_reader = -1;
static sig_atomic_t interrupts_taken = 0;  // main program only, never the handler

static int catching = 0;
static struct sigaction previous_interrupt, previous_termination;
static struct sigaction default_action;  // filled before the handler can run

static void give_up(int signo) {
    pid_t group = (pid_t)child_group;
    if (group > 0) kill(-group, SIGKILL);
    // The signal is blocked while its handler runs: it is delivered, with the default
    // action now, as soon as the handler returns.
    sigaction(signo, &default_action, NULL);
    raise(signo);
}

static void handle(int signo) {
    int saved_errno = errno;
    if (signo == SIGINT && interrupt_only) {
        interrupts = interrupts == SIG_ATOMIC_MAX ? 0 : interrupts + 1;
    } else if (termination_signal != 0) {
        give_up(signo);
    } else {
        termination_signal = signo;
    }
    int writer = wakeup_writer;
    if (writer >= 0) {
        char byte = 1;
        // A full pipe is already readable: nothing is lost when this fails.
        ssize_t ignored = write(writer, &byte, 1);
        (void)ignored;
    }
    errno = saved_errno;
}

int csignals_catch(void) {
    if (catching) return 0;
    if (wakeup_reader < 0) {
        int ends[2];
        if (pipe2(ends, O_NONBLOCK | O_CLOEXEC) != 0) return -1;
        wakeup_reader = ends[0];
        wakeup_writer = ends[1];
    }
    default_action.sa_handler = SIG_DFL;
    sigemptyset(&default_action.sa_mask);
    default_action.sa_flags = 0;

    struct sigaction action;
    action.sa_handler = handle;
    // Both blocked while either is handled: the handler never interrupts itself. No
    // SA_RESTART: a blocking call returns EINTR, and poll(2) is never restarted anyway.
    sigemptyset(&action.sa_mask);
    sigaddset(&action.sa_mask, SIGINT);
    sigaddset(&action.sa_mask, SIGTERM);
    action.sa_flags = 0;
    if (sigaction(SIGINT, &action, &previous_interrupt) != 0) return -1;
    if (sigaction(SIGTERM, &action, &previous_termination) != 0) {
        int saved_errno = errno;
        sigaction(SIGINT, &previous_interrupt, NULL);
        errno = saved_errno;
        return -1;
    }
    catching = 1;
    return 0;
}

int csignals_release(void) {
    if (!catching) return 0;
    sigaction(SIGINT, &previous_interrupt, NULL);
    sigaction(SIGTERM, &previous_termination, NULL);
    catching = 0;
    // No handler runs any more: the state can be reset without a race.
    int requested = termination_signal;
    termination_signal = 0;
    interrupt_only = 0;
    interrupts = 0;
    interrupts_taken = 0;
    child_group = 0;
    csignals_drain_wakeup();
    return requested;
}

int csignals_is_catching(void) { return catching; }

int csignals_wakeup_descriptor(void) { return wakeup_reader; }

void csignals_drain_wakeup(void) {
    if (wakeup_reader < 0) return;
    char buffer[256];
    while (read(wakeup_reader, buffer, sizeof buffer) > 0) {
    }
}

int csignals_termination_signal(void) { return termination_signal; }

void csignals_set_interrupt_only(int on) { interrupt_only = on ? 1 : 0; }

int csignals_take_interrupt(void) {
    sig_atomic_t now = interrupts;
    int interrupted = now != interrupts_taken;
    interrupts_taken = now;
    return interrupted;
}

void csignals_set_child_group(pid_t group) { child_group = (sig_atomic_t)group; }

void csignals_end_by(int signo) {
    struct sigaction action;
    action.sa_handler = SIG_DFL;
    sigemptyset(&action.sa_mask);
    action.sa_flags = 0;
    sigaction(signo, &action, NULL);
    sigset_t only;
    sigemptyset(&only);
    sigaddset(&only, signo);
    sigprocmask(SIG_UNBLOCK, &only, NULL);
    raise(signo);
    _exit(128 + signo);  // a signal whose default action does not end the program
}
