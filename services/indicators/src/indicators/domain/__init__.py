"""Pure rules of the indicators service: no database, no broker, no web framework."""
