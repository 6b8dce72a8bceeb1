"""
Vietnamese text in the pre-Unicode encodings: TCVN3 (ABC) and VNI-Windows.

Much of the country's cadastral and planning data was typed in the ``.VnTime``
fonts (TCVN 5712:1993, "TCVN3" or "ABC") or the ``VNI-Times`` fonts (VNI-Windows).
Both store Vietnamese letters in the bytes that Windows shows as Western letters and
symbols, so a program that does not know the font reads "Hµ Néi" or "Haø Noäi" for
"Hà Nội". No maintained Python library converts them, so this module holds two small
table-driven codecs, a detector and the report of what was converted:

* `decode` and `encode` for ``"tcvn3"`` and ``"vni"`` (also registered as Python
  codecs, so ``b"H\\xb5".decode("tcvn3")`` works once this module is imported);
* `convert_values` / `convert_frame`: detect legacy text in the text columns of a
  table and convert it to Unicode NFC, returning one `TextConversion` per column.

TCVN3 follows the VN1 table of TCVN 5712:1993 (the one GNU libc's ``TCVN5712-1``
converter implements), a superset of the ABC fonts' VN3 table: the capitals with
tone marks that VN3 lacks sit in the C1 range and in six C0 control codes. Text
typed in the ABC capital fonts (``.VnTimeH``) uses the lowercase codes with an
uppercase font; the bytes cannot tell, so it reads as lowercase.

VNI-Windows writes a letter with diacritics as the base letter followed by one byte
for its marks (``a`` + ``ø`` = ``à``; ``a`` + ``á`` = ``ấ``); ``đ ơ ư`` and the
``i``/``ỵ`` forms are single bytes. Every other byte is Windows-1252.

Detection never touches text that is already Unicode: a value is a candidate only
when all its characters fit in one byte (Windows-1252 or Latin-1), and it is
converted only when the result reads as Vietnamese better than the original does.
"""

from __future__ import annotations

import codecs
import contextlib
import contextvars
import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final, Literal, TypeAlias, TypeVar

if TYPE_CHECKING:
    import pandas as pd
    from _typeshed import ReadableBuffer

TextEncoding: TypeAlias = Literal["auto", "utf-8", "cp1258", "tcvn3", "vni"]
Legacy: TypeAlias = Literal["tcvn3", "vni", "cp1258"]
#: A DataFrame or GeoDataFrame: `convert_frame` returns what it is given.
FrameT = TypeVar("FrameT", bound="pd.DataFrame")

#: The values of ``--text-encoding``.
TEXT_ENCODINGS: Final[tuple[str, ...]] = ("auto", "utf-8", "cp1258", "tcvn3", "vni")
#: How the encodings are named in messages.
ENCODING_NAMES: Final[dict[str, str]] = {
    "tcvn3": "TCVN3 (ABC)",
    "vni": "VNI-Windows",
    "cp1258": "Windows-1258",
    "utf-8": "UTF-8",
}

# --- TCVN3 (TCVN 5712:1993, VN1) -------------------------------------------------------------

#: Bytes 0x80-0xFF, sixteen to a line. 0xB0-0xB4 are the combining tone marks.
_TCVN3_HIGH: Final[str] = (
    "ÀẢÃÁẠẶẬÈẺẼÉẸỆÌỈĨ"
    "ÍỊÒỎÕÓỌỘỜỞỠỚỢÙỦŨ"
    "\u00a0ĂÂÊÔƠƯĐăâêôơưđẰ"
    "\u0300\u0309\u0303\u0301\u0323àảãáạẲằẳẵắẴ"
    "ẮẦẨẪẤỀặầẩẫấậèỂẻẽ"
    "éẹềểễếệìỉỄẾỒĩíịò"
    "Ổỏõóọồổỗốộờởỡớợù"
    "ỖủũúụừửữứựỳỷỹýỵỐ"
)
#: The capitals VN1 puts in C0 control codes (which no table or drawing text uses).
_TCVN3_C0: Final[dict[int, str]] = {
    0x01: "Ú",
    0x02: "Ụ",
    0x04: "Ừ",
    0x05: "Ử",
    0x06: "Ữ",
    0x11: "Ứ",
    0x12: "Ự",
    0x13: "Ỳ",
    0x14: "Ỷ",
    0x15: "Ỹ",
    0x16: "Ý",
    0x17: "Ỵ",
}


