"""converter.lines.blocks: whole lines in big blocks, the file's bytes in order, an unterminated last line alone."""

import io

import pytest

from converter.lines import blocks


@pytest.mark.parametrize(
    ("data", "size", "expected"),
    [
        # reads of 4 bytes: "ab\nc" | "d\nef" | "gh\ni" | "j"; each block ends after its last line break
        (b"ab\ncd\nefgh\nij", 4, [b"ab\n", b"cd\n", b"efgh\n", b"ij"]),
        # a line longer than a read waits for its line break; nothing after the last one: no empty block
        (b"abcdefghij\nk\n", 4, [b"abcdefghij\n", b"k\n"]),
        # one read holds it all
        (b"a\nb\nc\n", 1 << 20, [b"a\nb\nc\n"]),
        (b"no line break", 1 << 20, [b"no line break"]),
        (b"", 4, []),
    ],
)
def test_blocks_are_whole_lines_and_the_file_in_order(data: bytes, size: int, expected: list[bytes]) -> None:
    assert list(blocks(io.BytesIO(data), size)) == expected


def test_blocks_of_every_size_give_back_the_file() -> None:
    data = b"".join(b"<s%d> <p> \"%s\" <g%d> .\n" % (i, b"x" * (i % 37), i % 5) for i in range(300)) + b"tail"
    for size in range(1, 200, 7):
        got = list(blocks(io.BytesIO(data), size))
        assert b"".join(got) == data
        assert all(b.endswith(b"\n") for b in got[:-1]) and got[-1] == b"tail"
