"""The one exception type for mistakes the user can fix; the CLI prints it as one line and exits 2."""

USER_ERROR_EXIT_CODE = 2


class ShipyardError(Exception):
    """A user-fixable problem (bad input, wrong directory); shown as its message alone, no traceback."""

    def __init__(self, message: str) -> None:
        # Messages may come from copier or validators spanning lines; the CLI promises one line.
        super().__init__(" ".join(message.split()))

    @property
    def message(self) -> str:
        return str(self.args[0])
