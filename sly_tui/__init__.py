"""sly-tui: a terminal dashboard for the tasks of a Supervisely instance."""

__version__ = "0.1.0"
