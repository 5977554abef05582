"""The command line: a thin layer over :mod:`tournaments.api`.

Exit codes: 0 success; 2 bad input (a message naming the file, key, value and what is allowed;
no traceback) or an environment that cannot do the job (a full or read-only disk, an unreachable
scheduler: what failed and what to do); 3 a negative answer (a sweep with failed cells,
``verify`` finding a difference, ``check-strategy`` a failed check); 130 and 143 when interrupted
by SIGINT (Ctrl-C) or SIGTERM, after cleaning up; 1 a bug. Heavy modules (pandas, axelrod) are
imported inside the commands that need them, so ``--help`` and config validation answer at once.
"""

from __future__ import annotations

import errno
import signal
import sys
import warnings
from pathlib import Path

import click

from tournaments import __version__
from tournaments.errors import UserError


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised where the process is, so that every clean-up runs as for Ctrl-C."""


#: What to do about an environment error, by errno.
_ADVICE = {
    errno.ENOSPC: "the disk is full: free some space or choose another --out",
    errno.EDQUOT: "the disk quota is exhausted: free some space or choose another --out",
    errno.EROFS: "the filesystem is read-only: choose --out on a writable one",
    errno.EACCES: "permission denied: choose a folder you can write to",
    errno.EPERM: "operation not permitted: choose a folder you can write to",
}


class _Group(click.Group):
    """Turns :class:`UserError` and environment errors into exit code 2 with a one-line message,
    and interruptions into 130 (SIGINT) or 143 (SIGTERM)."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except UserError as err:  # one line per error (a config may have several)
            click.echo("\n".join(f"error: {line}" for line in str(err).splitlines()), err=True)
            ctx.exit(2)
        except OSError as err:
            where = f"{err.filename}: " if err.filename else ""
            advice = _ADVICE.get(err.errno, "check the path and the machine, then run again")
            click.echo(f"error: {where}{err.strerror or err} ({advice}); nothing written "
                       "before was lost", err=True)
            ctx.exit(2)
        except KeyboardInterrupt as err:
            hint = getattr(err, "hint", None)
            click.echo(f"interrupted{f'; {hint}' if hint else ''}", err=True)
            ctx.exit(143 if isinstance(err, Terminated) else 130)


def _terminate(signum, frame) -> None:
    raise Terminated()


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="tournaments")
def cli() -> None:
    """Reproducible migration tournaments on the axelrod library."""


def _show_warnings() -> None:
    def show(message, category, filename, lineno, file=None, line=None):
        click.echo(f"warning: {message}", err=True)

    warnings.showwarning = show


@cli.command()
@click.argument("config", type=click.Path(path_type=Path))
@click.option("--out", type=click.Path(path_type=Path), default=None,
              help="Results directory [default: results/<name>].")
@click.option("--seed", type=click.IntRange(0, 2**63 - 1), default=None,
              help="Root seed (overrides the config's).")
@click.option("--processes", type=click.IntRange(1, 256), default=None,
              help="Worker processes playing matches (overrides the config's).")
@click.option("--force", is_flag=True, help="Replace an existing results directory.")
@click.option("--figure-format", "figure_formats", multiple=True, metavar="png|svg|pdf",
              help="Write figures in this format (repeat for several); overrides the config's "
                   "output.figure_formats.")
@click.option("--dpi", type=int, default=None,
              help="Resolution of PNG figures; overrides the config's output.dpi.")
@click.option("--scheduler", default=None, metavar="ADDRESS",
              help="Play the simulated pairs on a running dask scheduler, e.g. "
                   "tcp://10.0.0.5:8786.")
@click.option("--workers", type=click.IntRange(1, 1024), default=None,
              help="Play the simulated pairs on an embedded dask cluster of N processes.")
