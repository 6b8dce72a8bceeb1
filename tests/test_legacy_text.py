"""
The TCVN3 (ABC) and VNI-Windows codecs and the legacy-text detector.

TCVN3 is checked byte by byte against GNU libc's own TCVN 5712:1993 converter
(``iconv -f TCVN5712-1``), an independent implementation of the published table.
VNI is checked against published samples and the structure of its fonts. Both are
round-tripped over the whole Vietnamese alphabet; detection is checked to find both
and to leave ordinary Vietnamese and English alone.
"""

from __future__ import annotations

import shutil
import subprocess
import unicodedata

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zoneplan.legacy_text import (
    TextConversion,
    convert_frame,
    convert_values,
    decode,
    detect,
    encode,
    legacy_bytes,
    text_encoding,
)

BASES = "aăâeêioôơuưy"
TONES = ("", "\u0301", "\u0300", "\u0309", "\u0303", "\u0323")
#: Every lowercase letter of the Vietnamese alphabet, with every tone on every vowel.
LOWER = sorted(
    {unicodedata.normalize("NFC", b + t) for b in BASES for t in TONES} | set("bcdđghklmnpqrstvx")
)
ALPHABET = LOWER + [c.upper() for c in LOWER]

PLACES = [
    "Đồ Sơn",
    "Kiến Thụy",
    "Tiên Lãng",
    "Vĩnh Bảo",
    "An Dương",
    "Thủy Nguyên",
    "Cát Hải",
    "Bạch Long Vĩ",
    "Dương Kinh",
    "Hồng Bàng",
    "Ngô Quyền",
    "Lê Chân",
    "Khu kinh tế ven biển phía Nam",
    "Cảng Nam Đồ Sơn",
    "Sân bay Tiên Lãng",
    "Đất ở tại đô thị",
    "Đất thương mại, dịch vụ",
    "Đất nuôi trồng thủy sản",
    "KHU CÔNG NGHIỆP TIÊN THANH",
    "Thửa số 125, tờ bản đồ số 7",
]

ENGLISH = [
    "Southern Coastal Economic Zone",
    "Free Trade Zone (FTZ) phase 1",
    "Café Đồ Sơn",
    "Müller & Söhne GmbH",
    "naïve façade, résumé",
    "Straße 12",
    "area 12.5 m²",
    "20°35'50\" N",
    "© 2024 — draft",
    "€ 1,200 / m²",
    "Crème brûlée",
    "São Paulo",
    "Zürich",
    "Ø 600 mm",
    "½ lot",
    "Cà Mau",
    "Tô Hiến Thành",
    "Bà Rịa – Vũng Tàu",
]


def _iconv_tcvn(data: bytes) -> str:
    out = subprocess.run(
        ["iconv", "-f", "TCVN5712-1", "-t", "UTF-8"], input=data, capture_output=True, check=True
    )
    return unicodedata.normalize("NFC", out.stdout.decode("utf-8"))


def test_iconv_is_there():
    """The reference converter ships with GNU libc (libc-bin); without it the check cannot run."""
    assert shutil.which("iconv"), "iconv (libc-bin) is needed for the TCVN3 reference"


@pytest.mark.parametrize("block", range(0x80, 0x100, 0x10))
def test_tcvn3_matches_libc_table(block):
    """Each byte 0x80-0xFF decodes as GNU libc's TCVN5712-1 converter decodes it."""
    for byte in range(block, block + 0x10):
        assert decode(bytes([byte]), "tcvn3") == _iconv_tcvn(bytes([byte])), hex(byte)


def test_tcvn3_capitals_in_control_codes_match_libc():
    for byte in (0x01, 0x02, 0x04, 0x05, 0x06, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17):
        assert decode(bytes([byte]), "tcvn3") == _iconv_tcvn(bytes([byte])), hex(byte)


def test_tcvn3_words_match_libc():
    """Whole words, including a tone written as a separate combining byte (0xB0-0xB4)."""
    for word in [b"H\xb5 N\xe9i", b"\xa7\xe5 S\xac n", b"Ha\xb0 No\xa7", b"TI\xaaN L\xa2NG"]:
        assert decode(word, "tcvn3") == _iconv_tcvn(word)


def test_published_samples():
    """Samples as converters and the fonts' users print them."""
    assert decode("B¶o Th¾ng".encode("cp1252"), "tcvn3") == "Bảo Thắng"
    assert decode("M\xadêng Kh\xad¬ng".encode("cp1252"), "tcvn3") == "Mường Khương"
    assert decode("B¸t X¸t".encode("cp1252"), "tcvn3") == "Bát Xát"
    assert decode("Xin chaøo caùc baïn".encode("cp1252"), "vni") == "Xin chào các bạn"
    assert encode("Việt Nam", "vni").decode("cp1252") == "Vieät Nam"
    assert encode("Thành phố Hồ Chí Minh", "vni").decode("cp1252") == "Thaønh phoá Hoà Chí Minh"


@pytest.mark.parametrize("enc", ["tcvn3", "vni"])
def test_every_letter_round_trips(enc):
    for letter in ALPHABET:
        data = encode(letter, enc)
        assert decode(data, enc) == letter, (letter, data)
    codes = {encode(letter, enc) for letter in ALPHABET}
    assert len(codes) == len(ALPHABET), "two letters share a code"


