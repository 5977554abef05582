"""Config validation: every form of game, defaults written back, each class of bad input."""

from __future__ import annotations

import pytest
import yaml

from tests.conftest import small_config
from tournaments.errors import ConfigError, UserError
from tournaments.model.config import GameConfig, load_config


def test_defaults_filled_and_round_trip(tmp_path):
    config = load_config(small_config(match={"continuation": 0.9}))
    resolved = config.resolved()
    assert resolved["game"] == {"kind": "prisoners_dilemma", "R": 3.0, "S": 0.0, "T": 5.0,
                                "P": 1.0, "roles": ["receiving", "sending"]}
    assert resolved["match"] == {"turns": None, "continuation": 0.9, "noise": 0.0,
                                 "repetitions": 10, "self_play": False, "engine": "simulate"}
    assert resolved["roster"][0]["discount"] == 1.0
    path = tmp_path / "config.yaml"
    path.write_text(config.resolved_yaml())
    assert load_config(path).sha256() == config.sha256()


def test_fixed_length_default_when_no_continuation():
    assert load_config(small_config(match={})).match.turns == 200


@pytest.mark.parametrize("game, kind, a", [
    ("stag_hunt", "stag_hunt", [[3, 1], [2, 2]]),
    ({"kind": "prisoners_dilemma", "T": 5.5}, "prisoners_dilemma", [[3, 0], [5.5, 1]]),
    ({"R": 3, "S": 1, "T": 2, "P": 2}, "symmetric", [[3, 1], [2, 2]]),
])
def test_symmetric_game_forms(game, kind, a):
    built = load_config(small_config(game=game)).game.build()
    assert built.name == kind and built.symmetric
    assert built.A.tolist() == a and built.B.tolist() == [list(r) for r in zip(*a, strict=True)]


def test_leader_leads_is_figure_5_of_source_004():
    roster = [{"strategy": "Cooperator", "role": "leader"},
              {"strategy": "Defector", "role": "public"}]
    built = load_config(small_config(game="leader_leads", roster=roster)).game.build()
    assert built.A.tolist() == [[3, 3], [2, 2]] and built.B.tolist() == [[3, 4], [1, 2]]
    assert not built.symmetric and built.roles == ("leader", "public")


@pytest.mark.parametrize("game, roles", [
    ("prisoners_dilemma", ("receiving", "sending")), ("stag_hunt", ("leader", "public")),
    ({"R": 4, "S": 0, "T": 5, "P": 1}, ("row", "column")),
    ({"A": [[3, 0], [4, 1]], "B": [[2, 4], [0, 1]]}, ("row", "column")),
    ({"kind": "stag_hunt", "roles": ["president", "congress"]}, ("president", "congress")),
])
def test_every_game_names_its_two_roles(game, roles):
    section = GameConfig.model_validate({"kind": game} if isinstance(game, str) else game)
    assert section.build().roles == roles


@pytest.mark.parametrize("game, roster, key, allowed", [
    ("stag_hunt", [{"strategy": "Cooperator", "role": "receiving"},
                   {"strategy": "Defector", "role": "public"}],
     "roster[0].role", "leader (the row player) or public (the column player)"),
    ("prisoners_dilemma", [{"strategy": "Cooperator", "role": "receiving"},
                           {"strategy": "Defector"}], "roster[1].role", "every entry needs one"),
    ("prisoners_dilemma", [{"strategy": "Cooperator", "role": "receiving"},
                           {"strategy": "Defector", "role": "receiving"}], "roster",
     "at least one entry of each role"),
    ({"kind": "stag_hunt", "roles": ["a", "a"]}, None, "game", "two different role names"),
    ({"kind": "stag_hunt", "roles": ["=cmd", "b"]}, None, "game", "do not start with ="),
])
def test_roles_are_checked_against_the_game(game, roster, key, allowed):
    overrides = {"game": game} if roster is None else {"game": game, "roster": roster}
    with pytest.raises(ConfigError) as err:
        load_config(small_config(**overrides))
    assert err.value.key == key and allowed in str(err.value)


