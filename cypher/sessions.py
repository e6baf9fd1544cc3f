"""Sessions on a Bolt server through the official neo4j driver: the session a command
works in, read-only where it asks, and the driver's connection errors turned into one line
that names the server's URI."""

from __future__ import annotations

import contextlib
import logging
import ssl
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

from ipplan.cypher.server import (BoltError, Target, configured_target, embedded_server,
                                  user_variable)
from ipplan.errors import reason

__all__ = ["session_scope"]

_QUIET = logging.NullHandler()


@contextlib.contextmanager
def session_scope(target: Target | None = None, *, read_only: bool = False) -> Iterator[Any]:
    """A neo4j driver session on ``target`` (default: NEO4J_URI, else the embedded server),
    in READ access mode with ``read_only`` (enforced by Neo4j, not by the embedded server).
    Connection failures become one-line :class:`BoltError` naming the URI."""
    # heavy: the driver takes about half a second to import, which only the commands that
    # speak Bolt should pay
    from neo4j import READ_ACCESS, WRITE_ACCESS, GraphDatabase
    from neo4j.exceptions import (AuthError, DriverError, Neo4jError, ServiceUnavailable,
                                  SessionExpired, UnsupportedServerProduct)

    target = target or configured_target() or embedded_server().start()
    # The driver logs what it then raises, and with no handler of ours Python printed those
    # records on stderr (a defunct connection, after a Ctrl-C); what goes wrong is told once.
    logging.getLogger("neo4j").addHandler(_QUIET)
    driver = None
    try:
        # Connecting, the handshake, logging in and (neo4j://) routing all count against the
        # acquisition timeout, which the driver otherwise sets at 60 s: a port where no Bolt
        # server answers fails within the target's timeout.
        driver = GraphDatabase.driver(target.uri, auth=(target.user, target.password),
                                      connection_timeout=target.timeout,
                                      connection_acquisition_timeout=target.timeout,
                                      max_transaction_retry_time=5)
        try:
            driver.verify_connectivity()
        except (ServiceUnavailable, UnsupportedServerProduct) as exc:
            raise BoltError(_not_connected(target, exc)) from None
        session = driver.session(database=target.database,
                                 default_access_mode=READ_ACCESS if read_only else WRITE_ACCESS)
        try:
            yield session
        except BaseException:
            # Ctrl-C can stop the driver in the middle of reading a message; closing the
            # session politely then reads on and fails on its own (a BufferError hid the
            # interrupt). What went wrong first is what the user hears; the driver's close
            # below drops the connection anyway.
            with contextlib.suppress(Exception):
                session.close()
            raise
        session.close()
    except AuthError:
        raise BoltError(f"{target.uri}: the server refused the user name or password "
                        f"({user_variable()[0]} / NEO4J_PASSWORD)") from None
    except ServiceUnavailable as exc:
        raise BoltError(f"{target.uri}: cannot reach the Bolt server ({reason(exc)})") from None
    except SessionExpired as exc:
        raise BoltError(f"{target.uri}: the connection to the Bolt server was lost; run the "
                        f"command again to finish ({reason(exc)})") from None
    except DriverError as exc:
        raise BoltError(f"{target.uri}: the Bolt driver failed ({reason(exc)})") from None
    except Neo4jError as exc:
        raise BoltError(f"{target.uri}: the server refused a statement "
                        f"({exc.code}: {reason(exc)})") from None
    except (OSError, ValueError) as exc:
        raise BoltError(f"{target.uri}: {reason(exc)}") from None
    finally:
        if driver is not None:
            driver.close()


def _not_connected(target: Target, exc: BaseException) -> str:
    """Why the driver could not connect to ``target``, in words: nothing answered in time,
    something that is not Bolt answered, or the server cannot be reached at all."""
    from neo4j.exceptions import DriverError, UnsupportedServerProduct  # heavy: as above

    causes = list(_causes(exc))
    if any(isinstance(cause, TimeoutError)
           or type(cause).__name__ == "SocketDeadlineExceededError" for cause in causes):
        return (f"{target.uri}: no Bolt server answered within {target.timeout:g} s "
                "(NEO4J_TIMEOUT sets how long to wait)")
    said = " ".join(str(cause) for cause in causes)
    if "looks like HTTP" in said:
        return (f"{target.uri}: a server answered, but not with Bolt (it speaks HTTP); "
                "Bolt listens on port 7687 unless the server says otherwise")
    if "closed with incomplete handshake" in said or any(
            type(cause).__name__ in ("BoltProtocolError", "BoltHandshakeError")
            for cause in causes):
        return (f"{target.uri}: a server answered, but not with Bolt (it closed the connection "
                "or sent something else); Bolt listens on port 7687 unless the server says "
                "otherwise")
    refused = [cause for cause in causes if isinstance(cause, ssl.SSLCertVerificationError)]
    if refused:
        return (f"{target.uri}: the server's TLS certificate is not trusted "
                f"({reason(refused[0])}); bolt+ssc:// and neo4j+ssc:// accept a self-signed one")
    if any(isinstance(cause, ssl.SSLError) for cause in causes):
        return (f"{target.uri}: a server answered, but not with TLS, which the scheme "
                f"{urlsplit(target.uri).scheme}:// asks for (bolt:// and neo4j:// connect "
                "without it)")
    if any(isinstance(cause, UnsupportedServerProduct) for cause in causes):
        return (f"{target.uri}: a server answered, but not with a Bolt version the driver "
                "speaks (ipplan needs Neo4j 5 or later), or not with Bolt at all")
    deepest = [cause for cause in causes if isinstance(cause, DriverError)][-1:] or [exc]
    return f"{target.uri}: cannot reach the Bolt server ({reason(deepest[0])})"


def _causes(exc: BaseException | None) -> Iterator[BaseException]:
    """``exc``, what caused it, and what caused that, through exception groups too (the
    driver gathers the failures of every router it asked)."""
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        yield exc
        for member in getattr(exc, "exceptions", ()):
            yield from _causes(member)
        exc = exc.__cause__ or exc.__context__
