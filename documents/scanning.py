"""Virus scanning of uploads with ClamAV's clamd, over TCP with the INSTREAM command.

A small client of our own: the protocol is four lines (`zINSTREAM\\0`, chunks each prefixed with their length
as a 4-byte big-endian integer, a zero-length chunk to end, one reply line) and the Python packages for it are
unmaintained. Off unless CLAMD_HOST is set; when set, an upload that cannot be scanned is refused (fail
closed), never stored unscanned.
"""

import socket
import struct
from dataclasses import dataclass

from django.conf import settings

CHUNK = 64 * 1024


class ScanUnavailable(Exception):
    """clamd is configured but did not answer (down, timeout, or an error reply)."""


@dataclass(frozen=True)
class ScanResult:
    clean: bool
    signature: str = ""


def scanning_enabled() -> bool:
    return bool(settings.CLAMD_HOST)


def scan_bytes(content: bytes) -> ScanResult:
    """Scan with clamd (clean when scanning is off). Raises ScanUnavailable when clamd cannot give an answer."""
    if not scanning_enabled():
        return ScanResult(clean=True)
    try:
        with socket.create_connection(
            (settings.CLAMD_HOST, settings.CLAMD_PORT), timeout=settings.CLAMD_TIMEOUT
        ) as connection:
            connection.sendall(b"zINSTREAM\0")
            for start in range(0, len(content), CHUNK):
                chunk = content[start : start + CHUNK]
                connection.sendall(struct.pack("!L", len(chunk)) + chunk)
            connection.sendall(struct.pack("!L", 0))
            reply = b""
            while not reply.endswith(b"\0"):
                received = connection.recv(4096)
                if not received:
                    break
                reply += received
    except OSError as error:
        raise ScanUnavailable(str(error)) from error
    answer = reply.rstrip(b"\0").decode(errors="replace").strip()
    # "stream: OK", "stream: <signature> FOUND", or "<message> ERROR" (e.g. the stream size limit)
    if answer == "stream: OK":
        return ScanResult(clean=True)
    if answer.startswith("stream: ") and answer.endswith(" FOUND"):
        return ScanResult(clean=False, signature=answer[len("stream: ") : -len(" FOUND")])
    raise ScanUnavailable(answer or "no answer")