def test_vni_capitals_use_the_capital_mark_glyphs():
    """VNI fonts draw capitals' marks from the upper-case glyphs: 'Á' is 'A' + 'Ù'."""
    for letter in LOWER:
        lower = encode(letter, "vni").decode("cp1252")
        upper = encode(letter.upper(), "vni").decode("cp1252")
        assert upper == lower.upper(), letter
        assert len(lower) <= 2


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from([*ALPHABET, " ", ",", "0", "-", "A", "z"]), max_size=40))
@pytest.mark.parametrize("enc", ["tcvn3", "vni"])
def test_round_trip_property(enc, text):
    for form in ("NFC", "NFD"):
        assert decode(encode(unicodedata.normalize(form, text), enc), enc) == text


def test_python_codec_names():
    assert b"H\xb6i Ph\xdfng".decode("tcvn3") == "Hải Phòng"
    assert "Hải Phòng".encode("vni") == b"Ha\xfbi Pho\xf8ng"


def test_unencodable_character_is_refused():
    with pytest.raises(UnicodeEncodeError):
        encode("Hải Phòng 海防", "tcvn3")
    with pytest.raises(UnicodeEncodeError):
        encode("ǹ", "vni")


@pytest.mark.parametrize("enc", ["tcvn3", "vni"])
@pytest.mark.parametrize("shown_as", ["cp1252", "latin-1"])
def test_detects_and_converts_legacy_columns(enc, shown_as):
    """As Excel shows them (Windows-1252) and as GDAL reads them without a code page."""
    legacy = [encode(p, enc).decode(shown_as, errors="ignore") for p in PLACES]
    legacy = [s for s, p in zip(legacy, PLACES, strict=True) if legacy_bytes(s) == encode(p, enc)]
    assert len(legacy) >= len(PLACES) - 3
    assert detect(legacy) == enc
    out, found, n = convert_values(legacy)
    assert found == enc
    expected = [decode(legacy_bytes(s), enc) for s in legacy]
    assert out == expected
    assert set(out) <= set(PLACES)
    assert n == len(legacy)


@pytest.mark.parametrize("text", PLACES + ENGLISH)
def test_no_false_detection(text):
    for form in ("NFC", "NFD"):
        value = unicodedata.normalize(form, text)
        assert detect([value]) is None
        assert convert_values([value]) == ([value], None, 0)


def test_no_false_detection_on_a_mixed_column():
    assert detect(PLACES + ENGLISH) is None


_SYLLABLES = st.lists(
    st.sampled_from(
        [
            *("cà", "bé", "tôi", "là", "má", "mì", "ô", "è", "xôi", "đá", "mà", "cá", "trà"),
            *("tí", "Đồ", "Sơn", "thương", "mại", "dịch", "vụ", "đất", "ở", "Nam", "lô", "số"),
        ]
    ),
    min_size=1,
    max_size=6,
)


@settings(max_examples=150, deadline=None)
@given(_SYLLABLES)
def test_unicode_vietnamese_is_never_converted(words):
    value = " ".join(words)
    assert convert_values([value, value.upper()])[2] == 0


def test_forced_encoding_converts_every_candidate():
    values = ["H¶i Phßng", "m²", "plain", None, 3]
    out, enc, n = convert_values(values, "tcvn3")
    assert out[0] == "Hải Phòng"
    assert out[2:] == ["plain", None, 3]
    assert (enc, n) == ("tcvn3", 2)
    assert convert_values(values, "utf-8") == (values, None, 0)


def test_convert_frame_reports_each_column_and_the_header():
    df = pd.DataFrame(
        {
            "Tªn": ["§å S¬n", "KiÕn Thôy", "Lot 3"],
            "note": ["Café", "Zürich", None],
            "n": [1, 2, 3],
        }
    )
    out, report = convert_frame(df, "sheet.dbf")
    assert list(out.columns) == ["Tên", "note", "n"]
    assert out["Tên"].tolist() == ["Đồ Sơn", "Kiến Thụy", "Lot 3"]
    assert out["note"].tolist()[:2] == ["Café", "Zürich"]
    assert pd.isna(out["note"].iloc[2])
    assert report == [
        TextConversion("sheet.dbf", "Tªn", "tcvn3", 2, "§å S¬n", "Đồ Sơn"),
        TextConversion("sheet.dbf", "(column names)", "tcvn3", 1, "Tªn", "Tên"),
    ]
    assert "2 value(s) converted from TCVN3 (ABC)" in str(report[0])
    assert df["Tªn"].tolist()[0] == "§å S¬n", "the input frame is not modified"


def test_text_encoding_setting_reaches_convert_frame():
    df = pd.DataFrame({"a": ["Ha\xf8 No\xe4i"]})
    with text_encoding("utf-8"):
        assert convert_frame(df, "x")[1] == []
    with text_encoding("vni"):
        assert convert_frame(df, "x")[0]["a"].tolist() == ["Hà Nội"]
    with pytest.raises(ValueError, match="unknown text encoding"), text_encoding("koi8"):
        pass
