"""Throughput benchmarks: ``python -m benchmarks`` (``make bench``); ``--quick`` for a smoke run."""
