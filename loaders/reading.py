"""Reading a document's bytes as text: encoding detected, never assumed, and refusals that
name the file."""

from __future__ import annotations

from pathlib import Path

from charset_normalizer import from_bytes

from ipplan.errors import InputError

# Text files planners send are UTF-8 (with or without BOM), GB18030/GBK, UTF-16 from Notepad
# (with or without BOM), or Big5 (offices facing Taiwan and Hong Kong readers).
# charset-normalizer chooses among these only: a plan is never read as Latin-1 or Shift-JIS.
_CANDIDATES = ["utf_8", "gb18030", "big5", "utf_16_le", "utf_16_be"]
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

    A BOM decides (UTF-8, UTF-16). Otherwise UTF-8 is taken when the bytes are valid UTF-8 (a
    file cut off in the middle of its last character is read up to that character, and the
    encoding name ends in "+truncated"); anything else is detected by charset-normalizer
    among GB18030 (which covers GBK and GB2312), Big5 and UTF-16 without BOM. A file with
    NUL bytes that is not UTF-16 is binary and refused; a file in none of these encodings is
    refused with one line.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding), encoding
            except UnicodeDecodeError as exc:
                raise _undecodable(data, exc, path, encoding) from None
    has_nul = b"\x00" in data[:65536]
    if not has_nul:
        try:
            return data.decode("utf-8"), "utf-8"
        except UnicodeDecodeError as utf8_error:
            if utf8_error.end == len(data) and utf8_error.reason == "unexpected end of data":
                try:
                    return data[: utf8_error.start].decode("utf-8"), "utf-8+truncated"
                except UnicodeDecodeError:
                    pass
            first_error = utf8_error
    best = from_bytes(data, cp_isolation=_CANDIDATES).best()
    if best is not None and (not has_nul or best.encoding.startswith("utf_16")):
        try:
            text = data.decode(best.encoding)
        except UnicodeDecodeError:  # charset-normalizer judged a sample; the whole decides
            text = None
        if text is not None and (not has_nul or (len(data) % 2 == 0 and _reads_as_text(text))):
            return text, best.encoding.replace("_", "-")
    if has_nul:
        raise InputError("is a binary file, not a text document", where=path)
    raise _undecodable(data, first_error, path, "UTF-8 or GB18030 text, nor Big5 or UTF-16")


def _reads_as_text(text: str) -> bool:
    """Whether bytes decoded as UTF-16 without BOM read as a document (a binary file decodes
    as UTF-16 too): lines, and nearly all characters Chinese, ASCII or punctuation."""
    if "\n" not in text:
        return False
    plain = sum(1 for char in text
                if " " <= char <= "~" or char in "\t\n\r" or "\u4e00" <= char <= "\u9fff"
                or "\u3000" <= char <= "\u303f" or "\uff00" <= char <= "\uffef"
                or "\u2000" <= char <= "\u206f")
    return plain >= 0.95 * len(text)


def _undecodable(data: bytes, exc: UnicodeDecodeError, path: Path, tried: str) -> InputError:
    line = data.count(b"\n", 0, exc.start) + 1
    return InputError(
        f"is not {tried} text (undecodable byte 0x{data[exc.start]:02x} at byte {exc.start})",
        where=f"{path}:{line}",
    )
