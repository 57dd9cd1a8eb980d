#!/usr/bin/python3
"""Runs COMMAND in a pseudo-terminal and plays a script of keystrokes and expectations
against it, as a person at an interactive console would.

Usage: drive-console.py --script FILE [--timeout SECONDS] [--columns N] -- COMMAND [ARG...]

FILE holds a JSON list of steps, played in order:
  {"expect": TEXT}            wait until TEXT appears in the output after the previous match
  {"expect": RE, "regex": true}   the same with a Python regular expression (MULTILINE)
  {"screen-ends-with": TEXT}  wait until the rendered screen ends with TEXT, rows joined
                              and spaces ignored (for lines wider than the terminal)
  {"type": TEXT}              write TEXT to the terminal ("\\r" is Enter, "\\u0003" Ctrl-C,
                              "\\u0004" Ctrl-D, "\\t" Tab)
  {"snapshot": NAME}          remember the rendered screen as it is now
  {"touch": PATH}             create PATH (tells a test that a point was reached)
  {"await": PATH}             wait until PATH exists (the test says to go on)
Expectations match the output with terminal control sequences, carriage returns and
backspaced characters removed; each step may carry its own "timeout" (default 10 seconds).

When the script is done, COMMAND is given what is left of SECONDS (default 30) to exit; a
failed step or a command still running then is killed. Prints one JSON object on stdout:
  exit        COMMAND's exit status (128+N for signal N), null if it had to be killed
  failure     why the script stopped early, or null
  transcript  everything COMMAND wrote to the terminal, control sequences included
  snapshots   {NAME: [line, ...]} screens remembered by "snapshot" steps
  screen      the rendered screen at the end
The screen is rendered by a small terminal model (text, CR, LF, backspace, and the cursor
and erase sequences line editors use); colours are ignored. Exits 0 if the script ran to
its end and COMMAND exited, 1 otherwise. Python standard library only.
"""
import codecs
import fcntl
import json
import os
import pty
import re
import select
import signal
import struct
import sys
import termios
import time

CONTROL_SEQUENCE = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b[()][0-9A-Za-z]|\x1b[=>78]|[\r\x07]")
TAKEN_BACK = re.compile(r"[^\x08\n]\x08")


def plain(text):
    """The output as a person reads it, for expectations: no control sequences, no CRs,
    and a character followed by a backspace taken back (line editors write " \b" where a
    line wraps)."""
    text = CONTROL_SEQUENCE.sub("", text)
    while True:
        shorter = TAKEN_BACK.sub("", text)
        if shorter == text:
            return text
        text = shorter


