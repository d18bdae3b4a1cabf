"""After-sales screens, one module per concern; ``VIEWS`` is what
``register_admin_views`` returns."""

VIEWS: list = []

__all__ = ["VIEWS"]
