"""Security options of a served mock: HTTP basic auth as Kafka's BasicAuthSecurityRestExtension
answers it, TLS on waitress's own event loop, and a last-resort guard that keeps tracebacks out of
answers.

Basic auth (``--auth-file``) mirrors what a real 3.7.0 worker with ``rest.extension.classes =
...BasicAuthSecurityRestExtension`` and its ``PropertyFileLoginModule`` answers (recorded against
one, and read in ``connect/basic-auth-extension`` at tag 3.7.0):

- the check is a post-matching JAX-RS filter: Jetty's 400s, routing 404/405 and the 415/406 of
  content negotiation come first, without credentials;
- a missing, non-Basic, malformed or wrong ``Authorization`` header gets 401 with the plain text
  ``User cannot access the resource.`` under ``Content-Type: application/json`` (not Kafka's error
  envelope, and no ``WWW-Authenticate`` header);
- credentials that are not valid base64 make Java's decoder throw, which Kafka's exception mapper
  turns into 500 ``{"error_code":500,"message":"Illegal base64 character 20"}`` and the like;
- ``POST /connectors/{name}/tasks`` and ``PUT /connectors/{name}/fence`` (the internal endpoints,
  matched on the decoded path) need no credentials.

The admin API under ``/_mockconnect/`` is behind the same credentials, and refuses with the
envelope ``{"error_code":401,"message":"User cannot access the resource."}``.
"""

from __future__ import annotations

import hmac
import logging
import os
import re
import ssl
import time
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

from flask import Request, Response, current_app

from mockconnect.http.errors import envelope
from mockconnect.http.rawpath import decode_segment
from mockconnect.http.reply import dump, remember
from mockconnect.worker.errors import ConnectError

log = logging.getLogger("mockconnect")

AUTH_KEY = "mockconnect.auth"
"""Where ``create_app`` keeps the :class:`BasicAuth` (or None) in ``app.extensions``."""
REFUSED = "User cannot access the resource."
"""The entity JaasBasicAuthFilter aborts with."""
_INTERNAL = (
    ("POST", re.compile(r"/?connectors/[^/]+/tasks/?")),
    ("PUT", re.compile(r"/?connectors/[^/]+/fence/?")),
)
"""The internal endpoints the filter lets through, matched on the percent-decoded path."""


class SecurityConfigError(ValueError):
    """A bad auth file, certificate or key: the message names the file and the fix."""


# -- basic auth -------------------------------------------------------------------------------


class BasicAuth:
    """The users a mock accepts, and the check of one ``Authorization`` header against them."""

    def __init__(self, users: Mapping[str, str], source: str = "users") -> None:
        if not users:
            raise SecurityConfigError(
                f"{source} has no users. Kafka's PropertyFileLoginModule then lets every request through, "
                "which is surely not meant here: add a line such as 'alice: s3cret'"
            )
        for user, password in users.items():
            if not user or ":" in user or not isinstance(password, str):
                raise SecurityConfigError(f"{source}: {user!r} cannot be a basic-auth user name")
        self._users = {user: password.encode("utf-8") for user, password in users.items()}
        self.source = source

    @classmethod
    def from_file(cls, path: str | os.PathLike[str]) -> BasicAuth:
        """Read an auth file (see :func:`parse_auth_file`)."""
        return cls(parse_auth_file(path), source=str(path))

    @property
    def users(self) -> frozenset[str]:
        return frozenset(self._users)

    def allows(self, header: str | None) -> bool:
        """Whether this ``Authorization`` header carries a known user and its password.

        Raises ConnectError (500) when the credentials are not valid base64, as Java's decoder does.
        """
        if header is None:
            return False
        header = header.strip(" \t")  # Jetty hands the filter the value without surrounding whitespace
        space = header.find(" ")
        if space <= 0 or header[:space].lower() != "basic":
            return False
        text = java_base64_decode(header[space + 1 :]).decode("utf-8", "replace")
        colon = text.find(":")
        if colon <= 0:
            return False
        expected = self._users.get(text[:colon])
        return expected is not None and hmac.compare_digest(expected, text[colon + 1 :].encode("utf-8"))

    @staticmethod
    def exempt(method: str, raw_path: str) -> bool:
        """The internal endpoints Kafka's filter does not authenticate."""
        path = decode_segment(raw_path)
        return any(method == verb and pattern.fullmatch(path) for verb, pattern in _INTERNAL)