def run(config: Path, out: Path | None, seed: int | None, processes: int | None,
        force: bool, figure_formats: tuple[str, ...], dpi: int | None, scheduler: str | None,
        workers: int | None) -> None:
    """Run CONFIG and write a ranked, reproducible results directory.

    Simulated pairs are played in this process, by --processes forked processes, or on dask
    (--scheduler, --workers): the same results each way."""
    from tournaments.model.config import load_config

    _show_warnings()
    overrides = {"seed": seed, "processes": processes}
    loaded = load_config(config, overrides=overrides)
    if figure_formats or dpi is not None:
        loaded = _with_output_flags(config, overrides, loaded, figure_formats, dpi)
    if scheduler and workers:
        raise click.UsageError("give --scheduler (a running cluster) or --workers (an embedded "
                               "one), not both")
    from tournaments import api  # pandas and axelrod: only once the config is valid
    from tournaments.output import store
    from tournaments.pipeline import RUN_TIME

    out = out or Path("results") / loaded.name
    with store.writer_lock(out):
        store.check_target(out, force=force)
        if scheduler:  # an unreachable scheduler is one line before any work
            from tournaments.engines.cluster import connect

            connect(scheduler).close()
        result = api.run(loaded, source=str(config), scheduler=scheduler, workers=workers)
        path = api.save(result, out, force=force)
    _print_ranking(result)
    if result.survival is not None:
        click.echo("\nsurvival (small-mutation-limit ranking):")
        _print_survival(result.survival)
    click.echo(f"\n{result.headline().replace('**', '')}")
    click.echo(f"\nwrote {path}/ in {result.wall_time:.1f} s of run time ({RUN_TIME}); "
               f"read {path}/report.md or {path}/report.html")


def _with_output_flags(config: Path, overrides: dict, loaded, figure_formats: tuple[str, ...],
                       dpi: int | None):
    """The config with ``--figure-format`` and ``--dpi`` in its ``output`` section (the keys
    not given keep the config's values), validated as the config's keys are; a bad value is
    reported against its flag."""
    from tournaments.errors import ConfigError
    from tournaments.model.config import load_config

    given = {"figure_formats": list(figure_formats) or None, "dpi": dpi}
    output = {**loaded.output.model_dump(mode="json"),
              **{k: v for k, v in given.items() if v is not None}}
    try:
        return load_config(config, overrides={**overrides, "output": output})
    except ConfigError as err:
        if not err.key.startswith("output."):
            raise
        flag = "--dpi" if err.key == "output.dpi" else "--figure-format"
        raise ConfigError("command line", flag, err.value, err.allowed) from None


@cli.command()
@click.argument("config", type=click.Path(path_type=Path))
@click.option("--out", type=click.Path(path_type=Path), default=None,
              help="Results directory [default: results/<name>].")
@click.option("--scheduler", default=None, metavar="ADDRESS",
              help="A running dask scheduler, e.g. tcp://10.0.0.5:8786 [default: an embedded "
                   "LocalCluster].")
@click.option("--workers", type=click.IntRange(1, 1024), default=None,
              help="Worker processes of the embedded cluster [default: one per core].")
@click.option("--resume", is_flag=True, help="Continue a sweep in --out, skipping finished cells.")
def sweep(config: Path, out: Path | None, scheduler: str | None, workers: int | None,
          resume: bool) -> None:
    """Run the sweep section of CONFIG: one tournament per cell, on dask.

    Exit code 3 when some cells failed (they are listed; the others are kept).
    """
    from tournaments.sweep import run_sweep

    _show_warnings()
    outcome = run_sweep(config, out, scheduler=scheduler, workers=workers, resume=resume)
    click.echo(f"{outcome.done}/{outcome.cells} cells in {outcome.wall_time:.1f} s; "
               f"wrote {outcome.out}/sweep.csv and {outcome.out}/thresholds.csv")
    if outcome.failed:
        click.echo(f"{len(outcome.failed)} cell(s) failed:", err=True)
        for ident, error in outcome.failed:
            click.echo(f"  {ident}: {error}", err=True)
        sys.exit(3)


