"""The engines: how payoffs are obtained.

``exact`` solves pairs of finite-state forms from their Markov chain; ``simulate`` plays the
other pairs with axelrod's ``Match``; ``moran`` runs seeded Moran processes of the population on
the tournament's payoff matrix.
"""
