"""Page hooks: the receivers' snippets, in order; a failing receiver is logged and left out (the page still works)."""

from django.dispatch import Signal

from common.hooks import page_snippets


def test_snippets_are_collected_and_a_failing_receiver_is_left_out(caplog):
    hook = Signal()

    def first(sender, **kwargs):
        return f"<p>{kwargs['name']}</p>"

    def broken(sender, **kwargs):
        raise RuntimeError("boom")

    def nothing(sender, **kwargs):
        return ""

    for receiver in (first, broken, nothing):
        hook.connect(receiver, weak=False)
    assert page_snippets(hook, sender=None, name="uno") == ["<p>uno</p>"]
    assert "Page hook" in caplog.text and "boom" in caplog.text
