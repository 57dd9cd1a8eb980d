#!/usr/bin/python3
"""Runs COMMAND in a pseudo-terminal, as if a person were at the keyboard.

Usage: answer-prompt.py [--prompt TEXT] [--timeout SECONDS] [--no-enter] [--signal NAME]
                        [--report-echo] -- COMMAND [ARG...]

When TEXT (default "Password for") appears in what COMMAND writes to the terminal, types the
value of the environment variable ANSWER_PROMPT_TEXT and a newline (not with --no-enter),
once; with --signal (TERM, INT...) it sends COMMAND that signal instead. With --report-echo,
once COMMAND has exited, a line on stderr says whether the terminal echoes what is typed:
"answer-prompt: echo on" or "answer-prompt: echo off". Everything COMMAND wrote to the
terminal (stdout and stderr alike, echo included) is printed to stdout, and this exits with
COMMAND's status (128+N for a signal). The answer is taken from the environment, not argv,
and removed from COMMAND's environment, so the only way for it to reach the output is the
terminal echoing it.

A command that is still running after SECONDS (default 20) is killed; this then exits 124
with a line on stderr. A command that never prompts is not an error: it runs to its end.
"""
import os
import pty
import select
import signal
import sys
import termios
import time

ANSWER_VARIABLE = "ANSWER_PROMPT_TEXT"


def parse_arguments(argv):
    prompt, timeout, signal_at_prompt, report_echo, enter = b"Password for", 20.0, None, False, b"\n"
    arguments = list(argv)
    while arguments and arguments[0] != "--":
        option = arguments.pop(0)
        if option == "--prompt" and arguments:
            prompt = arguments.pop(0).encode()
        elif option == "--timeout" and arguments:
            timeout = float(arguments.pop(0))
        elif option == "--signal" and arguments:
            signal_at_prompt = getattr(signal, "SIG" + arguments.pop(0).upper())
        elif option == "--report-echo":
            report_echo = True
        elif option == "--no-enter":
            enter = b""
        else:
            sys.exit("answer-prompt: unknown option %r (usage: see the top of this file)" % option)
    if not arguments or len(arguments) < 2:
        sys.exit("answer-prompt: no command given after --")
    return prompt, timeout, signal_at_prompt, report_echo, enter, arguments[1:]


def drain(master):
    """What is still buffered in the terminal once the command has exited."""
    rest = bytearray()
    while select.select([master], [], [], 0)[0]:
        try:
            chunk = os.read(master, 65536)
        except OSError:
            break
        if not chunk:
            break
        rest.extend(chunk)
    return rest


def main():
    prompt, timeout, signal_at_prompt, report_echo, enter, command = parse_arguments(sys.argv[1:])
    answer = os.environ.pop(ANSWER_VARIABLE, "")
    pid, master = pty.fork()
    if pid == 0:
        try:
            os.execvp(command[0], command)
        except OSError as error:
            os.write(2, ("answer-prompt: cannot run %s: %s\n" % (command[0], error)).encode())
        os._exit(127)

    deadline = time.monotonic() + timeout
    output = bytearray()
    answered = False
    status = None
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            break
        ready, _, _ = select.select([master], [], [], min(remaining, 0.2))
        if ready:
            try:
                chunk = os.read(master, 65536)
            except OSError:  # EIO: the last holder of the terminal's other side has gone
                chunk = b""
            if not chunk:
                break
            output.extend(chunk)
            if not answered and prompt in output:
                if signal_at_prompt is None:
                    os.write(master, answer.encode() + enter)
                else:
                    os.kill(pid, signal_at_prompt)
                answered = True
        else:
            done, raw = os.waitpid(pid, os.WNOHANG)
            if done:
                status = raw
                break

    # The terminal is closed or silent: give the command what is left of the time to exit.
    while status is None and time.monotonic() < deadline:
        finished, raw = os.waitpid(pid, os.WNOHANG)
        if finished:
            status = raw
        else:
            time.sleep(0.02)
    if status is None:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        sys.stdout.buffer.write(bytes(output))
        sys.stdout.flush()
        sys.stderr.write("answer-prompt: %s still running after %gs\n" % (command[0], timeout))
        sys.exit(124)
    output.extend(drain(master))
    if report_echo:
        # The terminal's settings outlive COMMAND while this end is open.
        echo = termios.tcgetattr(master)[3] & termios.ECHO
        sys.stderr.write("answer-prompt: echo %s\n" % ("on" if echo else "off"))
    os.close(master)

    sys.stdout.buffer.write(bytes(output))
    sys.stdout.flush()
    if os.WIFSIGNALED(status):
        sys.exit(128 + os.WTERMSIG(status))
    sys.exit(os.WEXITSTATUS(status))


if __name__ == "__main__":
    main()