def _tcvn3_table() -> str:
    low = [chr(i) for i in range(0x80)]
    for byte, char in _TCVN3_C0.items():
        low[byte] = char
    return "".join(low) + _TCVN3_HIGH


_TCVN3_DECODE: Final[str] = _tcvn3_table()
_TCVN3_ENCODE: Final[dict[str, int]] = {
    c: i for i, c in enumerate(_TCVN3_DECODE) if unicodedata.combining(c) == 0
}

# --- VNI-Windows -----------------------------------------------------------------------------

_ACUTE, _GRAVE, _HOOK, _TILDE, _DOT = "\u0301", "\u0300", "\u0309", "\u0303", "\u0323"
_CIRCUMFLEX, _BREVE, _HORN = "\u0302", "\u0306", "\u031b"
#: Lowercase VNI bytes that carry marks, and the marks (the capitals' bytes are 0x20 lower).
_VNI_MARKS: Final[dict[int, str]] = {
    0xF9: _ACUTE,
    0xF8: _GRAVE,
    0xFB: _HOOK,
    0xF5: _TILDE,
    0xEF: _DOT,
    0xE2: _CIRCUMFLEX,
    0xE1: _CIRCUMFLEX + _ACUTE,
    0xE0: _CIRCUMFLEX + _GRAVE,
    0xE5: _CIRCUMFLEX + _HOOK,
    0xE3: _CIRCUMFLEX + _TILDE,
    0xE4: _CIRCUMFLEX + _DOT,
    0xEA: _BREVE,
    0xE9: _BREVE + _ACUTE,
    0xE8: _BREVE + _GRAVE,
    0xFA: _BREVE + _HOOK,
    0xFC: _BREVE + _TILDE,
    0xEB: _BREVE + _DOT,
}
#: Lowercase VNI bytes that are whole letters (the capitals' bytes are 0x20 lower).
_VNI_LETTERS: Final[dict[int, str]] = {
    0xF1: "đ",
    0xF4: "ơ",
    0xF6: "ư",
    0xEC: "ì",
    0xED: "í",
    0xE6: "ỉ",
    0xF3: "ĩ",
    0xF2: "ị",
    0xEE: "ỵ",
}


def _vni_table() -> dict[int, str]:
    table = {i: bytes([i]).decode("cp1252", errors="ignore") or chr(i) for i in range(256)}
    for byte, marks in _VNI_MARKS.items():
        table[byte] = table[byte - 0x20] = marks
    for byte, letter in _VNI_LETTERS.items():
        table[byte] = letter
        table[byte - 0x20] = letter.upper()
    return table


_VNI_DECODE: Final[dict[int, str]] = _vni_table()
_VNI_MARK_BYTES: Final[dict[str, int]] = {m: b for b, m in _VNI_MARKS.items()}
_VNI_LETTER_BYTES: Final[dict[str, int]] = {
    **{c: b for b, c in _VNI_LETTERS.items()},
    **{c.upper(): b - 0x20 for b, c in _VNI_LETTERS.items()},
}
_TONES: Final[str] = _ACUTE + _GRAVE + _HOOK + _TILDE + _DOT