_COMMENT = ("#", "!")


def parse_auth_file(path: str | os.PathLike[str]) -> dict[str, str]:
    """Users and passwords from a file of ``user: password`` (or ``user=password``) lines.

    Blank lines and lines starting with ``#`` or ``!`` are skipped. The user name ends at the first
    ``:`` or ``=``; the password is the rest of the line after any spaces. That is the subset of
    Java's properties format on which Kafka's PropertyFileLoginModule reads the same users, so an
    ASCII file also works as the ``file=`` of a real worker's JAAS config. Anything Java would read
    differently (backslash escapes, a space inside the user name) is refused, as are a line without
    a separator, an empty user or password, a password ending in whitespace, a user given twice and
    a file with no users at all. The file is read as UTF-8.
    """
    where = str(path)
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise SecurityConfigError(
            f"cannot read the auth file {where}: {exc.strerror or exc}. Give the path of a file of "
            "'user: password' lines with --auth-file (or MOCKCONNECT_AUTH_FILE)"
        ) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        at = raw[: exc.start].count(b"\n") + 1
        raise SecurityConfigError(f"{where}, line {at}: not UTF-8 text. Save the file as UTF-8") from None
    users: dict[str, str] = {}
    first_seen: dict[str, int] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped or stripped.startswith(_COMMENT):
            continue

        def bad(problem: str, fix: str, number: int = number) -> SecurityConfigError:
            return SecurityConfigError(f"{where}, line {number}: {problem}. {fix}")

        if "\\" in line:
            raise bad(
                "backslashes are not supported (Java's properties format reads them as escapes)",
                "Use a password without a backslash",
            )
        cut = min((i for i in (line.find(":"), line.find("=")) if i >= 0), default=-1)
        if cut < 0:
            raise bad("no ':' between user and password", "Write it as 'user: password'")
        user, password = line[:cut].strip(), line[cut + 1 :].lstrip(" \t\f")
        if not user:
            raise bad("the user name is empty", "Write it as 'user: password'")
        if any(c.isspace() for c in user):
            raise bad(f"the user name {user!r} contains whitespace", "Use a user name without spaces")
        if not password:
            raise bad(f"user {user!r} has an empty password", "Write it as 'user: password'")
        if password != password.rstrip():
            raise bad(
                f"the password of user {user!r} ends in whitespace, which is easy to miss",
                "Remove the trailing whitespace",
            )
        if user in users:
            raise bad(f"user {user!r} is already given on line {first_seen[user]}", "Keep one line per user")
        users[user] = password
        first_seen[user] = number
    if not users:
        raise SecurityConfigError(
            f"{where} has no users. Kafka's PropertyFileLoginModule then lets every request through, which "
            "is surely not meant here: add a line such as 'alice: s3cret'"
        )
    return users


class JavaBase64Error(ConnectError):
    """``java.util.Base64.getDecoder().decode`` threw IllegalArgumentException: Kafka answers 500."""


_ALPHABET = {c: i for i, c in enumerate("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")}


def _java_byte_hex(code: int) -> str:
    """``Integer.toString(b, 16)`` of the signed byte Java sees for this ISO-8859-1 character."""
    signed = code - 256 if code >= 128 else code
    return format(signed, "x") if signed >= 0 else "-" + format(-signed, "x")


