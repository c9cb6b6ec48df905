"""`make bench` and `make loadtest` (issue 8): the benchmark harness, its operations and the load test."""
