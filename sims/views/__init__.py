"""Thin views: each builds its Bokeh figures and sources once and only replaces their data."""