def java_base64_decode(text: str) -> bytes:
    """Decode as Java's basic (RFC 4648, not MIME) decoder, failing with its exact messages.

    Padding is optional; anything after a complete padded unit, a lone trailing character and
    characters outside the alphabet are errors. ``text`` is taken as ISO-8859-1, as Java's
    ``decode(String)`` does (characters beyond it become ``?``).
    """
    data = [ord(c) if ord(c) < 256 else ord("?") for c in text]
    if not data:
        return b""
    if len(data) < 2:
        raise JavaBase64Error("Input byte[] should at least have 2 bytes for base64 bytes")
    out = bytearray()
    bits, shift, position = 0, 18, 0
    while position < len(data):
        code = data[position]
        position += 1
        value = _ALPHABET.get(chr(code))
        if value is None:
            if code != ord("="):
                raise JavaBase64Error(f"Illegal base64 character {_java_byte_hex(code)}")
            # '=' ends the data: valid after three characters of a unit, or after two when a
            # second '=' follows; after one, "Last unit does not have enough valid bits" below.
            if shift == 18:
                raise JavaBase64Error("Input byte array has wrong 4-byte ending unit")
            if shift == 6:
                if position == len(data) or data[position] != ord("="):
                    raise JavaBase64Error("Input byte array has wrong 4-byte ending unit")
                position += 1
            break
        bits |= value << shift
        shift -= 6
        if shift < 0:
            out += bytes(((bits >> 16) & 0xFF, (bits >> 8) & 0xFF, bits & 0xFF))
            bits, shift = 0, 18
    if shift == 6:
        out.append((bits >> 16) & 0xFF)
    elif shift == 0:
        out += bytes(((bits >> 16) & 0xFF, (bits >> 8) & 0xFF))
    elif shift == 12:
        raise JavaBase64Error("Last unit does not have enough valid bits")
    if position < len(data):
        raise JavaBase64Error(f"Input byte array has incorrect ending byte at {position}")
    return bytes(out)


def check_credentials(
    req: Request, ctx: Any, *, admin: bool, content_type: str = "application/json"
) -> Response | None:
    """Run in the gate where Kafka's filter runs: None to go on, else the refusal to answer with.

    ``content_type`` is the media type Jersey would negotiate for the matched resource.
    """
    guard: BasicAuth | None = current_app.extensions.get(AUTH_KEY)
    if guard is None or (not admin and guard.exempt(req.method, req.path)):
        return None
    try:
        if guard.allows(req.headers.get("Authorization")):
            return None
    except JavaBase64Error:
        if not admin:
            ctx.mockconnect_operation = None
        raise
    if admin:  # the admin contract documents its 401
        body = envelope(401, REFUSED)
        data = dump(body)
        remember(body, data)
        return Response(data, 401, mimetype="application/json")
    ctx.mockconnect_operation = None  # Kafka's contract describes a worker without the extension
    remember(REFUSED)  # text, though typed as the negotiated media type: Jersey's own answer
    refusal = Response(REFUSED.encode("utf-8"), 401)
    refusal.headers["Content-Type"] = content_type
    return refusal


# -- TLS --------------------------------------------------------------------------------------


def tls_context(certfile: str | os.PathLike[str], keyfile: str | os.PathLike[str] | None = None) -> ssl.SSLContext:
    """A server context (TLS 1.2 or newer) for a PEM certificate chain and its unencrypted key.

    Without ``keyfile`` the key must be in ``certfile``. Raises SecurityConfigError naming the file.
    """
    for option, path in (("--certfile", certfile), ("--keyfile", keyfile)):
        if path is not None and not Path(path).is_file():
            reason = "does not exist" if not Path(path).exists() else "is not a file"
            raise SecurityConfigError(f"{option} {path} {reason}. Give the path of a PEM file")
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2

    def no_password() -> str:
        raise SecurityConfigError(
            f"the private key in {keyfile or certfile} is encrypted. Give mockconnect an unencrypted key "
            "(for example: openssl pkey -in KEY -out plain.key)"
        )

    try:
        context.load_cert_chain(certfile, keyfile, password=no_password)
    except SecurityConfigError:
        raise
    except (ssl.SSLError, OSError) as exc:
        names = f"--certfile {certfile}" + (f" and --keyfile {keyfile}" if keyfile is not None else "")
        need = "a PEM certificate and its private key" if keyfile is not None else "a PEM certificate and its key"
        raise SecurityConfigError(
            f"{names} are not {need} that match ({getattr(exc, 'reason', None) or exc}). "
            "Check the paths; without --keyfile the key must be in the certificate file"
        ) from None
    return context


