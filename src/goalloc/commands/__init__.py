"""Subcommands; see goalloc.cli for the contract each module follows."""
