"""The benchmark harness: `./dev bench` (python -m benchmarks). Not part of the test suite."""