def tls_channel(context: ssl.SSLContext, channel_class: type[Any]) -> type[Any]:
    """A waitress channel class that speaks TLS over each accepted socket, on the server's own loop.

    The handshake is non-blocking and driven by the event loop like any other I/O, so a client that
    stalls in it holds only its own connection (closed after waitress's ``channel_timeout``), and
    all I/O stays on the loop thread, which an ``SSLSocket`` needs. Decrypted bytes that select()
    cannot see are read in the same pass; "want read/write" is "nothing yet", not an error.
    """

    class TLSChannel(channel_class):  # type: ignore[misc]
        _tls_handshaking = True
        _tls_wants_write = False

        def __init__(self, server: Any, sock: Any, addr: Any, adj: Any, map: Any = None) -> None:
            sock = context.wrap_socket(sock, server_side=True, do_handshake_on_connect=False)
            super().__init__(server, sock, addr, adj, map)

        def _tls_handshake(self) -> None:
            try:
                self.socket.do_handshake()
            except ssl.SSLWantReadError:
                self._tls_wants_write = False
                return
            except ssl.SSLWantWriteError:
                self._tls_wants_write = True
                return
            except (ssl.SSLError, OSError) as exc:
                log.debug("TLS handshake with %s failed: %s", self.addr, exc)
                self.handle_close()
                return
            self._tls_handshaking = False
            self._tls_wants_write = False
            self.last_activity = time.time()

        def readable(self) -> bool:
            if self._tls_handshaking:
                return not self._tls_wants_write
            return bool(super().readable())

        def writable(self) -> bool:
            if self._tls_handshaking:
                return self._tls_wants_write
            return bool(super().writable())

        def handle_write(self) -> None:
            if self._tls_handshaking:
                self._tls_handshake()
            else:
                super().handle_write()

        def handle_read(self) -> None:
            if self._tls_handshaking:
                self._tls_handshake()
                return
            try:
                data = self._tls_recv()
            except OSError as exc:
                log.debug("TLS read from %s failed: %s", self.addr, exc)
                self.handle_close()
                return
            if data is None:  # a partial record: wait for the rest
                return
            if data:
                self.last_activity = time.time()
                self.received(data)
            else:
                self.connected = False  # the client closed the connection

        def _tls_recv(self) -> bytes | None:
            chunks: list[bytes] = []
            try:
                while True:
                    chunk = self.recv(self.adj.recv_bytes)
                    if not chunk:
                        break
                    chunks.append(chunk)
                    if not self.socket.pending():
                        break
            except (ssl.SSLWantReadError, ssl.SSLWantWriteError):
                if not chunks:
                    return None
            return b"".join(chunks)

        def send(self, data: bytes, do_close: bool = True) -> int:
            try:
                sent: int = super().send(data, do_close)
            except (ssl.SSLWantReadError, ssl.SSLWantWriteError):
                return 0
            return sent

    return TLSChannel


# -- errors -----------------------------------------------------------------------------------

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]
LAST_RESORT = dump(envelope(500, "mockconnect internal error"))


class ContainErrors:
    """WSGI middleware: if the app fails even in its error handlers, answer Kafka's envelope.

    Without it the exception would reach the WSGI server, which answers its own text page. The
    traceback goes to the log, never to the client.
    """

    def __init__(self, app: WSGIApp) -> None:
        self.app = app

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        started = False

        def tracking(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            nonlocal started
            started = True
            return start_response(status, headers, exc_info) if exc_info else start_response(status, headers)

        try:
            return self.app(environ, tracking)
        except Exception as exc:
            log.error(
                "mockconnect internal error while handling an error on %s %s",
                environ.get("REQUEST_METHOD"),
                environ.get("PATH_INFO"),
                exc_info=exc,
            )
            if started:
                raise
            headers = [("Content-Type", "application/json"), ("Content-Length", str(len(LAST_RESORT)))]
            start_response("500 Internal Server Error", headers)
            return [b"" if environ.get("REQUEST_METHOD") == "HEAD" else LAST_RESORT]