def test_two_r_warning():
    with pytest.warns(UserWarning, match="2R > T"):
        load_config(small_config(game={"kind": "prisoners_dilemma", "T": 7}))


@pytest.mark.parametrize("override, key, fragment", [
    ({"match": {"noise": 1.5}}, "match.noise", "less than or equal to 1"),
    ({"match": {"continuation": 0}}, "match.continuation", "greater than 0"),
    ({"game": {"kind": "prisoners_dilemma", "T": 2}}, "game", "T > R > P > S"),
    ({"game": "chicken"}, "game.kind", "prisoners_dilemma"),
    ({"colour": "red"}, "colour", "known keys only"),
    ({"match": {"turn": 5}}, "match.turn", "turns, continuation"),
    ({"roster": [{"strategy": "Cooperator", "discount": 1.5}] * 2}, "roster[0].discount",
     "less than or equal to 1"),
    ({"roster": [{"strategy": "Cooperator"}]}, "roster", "at least 2"),
    ({"roster": [{"strategy": "Cooperator", "label": "A"}, {"strategy": "Defector", "label": "A"}]},
     "roster[1].label", "not used before"),
    ({"game": {"A": [[3, 0], [5, 1]], "B": [[1, 2], [3, 4]]}}, "roster[0].role", "row"),
])
def test_bad_values_name_key_value_and_what_is_allowed(override, key, fragment):
    with pytest.raises(ConfigError) as err:
        load_config(small_config(**override))
    assert err.value.key == key
    assert fragment in str(err.value)
    assert str(err.value).startswith(f"<dict>: {key}: ")


def test_malformed_yaml_names_the_line(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("name: x\nroster: [\n  - a\n")
    with pytest.raises(ConfigError, match=r"bad.yaml: .*line \d+"):
        load_config(path)


def test_missing_file():
    with pytest.raises(UserError, match="no such config file"):
        load_config("does/not/exist.yaml")


def test_top_level_must_be_a_mapping(tmp_path):
    path = tmp_path / "list.yaml"
    path.write_text(yaml.safe_dump([1, 2]))
    with pytest.raises(ConfigError, match="a YAML mapping"):
        load_config(path)


def test_every_config_error_at_once_each_on_its_own_line(tmp_path, cli):
    path = tmp_path / "bad.yaml"
    path.write_text("name: bad\nroster: [{strategy: Cooperator}, {strategy: Defector}]\n"
                    "evolution: {selection_intensity: 10, mutation_rate: 5}\n"
                    "match: {noise: 2}\n")
    result = cli("run", str(path))
    lines = result.stderr.strip().splitlines()
    assert result.returncode == 2 and len(lines) == 3
    assert all(line.startswith(f"error: {path}: ") for line in lines)
    assert {line.split(": ")[2] for line in lines} == {
        "match.noise", "evolution.selection_intensity", "evolution.mutation_rate"}
    # once the schema holds, the checks across keys report all their findings too
    path.write_text("name: bad\nroster: [{strategy: Cooperator, label: a},\n"
                    "  {strategy: Defector, label: '=x'}, {strategy: Grudger, label: a}]\n"
                    "evolution: {runs: 5}\n")
    lines = cli("run", str(path)).stderr.strip().splitlines()
    assert [line.split(": ")[2] for line in lines] == [
        "evolution.runs", "roster[1].label", "roster[2].label"]


def test_a_flood_of_errors_is_bounded():
    roster = [{"strategy": "Cooperator", "count": 0} for _ in range(50)]
    with pytest.raises(ConfigError) as err:
        load_config(small_config(roster=roster))
    lines = str(err.value).splitlines()
    assert len(lines) == 21 and lines[-1] == "<dict>: and 30 more errors"
    assert err.value.key == "roster[0].count"
