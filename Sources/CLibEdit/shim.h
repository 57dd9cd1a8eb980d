#ifndef XMPPCLI_CLIBEDIT_SHIM_H
#define XMPPCLI_CLIBEDIT_SHIM_H

#include <stdio.h>
#include <histedit.h>
#include <editline/readline.h>

// libedit's readline interface is made of global variables, which Swift 6 will not touch
// without a data-race check it cannot make; these accessors are the one way in.

static inline void xmppcli_rl_setup(rl_completion_func_t *completion) {
    rl_readline_name = "xmpp-cli";
    rl_catch_signals = 0;
    rl_attempted_completion_function = completion;
}

static inline void xmppcli_rl_no_append_character(void) { rl_completion_append_character = 0; }

static inline const char *xmppcli_rl_line_buffer(void) { return rl_line_buffer ? rl_line_buffer : ""; }

static inline int xmppcli_rl_point(void) { return rl_point; }


#endif
