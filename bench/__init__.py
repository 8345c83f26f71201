"""Benchmarks run by `make bench`; each prints what it measured next to a naive baseline."""
