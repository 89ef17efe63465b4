"""`make bench`: every speed figure of the project in one run, printed as one table and written
as JSON under bench/results/.

Each figure comes with a baseline measured in the same run (building the facts, a `json.loads`
of the same body, a one-page PDF, the bare `/ping` endpoint), since absolute numbers drift
between machines and runs.

    python -m bench [--incidents 100000] [--seconds 15] [--databases sqlite,postgresql]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

from bcp.settings import ROOT
from bench import goods, parsing, queue, reflexes, reports

RESULTS = ROOT / "bench" / "results"


def machine() -> dict:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    memory_kib = int(Path("/proc/meminfo").read_text().split()[1])
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gib": round(memory_kib / 1024 / 1024, 1),
        "python": platform.python_version(),
        "system": platform.platform(),
        "packages": packages(),
    }


# What serves the requests and what sends them: a baseline (`/ping`) measures both, and moves
# when either does. Two runs on machines that look the same (same CPU model, cores, memory)
# found `/ping` at 590 and 1,037 req/s while the pages served about the same (docs/performance.md,
# issue 18's seventeenth round): a run says what it ran with.
MEASURED_PACKAGES = (
    "gunicorn",
    "Flask",
    "Werkzeug",
    "Jinja2",
    "SQLAlchemy",
    "psycopg",
    "pydantic",
    "weasyprint",
    "httpx",
    "httpcore",
    "h11",
    "anyio",
)


def packages() -> dict[str, str]:
    found = {}
    for name in MEASURED_PACKAGES:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = "absent"
    return found


def http(database: str, incidents: int, seconds: float) -> dict:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench.http",
            "--database",
            database,
            "--incidents",
            str(incidents),
            "--seconds",
            str(seconds),
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
        check=True,
    )
    return json.loads(result.stdout)


def table(results: dict) -> str:
    lines = []

    def row(*cells: str) -> None:
        lines.append("| " + " | ".join(cells) + " |")

    row("measure", "figure", "against the baseline of the same run")
    row("---", "---", "---")
    load = results["machine"].get("load_average")
    if load:
        row(
            "the machine's load average (1, 5, 15 min) at the start and at the end",
            " / ".join(f"{x:.2f}" for x in load["start"])
            + " → "
            + " / ".join(f"{x:.2f}" for x in load["end"]),
            f"{results['machine']['cores']} cores, shared",
        )
    for r in results["reflexes"]:
        row(
            f"reflex evaluation, {r['rules']:,} rules",
            f"{r['evaluations_per_s']:,.0f} /s ({r['microseconds_per_evaluation']:.1f} µs each)",
            f"{r['ratio_to_baseline']:.2f}× the time of building the facts",
        )
    p = results["parsing"]
    row(
        f"reading one declaration at the API's edge ({p['body_bytes']} bytes: parse, validate, "
        "the domain's checks)",
        f"median {p['declaration']['median_us']:.1f} µs, p99 {p['declaration']['p99_us']:.1f} µs",
        f"{p['ratio_to_baseline']:.1f}× a json.loads of the same body "
        f"(median {p['json_loads']['median_us']:.1f} µs)",
    )
    for name, http_result in results["http"].items():
        scenarios = http_result["scenarios"]
        bare = baseline_rps(scenarios)
        seeded = http_result["seeded"]
        where = f"{name}, {seeded['incidents']:,} incidents, {seeded['events']:,} events"
        for key, s in scenarios.items():
            page, mode = key.split(" | ")
            if mode == "paired /ping":  # a run from before issue 18's eighteenth round
                continue
            held = f", {s['not_modified']} answered 304" if s.get("not_modified") else ""
            if mode == "pollers":
                figure = (
                    f"median {s['median_ms']:.1f} ms, p99 {s['p99_ms']:.1f} ms "
                    f"({s['rps']:,.0f} req/s{held}; {s['failures']} failed)"
                )
                row(f"{where}: {page}", figure, "each every 10 s, with its last ETag")
                continue
            if mode == "throughput":
                figure = (
                    f"{s['rps']:,.0f} req/s (median {s['median_ms']:.0f} ms, "
                    f"p99 {s['p99_ms']:.0f} ms; {s['failures']} failed{held})"
                )
                versus = f"{s['rps'] / bare:.2f}× /ping's throughput ({bare:,.0f} req/s)"
                if turns := s.get("in_turns"):
                    versus += "; " + in_turns_text(turns)
            else:
                figure = (
                    f"median {s['median_ms']:.1f} ms, p99 {s['p99_ms']:.1f} ms "
                    f"({s['rps']:,.0f} req/s; {s['failures']} failed)"
                )
                versus = "50 users, 1 s think time"
            row(f"{where}: {page}, {mode}", figure, versus)
        b = http_result["burst"]
        d, p = b["declarations"], b["polls"]
        row(
            f"{where}: national outage burst",
            f"{d['requests']} declarations in {d['seconds']:.0f} s, {d['failures']} failed, "
            f"{b['saved']} saved ({b['saved_with_timeline']} with their timeline, "
            f"{b['notified']} notified), {b['shown_in_queue']} in the queue",
            f"declare median {d['median_ms']:.0f} ms, p99 {d['p99_ms']:.0f} ms; "
            f"20 agents' polls median {p['median_ms']:.0f} ms, p99 {p['p99_ms']:.0f} ms, "
            f"{p['failures']} failed",
        )
        a = http_result.get("acknowledged")
        if a:
            row(
                f"{where}: the desk acknowledges {a['asked']} of the burst's declarations at once",
                f"{a['in_progress']} in progress, in {a['seconds']:.1f} s",
                "its bulk form, one transaction per incident; the queue then measured above",
            )
        m = http_result["memory"]
        row(
            f"{name}: peak resident memory",
            f"web worker {m['web_worker_peak_mib']:.0f} MiB, "
            f"scheduler {m['scheduler_peak_mib']:.0f} MiB",
            "VmHWM of each process over the whole run",
        )
    g = results["goods"]
    ping = g["ping"]["median_ms"]
    for key, label in (
        ("goods_page", "its goods page"),
        ("incident_page", "its incident page"),
        ("long_incident_page", f"its incident page once it has {g['events']:,} events"),
        ("report_download_repeated", "its report downloaded again, unchanged (from memory)"),
    ):
        s = g[key]
        row(
            f"an incident with {g['consignments']:,} consignments: {label} (one process)",
            f"median {_ms(s['median_ms'])} ms, p99 {_ms(s['p99_ms'])} ms",
            f"{s['median_ms'] / ping:.0f}× /ping of the same app (median {ping:.2f} ms)",
        )
    q = results.get("queue")
    if q:
        ping = q["ping"]["median_ms"]
        for key, how in (
            ("desk_queue", "a colleague's refresh"),
            ("desk_queue_read_anew", "its rows read anew"),
        ):
            if key not in q:  # a run from before issue 18's ninth round
                continue
            s = q[key]
            row(
                f"the desk queue with {q['waiting']:,} incidents waiting and "
                f"{q['in_progress']:,} in progress, {how} (one process)",
                f"median {_ms(s['median_ms'])} ms, p99 {_ms(s['p99_ms'])} ms",
                f"{s['median_ms'] / ping:.0f}× /ping of the same app (median {ping:.2f} ms)",
            )
    s, base = g["csv_import"], g["csv_read"]
    row(
        f"CSV import of {g['consignments']:,} rows (checked, deadlines, one transaction)",
        f"median {s['median_ms']:.0f} ms, p99 {s['p99_ms']:.0f} ms",
        f"{s['median_ms'] / base['median_ms']:.0f}× reading the same file with the csv module",
    )
    s, base = g["report_pdf"], g["one_page_pdf"]
    row(
        f"incident report PDF listing {g['consignments']:,} consignments",
        f"median {s['median_ms'] / 1000:.1f} s",
        f"{s['median_ms'] / base['median_ms']:.0f}× a one-page PDF",
    )
    s = g["long_report_pdf"]
    row(
        f"incident report PDF, {g['events']:,} events and {g['consignments']:,} consignments",
        f"median {s['median_ms'] / 1000:.1f} s, p99 {s['p99_ms'] / 1000:.1f} s",
        f"{s['median_ms'] / base['median_ms']:.0f}× a one-page PDF",
    )
    pdf = results["reports"]
    baseline = pdf["baseline one-page document"]
    for name, took in pdf.items():
        row(f"PDF: {name}", f"{took:.3f} s", f"{took / baseline:.1f}× the one-page document")
    return "\n".join(lines)


def cpu_table(results: dict) -> str:
    """Where the machine's 2 cores went during each HTTP scenario (bench.load.CpuMeter): the
    server's web workers, the scheduler beside them, the load generator, and the share of the
    machine that was busy (the database server's time is in it) or taken by the hypervisor."""
    lines = [
        "| scenario | machine busy | stolen | web workers | scheduler | load generator |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for name, http_result in results["http"].items():
        named = {**http_result["scenarios"], "national outage burst": http_result["burst"]}
        for key, s in named.items():
            c = s.get("cpu")
            # no CPU before the tenth round; "paired /ping", a baseline (13th to 17th rounds)
            if c is None or key.endswith("paired /ping"):
                continue
            lines.append(
                f"| {name}: {key.replace(' | ', ', ')} | {c['machine_busy']:.0%} | "
                f"{c['machine_steal']:.0%} | {c['web_workers_s']:.1f} s | "
                f"{c['scheduler_s']:.1f} s | {c['load_generator_s']:.1f} s |"
            )
    return "\n".join(lines) if len(lines) > 2 else ""


def in_turns_text(turns: dict) -> str:
    """A page measured in turns with /ping (bench.load.in_turns), in words."""
    ratios = turns["ratios"]
    return (
        f"{turns['ratio']:.2f}× /ping in turns with it (median of {len(ratios)} slices of "
        f"{turns['slice_seconds']:.0f} s, {min(ratios):.2f}–{max(ratios):.2f}; /ping "
        f"{min(turns['ping_rps']):,.0f}–{max(turns['ping_rps']):,.0f} req/s)"
    )


def baseline_rps(scenarios: dict) -> float:
    """/ping's throughput: the faster of its run before the pages and its run after them (a
    shared machine's busy moment makes one run slow, and every ratio above 1 with it)."""
    runs = ("bare /ping | throughput", "bare /ping, again | throughput")
    return max(scenarios[name]["rps"] for name in runs if name in scenarios)


def _ms(value: float) -> str:
    return f"{value:.1f}" if value < 10 else f"{value:.0f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--incidents", type=int, default=100_000)
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--databases", default="sqlite,postgresql")
    args = parser.parse_args()
    started = datetime.now(UTC)
    started_load = list(os.getloadavg())
    print("reflex engine...", file=sys.stderr)
    results: dict = {"machine": machine(), "started": started.isoformat(), "http": {}}
    results["reflexes"] = reflexes.run()
    print("reading a declaration at the edge...", file=sys.stderr)
    results["parsing"] = parsing.run()
    for database in args.databases.split(","):
        print(f"HTTP on {database} (seeding, then load)...", file=sys.stderr)
        results["http"][database] = http(database, args.incidents, args.seconds)
    print("an incident with 1,000 consignments...", file=sys.stderr)
    results["goods"] = goods.run()
    print("the desk queue of an outage's day...", file=sys.stderr)
    results["queue"] = queue.run()
    print("PDF reports...", file=sys.stderr)
    results["reports"] = reports.run()
    # What else ran on this shared machine: the load averages (1, 5, 15 min) before and after
    results["machine"]["load_average"] = {"start": started_load, "end": list(os.getloadavg())}
    text, cpu = table(results), cpu_table(results)
    print(text)
    if cpu:
        print("\nCPU seconds during each scenario (of 2 cores × its seconds):\n" + cpu)
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{started:%Y%m%d-%H%M%S}.json"
    path.write_text(
        json.dumps({**results, "table": text, "cpu_table": cpu}, indent=2, ensure_ascii=False)
    )
    print(f"\nwritten to {path.relative_to(ROOT)}", file=sys.stderr)


if __name__ == "__main__":
    main()
