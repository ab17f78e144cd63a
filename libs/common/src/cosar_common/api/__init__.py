"""Types shared by the services' HTTP routers (path and query parameters)."""
