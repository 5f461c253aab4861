"""Values read from rows that staff edit a few times a year (the phone line's number, the languages offered), and the
page fragments that show them (common.templatetags.fragments), kept in each process for a minute instead of being
read or rendered on every page.

The same trade as django.contrib.sites' SITE_CACHE (the current site, kept per process): the process that saves a
change forgets at once (`memos_forget`, called by the rows' save/delete signals and again after commit);
another process shows the old value for at most `seconds`. A page stored in the shared cache for an hour is built
from fresh rows: common.pagecache forgets every memo before it builds one (`memos_forget`), so a catalog edit never
leaves an old value in a stored page.

Thread-safe enough for gthread workers: two threads that miss at once both read the rows, and either value is kept.
"""

import time
import weakref
from collections.abc import Callable, Hashable
from typing import Any

_memos: "weakref.WeakSet[ProcessMemo]" = weakref.WeakSet()


class ProcessMemo:
    """A per-process table of values computed by a function, each kept for `seconds`. Bounded: past `max_entries`
    keys (a script asking for made-up names) it starts again empty."""

    def __init__(self, *, seconds: float, max_entries: int = 10_000) -> None:
        self.seconds = seconds
        self.max_entries = max_entries
        self._values: dict[Hashable, tuple[float, Any]] = {}
        _memos.add(self)

    def get(self, key: Hashable, compute: Callable[[], Any]) -> Any:
        """The value kept under `key` if younger than `seconds`, else `compute()` (kept for the next calls)."""
        now = time.monotonic()
        found = self._values.get(key)
        if found is not None and now - found[0] < self.seconds:
            return found[1]
        value = compute()
        if len(self._values) >= self.max_entries:
            self._values = {}
        self._values[key] = (now, value)
        return value

    def forget(self) -> None:
        self._values = {}


def memos_forget() -> None:
    """Forget the values of every memo of this process."""
    for memo in list(_memos):
        memo.forget()
