"""The model: what a run *is*, before anything is played.

``config`` (YAML in, a typed, frozen :class:`~tournaments.model.config.Config` out), ``games``
(stage games and their roles), ``roster`` (strategy names to classes, roster entries to player
specs), ``topology`` (who meets whom), ``seeds`` (every seed derived from the root and what it
seeds), ``accounting`` (the per-round quantities and the net identity) and ``automaton`` (a
strategy written as a finite automaton, the form both play and the exact solver read).
"""
