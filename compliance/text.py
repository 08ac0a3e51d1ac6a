"""Characters a register cannot hold, shared by the importer's schema, the web forms, the URL check
and the file names of evidence documents. Pure: no Flask, no database.

C0 control characters (U+0000 to U+001F) are refused everywhere except tab, line feed and carriage
return, which free text (notes, reasons, a public interest test) legitimately holds and which
neither PostgreSQL nor a spreadsheet minds. NUL is refused by PostgreSQL itself; the others make
the workbook unwritable (openpyxl's IllegalCharacterError) and have no meaning in a register.
Unpaired surrogates (only a JSON file's \\ud800 escapes can make one) cannot be stored as UTF-8.
"""

from __future__ import annotations

import re
import unicodedata

CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff]")
# The same set, written for a JSON Schema `pattern` (ECMA-262 and Python's re both read \uXXXX).
SCHEMA_PATTERN = "^[^\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\ud800-\\udfff]*$"
CONTROL_MESSAGE = "contains a control character (such as NUL or vertical tab) or an unpaired surrogate"
# In a web address nothing below a space has a use: tab and line breaks are refused too.
URL_CONTROLS = re.compile("[\x00-\x1f\x7f]")


def has_control_characters(text: str) -> bool:
    return CONTROL_CHARACTERS.search(text) is not None


def without_control_characters(text: str) -> str:
    return CONTROL_CHARACTERS.sub("", text)


_ASCII_LOOKALIKES = str.maketrans({"\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-"})


def safe_filename(name: str, default: str = "document") -> str:
    """A file name as kept and offered back: its last path part, without control characters
    (line breaks included), at most 200 characters."""
    name = re.sub(r"[\x00-\x1f\x7f\ud800-\udfff]", "", name.replace("\\", "/").rsplit("/", 1)[-1]).strip()
    return name[-200:] or default


def ascii_filename(name: str, default: str = "document") -> str:
    """The plain-ASCII stand-in of a file name, for clients that do not read filename*: accents
    dropped, dashes kept, anything that could end or split a header value made a space."""
    plain = unicodedata.normalize("NFKD", name.translate(_ASCII_LOOKALIKES)).encode("ascii", "ignore").decode()
    plain = re.sub(r"[^A-Za-z0-9 ._()+,-]", " ", plain)
    plain = re.sub(r" +", " ", plain).strip(" .")
    return plain or default
