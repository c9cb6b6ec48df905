"""`make bench` and `make loadtest`: the benchmark harness, its operations and the load test."""
