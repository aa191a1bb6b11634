"""cen-search: the searches behind systematic and living reviews, from the command line.

The package is a library first: every command of the CLI is a thin wrapper over a function
here. Importing it never imports typer or rich.
"""

__version__ = "0.1.0"
