"""Parameterisations the strategy tests run every project strategy with.

``NON_DEFAULT`` gives, per registry key, one parameterisation other than the defaults (empty for
strategies without parameters); ``INVALID`` parameters that must raise a ValueError naming the
parameter. The registry test checks that every registered key appears here.
"""

NON_DEFAULT: dict[str, dict] = {
    "assurance_public": {"assurance": 1},
    "beggar_thy_neighbour": {"probation": 3},
    "club_reciprocity": {"outsiders": "reciprocate", "club": "EU"},
    "coercive_migration": {"respite": 1},
    "divided_target": {"division": 0.9},
    "issue_linkage": {"sanction": 3.0, "cost": 1.0},
    "leading_leader": {},
    "multilateralist": {"continuation": 0.9},
    "pooled_sovereignty": {"establishment": 0, "outsiders": "exclude", "club": "EU"},
    "resolute_target": {"vigilance": 1},
    "short_horizon": {"discount": 0.5},
    "suasion": {"payment": 2.0},
    "two_level_game": {"window": 2, "threshold": 2.5},
    "unilateral_closure": {},
}

INVALID: dict[str, list[tuple[dict, str]]] = {
    "assurance_public": [({"assurance": 0}, "assurance"), ({"assurance": 1.5}, "assurance")],
    "beggar_thy_neighbour": [({"probation": 0}, "probation"), ({"probation": 21}, "probation")],
    "club_reciprocity": [({"outsiders": "ignore"}, "outsiders"), ({"club": ""}, "club")],
    "coercive_migration": [({"respite": 0}, "respite")],
    "divided_target": [({"division": 1.1}, "division"), ({"division": -0.1}, "division")],
    "issue_linkage": [({"sanction": -1.0}, "sanction"), ({"cost": 101.0}, "cost")],
    "leading_leader": [],
    "multilateralist": [({"continuation": 0.0}, "continuation"),
                        ({"continuation": 1.5}, "continuation")],
    "pooled_sovereignty": [({"establishment": -1}, "establishment"),
                           ({"outsiders": "cooperate"}, "outsiders")],
    "resolute_target": [({"vigilance": 0}, "vigilance")],
    "short_horizon": [({"discount": 0.0}, "discount"), ({"discount": 1.01}, "discount")],
    "suasion": [({"payment": -1.0}, "payment")],
    "two_level_game": [({"window": 0}, "window"), ({"threshold": 1000.0}, "threshold")],
    "unilateral_closure": [],
}
