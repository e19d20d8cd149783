from rest_framework.routers import SimpleRouter


class ApiRouter(SimpleRouter):
    """Routes without trailing slashes: ``/api/v1/connections/conn_…``."""

    def __init__(self) -> None:
        super().__init__(trailing_slash="")  # type: ignore[arg-type]  # DRF takes a regex str