def _vni_encode_char(char: str) -> bytes | None:
    """VNI bytes of one NFC character, or None when VNI cannot write it."""
    if char.isascii():
        return char.encode("ascii")
    if char in _VNI_LETTER_BYTES:
        return bytes([_VNI_LETTER_BYTES[char]])
    parts = unicodedata.normalize("NFD", char)
    base, marks = parts[0], parts[1:]
    if marks.startswith(_HORN) and base in "ouOU":  # ơ ư: a letter of its own in VNI
        base, marks = unicodedata.normalize("NFC", base + _HORN), marks[1:]
    if not marks or base.lower() not in "aeouyơư":  # the i forms are single bytes
        return None
    head = _VNI_LETTER_BYTES.get(base, ord(base))
    vowel_mark = "".join(m for m in marks if m in _CIRCUMFLEX + _BREVE)
    tone = "".join(m for m in marks if m in _TONES)
    if len(vowel_mark) + len(tone) != len(marks) or len(tone) > 1:
        return None
    if vowel_mark and base.lower() not in {_CIRCUMFLEX: "aeo", _BREVE: "a"}.get(vowel_mark, ""):
        return None
    byte = _VNI_MARK_BYTES.get(vowel_mark + tone)
    if byte is None:
        return None
    return bytes([head, byte - 0x20 if base.isupper() else byte])


# --- decode and encode -----------------------------------------------------------------------


def decode(data: bytes, encoding: Legacy) -> str:
    """
    Decode legacy Vietnamese bytes to Unicode NFC.

    Parameters
    ----------
    data
        The bytes as the file holds them.
    encoding
        ``"tcvn3"``, ``"vni"`` or ``"cp1258"``.

    Returns
    -------
    text
        The text, composed to NFC.

    Examples
    --------
    >>> decode(b"H\\xb5 N\\xe9i", "tcvn3"), decode(b"Ha\\xf8 No\\xe4i", "vni")
    ('Hà Nội', 'Hà Nội')
    """
    if encoding == "tcvn3":
        text = data.decode("latin-1").translate(_TCVN3_TRANSLATE)
    elif encoding == "vni":
        text = "".join(_VNI_DECODE[b] for b in data)
    elif encoding == "cp1258":
        text = data.decode("cp1258")
    else:  # pragma: no cover - typed
        msg = f"unknown legacy encoding {encoding!r}"
        raise ValueError(msg)
    return unicodedata.normalize("NFC", text)


_TCVN3_TRANSLATE: Final[dict[int, str]] = {i: c for i, c in enumerate(_TCVN3_DECODE) if ord(c) != i}


def encode(text: str, encoding: Literal["tcvn3", "vni"]) -> bytes:
    """
    Encode Unicode text in TCVN3 or VNI-Windows (as the old fonts expect it).

    Parameters
    ----------
    text
        Unicode text (any normalisation form).
    encoding
        ``"tcvn3"`` or ``"vni"``.

    Returns
    -------
    data
        The bytes.

    Raises
    ------
    UnicodeEncodeError
        If a character has no code in the encoding.

    Examples
    --------
    >>> encode("Hải Phòng", "tcvn3"), encode("Hải Phòng", "vni")
    (b'H\\xb6i Ph\\xdfng', b'Ha\\xfbi Pho\\xf8ng')
    """
    out = bytearray()
    nfc = unicodedata.normalize("NFC", text)
    for pos, char in enumerate(nfc):
        if encoding == "tcvn3":
            code = _TCVN3_ENCODE.get(char)
            piece = bytes([code]) if code is not None else None
        else:
            piece = _vni_encode_char(char)
        if piece is None:
            raise UnicodeEncodeError(encoding, nfc, pos, pos + 1, "no code for this character")
        out += piece
    return bytes(out)


def encode_cp1258(text: str) -> bytes:
    """
    Encode Unicode text in Windows-1258 as Vietnamese Windows writes it: each letter
    as its base letter (precomposed where the code page has it) and a combining tone.

    Raises
    ------
    UnicodeEncodeError
        If a character has no code in Windows-1258.

    Examples
    --------
    >>> encode_cp1258("Đồ Sơn")
    b'\xd0\xf4\xcc S\xf5n'
    >>> decode(encode_cp1258("Đồ Sơn"), "cp1258")
    'Đồ Sơn'
    """
    out = []
    for char in unicodedata.normalize("NFC", text):
        parts = unicodedata.normalize("NFD", char)
        tones = "".join(c for c in parts if c in _TONES)
        out.append(unicodedata.normalize("NFC", "".join(c for c in parts if c not in _TONES)))
        out.append(tones)
    return "".join(out).encode("cp1258")