@cli.command()
@click.argument("game_or_config")
@click.option("--json", "as_json", is_flag=True, help="Print the equilibria as JSON.")
@click.option("--repeated", is_flag=True,
              help="For a config: which roster strategies are equilibria of the repeated game "
                   "(self-enforcing at its δ and ε), the best deviation from each, and the "
                   "critical δ of self-enforcement.")
def equilibria(game_or_config: str, as_json: bool, repeated: bool) -> None:
    """Nash equilibria (pure and mixed) of a built-in game or of a config's game; with
    --repeated, self-enforcement of a config's strategies in the repeated game."""
    from tournaments import api

    found = api.equilibria(game_or_config, repeated=repeated)
    if repeated:
        _print_self_enforcement(found.config, found.self_enforcement, as_json)
    elif as_json:
        import json

        click.echo(json.dumps([e.to_json() for e in found.analysis.equilibria], indent=2))
    else:
        click.echo(found.report())


def _print_self_enforcement(config, table, as_json: bool) -> None:
    if as_json:
        click.echo(table.to_json(orient="records", indent=2))
        return
    m = config.match
    horizon = f"{m.turns} rounds" if m.turns else "no cap"
    click.echo(f"self-enforcement at δ = {m.continuation}, ε = {m.noise} ({horizon}): a "
               "strategy is self-enforcing when no deviation from it gains against a copy of "
               "it (gain ≤ 1e-9 per round)")
    shown = table.assign(critical_continuation=[
        "" if v is None else f"{c} {v:g}".strip() if c else f"{v:.6f}"
        for v, c in zip(table["critical_continuation"], table["censored"], strict=True)])
    columns = ["strategy", "self_payoff", "best_response_payoff", "deviation_gain",
               "self_enforcing", "critical_continuation", "best_response", "not_analysable"]
    click.echo(shown[columns].to_string(index=False, float_format=lambda x: f"{x:.4f}",
                                        na_rep=""))


@cli.command()
@click.argument("results_dir", type=click.Path(path_type=Path))
def analyze(results_dir: Path) -> None:
    """Write the survival analysis of a tournament's RESULTS_DIR and print its ranking."""
    from tournaments import api
    from tournaments.output import store

    result = api.load_result(results_dir)
    written = store.rewrite_analysis(result, results_dir)
    _print_survival(result.survival)
    click.echo(f"wrote {', '.join(written)} in {results_dir}/")


def _print_survival(survival) -> None:
    columns = [c for c in ("role", "rank", "strategy", "stationary_weight", "tournament_payoff",
                           "self_cooperation_rate", "ecological_share", "invades", "invaded_by")
               if c in survival.survival]
    click.echo(survival.survival[columns].to_string(index=False,
                                                    float_format=lambda x: f"{x:.3f}"))
    population = survival.population
    roles = population["role"] if "role" in population else [""] * len(population)
    for measure, role, value in zip(population["measure"], roles, population["value"],
                                    strict=True):
        if measure.endswith("cooperation_rate"):
            click.echo(f"{measure.replace('_', ' ')}{f' ({role})' if role else ''}: "
                       f"{value:.3f}")


@cli.command()
@click.argument("results_dir", type=click.Path(path_type=Path))
@click.option("--allow-plugins", is_flag=True,
              help="Re-run the plug-in code the results directory keeps under plugins/ (read it "
                   "first: verifying runs it).")
