"""The HTTP API: one router per feature and the dependencies they share.

This layer sits above every feature (see ``[tool.importlinter]`` in the root pyproject.toml):
a router may call any feature's services, and no feature imports a router.
"""