def _search(name: str) -> codecs.CodecInfo | None:
    """Let Python's codec machinery find ``tcvn3`` and ``vni``."""
    key = name.lower().replace("-", "").replace("_", "")
    alias = {"tcvn3": "tcvn3", "tcvn": "tcvn3", "abc": "tcvn3", "vni": "vni", "vniwin": "vni"}
    enc = alias.get(key)
    if enc is None:
        return None

    def _decode(data: ReadableBuffer, errors: str = "strict") -> tuple[str, int]:
        return decode(bytes(data), enc), len(data)  # type: ignore[arg-type]

    def _encode(text: str, errors: str = "strict") -> tuple[bytes, int]:
        return encode(text, enc), len(text)  # type: ignore[arg-type]

    return codecs.CodecInfo(_encode, _decode, name=enc)


codecs.register(_search)

# --- telling legacy text from Unicode --------------------------------------------------------

_INITIALS = "ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdđghklmnprstvx]"
_FINALS = "ch|ng|nh|[cmnpt]"
#: The vowel groups of Vietnamese syllables (with the glides o, u, i, y around the nucleus).
_VOWEL_GROUPS = (
    *("a", "ă", "â", "e", "ê", "i", "o", "ô", "ơ", "u", "ư", "y"),
    *("ai", "ao", "au", "ay", "âu", "ây", "eo", "êu", "ia", "iê", "iu", "oa", "oă", "oe"),
    *("oi", "ôi", "ơi", "oo", "ua", "uâ", "uê", "ui", "uô", "uơ", "uy", "ưa", "ưi", "ươ"),
    *("ưu", "yê", "iêu", "yêu", "oai", "oay", "oao", "oeo", "uây", "uôi", "ươi", "ươu"),
    *("uya", "uyê", "uyu"),
)
_VOWELS = "|".join(sorted(_VOWEL_GROUPS, key=len, reverse=True))
_SYLLABLE = re.compile(rf"(?:{_INITIALS})?(?:{_VOWELS})(?:{_FINALS})?")
#: Letters of the Vietnamese alphabet without tone marks (and the English ones).
_ALPHABET = frozenset("abcdefghijklmnopqrstuvwxyzăâđêôơư")
#: Splits a value into words: white space and ASCII punctuation and digits.
_WORD_SPLIT = re.compile(r"[\s!-@\[-`{-~\u00a0]+")


def _word_score(word: str) -> int:
    """+1 for a Vietnamese syllable, 0 for other letters of the alphabet, -1 otherwise."""
    nfd = unicodedata.normalize("NFD", word.lower())
    tones = sum(c in _TONES for c in nfd)
    bare = unicodedata.normalize("NFC", "".join(c for c in nfd if c not in _TONES))
    if not bare or not set(bare) <= _ALPHABET or tones > 1:
        return -1
    return 1 if _SYLLABLE.fullmatch(bare) else 0


def score(text: str) -> int:
    """
    How Vietnamese a value reads: the sum of its non-ASCII words' scores.

    A word is +1 when it is a Vietnamese syllable, 0 when it is made of letters of
    the Vietnamese alphabet but is no syllable, -1 when it holds anything else (the
    symbols and foreign letters that legacy text shows as). Words in plain ASCII
    count 0: they read the same in every encoding.

    Examples
    --------
    >>> score("Hà Nội"), score("Hµ Néi"), score("Haø Noäi"), score("Café")
    (2, -1, -2, 0)
    """
    return sum(_word_score(w) for w in _words(text))


