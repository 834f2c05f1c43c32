"""Allocation rates of running Go services: deltas between polls of their heap profiles,
alerts, incident stacks and canary verdicts. Pure functions over ``goalloc.watch.model``;
the HTTP polling is ``goalloc.collect.http_poll``, the loop is ``goalloc.app.watch``."""
