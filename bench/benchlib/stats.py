"""Statistics helpers: percentiles and latency summaries."""

from __future__ import annotations


def percentile(sorted_values: list[float], q: float) -> float | None:
    """Linear-interpolated percentile (q in 0..100) of an already sorted list."""
    if not sorted_values:
        return None
    if len(sorted_values) == 1:
        return sorted_values[0]
    pos = (len(sorted_values) - 1) * q / 100.0
    lo = int(pos)
    hi = min(lo + 1, len(sorted_values) - 1)
    return sorted_values[lo] + (sorted_values[hi] - sorted_values[lo]) * (pos - lo)


def summarise(values_ms: list[float], keys=("p50", "p95", "p99", "max")) -> dict:
    """Return {n, p50, p95, p99, max, ...} in milliseconds, rounded to 0.1 ms."""
    values = sorted(values_ms)
    out: dict = {"n": len(values)}
    for key in keys:
        if key == "max":
            v = values[-1] if values else None
        elif key == "mean":
            v = sum(values) / len(values) if values else None
        else:
            v = percentile(values, float(key[1:]))
        out[key] = None if v is None else round(v, 1)
    return out