def _words(text: str) -> list[str]:
    """
    The words of a value that can tell encodings apart: those beyond ASCII, of two
    characters or more (a lone symbol such as ``©`` or ``½`` reads as a letter in TCVN3).
    """
    return [w for w in _WORD_SPLIT.split(text) if len(w) > 1 and not w.isascii()]


def legacy_bytes(value: str) -> bytes | None:
    """
    The bytes a value was read from, when it was read one byte per character.

    Characters are mapped back through Windows-1252 (how Windows, Excel and GDAL's
    code-page readers show legacy bytes) or Latin-1 (GDAL without a code page).

    Returns
    -------
    data
        The bytes, or None when a character cannot come from one byte: the value is
        Unicode text beyond Western letters, never legacy text.
    """
    out = bytearray()
    for char in value:
        code = ord(char)
        if code < 0x80:
            out.append(code)
            continue
        try:
            out += char.encode("cp1252")
        except UnicodeEncodeError:
            if code > 0xFF:
                return None
            out.append(code)
    return bytes(out)


def _is_candidate(data: bytes) -> bool:
    """Whether bytes could hold legacy Vietnamese: any byte above ASCII, or a VN1 capital."""
    return any(b >= 0x80 or b in _TCVN3_C0 for b in data)


@dataclass(frozen=True)
class TextConversion:
    """
    One column of legacy text converted to Unicode.

    Attributes
    ----------
    source
        The file (and layer) the column came from.
    column
        The column; ``"(column names)"`` for the header itself.
    encoding
        ``"tcvn3"``, ``"vni"`` or ``"cp1258"``.
    n_values
        How many values were converted.
    before, after
        One value as it was read and as it is now.
    """

    source: str
    column: str
    encoding: str
    n_values: int
    before: str
    after: str

    def __str__(self) -> str:
        name = ENCODING_NAMES.get(self.encoding, self.encoding)
        where = (
            self.column if self.column.startswith(("column ", "(")) else f"column {self.column!r}"
        )
        return (
            f"{self.source}: {where}: {self.n_values} value(s) converted from "
            f"{name} to Unicode (e.g. {self.before!r} → {self.after!r})"
        )


_text_encoding: contextvars.ContextVar[str] = contextvars.ContextVar(
    "zoneplan_text_encoding", default="auto"
)


@contextlib.contextmanager
def text_encoding(name: str | None) -> Iterator[None]:
    """
    Set how legacy text is read within a block (the ``--text-encoding`` option).

    Parameters
    ----------
    name
        One of `TEXT_ENCODINGS`; None keeps the current setting (``"auto"`` unless set).

    Examples
    --------
    >>> with text_encoding("tcvn3"):
    ...     current_text_encoding()
    'tcvn3'
    >>> current_text_encoding()
    'auto'
    """
    if name is None:
        yield
        return
    if name not in TEXT_ENCODINGS:
        msg = f"unknown text encoding {name!r}; use one of {', '.join(TEXT_ENCODINGS)}"
        raise ValueError(msg)
    token = _text_encoding.set(name)
    try:
        yield
    finally:
        _text_encoding.reset(token)


def current_text_encoding() -> str:
    """Return the text encoding set by `text_encoding` (``"auto"`` by default)."""
    return _text_encoding.get()


