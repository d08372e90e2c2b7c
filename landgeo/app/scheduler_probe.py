"""Is a ``tcp://`` address a Dask scheduler? Asked with the standard library before Dask connects.

A Dask scheduler speaks first: on every new connection it sends its handshake, one
message framed as an 8-byte length followed by that many bytes (a few hundred).
``distributed`` trusts that length and allocates it, so a server that is not Dask
(a web server, an SSH daemon, anything sending text) can make it try to allocate
exabytes, or wait for ever. :func:`probe_tcp_scheduler` reads only the header,
within the timeout, and refuses an address whose first message cannot be a
handshake, naming the address and the fix.
"""

from __future__ import annotations

import socket
import struct

from ..errors import UsageError
from ..i18n import Text

HANDSHAKE_MAX_BYTES = 1 << 20  # a handshake is a few hundred bytes; 1 MiB leaves room for any version
FIX = Text("give the address `dask scheduler` prints (tcp://HOST:PORT), or leave out --scheduler for a local cluster")


def _recv_exactly(sock: socket.socket, n: int) -> bytes:
    data = b""
    while len(data) < n:
        chunk = sock.recv(n - len(data))
        if not chunk:
            break
        data += chunk
    return data


def probe_tcp_scheduler(address: str, timeout: float) -> None:
    """Refuse ``tcp://HOST:PORT`` unless it answers, within ``timeout`` seconds, as a Dask scheduler does.

    Other protocols (tls, ws, ucx) are left to Dask, which checks them itself.

    Raises
    ------
    UsageError
        Nothing listens, nothing answers in time, or the first message is not a Dask handshake.
    """
    scheme, _, rest = address.partition("://")
    if scheme != "tcp":
        return
    host, _, port = rest.rpartition(":")
    host = host.strip("[]")
    try:
        with socket.create_connection((host, int(port)), timeout=timeout) as sock:
            sock.settimeout(timeout)
            header = _recv_exactly(sock, 8)
            size = struct.unpack("<Q", header)[0] if len(header) == 8 else None
            if size is None or not 0 < size <= HANDSHAKE_MAX_BYTES or len(_recv_exactly(sock, size)) != size:
                raise UsageError(Text("--scheduler {address}: a server answers there, but not as a Dask scheduler "
                                      "(its first message is not a Dask handshake); {fix}",
                                      params={"address": address, "fix": FIX}))
    except OSError as exc:  # refused, unreachable, unknown host, or silent until the timeout
        reason = "timed out" if isinstance(exc, TimeoutError) else (exc.strerror or str(exc))
        raise UsageError(Text("--scheduler {address}: no Dask scheduler answered within {seconds} s ({reason}); {fix}",
                              params={"address": address, "seconds": f"{timeout:g}", "reason": reason, "fix": FIX})) from exc