def verify(results_dir: Path, allow_plugins: bool) -> None:
    """Re-run RESULTS_DIR from its saved config and seed; exit 0 only if its config is the one
    recorded and every file is identical to the re-run's (3 if not)."""
    from tournaments.verify import NOT_COMPARED
    from tournaments.verify import verify as run_verification

    outcome = run_verification(results_dir, allow_plugins=allow_plugins, progress=True)
    for name, (recorded, rerun) in outcome.files.items():
        status = "identical" if recorded == rerun else "DIFFERS"
        click.echo(f"  {name:<28} {recorded[:12]:<12}  {status}")
    for name, why in NOT_COMPARED.items():
        click.echo(f"  {name:<28} not compared byte for byte: {why}")
    if not outcome.identical:
        for difference in outcome.differences:
            click.echo(f"  difference: {difference}", err=True)
        click.echo(f"{results_dir}: does not reproduce ({outcome.differences[0]})", err=True)
        sys.exit(3)
    click.echo(f"{results_dir}: reproduced byte for byte")


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Print the catalogue as JSON.")
@click.option("--markdown", is_flag=True,
              help="Print the reference page of the project's strategies (Markdown).")
def strategies(as_json: bool, markdown: bool) -> None:
    """The catalogue: project strategies, installed plug-ins and axelrod's."""
    from tournaments.catalogue import strategy_records, strategy_reference

    if markdown:
        click.echo(strategy_reference())
        return
    records = strategy_records()
    if as_json:
        import json

        click.echo(json.dumps(records, indent=2))
        return
    for origin in ("project", "plug-in", "axelrod"):
        group = [r for r in records if r["origin"] == origin]
        if not group:
            continue
        click.echo(f"{origin} ({len(group)})")
        for r in group:
            params = ", ".join(f"{k}={v!r}" for k, v in r["parameters"].items())
            line = f"  {r['key']:<24} {r['name']}" + (f" ({params})" if params else "")
            if origin != "axelrod":
                line += f"\n  {'':<24} {r['family']}: {r['description'].splitlines()[0]}"
            click.echo(line)


@cli.command("check-strategy")
@click.argument("target", metavar="MODULE:CLASS")
@click.option("--param", "params", multiple=True, metavar="NAME=VALUE",
              help="A constructor parameter (YAML value); repeatable.")
def check_strategy(target: str, params: tuple[str, ...]) -> None:
    """Run the plug-in conformance checks on a strategy class; exit 0 only if all pass (3 if not).

    MODULE:CLASS is a module path or path/to/file.py, a colon and the class; a registry or
    axelrod name works too.
    """
    import yaml

    from tournaments.conformance import check_player_class
    from tournaments.model.roster import resolve

    kwargs = {}
    for item in params:
        name, sep, value = item.partition("=")
        if not sep:
            raise UserError(f"--param {item!r}: expected NAME=VALUE")
        try:
            kwargs[name] = yaml.safe_load(value)
        except yaml.YAMLError as err:
            problem = getattr(err, "problem", None) or type(err).__name__
            raise UserError(f"--param {item[:120]!r}: the value is not valid YAML ({problem}); "
                            "allowed: NAME=VALUE with a YAML value, e.g. payment=2.5 or "
                            "clubs=[a, b]") from None
    cls, origin = resolve(target, source="command line", key="MODULE:CLASS")
    results = check_player_class(cls, kwargs)
    for result in results:
        mark = "PASS" if result.passed else "FAIL"
        click.echo(f"  {mark}  {result.name}" + (f": {result.detail}" if result.detail else ""))
    failed = [r for r in results if not r.passed]
    click.echo(f"{cls.__name__} ({origin}): {len(results) - len(failed)} passed, "
               f"{len(failed)} failed")
    if failed:
        sys.exit(3)


def _print_ranking(result) -> None:
    """The ranking: net payoff, its interval (``exact`` where there is no sampling error), the
    cooperation rate and every money column that is non-zero."""
    from tournaments.output.report import ranking_table

    table = ranking_table(result, compact=True).rename(columns={
        "mean_payoff": "payoff/round", "interval": "95 % interval",
        "cooperation_rate": "coop rate"})
    click.echo(table.to_string(index=False, float_format=lambda x: f"{x:.3f}"))


def main() -> None:
    """Console-script entry point (``python -m tournaments`` too)."""
    signal.signal(signal.SIGTERM, _terminate)
    cli(prog_name="tournaments")


if __name__ == "__main__":
    sys.exit(main())
