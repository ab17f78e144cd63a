"""Releases of the regional indicators: made from the star schema, stored, served."""
