"""The shared safe readers: `safefile.read_capped` (regular files, capped) and `safejson.loads_limited`."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from simgame.format.safefile import SafeReadError, read_capped, special_kind
from simgame.format.safejson import JSONLimitError, loads_limited, nesting_depth, read_json

posix = pytest.mark.skipif(not hasattr(os, "mkfifo") or not Path("/dev/zero").exists(), reason="POSIX only")


@posix
def test_read_capped_refuses_what_is_not_a_regular_file(tmp_path: Path) -> None:
    fifo, zero = tmp_path / "pipe.yaml", tmp_path / "zero.json"
    os.mkfifo(fifo)
    zero.symlink_to("/dev/zero")
    cases = {fifo: ("named pipe", "special"), zero: ("device", "special"), tmp_path: ("folder", "folder")}
    for path, (words, kind) in cases.items():
        with pytest.raises(SafeReadError, match=words) as caught:
            read_capped(path, 1024)
        assert str(path) in caught.value.message and caught.value.kind == kind
        assert special_kind(path) is not None
    with pytest.raises(SafeReadError, match="does not exist") as missing:
        read_capped(tmp_path / "nothing.yaml", 1024)
    assert missing.value.kind == "missing"


def test_read_capped_reads_at_most_the_limit_plus_one(tmp_path: Path) -> None:
    path = tmp_path / "data.bin"
    path.write_bytes(b"x" * 100)
    assert read_capped(path, 100) == b"x" * 100
    with pytest.raises(SafeReadError, match="larger than 99 bytes") as caught:
        read_capped(path, 99, display="data")
    assert caught.value.kind == "too-large" and caught.value.message.startswith("data ")
    assert special_kind(path) is None and special_kind(tmp_path / "missing") is None


def test_loads_limited_refuses_deep_nesting_without_recursing() -> None:
    for text in ("[" * 100_000, '{"a":' * 100_000, "[" * 65 + "]" * 65):
        with pytest.raises(JSONLimitError, match="nested more than 64 levels"):
            loads_limited(text)
    assert loads_limited("[" * 64 + "]" * 64) is not None
    assert loads_limited('["[[[[", {"x": "}}}"}]', max_depth=2) == ["[[[[", {"x": "}}}"}]
    assert nesting_depth('"\\"[[["') == 0


def test_loads_limited_refuses_long_numbers_nan_and_infinity() -> None:
    with pytest.raises(JSONLimitError, match="5000 characters"):
        loads_limited('{"seed": ' + "9" * 5000 + "}")
    with pytest.raises(JSONLimitError, match="5000 characters"):
        loads_limited("0." + "1" * 4998)
    for text in ("NaN", "[Infinity]", "-Infinity", "1e400"):
        with pytest.raises(JSONLimitError):
            loads_limited(text)
    assert loads_limited("[NaN]", allow_nan=True)[0] != 0
    assert loads_limited('{"seed": 12345678901234567890}', max_digits=20) == {"seed": 12345678901234567890}


def test_loads_limited_gives_one_error_type_for_bad_text() -> None:
    for text in ("{not json", b"\xff\xfe", "", '"unterminated'):
        with pytest.raises(JSONLimitError):
            loads_limited(text)
    assert loads_limited(b'\xef\xbb\xbf{"a": 1}') == {"a": 1}


def test_an_unterminated_string_is_scanned_in_linear_time() -> None:
    # each `\"` would restart a naive string match: quadratic; the scan must stay one pass
    with pytest.raises(JSONLimitError, match="not valid JSON"):
        loads_limited('"' + '\\"' * 1_000_000)


def test_read_json_combines_both(tmp_path: Path) -> None:
    path = tmp_path / "memo.json"
    path.write_text('{"seed": 3}')
    assert read_json(path, 100) == {"seed": 3}
    with pytest.raises(SafeReadError):
        read_json(path, 5)
    path.write_text("[" * 100)
    with pytest.raises(JSONLimitError):
        read_json(path, 1000)