class Screen:
    """Just enough of a terminal to see what a line editor leaves on screen: rows of text
    (never scrolled away), a cursor, and the erase and cursor-motion sequences."""

    def __init__(self, columns):
        self.columns = columns
        self.rows = [[]]
        self.row = 0
        self.column = 0
        self.escape = None  # the control sequence being read, if any

    def feed(self, text):
        for char in text:
            if self.escape is not None:
                self.escape += char
                self.end_escape_if_complete()
            elif char == "\x1b":
                self.escape = char
            elif char == "\r":
                self.column = 0
            elif char == "\n":
                self.move_to(self.row + 1, self.column)
            elif char == "\b":
                self.column = max(0, self.column - 1)
            elif char == "\t":
                self.column = min(self.columns - 1, (self.column // 8 + 1) * 8)
            elif char >= " ":
                self.put(char)

    def end_escape_if_complete(self):
        sequence = self.escape
        if len(sequence) < 2:
            return
        if sequence[1] == "[":
            if len(sequence) > 2 and "@" <= sequence[-1] <= "~":
                self.escape = None
                self.control(sequence[2:-1], sequence[-1])
        elif sequence[1] in "()":
            if len(sequence) == 3:
                self.escape = None
        else:
            self.escape = None

    def control(self, parameters, final):
        numbers = [int(part) if part.isdigit() else 0 for part in parameters.lstrip("?").split(";")]
        count = max(1, numbers[0])
        line = self.rows[self.row]
        if final == "K":
            if numbers[0] == 0:
                del line[self.column:]
            elif numbers[0] == 1:
                line[:self.column] = [" "] * min(self.column, len(line))
            else:
                line.clear()
        elif final == "J" and numbers[0] == 0:
            del line[self.column:]
            del self.rows[self.row + 1:]
        elif final == "G":
            self.column = min(self.columns - 1, count - 1)
        elif final == "C":
            self.column = min(self.columns - 1, self.column + count)
        elif final == "D":
            self.column = max(0, self.column - count)
        elif final == "A":
            self.row = max(0, self.row - count)
        elif final == "B":
            self.move_to(self.row + count, self.column)

    def move_to(self, row, column):
        while len(self.rows) <= row:
            self.rows.append([])
        self.row, self.column = row, column

    def put(self, char):
        if self.column >= self.columns:
            self.move_to(self.row + 1, 0)
        line = self.rows[self.row]
        while len(line) < self.column:
            line.append(" ")
        if self.column < len(line):
            line[self.column] = char
        else:
            line.append(char)
        self.column += 1

    def lines(self):
        return ["".join(row).rstrip() for row in self.rows]


class Terminal:
    """COMMAND on the other side of a pseudo-terminal, with everything it wrote so far."""

    def __init__(self, command, columns):
        self.pid, self.master = pty.fork()
        if self.pid == 0:
            try:
                fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", 50, columns, 0, 0))
                os.execvp(command[0], command)
            except OSError as error:
                os.write(2, ("drive-console: cannot run %s: %s\n" % (command[0], error)).encode())
            os._exit(127)
        self.raw = bytearray()
        self.text = ""
        self.decoder = codecs.getincrementaldecoder("utf-8")("replace")
        self.screen = Screen(columns)
        self.closed = False
        self.status = None
        self.searched = 0  # expectations look in plain(text) from here on

    def read(self, seconds):
        """Reads what arrives within `seconds` (returns early once something came)."""
        if self.closed:
            time.sleep(max(0.0, min(seconds, 0.05)))
            return
        ready, _, _ = select.select([self.master], [], [], max(0.0, seconds))
        if not ready:
            return
        try:
            chunk = os.read(self.master, 65536)
        except OSError:  # EIO: the command and everything it started have gone
            chunk = b""
        if not chunk:
            self.closed = True
            return
        self.raw.extend(chunk)
        decoded = self.decoder.decode(chunk)
        self.text += decoded
        self.screen.feed(decoded)

    def expect(self, pattern, regex, timeout):
        deadline = time.monotonic() + timeout
        while True:
            seen = plain(self.text)
            if regex:
                match = re.compile(pattern, re.MULTILINE).search(seen, self.searched)
                end = match.end() if match else -1
            else:
                found = seen.find(pattern, self.searched)
                end = found + len(pattern) if found >= 0 else -1
            if end >= 0:
                self.searched = end
                return None
            remaining = deadline - time.monotonic()
            if remaining <= 0 or (self.closed and self.exited()):
                return "expected %r within %gs; after the last match the terminal showed %r" % (
                    pattern, timeout, seen[self.searched:][-2000:])
            self.read(min(remaining, 0.1))

    def expect_screen_end(self, text, timeout):
        wanted = text.replace(" ", "")
        deadline = time.monotonic() + timeout
        while True:
            shown = "".join(self.screen.lines()).replace(" ", "")
            if shown.endswith(wanted):
                return None
            remaining = deadline - time.monotonic()
            if remaining <= 0 or (self.closed and self.exited()):
                return "expected the screen to end with %r within %gs; it ends with %r" % (
                    text, timeout, "\n".join(self.screen.lines()[-5:]))
            self.read(min(remaining, 0.1))

    def exited(self):
        if self.status is None:
            done, raw = os.waitpid(self.pid, os.WNOHANG)
            if done:
                self.status = os.WEXITSTATUS(raw) if os.WIFEXITED(raw) else 128 + os.WTERMSIG(raw)
        return self.status is not None

    def kill(self):
        if self.exited():
            return
        for sig, grace in ((signal.SIGTERM, 2.0), (signal.SIGKILL, 5.0)):
            os.kill(self.pid, sig)
            deadline = time.monotonic() + grace
            while time.monotonic() < deadline:
                if self.exited():
                    self.status = None  # killed: not an exit of its own
                    return
                self.read(0.02)


def play(terminal, steps, deadline):
    """Plays the steps; returns why it stopped early, or None."""
    snapshots = {}
    for number, step in enumerate(steps, 1):
        timeout = min(float(step.get("timeout", 10)), max(0.0, deadline - time.monotonic()))
        if "expect" in step:
            failure = terminal.expect(step["expect"], step.get("regex", False), timeout)
            if failure:
                return "step %d: %s" % (number, failure), snapshots
        elif "screen-ends-with" in step:
            failure = terminal.expect_screen_end(step["screen-ends-with"], timeout)
            if failure:
                return "step %d: %s" % (number, failure), snapshots
        elif "type" in step:
            os.write(terminal.master, step["type"].encode("utf-8"))
        elif "snapshot" in step:
            terminal.read(0)
            snapshots[step["snapshot"]] = terminal.screen.lines()
        elif "touch" in step:
            open(step["touch"], "a").close()
        elif "await" in step:
            until = time.monotonic() + timeout
            while not os.path.exists(step["await"]):
                if time.monotonic() >= until:
                    return "step %d: %s did not appear within %gs" % (number, step["await"], timeout), snapshots
                terminal.read(0.02)
        else:
            return "step %d: unknown step %r" % (number, step), snapshots
    return None, snapshots


def parse_arguments(argv):
    script, timeout, columns = None, 30.0, 200
    arguments = list(argv)
    while arguments and arguments[0] != "--":
        option = arguments.pop(0)
        if option == "--script" and arguments:
            script = arguments.pop(0)
        elif option == "--timeout" and arguments:
            timeout = float(arguments.pop(0))
        elif option == "--columns" and arguments:
            columns = int(arguments.pop(0))
        else:
            sys.exit("drive-console: unknown option %r (usage: see the top of this file)" % option)
    if script is None or len(arguments) < 2:
        sys.exit("drive-console: --script FILE and a command after -- are required")
    return script, timeout, columns, arguments[1:]


def main():
    script, timeout, columns, command = parse_arguments(sys.argv[1:])
    with open(script, encoding="utf-8") as file:
        steps = json.load(file)
    deadline = time.monotonic() + timeout
    terminal = Terminal(command, columns)
    failure, snapshots = play(terminal, steps, deadline)
    if failure is None:
        while not terminal.exited() and time.monotonic() < deadline:
            terminal.read(0.05)
        if not terminal.exited():
            failure = "still running %gs after it started" % timeout
    if failure is not None:
        terminal.kill()
    while not terminal.closed:  # what is still buffered in the terminal
        before = len(terminal.raw)
        terminal.read(0.05)
        if len(terminal.raw) == before:
            break
    os.close(terminal.master)
    json.dump({
        "exit": terminal.status,
        "failure": failure,
        "transcript": terminal.text,
        "snapshots": snapshots,
        "screen": terminal.screen.lines(),
    }, sys.stdout)
    sys.stdout.write("\n")
    sys.exit(0 if failure is None else 1)


if __name__ == "__main__":
    main()
