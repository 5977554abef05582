"""Who meets whom: the interaction graph of a tournament and of a Moran population.

One definition serves both. The graph is over *members*: a member is a roster entry's label and
a copy number (a tournament has copy 0 of each entry; a Moran population ``count`` copies).

* ``round_robin``: every two members meet.
* ``clubs``: two members of one club always meet (clubs are public, like a passport); any other
  two members — in different clubs, or one or both in none — meet with probability
  ``cross_club_probability``, decided once per unordered pair of members by a draw derived from
  the root seed and the two members (:mod:`tournaments.model.seeds`), so the graph does not
  depend on roster order or on where it is computed.
"""

from __future__ import annotations

from dataclasses import dataclass

from tournaments.model.seeds import uniform


@dataclass(frozen=True, order=True)
class Member:
    """One member of a population: its entry's label, the copy number and its public club."""

    label: str
    copy: int = 0
    club: str | None = None


def linked(topology, root_seed: int, a: Member, b: Member) -> bool:
    """Whether two distinct members meet under ``topology`` (a ``TopologyConfig``)."""
    if topology.kind == "round_robin":
        return True
    if a.club is not None and a.club == b.club:
        return True
    first, second = sorted((a, b))
    draw = uniform(root_seed, "topology", first.label, first.copy, second.label, second.copy)
    return draw < topology.cross_club_probability


def edges(topology, root_seed: int, members: list[Member]) -> list[tuple[int, int]]:
    """Edges ``(i, j)``, ``i < j``, of the interaction graph among ``members`` (by position)."""
    return [(i, j) for i in range(len(members)) for j in range(i + 1, len(members))
            if linked(topology, root_seed, members[i], members[j])]
