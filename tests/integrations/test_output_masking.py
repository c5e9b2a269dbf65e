"""The masking under the IPython extension and the Jupyter save hook: a stream written in any pieces gives
exactly what ``redact`` gives for the whole text, and JSON data is masked everywhere but in binary data."""

from __future__ import annotations

import io
import random

import pytest

from hf_secret_guard.integrations.masking import (
    MAX_TOKEN_LENGTH,
    MaskingStream,
    mask_message,
    mask_text,
    mask_value,
)
from hf_secret_guard.tokens import mask, redact
from tests.conftest import DIGIT_TOKEN, ORG_TOKEN, TOKEN, TOKEN2
from tests.notebooks import PNG

TEXT = (
    f"login {TOKEN} ok\nx{TOKEN2}\n\x1b[0;31m{ORG_TOKEN}\x1b[0m, {DIGIT_TOKEN}_tail hf_hub_download {TOKEN}"
)


class Recorder:
    def __init__(self) -> None:
        self.masked = 0
        self.errors: list[BaseException] = []
        self.target = io.StringIO()

    def stream(self) -> MaskingStream:
        return MaskingStream(self.target, self.count, lambda: True, self.errors.append)

    def count(self, n: int) -> None:
        self.masked += n


def written(pieces: list[str]) -> tuple[str, int]:
    recorder = Recorder()
    stream = recorder.stream()
    for piece in pieces:
        assert stream.write(piece) == len(piece)
    stream.flush()
    assert recorder.errors == []
    return recorder.target.getvalue(), recorder.masked


def test_one_write_is_redact() -> None:
    out, count = written([TEXT])
    assert out == redact(TEXT)
    assert count == 4  # x{TOKEN2} is part of a longer word, as the scanner sees it
    for token in (TOKEN, ORG_TOKEN, DIGIT_TOKEN):
        assert token not in out and mask(token) in out


def test_every_split_in_two_gives_the_same_output() -> None:
    expected = redact(TEXT)
    for cut in range(len(TEXT) + 1):
        assert written([TEXT[:cut], TEXT[cut:]])[0] == expected, cut


def test_random_splits_and_single_characters() -> None:
    expected = redact(TEXT)
    rng = random.Random(16)
    for _ in range(300):
        cuts = sorted(rng.sample(range(1, len(TEXT)), rng.randint(2, 12)))
        pieces = [TEXT[a:b] for a, b in zip([0, *cuts], [*cuts, len(TEXT)], strict=True)]
        assert written(pieces)[0] == expected, cuts
    assert written(list(TEXT))[0] == expected


def test_only_a_possible_token_is_held_back() -> None:
    recorder = Recorder()
    stream = recorder.stream()
    stream.write("progress 10%\r")
    assert recorder.target.getvalue() == "progress 10%\r"  # nothing that could grow into a token
    stream.write("epoch 3 loss")
    assert recorder.target.getvalue() == "progress 10%\repoch 3 "  # "loss" might be the start of one
    stream.write(f" {TOKEN[:20]}")
    assert TOKEN[:20] not in recorder.target.getvalue()
    stream.write(TOKEN[20:] + "\n")
    assert recorder.target.getvalue().endswith(f" {mask(TOKEN)}\n")


def test_a_long_word_is_not_held_forever() -> None:
    out, _ = written(["a" * 200])
    assert out == "a" * 200
    recorder = Recorder()
    stream = recorder.stream()
    stream.write("b" * (MAX_TOKEN_LENGTH + 100))
    assert len(recorder.target.getvalue()) == 100  # at most one key's length (any provider's) is held back


def test_off_passes_everything_through() -> None:
    target = io.StringIO()
    stream = MaskingStream(target, lambda n: None, lambda: False, lambda e: None)
    stream.write(TOKEN)
    assert target.getvalue() == TOKEN


def test_the_stream_delegates_what_it_does_not_know() -> None:
    target = io.StringIO()
    stream = MaskingStream(target, lambda n: None, lambda: True, lambda e: None)
    assert stream.getvalue() == "" and stream.writable() and not stream.closed


def test_mask_value_leaves_clean_data_alone_and_masks_everywhere_else() -> None:
    clean = {"text/plain": ["a", "b"], "metadata": {"k": [1, 2.5, None]}}
    assert mask_value(clean) == (clean, 0) and mask_value(clean)[0] is clean
    data = {
        "text/plain": TOKEN,
        "text/html": [f"<b>{TOKEN[:10]}", f"{TOKEN[10:]}</b>"],  # split between list items
        "application/json": {"nested": [{"deep": ORG_TOKEN}], TOKEN2: 1},
        "image/png": PNG,
        "image/svg+xml": f"<svg><text>{TOKEN}</text></svg>",
        "count": 3,
    }
    masked, count = mask_value(data)
    assert count == 5
    assert masked["text/plain"] == mask(TOKEN)
    assert "".join(masked["text/html"]) == f"<b>{mask(TOKEN)}</b>"
    assert masked["application/json"] == {"nested": [{"deep": mask(ORG_TOKEN)}], mask(TOKEN2): 1}
    assert masked["image/png"] is PNG and masked["count"] == 3
    assert TOKEN not in masked["image/svg+xml"]
    assert data["text/plain"] == TOKEN  # the caller's data is not changed


@pytest.mark.parametrize(
    "msg_type", ["stream", "display_data", "execute_result", "error", "update_display_data"]
)
def test_output_messages_are_masked(msg_type: str) -> None:
    content = {
        "name": "stdout",
        "text": TOKEN,
        "traceback": [TOKEN],
        "evalue": TOKEN,
        "data": {"text/plain": TOKEN},
    }
    masked, count = mask_message(msg_type, content)
    assert count == 4 and TOKEN not in repr(masked)


def test_other_messages_pass_and_replies_mask_only_the_error() -> None:
    code = {"code": f'x = "{TOKEN}"'}
    assert mask_message("execute_input", code) == (code, 0)
    assert mask_message("comm_msg", {"data": {"value": TOKEN}})[1] == 0  # widget state round-trips
    reply = {"status": "error", "evalue": TOKEN, "traceback": [TOKEN], "payload": [{"text": "kept"}]}
    masked, count = mask_message("execute_reply", reply)
    assert count == 2 and masked["payload"] == reply["payload"] and TOKEN not in repr(masked)
    ok = {"status": "ok", "payload": []}
    assert mask_message("execute_reply", ok)[0] is ok


def test_mask_text_counts() -> None:
    assert mask_text("nothing here") == ("nothing here", 0)
    assert mask_text(f"{TOKEN} {TOKEN}") == (f"{mask(TOKEN)} {mask(TOKEN)}", 2)


def test_other_providers_keys_are_masked_too() -> None:
    """The extension and the save hook mask every provider's key, not only Hugging Face tokens."""
    from hf_secret_guard.providers import PROVIDERS
    from tests.conftest import make_key

    for provider in PROVIDERS:
        for fmt in provider.formats:
            if fmt.anywhere:
                key = make_key(fmt, 9)
                shown, count = mask_text(f"print -> {key}\n")
                assert key not in shown and count == 1, fmt.display
                out, _ = written([f"{key[:10]}", f"{key[10:]}\n"])
                assert key not in out, fmt.display
