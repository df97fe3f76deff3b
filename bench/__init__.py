"""Measurements that print numbers: NLU accuracy, training time, latency. Tests never assert on time."""
