"""Measuring accuracy proxies: MX fake quantization (NumPy), the shipped demo stream, and the
PyTorch profiler behind `dse proxies profile` (PyTorch: the optional `profile` extra)."""
