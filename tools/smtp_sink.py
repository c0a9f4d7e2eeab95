#!/usr/bin/env python3
"""A local SMTP sink for Doctor's alert tests: listens on 127.0.0.1:PORT and writes every message it
receives to OUT_DIR/NNNN.eml (with an X-Envelope-To header listing the envelope recipients). Prints
READY once listening and stops when its stdin closes.

Usage: smtp_sink.py PORT OUT_DIR   (needs aiosmtpd: tools/install-deps.sh installs it)
"""
import os
import sys

from aiosmtpd.controller import Controller


class Sink:
    def __init__(self, out):
        self.out = out

    async def handle_DATA(self, server, session, envelope):
        n = len(os.listdir(self.out))
        path = os.path.join(self.out, f"{n:04d}.eml")
        with open(path + ".tmp", "wb") as f:
            f.write(b"X-Envelope-To: " + ",".join(envelope.rcpt_tos).encode() + b"\r\n")
            f.write(b"X-Envelope-From: " + envelope.mail_from.encode() + b"\r\n")
            f.write(envelope.original_content or envelope.content)
        os.rename(path + ".tmp", path)
        return "250 Message accepted"


def main():
    port, out = int(sys.argv[1]), sys.argv[2]
    os.makedirs(out, exist_ok=True)
    controller = Controller(Sink(out), hostname="127.0.0.1", port=port)
    controller.start()
    print("READY", flush=True)
    try:
        sys.stdin.read()
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
