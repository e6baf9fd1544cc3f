"""Reading a document's bytes as text: encoding detected, never assumed, and refusals that
name the file."""

from __future__ import annotations

from pathlib import Path

from ipplan.errors import InputError

# Text files planners send are UTF-8 (with or without BOM), GB18030/GBK, or UTF-16 from Notepad.
_BOMS = (
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)


def read_bytes(path: Path) -> bytes:
    """The file's bytes; a missing, unreadable or empty file is refused with one line."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError("no such file", where=path) from None
    except IsADirectoryError:
        raise InputError("is a folder, not a document", where=path) from None
    except OSError as exc:
        raise InputError(f"cannot be read ({exc.strerror or exc})", where=path) from None
    if not data.strip():
        raise InputError("the file is empty", where=path)
    return data


def decode_text(data: bytes, path: Path) -> tuple[str, str]:
    """Decode a text document; returns (text, encoding name).

    UTF-8 is tried first (it almost never decodes GB18030 by accident), then GB18030, which
    covers GBK and GB2312. A file with NUL bytes outside UTF-16 is binary and refused. A UTF-8
    file cut off in the middle of its last character is read up to that character (the
    encoding name then ends in "+truncated") rather than taken for GB18030.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding), encoding
            except UnicodeDecodeError as exc:
                raise _undecodable(data, exc, path, encoding) from None
    if b"\x00" in data[:65536]:
        raise InputError("is a binary file, not a text document", where=path)
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as utf8_error:
        if utf8_error.end == len(data) and utf8_error.reason == "unexpected end of data":
            try:
                return data[: utf8_error.start].decode("utf-8"), "utf-8+truncated"
            except UnicodeDecodeError:
                pass
        try:
            return data.decode("gb18030"), "gb18030"
        except UnicodeDecodeError:
            raise _undecodable(data, utf8_error, path, "UTF-8 or GB18030") from None


def _undecodable(data: bytes, exc: UnicodeDecodeError, path: Path, tried: str) -> InputError:
    line = data.count(b"\n", 0, exc.start) + 1
    return InputError(
        f"is not {tried} text (undecodable byte 0x{data[exc.start]:02x} at byte {exc.start})",
        where=f"{path}:{line}",
    )
