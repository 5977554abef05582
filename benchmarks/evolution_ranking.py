"""Benchmark: exact fixation matrix + small-mutation-limit ranking at k = 100, N = 100.

Times :func:`tournaments.evolution.fixation_matrix` followed by
:func:`tournaments.evolution.stationary_ranking` on a seeded random payoff matrix in [0, 5]
(target: well under a second), and, when the optional peer ``egttools`` is installed (it is not
a project dependency: ``pip install egttools``), compares with its
``PairwiseComparison.calculate_transition_and_fixation_matrix_sml`` and stationary distribution.

egttools implements the pairwise-comparison (Fermi) process, not the Moran process, so the
comparison uses ``fixation_matrix(..., rule="fermi")`` with the same β: same process, same
payoffs, so the numbers must agree except where egttools rounds small probabilities to 0.
Both of egttools' stationary helpers are reported, each with its residual max|πP − π| on
egttools' own transition matrix P (measured: ``calculate_stationary_distribution`` agrees with
ours; ``calculate_stationary_distribution_non_hermitian`` does not solve πP = π here).

Run from the repository root::

    PYTHONPATH=. python benchmarks/evolution_ranking.py [--k 100] [--n 100] [--w 1.0]
"""

from __future__ import annotations

import argparse
import statistics
import time
import warnings

import numpy as np

from tournaments.analysis.evolution import fixation_matrix, stationary_ranking, transition_matrix

SMALL = 1e-7


def _time(fn, repeats: int) -> tuple[float, object]:
    times, out = [], None
    for _ in range(repeats):
        start = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), out


def ours(payoffs: np.ndarray, n: int, w: float, rule: str) -> tuple[np.ndarray, np.ndarray]:
    rho = fixation_matrix(payoffs, n, w, rule=rule)
    return rho, stationary_ranking(rho, n)


def egttools_sml(payoffs: np.ndarray, n: int, beta: float):
    """egttools' fixation matrix (as ρ[mutant, resident]), transition matrix (row-stochastic)
    and stationary distributions from its two helpers (``calculate_stationary_distribution``
    and ``..._non_hermitian``), timing the whole pipeline with the first helper."""
    from egttools.analytical import PairwiseComparison
    from egttools.games import Matrix2PlayerGameHolder
    from egttools.utils import (
        calculate_stationary_distribution,
        calculate_stationary_distribution_non_hermitian,
    )

    start = time.perf_counter()
    k = payoffs.shape[0]
    # keep the game in a variable: PairwiseComparison holds a bare C++ reference to it, and a
    # temporary game is freed before use (measured: a segmentation fault)
    game = Matrix2PlayerGameHolder(k, payoffs)
    model = PairwiseComparison(n, game)
    transitions, fixations = model.calculate_transition_and_fixation_matrix_sml(beta)
    del model, game
    # egttools: fixations[resident, mutant]; transitions row-stochastic, its stationary
    # helpers want the column-stochastic transpose
    stationary = calculate_stationary_distribution(transitions.transpose())
    elapsed = time.perf_counter() - start
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # it warns about entries close to 1
        non_hermitian = calculate_stationary_distribution_non_hermitian(transitions.transpose())
    return (elapsed, np.asarray(fixations).T, np.asarray(transitions),
            np.real(np.asarray(stationary)), np.real(np.asarray(non_hermitian)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--k", type=int, default=100, help="number of strategies (100)")
    parser.add_argument("--n", type=int, default=100, help="population size N (100)")
    parser.add_argument("--w", type=float, default=1.0,
                        help="selection intensity w (Moran) and β (Fermi) (1.0)")
    parser.add_argument("--repeats", type=int, default=5, help="timed repeats of ours (5)")
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--skip-egttools", action="store_true", help="do not run egttools")
    args = parser.parse_args()

    rng = np.random.default_rng(args.seed)
    payoffs = rng.uniform(0.0, 5.0, size=(args.k, args.k))
    off = ~np.eye(args.k, dtype=bool)
    print(f"k = {args.k} strategies, N = {args.n}, w = β = {args.w}, payoffs U[0, 5] "
          f"(seed {args.seed}); median of {args.repeats} runs")

    for rule in ("moran", "fermi"):
        fixation_matrix(payoffs, args.n, args.w, rule=rule)  # warm-up
        t_fix, rho = _time(lambda r=rule: fixation_matrix(payoffs, args.n, args.w, rule=r),
                           args.repeats)
        t_rank, weight = _time(lambda r=rho: stationary_ranking(r, args.n), args.repeats)
        tiny = int(np.sum((rho[off] < SMALL) & (rho[off] > 0)))
        print(f"\nours, {rule:5s}: fixation_matrix {t_fix * 1e3:8.1f} ms, "
              f"stationary_ranking {t_rank * 1e3:6.1f} ms, total {(t_fix + t_rank) * 1e3:8.1f} ms")
        print(f"  smallest off-diagonal ρ {rho[off].min():.3e}; {tiny} of {off.sum()} "
              f"are in (0, 1e-7); exact zeros: {int(np.sum(rho[off] == 0))}")
        print(f"  top strategy {int(np.argmax(weight))} with weight {weight.max():.4f}")

    if args.skip_egttools:
        print("\negttools: skipped (--skip-egttools)")
        return
    try:
        import egttools
    except ImportError:
        print("\negttools: not installed (optional peer: pip install egttools); comparison skipped")
        return

    t_ours, (rho, weight) = _time(lambda: ours(payoffs, args.n, args.w, "fermi"), args.repeats)
    version = str(egttools.__version__).strip('"')
    print(f"\negttools {version}: PairwiseComparison SML (one run, this is slow)...")
    t_egt, rho_egt, p_egt, weight_egt, weight_nh = egttools_sml(payoffs, args.n, args.w)
    zeros_egt = int(np.sum(rho_egt[off] == 0))
    tiny_ours = int(np.sum((rho[off] < SMALL) & (rho[off] > 0)))
    both = (rho_egt[off] > 0)
    rel = np.abs(rho_egt[off][both] - rho[off][both]) / rho[off][both]
    print(f"  time: egttools {t_egt:8.2f} s   ours (Fermi rule) {t_ours * 1e3:8.1f} ms   "
          f"ratio egttools/ours {t_egt / t_ours:,.0f}x")
    print(f"  fixation probabilities below 1e-7 (off-diagonal, of {off.sum()}): "
          f"egttools returns {zeros_egt} as exactly 0; ours has {tiny_ours} in (0, 1e-7) and "
          f"{int(np.sum(rho[off] == 0))} zeros (smallest {rho[off].min():.3e})")
    print(f"  where egttools is non-zero: largest relative difference of ρ {rel.max():.3e}")
    p_ours = transition_matrix(rho)
    print(f"  largest |Δ stationary| vs egttools calculate_stationary_distribution: "
          f"{np.max(np.abs(weight_egt - weight)):.3e} (largest weight {weight.max():.4f}; "
          f"top strategy ours {int(np.argmax(weight))}, egttools {int(np.argmax(weight_egt))})")
    print(f"  largest |Δ stationary| vs egttools ..._non_hermitian:        "
          f"{np.max(np.abs(weight_nh - weight)):.3e}")
    for name, pi, p in (("ours", weight, p_ours), ("egttools", weight_egt, p_egt),
                        ("egttools non_hermitian", weight_nh, p_egt)):
        print(f"  residual max|πP − π| of {name:23s} on its own P: "
              f"{np.max(np.abs(pi @ p - pi)):.3e}")


if __name__ == "__main__":
    main()