def detect(values: Iterable[str], candidates: Sequence[Legacy] = ("tcvn3", "vni")) -> Legacy | None:
    """
    Detect the legacy encoding of a column of text, if it holds legacy text.

    The column is in an encoding when decoding its values with it makes more of
    them read as Vietnamese than it makes read worse, and at least one value
    becomes Vietnamese syllables throughout. Values that cannot come from single
    bytes (Unicode Vietnamese, NFD text) and plain ASCII values are never counted.

    Parameters
    ----------
    values
        The text values as they were read (one character per byte).
    candidates
        The encodings to try, in order of preference on a tie.

    Returns
    -------
    encoding
        The detected encoding, or None.

    Examples
    --------
    >>> detect(["Hµ Néi", "H¶i Phßng", "KiÕn Thôy"]), detect(["Haø Noäi"])
    ('tcvn3', 'vni')
    >>> detect(["Hà Nội", "Cà Mau", "Café", "Müller", "naïve"]) is None
    True
    """
    pairs = [(v, b) for v in values if (b := legacy_bytes(v)) is not None and _is_candidate(b)]
    best: Legacy | None = None
    best_gain = 0
    for enc in candidates:
        better = worse = clean = 0
        for value, data in pairs:
            try:
                new = decode(data, enc)
            except UnicodeDecodeError:
                worse += 1
                continue
            old_score, new_score = score(value), score(new)
            if new_score > old_score:
                better += 1
                words = _words(new)
                clean += bool(words) and all(_word_score(w) == 1 for w in words)
            elif new_score < old_score:
                worse += 1
        gain = better - worse
        if clean and gain > 0 and gain > best_gain:
            best, best_gain = enc, gain
    return best


def convert_values(
    values: Sequence[object],
    encoding: str = "auto",
    *,
    candidates: Sequence[Legacy] = ("tcvn3", "vni"),
    raw: bool = False,
) -> tuple[list[object], Legacy | None, int]:
    """
    Convert the legacy text among `values` to Unicode NFC.

    Parameters
    ----------
    values
        Cells of one column; non-text cells are left as they are.
    encoding
        ``"auto"`` to detect among `candidates`; ``"tcvn3"``, ``"vni"`` or ``"cp1258"``
        to convert every value that can be legacy bytes; ``"utf-8"`` to convert nothing.
    candidates
        The encodings `detect` tries.
    raw
        The values are bytes read one to a character (Latin-1), not text: every
        value is decoded with the detected encoding, Windows-1258 when none is.

    Returns
    -------
    values, encoding, n_changed
        The new cells, the encoding applied (None when nothing was converted) and
        the number of cells changed.

    Examples
    --------
    >>> convert_values(["H¶i Phßng", "Lot 3", None])
    (['Hải Phòng', 'Lot 3', None], 'tcvn3', 1)
    """
    texts = list(dict.fromkeys(v for v in values if isinstance(v, str)))
    if encoding == "auto":
        enc: Legacy | None = detect(texts, candidates)
        if raw and enc is None:
            enc = "cp1258"
    elif encoding in {"tcvn3", "vni", "cp1258"}:
        enc = encoding  # type: ignore[assignment]
    else:
        enc = None
    if enc is None:
        return list(values), None, 0
    forced = raw or encoding != "auto"
    mapping = {t: _convert_one(t, enc, forced=forced) for t in texts}
    out = [mapping[v] if isinstance(v, str) else v for v in values]
    changed = sum(isinstance(v, str) and mapping[v] != v for v in values)
    return out, (enc if changed else None), changed


def _convert_one(value: object, enc: Legacy, *, forced: bool) -> object:
    """One cell in a column of encoding `enc`: converted unless that reads worse (or forced)."""
    if not isinstance(value, str):
        return value
    data = legacy_bytes(value)
    if data is None or not _is_candidate(data):
        return value
    try:
        new = decode(data, enc)
    except UnicodeDecodeError:
        return value
    if forced or score(new) >= score(value):  # the column is legacy: unless it reads worse
        return new
    return value


