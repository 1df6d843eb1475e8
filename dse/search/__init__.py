"""Search: study files, the search space, Optuna studies, sweeps, storage and samplers.
Imports nothing of report or CLI."""
