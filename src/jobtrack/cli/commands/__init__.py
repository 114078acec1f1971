"""The command areas of ``jobtrack``: each module adds its subcommands and handlers."""
