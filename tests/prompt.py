#!/usr/bin/env python3
"""tests/prompt.py MMKIT LINE... - types each LINE at `MMKIT run`'s
interactive prompt (under a pseudo-terminal) and prints what the prompt
answered, one block per line headed "> LINE", terminal controls removed.
Each line is typed only once the prompt is back (the prompt drops what
was typed while a statement ran); exits 1 if it does not come back within
20 s.  With PROMPT_KILL=SIGNAL in the environment the session ends by that
signal instead of `quit`."""
import os, pty, re, select, signal, sys


def main():
    mmkit, lines = sys.argv[1], sys.argv[2:]
    pid, fd = pty.fork()
    if pid == 0:
        os.execv(mmkit, [mmkit, "run"])
    buf = b""

    def read_until(pred):
        nonlocal buf
        while not pred(buf):
            r, _, _ = select.select([fd], [], [], 20)
            data = os.read(fd, 4096) if r else b""
            if not data:
                sys.exit("the prompt did not come back: " + buf.decode(errors="replace"))
            buf += data

    read_until(lambda b: b"mmkit> " in b)
    for line in lines:
        buf = b""
        os.write(fd, line.encode() + b"\r")
        # The editor redraws the line with "\r" only; Enter writes "\r\n";
        # the answer follows, then the next prompt.
        read_until(lambda b: b"\r\n" in b and b"mmkit> " in b.split(b"\r\n", 1)[1])
        got = buf.split(b"\r\n", 1)[1].rsplit(b"mmkit> ", 1)[0].decode(errors="replace")
        got = re.sub(r"\x1b\[[0-9;]*[A-Za-z]", "", got).replace("\r", "")
        print("> " + line)
        sys.stdout.write(got)
    if os.environ.get("PROMPT_KILL"):
        os.kill(pid, getattr(signal, os.environ["PROMPT_KILL"]))
    else:
        os.write(fd, b"quit\r")
    os.waitpid(pid, 0)


main()
