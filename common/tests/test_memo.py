"""common.memo: values kept a short time per process, forgotten on demand."""

from common import memo
from common.memo import ProcessMemo, memos_forget


def test_a_value_is_computed_once_then_kept_for_its_seconds(monkeypatch):
    clock = [100.0]
    monkeypatch.setattr(memo.time, "monotonic", lambda: clock[0])
    computed = []
    kept = ProcessMemo(seconds=60)

    def compute():
        computed.append(clock[0])
        return f"value {len(computed)}"

    assert kept.get("key", compute) == "value 1"
    clock[0] = 159.9
    assert kept.get("key", compute) == "value 1"
    clock[0] = 160.0  # a minute old: read again
    assert kept.get("key", compute) == "value 2"
    assert kept.get("other", compute) == "value 3"  # each key on its own
    assert computed == [100.0, 160.0, 160.0]


def test_forget_and_memos_forget_drop_every_value():
    first, second = ProcessMemo(seconds=60), ProcessMemo(seconds=60)
    first.get("key", lambda: "old")
    second.get("key", lambda: "old")

    first.forget()
    assert first.get("key", lambda: "new") == "new"
    assert second.get("key", lambda: "new") == "old"

    memos_forget()
    assert first.get("key", lambda: "newer") == "newer" and second.get("key", lambda: "newer") == "newer"


def test_past_its_max_entries_a_memo_starts_again_empty():
    """A script asking for made-up names cannot make a process keep more than `max_entries` values."""
    kept = ProcessMemo(seconds=60, max_entries=3)
    for name in ("a", "b", "c"):
        kept.get(name, lambda name=name: name.upper())

    kept.get("d", lambda: "D")

    assert kept.get("d", lambda: "not asked") == "D"
    assert kept.get("a", lambda: "read again") == "read again"
