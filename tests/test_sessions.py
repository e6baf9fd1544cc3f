"""Sessions on the user's Bolt server: the NEO4J_* settings read as documented, and every
way a connection fails (no URI ipplan can use, nothing there, something that is not Bolt, a
refused user) told in one line; the driver's fast codec."""

from __future__ import annotations

import contextlib
import http.server
import os
import socket
import ssl
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from neo4j._codec.packstream import v1

from conftest import run_ipplan
from ipplan.cypher import embedded_server


def test_the_driver_packs_bolt_messages_in_rust():
    """neo4j-rust-ext is a dependency: without it the driver quietly packs and unpacks every
    Bolt message in Python (about a tenth of a push's time at 20,000 measures)."""
    assert v1._rust_pack is not None and v1._rust_unpack is not None



def _user_env(**settings: str) -> dict[str, str]:
    """The environment of a user whose NEO4J_* settings are ``settings`` and nothing else."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEO4J_")}
    return {**env, **settings}


@contextlib.contextmanager
def _not_bolt(kind: str, folder: Path | None = None) -> Iterator[tuple[int, list]]:
    """A real server on 127.0.0.1 that does not speak Bolt, for the time of the block: its
    port, and the connections it accepted. ``http``: Python's HTTP server (it waits for a
    request line that the Bolt handshake never ends); ``silent``: accepts and never says a
    word; ``answers``: answers whatever comes with an HTTP 400, as most web servers do;
    ``tls``: TLS with a self-signed certificate (made in ``folder``), then silence."""
    accepted: list = []
    if kind == "http":
        class Quiet(http.server.SimpleHTTPRequestHandler):
            def setup(self) -> None:
                accepted.append(self.client_address)
                super().setup()

            def log_message(self, *_args) -> None:
                pass

        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Quiet)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        try:
            yield server.server_address[1], accepted
        finally:
            server.shutdown()
            server.server_close()
        return
    context = None
    if kind == "tls":
        key, cert = folder / "key.pem", folder / "cert.pem"
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                        "-subj", "/CN=127.0.0.1", "-keyout", str(key), "-out", str(cert)],
                       check=True, capture_output=True, timeout=60)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert, key)
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.2)
    done = threading.Event()

    def serve() -> None:
        while not done.is_set():
            try:
                connection, _ = listener.accept()
            except OSError:
                continue
            accepted.append(connection)
            if kind == "answers":
                connection.settimeout(5)
                with contextlib.suppress(OSError):
                    connection.recv(64)
                    connection.sendall(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")
            elif kind == "tls":
                connection.settimeout(5)
                with contextlib.suppress(OSError):  # the client may refuse the certificate
                    accepted.append(context.wrap_socket(connection, server_side=True))

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield listener.getsockname()[1], accepted
    finally:
        done.set()
        thread.join(5)
        for connection in accepted:
            connection.close()
        listener.close()


@pytest.mark.parametrize("uri", ["https://127.0.0.1:{port}", "http://127.0.0.1:{port}",
                                 "ftp://127.0.0.1:{port}", "bolt:/127.0.0.1:{port}",
                                 "bolt://127.0.0.1:{port}0000", "neo4j://[127.0.0.1:{port}"])
def test_a_uri_ipplan_cannot_use_is_one_line_naming_the_schemes_that_work(uri):
    """Not "internal error": the URI, and the schemes that work, before any connection."""
    with _not_bolt("silent") as (port, accepted):
        uri = uri.format(port=port)
        result = run_ipplan("neo4j", "status", env=_user_env(NEO4J_URI=uri))
        assert not accepted  # nothing was tried
    assert result.code == 2, result.err
    assert result.err.startswith(f"ipplan: error: NEO4J_URI={uri}: ")
    assert result.err.count("\n") == 1 and "Traceback" not in result.err
    assert "the schemes that work are bolt, bolt+s, bolt+ssc, neo4j, neo4j+s, neo4j+ssc" \
        in result.err


@pytest.mark.parametrize("seconds", ["soon", "0", "-1", "nan", "inf"])
def test_the_timeout_must_be_seconds(seconds):
    result = run_ipplan("neo4j", "status", env=_user_env(NEO4J_URI="bolt://127.0.0.1:9",
                                                          NEO4J_TIMEOUT=seconds))
    assert result.code == 2, result.err
    assert result.err == (f"ipplan: error: NEO4J_TIMEOUT={seconds}: give the seconds to wait "
                          "for the Bolt server, a number above 0 (default 10)\n")


@pytest.mark.parametrize("kind, scheme, said", [
    ("http", "bolt", "no Bolt server answered within 3 s (NEO4J_TIMEOUT sets how long to wait)"),
    ("silent", "neo4j", "no Bolt server answered within 3 s (NEO4J_TIMEOUT sets how long to "
                        "wait)"),
    ("answers", "bolt", "a server answered, but not with Bolt (it speaks HTTP); Bolt listens "
                        "on port 7687 unless the server says otherwise"),
    ("answers", "bolt+s", "a server answered, but not with TLS, which the scheme bolt+s:// "
                          "asks for (bolt:// and neo4j:// connect without it)"),
    ("tls", "neo4j+s", "the server's TLS certificate is not trusted"),
    ("tls", "bolt+ssc", "no Bolt server answered within 3 s"),
])
def test_a_port_where_no_bolt_server_answers_fails_within_the_timeout(tmp_path, kind, scheme,
                                                                       said):
    """The driver waited 60 s for an answer to its handshake; NEO4J_TIMEOUT bounds it."""
    with _not_bolt(kind, tmp_path) as (port, accepted):
        uri = f"{scheme}://127.0.0.1:{port}"
        started = time.monotonic()
        result = run_ipplan("neo4j", "status", env=_user_env(NEO4J_URI=uri, NEO4J_TIMEOUT="3"))
        took = time.monotonic() - started
        assert accepted  # the server was reached
    assert result.code == 2, result.err
    assert result.err.startswith(f"ipplan: error: {uri}: {said}"), result.err
    assert result.err.count("\n") == 1 and "Traceback" not in result.err
    assert took < 30  # the driver's own wait was 60 s


def test_neo4j_username_is_read_as_neo4j_user(bolt):
    """NEO4J_USERNAME, the name Neo4j's own tools read, names the user when NEO4J_USER is not
    set; when both are, NEO4J_USER wins."""
    target = embedded_server().target
    server = {"NEO4J_URI": target.uri, "NEO4J_PASSWORD": target.password,
              "NEO4J_DATABASE": target.database}
    alone = run_ipplan("neo4j", "status", env=_user_env(NEO4J_USERNAME=target.user, **server))
    assert alone.code == 0, alone.err
    assert f"user {target.user}): reachable" in alone.out
    both = run_ipplan("neo4j", "status", env=_user_env(NEO4J_USER=target.user,
                                                       NEO4J_USERNAME="nobody", **server))
    assert both.code == 0, both.err
    refused = run_ipplan("neo4j", "status", env=_user_env(NEO4J_USER="nobody",
                                                          NEO4J_USERNAME=target.user, **server))
    assert refused.code == 2
    assert refused.err == (f"ipplan: error: {target.uri}: the server refused the user name or "
                           "password (NEO4J_USER / NEO4J_PASSWORD)\n")
    wrong = run_ipplan("neo4j", "status", env=_user_env(NEO4J_USERNAME="nobody", **server))
    assert wrong.err == (f"ipplan: error: {target.uri}: the server refused the user name or "
                         "password (NEO4J_USERNAME / NEO4J_PASSWORD)\n")

