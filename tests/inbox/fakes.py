"""Fake SMS backends for tests, named in SMS_BACKEND like a real one."""


class RecordingSms:
    """Keeps every (phone, text) it is asked to send."""

    sent: list[tuple[str, str]] = []

    def send(self, phone: str, text: str) -> None:
        RecordingSms.sent.append((phone, text))


class BrokenSms:
    """A gateway that is down."""

    def send(self, phone: str, text: str) -> None:
        raise ConnectionError("gateway down")