def convert_frame(
    df: FrameT,
    source: str,
    encoding: str | None = None,
    *,
    columns: Iterable[str] | None = None,
    candidates: Sequence[Legacy] = ("tcvn3", "vni"),
) -> tuple[FrameT, list[TextConversion]]:
    """
    Convert the legacy Vietnamese text of a table's text columns (and its column names).

    Parameters
    ----------
    df
        A DataFrame or GeoDataFrame as read.
    source
        The file, for the report.
    encoding
        As in `convert_values`; the ``--text-encoding`` setting when None.
    columns
        The columns to look at; every column of text when None.
    candidates
        The encodings detection tries.

    Returns
    -------
    df, conversions
        The table (a copy when anything changed) and one `TextConversion` per
        converted column.

    Examples
    --------
    >>> import pandas as pd
    >>> df, report = convert_frame(pd.DataFrame({"ten": ["KiÕn Thôy", "§å S¬n"]}), "a.dbf")
    >>> df["ten"].tolist()
    ['Kiến Thụy', 'Đồ Sơn']
    >>> report[0].n_values, report[0].before, report[0].after
    (2, 'KiÕn Thôy', 'Kiến Thụy')
    """
    import pandas as pd

    enc_name = encoding or current_text_encoding()
    report: list[TextConversion] = []
    if enc_name == "utf-8":
        return df, report
    geom = getattr(df, "_geometry_column_name", None)
    wanted = list(columns) if columns is not None else list(df.columns)
    out = df
    for col in wanted:
        if col == geom or col not in df.columns:
            continue
        series = df[col]
        if not (series.dtype == object or pd.api.types.is_string_dtype(series)):
            continue
        old = series.tolist()
        new, enc, n = convert_values(old, enc_name, candidates=candidates)
        if not n or enc is None:
            continue
        if out is df:
            out = df.copy()
        out[col] = pd.Series(new, index=series.index, dtype=object)
        i = next(i for i, (a, b) in enumerate(zip(old, new, strict=True)) if a != b)
        report.append(TextConversion(source, str(col), enc, n, str(old[i]), str(new[i])))
    names = [str(c) for c in out.columns if c != geom]
    new_names, enc, n = convert_values(names, enc_name, candidates=candidates)
    if n and enc is not None:
        mapping = dict(zip(names, new_names, strict=True))
        out = out.rename(columns=mapping)
        i = next(i for i, (a, b) in enumerate(zip(names, new_names, strict=True)) if a != b)
        report.append(TextConversion(source, "(column names)", enc, n, names[i], str(new_names[i])))
    return out, report


def convert_rows(
    rows: list[list[object]],
    source: str,
    encoding: str | None = None,
    *,
    candidates: Sequence[Legacy] = ("tcvn3", "vni"),
    raw: bool = False,
) -> tuple[list[list[object]], list[TextConversion]]:
    """
    Convert the legacy text of a table's cells, column by column (a CSV or a worksheet).

    Parameters
    ----------
    rows
        The cells, row by row (rows may differ in length).
    source
        The file, for the report.
    encoding
        As in `convert_values`; the ``--text-encoding`` setting when None.
    candidates
        The encodings detection tries.
    raw
        The cells are bytes read one to a character, as in `convert_values`.

    Returns
    -------
    rows, conversions
        The cells (new lists) and one `TextConversion` per converted column, named
        ``"column N"`` (from 1).

    Examples
    --------
    >>> rows, report = convert_rows([["Tªn", "X"], ["§å S¬n", 1]], "a.csv")
    >>> rows, report[0].column, report[0].n_values
    ([['Tên', 'X'], ['Đồ Sơn', 1]], 'column 1', 2)
    """
    enc_name = encoding or current_text_encoding()
    out = [list(r) for r in rows]
    report: list[TextConversion] = []
    if enc_name == "utf-8":
        return out, report
    width = max((len(r) for r in rows), default=0)
    for col in range(width):
        cells = [r[col] if col < len(r) else None for r in rows]
        new, enc, n = convert_values(cells, enc_name, candidates=candidates, raw=raw)
        if not n or enc is None:
            continue
        first = next(i for i, (a, b) in enumerate(zip(cells, new, strict=True)) if a != b)
        for row, value in zip(out, new, strict=True):
            if col < len(row):
                row[col] = value
        report.append(
            TextConversion(source, f"column {col + 1}", enc, n, str(cells[first]), str(new[first]))
        )
    return out, report
