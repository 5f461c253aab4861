"""Benchmarks anyone can run: see benchmarks/README.md."""
