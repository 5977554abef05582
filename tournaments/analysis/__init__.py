"""The analysis: pure functions from the engines' numbers to tables.

``tables`` (pairwise and summary tables from per-match quantities), ``evolution`` (fitness,
fixation probabilities, the stationary ranking, ecological dynamics), ``survival`` (the survival
tables of a run), ``equilibria`` (Nash equilibria of the stage game) and ``thresholds``
(where cooperation survives over a sweep).
"""
