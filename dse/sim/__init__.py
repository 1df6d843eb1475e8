"""The continuous-learning simulator: kernel cost tables, accuracy curves, the window engine,
its parameter object and the allocation policies. Imports nothing of search, report or CLI."""
