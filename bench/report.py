"""The load benchmark's printed tables: results side by side, memory and CPU per process, the goals, the profile."""

from __future__ import annotations

from bench.profile import IDLE, Profile
from bench.systems import ScenarioResult, SystemResult

GOAL_RATIO = 2.0
GOAL_P95_MS = 150.0


def print_results(results: list[SystemResult]) -> None:
    print_side_by_side(results)
    print_processes(results)
    print_goals(results)
    for result in results:
        if result.profile is not None and result.profile.samples:
            print_profile(
                f"{result.label} ({result.profile_seconds:.0f} s at {result.profile_msg_per_s:.1f} msg/s under py-spy)",
                result.profile,
            )


def print_side_by_side(results: list[SystemResult]) -> None:
    print("\nResults (REST channel, latency = time to the full answer)")
    header = f"{'system':<32}{'scenario':<22}{'msg/s':>7}{'p50 ms':>8}{'p95 ms':>8}{'p99 ms':>8}{'errors':>8}  RSS MiB"
    print(header)
    print("-" * (len(header) + 30))
    for result in results:
        for scenario in result.scenarios:
            n = scenario.numbers
            print(
                f"{result.label:<32}{n.scenario:<22}{n.msg_per_s:>7.1f}{n.p50_ms:>8.0f}{n.p95_ms:>8.0f}{n.p99_ms:>8.0f}"
                f"{n.errors:>8}  {rss_text(scenario)}"
            )
            if n.errors:
                print(f"{'':<54}errors: {', '.join(f'{k} ×{v}' for k, v in n.error_kinds.items())}")
            if n.late:
                print(f"{'':<54}{n.late} messages sent late (the previous answer had not come yet)")


def rss_text(scenario: ScenarioResult) -> str:
    """Peak RSS per process, with the end value when it differs by 1 MiB or more."""
    usage = scenario.usage
    parts = []
    for name, peak in usage.rss_peak.items():
        end = usage.rss_end.get(name, peak)
        parts.append(f"{name} {peak:.0f}" + (f" (end {end:.0f})" if abs(peak - end) >= 1 else ""))
    return ", ".join(parts)


def print_processes(results: list[SystemResult]) -> None:
    print("\nCPU per process during each scenario (one core = 100 %; the load generator shares the 2 cores;")
    print("ms/msg = the process's CPU time over all answered messages, so a system's processes add up)")
    header = f"{'system':<32}{'scenario':<22}{'process':<22}{'CPU %':>7}{'ms/msg':>8}{'RSS peak':>10}{'RSS end':>9}"
    print(header)
    print("-" * len(header))
    for result in results:
        for scenario in result.scenarios:
            usage, answered = scenario.usage, max(1, scenario.numbers.answered)
            rows = [(name, cpu, usage.rss_peak.get(name), usage.rss_end.get(name)) for name, cpu in usage.cpu.items()]
            rows += [("load generator", usage.loadgen_cpu, None, None)]
            rows += [("rest of machine", usage.others_cpu, None, None)]
            for name, cpu, peak, end in rows:
                print(
                    f"{result.label:<32}{scenario.numbers.scenario:<22}{name:<22}{100 * cpu / usage.wall:>7.0f}"
                    f"{1000 * cpu / answered:>8.1f}{mib(peak):>10}{mib(end):>9}"
                )
            busy = 100 * usage.machine_busy / usage.wall
            print(f"{'':<54}{'machine busy':<22}{busy:>7.0f}  of {100 * usage.cores} %")


def mib(value: float | None) -> str:
    return "" if value is None else f"{value:.0f} MiB"


def print_goals(results: list[SystemResult]) -> None:
    by_key = {result.key: result for result in results}
    stock = closed_rate(by_key.get("stock"))
    print("\nGoals")
    for key in ("opastin", "scaled"):
        result = by_key.get(key)
        if result is None:
            continue
        rate = closed_rate(result)
        if stock and rate:
            ratio = rate / stock
            verdict = "met" if ratio >= GOAL_RATIO else "NOT met"
            goal = f"goal ≥ {GOAL_RATIO:.0f}×: {verdict}"
            print(f"  {result.label}: {ratio:.2f}× the stock project's msg/s at 20 concurrent ({goal})")
        for scenario in result.scenarios:
            n = scenario.numbers
            if "people" in n.scenario:
                verdict = "met" if n.p95_ms <= GOAL_P95_MS else "NOT met"
                goal = f"goal ≤ {GOAL_P95_MS:.0f} ms: {verdict}"
                print(f"  {result.label}: p95 {n.p95_ms:.0f} ms with {n.scenario} ({goal})")
        errors = sum(s.numbers.errors for s in result.scenarios)
        print(f"  {result.label}: {errors} errors (goal 0: {'met' if errors == 0 else 'NOT met'})")


def closed_rate(result: SystemResult | None) -> float:
    if result is None:
        return 0.0
    rates = [s.numbers.msg_per_s for s in result.scenarios if "concurrent" in s.numbers.scenario]
    return rates[0] if rates else 0.0


def print_profile(label: str, profile: Profile, top: int = 12) -> None:
    print(f"\nWhere the time goes: {label}")
    print(f"  event-loop thread, {profile.samples} samples; share of its wall time:")
    for name, count in sorted(profile.categories.items(), key=lambda item: (item[0] == IDLE, -item[1])):
        print(f"    {100 * count / profile.samples:5.1f} %  {name}")
    busy = max(1, profile.busy)
    print(f"  functions with the most samples of their own (share of busy time, {profile.busy} samples):")
    for name, count in profile.own.most_common(top):
        print(f"    {100 * count / busy:5.1f} %  {name}")
    print("  Rasa and Opastin functions with the most samples in total (share of busy time):")
    ours = [(n, c) for n, c in profile.total.most_common() if n.split("(", 1)[-1].startswith(("rasa/", "opastin/"))]
    for name, count in ours[3 : 3 + top]:  # the first ones are the server's entry points, always ~100 %
        print(f"    {100 * count / busy:5.1f} %  {name}")
