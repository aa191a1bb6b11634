"""The command-line interface: option parsing and rendering only; the work is in the core."""
