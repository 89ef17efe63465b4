"""The load generator, run as a process of its own beside the server:

    python -m bench.load SPEC.json   ->  prints the results as JSON

SPEC names the base URL, the people to sign in, and the scenarios. Each scenario is a closed
loop: `users` clients, each sending its next request when the previous one is answered (after a
pause of `think` seconds on average, 0.5 to 1.5 times it, when given), for `seconds` or
`requests`, whichever ends first. Latencies are measured per request. A scenario with `rounds`
and `slice_seconds` is measured in turns with /ping (`in_turns`): its throughput comes with
/ping's, seconds before and after each slice of it.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import re
import resource
import ssl
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx

# httpcore asks `import sniffio` at least six times a request, to learn which event loop runs it.
# Without the package, each ask searched every folder of sys.path again, about 0.1 ms of CPU
# each: a fifth to a third of this generator's CPU per request until issue 18's twelfth round
# (docs/performance.md). Imported here so that a machine without it stops at once instead of
# measuring its own generator.
import sniffio  # noqa: F401

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')

TLS = ssl.create_default_context()
"""One TLS context for every client. httpx builds one for each client it makes, loading the CA
bundle: 42 ms of CPU each, synchronously, in this process's one event loop. Each scenario made 50
clients at its start (the burst, 520), blocking the loop for two seconds while the first requests
were in flight: their measured times, the 99th percentile of every page until issue 18's tenth
round among them, included the generator's own wait (docs/performance.md). The bench speaks plain
HTTP to 127.0.0.1: the context is never used for a handshake."""


def new_client(base: str, **options) -> httpx.AsyncClient:
    return httpx.AsyncClient(base_url=base, verify=TLS, **options)


async def sign_in(base: str, login: str, password: str) -> httpx.Cookies:
    async with new_client(base, timeout=30) as signing_in:
        page = await signing_in.get("/sign-in")
        token = CSRF.search(page.text)
        response = await signing_in.post(
            "/sign-in",
            data={"login": login, "password": password, "csrf_token": token.group(1)},
        )
        if response.status_code not in (302, 303):
            raise RuntimeError(f"sign-in of {login} failed: {response.status_code}")
        return signing_in.cookies


def declaration(summary: str) -> dict:
    started = datetime.now(UTC) - timedelta(minutes=random.randint(5, 60))
    return {
        "component": random.choice(["STI", "TAPAS", "STP", "CR", "NES"]),
        "started_at": started.isoformat(),
        "modes": ["air"],
        "channel": "EDI",
        "ens_operations": ["lodge"],
        "ens_waiting": random.randint(0, 50),
        "summary": summary,
    }


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * len(ordered)) - 1))]


def summary(latencies: list[float], statuses: list[int], elapsed: float, ok) -> dict:
    failures = [s for s in statuses if not ok(s)]
    return {
        "requests": len(statuses),
        "failures": len(failures),
        "failure_statuses": sorted(set(failures)),
        "rps": len(statuses) / elapsed if elapsed else 0.0,
        "median_ms": statistics.median(latencies) * 1000 if latencies else None,
        "p99_ms": percentile(latencies, 0.99) * 1000 if latencies else None,
        "seconds": elapsed,
    }


async def closed_loop(base: str, scenario: dict, cookies: dict, tokens: list[str]) -> dict:
    latencies, statuses, elapsed, _ = await _loop(base, scenario, cookies, tokens)
    return _closed_loop_summary(latencies, statuses, elapsed)


def _closed_loop_summary(latencies: list[float], statuses: list[int], elapsed: float) -> dict:
    result = summary(latencies, statuses, elapsed, lambda s: 200 <= s < 300 or s == 304)
    result["not_modified"] = statuses.count(304)
    return result


async def _loop(
    base: str, scenario: dict, cookies: dict, tokens: list[str]
) -> tuple[list[float], list[int], float, float]:
    """One closed loop: each request's time and status, the loop's seconds (until its last
    answer), and how many answers per second came within its `seconds` (the requests still out
    at the end, answered after it, left out: the loop's steady pace)."""
    latencies: list[float] = []
    statuses: list[int] = []
    late = [0]  # answers that came after the deadline
    started = time.perf_counter()
    deadline = started + scenario["seconds"]
    budget = [scenario.get("requests", 10**9)]
    think = scenario.get("think", 0.0)
    limits = httpx.Limits(max_connections=scenario["users"], max_keepalive_connections=0)

    conditional = scenario.get("conditional", False)

    async def user(number: int) -> None:
        async with new_client(
            base, timeout=60, cookies=cookies.get(scenario.get("as")), limits=limits
        ) as client:
            sent = 0
            held: dict[str, str] = {}  # the ETag of the last answer, sent back when conditional
            if think:  # people do not all click at the same instant
                await asyncio.sleep(random.uniform(0, think))
            while time.perf_counter() < deadline and budget[0] > 0:
                budget[0] -= 1
                start = time.perf_counter()
                try:
                    response = await _send(client, scenario, tokens, number, sent, held)
                    statuses.append(response.status_code)
                    if conditional and response.headers.get("ETag"):
                        held["If-None-Match"] = response.headers["ETag"]
                except httpx.HTTPError:
                    statuses.append(0)
                answered = time.perf_counter()
                latencies.append(answered - start)
                late[0] += answered > deadline
                sent += 1
                if think:
                    await asyncio.sleep(random.uniform(0.5, 1.5) * think)

    await asyncio.gather(*(user(n) for n in range(scenario["users"])))
    elapsed = time.perf_counter() - started
    return latencies, statuses, elapsed, (len(statuses) - late[0]) / scenario["seconds"]


async def in_turns(
    base: str, scenario: dict, cookies: dict, tokens: list[str], meter: CpuMeter
) -> dict:
    """A page's throughput measured in turns with /ping's: `/ping`, the page, `/ping`, the
    page... for `rounds` slices of `slice_seconds` each, ending with `/ping`, so that each slice
    of the page sits between two of /ping.

    Why: on a shared machine the speed changes from one minute to the next. A /ping measured
    minutes before or after a page met another moment than the page did; the faster of two such
    runs met, by construction, the faster moment. Each slice of the page is compared with the
    mean of the two /ping slices around it, seconds away, and the ratio given is the median of
    these, with their range. A slice's pace counts the answers that came within its seconds: a
    slice ends with its last requests still out, which take a page four times as long as a
    /ping, and waiting for them would count the loop's emptying against the slower one. The
    page's figures (throughput, median, p99, CPU) are those of its slices together."""
    rounds, seconds = scenario["rounds"], scenario["slice_seconds"]
    ping = {"kind": "get", "path": "/ping", "users": scenario["users"], "seconds": seconds}
    page = {**scenario, "seconds": seconds}
    ping_rps: list[float] = []
    page_rps: list[float] = []
    latencies: list[float] = []
    statuses: list[int] = []
    elapsed = 0.0
    cpu: list[dict] = []
    for turn in range(rounds + 1):
        *_, pace = await _loop(base, ping, cookies, tokens)
        ping_rps.append(pace)
        if turn == rounds:
            break
        before = meter.snapshot()
        times, answered, took, pace = await _loop(base, page, cookies, tokens)
        cpu.append(CpuMeter.between(before, meter.snapshot()))
        page_rps.append(pace)
        latencies += times
        statuses += answered
        elapsed += took
    result = _closed_loop_summary(latencies, statuses, elapsed)
    result["rps"] = statistics.mean(page_rps)  # the slices' pace, as /ping's in the ratios
    ratios = bracketed_ratios(page_rps, ping_rps)
    result["in_turns"] = {
        "rounds": rounds,
        "slice_seconds": seconds,
        "page_rps": page_rps,
        "ping_rps": ping_rps,
        "ratios": ratios,
        "ratio": statistics.median(ratios),
    }
    result["cpu"] = CpuMeter.combined(cpu)
    return result


def bracketed_ratios(page_rps: list[float], ping_rps: list[float]) -> list[float]:
    """Each slice of the page against the mean of the /ping slices just before and just after
    it (`ping_rps` has one more slice than `page_rps`, and begins and ends the turns)."""
    if len(ping_rps) != len(page_rps) + 1:
        raise ValueError("every slice of the page needs a slice of /ping on either side")
    return [
        page / ((before + after) / 2)
        for page, before, after in zip(page_rps, ping_rps, ping_rps[1:], strict=False)
    ]


async def _send(client, scenario, tokens, number, sent, held):
    kind = scenario["kind"]
    if kind == "declare":
        token = tokens[(number * 7919 + sent) % len(tokens)]
        return await client.post(
            "/api/v1/incidents",
            json=declaration(f"bench {number}-{sent}"),
            headers={"Authorization": f"Bearer {token}"},
        )
    if kind == "incident":
        incident_id = random.randint(1, scenario["max_id"])
        return await client.get(f"/incidents/{incident_id}")
    if kind == "api":
        token = tokens[(number * 7919 + sent) % len(tokens)]
        headers = {"Authorization": f"Bearer {token}", **held}
        return await client.get(scenario["path"], headers=headers)
    return await client.get(scenario["path"], headers=held)


async def pollers(base: str, scenario: dict, tokens: list[str]) -> dict:
    """`pollers` programs of operators, each asking `path` every `every` seconds with the ETag
    of its last answer, for `seconds`: what every operator of the country does while ICS2 is
    down."""
    latencies: list[float] = []
    statuses: list[int] = []
    deadline = time.perf_counter() + scenario["seconds"]
    limits = httpx.Limits(max_connections=100, max_keepalive_connections=100)

    async def poller(client, number: int) -> None:
        held: dict[str, str] = {}
        token = tokens[number % len(tokens)]
        await asyncio.sleep(random.uniform(0, scenario["every"]))
        while time.perf_counter() < deadline:
            start = time.perf_counter()
            try:
                response = await client.get(
                    scenario["path"], headers={"Authorization": f"Bearer {token}", **held}
                )
                statuses.append(response.status_code)
                if response.headers.get("ETag"):
                    held["If-None-Match"] = response.headers["ETag"]
            except httpx.HTTPError:
                statuses.append(0)
            latencies.append(time.perf_counter() - start)
            await asyncio.sleep(scenario["every"])

    started = time.perf_counter()
    async with new_client(base, timeout=60, limits=limits) as client:
        await asyncio.gather(*(poller(client, n) for n in range(scenario["pollers"])))
    elapsed = time.perf_counter() - started
    result = summary(latencies, statuses, elapsed, lambda s: s in (200, 304))
    result["not_modified"] = statuses.count(304)
    return result


async def burst(base: str, scenario: dict, desk_cookies: list, tokens: list[str]) -> dict:
    """`operators` declarations spread evenly over `seconds`, one per operator, while `agents`
    desk agents poll their queue every `poll_seconds`."""
    operators, seconds = scenario["operators"], scenario["seconds"]
    declared: dict[str, int] = {}
    statuses, latencies, poll_statuses, poll_latencies = [], [], [], []
    done = asyncio.Event()

    async def operator(number: int) -> None:
        await asyncio.sleep(seconds * number / operators)
        summary_text = f"burst {number:03d}"
        async with new_client(base, timeout=60) as client:
            start = time.perf_counter()
            try:
                response = await client.post(
                    "/api/v1/incidents",
                    json=declaration(summary_text),
                    headers={"Authorization": f"Bearer {tokens[number]}"},
                )
                statuses.append(response.status_code)
                if response.status_code == 201:
                    declared[summary_text] = response.json()["id"]
            except httpx.HTTPError:
                statuses.append(0)
            latencies.append(time.perf_counter() - start)

    async def agent(cookies) -> None:
        async with new_client(base, timeout=60, cookies=cookies) as client:
            await asyncio.sleep(random.random() * scenario["poll_seconds"])
            while not done.is_set():
                start = time.perf_counter()
                try:
                    response = await client.get("/desk/queue/rows")
                    poll_statuses.append(response.status_code)
                except httpx.HTTPError:
                    poll_statuses.append(0)
                poll_latencies.append(time.perf_counter() - start)
                await asyncio.sleep(scenario["poll_seconds"])

    started = time.perf_counter()
    agents = [asyncio.create_task(agent(c)) for c in desk_cookies]
    await asyncio.gather(*(operator(n) for n in range(operators)))
    elapsed = time.perf_counter() - started
    done.set()
    await asyncio.gather(*agents)
    async with new_client(base, timeout=60, cookies=desk_cookies[0]) as client:
        queue = (await client.get("/desk/?waiting=all")).text  # every one, not the oldest page
    shown = sum(1 for incident_id in declared.values() if f'data-incident="{incident_id}"' in queue)
    return {
        "declarations": summary(latencies, statuses, elapsed, lambda s: s == 201),
        "polls": summary(poll_latencies, poll_statuses, elapsed, lambda s: s == 200),
        "declared_ids": sorted(declared.values()),
        "shown_in_queue": shown,
    }


async def acknowledge(base: str, cookies, incident_ids: list[int]) -> dict:
    """The desk acknowledges these incidents at once, with its bulk form: after the burst, the
    queue then lists incidents waiting and incidents in progress, as on an outage's afternoon."""
    async with new_client(base, timeout=300, cookies=cookies) as client:
        page = await client.get("/desk/")
        token = CSRF.search(page.text).group(1)
        start = time.perf_counter()
        response = await client.post(
            "/desk/acknowledge",
            data={"csrf_token": token, "incident": [str(i) for i in incident_ids]},
        )
        return {
            "asked": len(incident_ids),
            "status": response.status_code,
            "seconds": time.perf_counter() - start,
        }


TICKS = os.sysconf("SC_CLK_TCK")


def _machine() -> tuple[int, int, int]:
    """The machine's CPU time since boot, in ticks: (busy, stolen, all)."""
    user, nice, system, idle, iowait, irq, softirq, steal = (
        int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]
    )
    busy = user + nice + system + irq + softirq
    return busy, steal, busy + steal + idle + iowait


def process_seconds(pid: int) -> float:
    """CPU seconds (user and system) a process has used, its finished threads included."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / TICKS


class CpuMeter:
    """Where the machine's CPU went during one scenario: the share of all its cores that was
    busy and that the hypervisor took (steal), and the CPU seconds of the web workers, of the
    scheduler and of this load generator; the rest of the busy time is the database server's
    and whatever else ran. On a shared 2-core machine this says whether a slow 99th percentile
    was the server's own work or something beside it."""

    def __init__(self, watched: dict[str, list[int]]) -> None:
        self.watched = watched

    def snapshot(self) -> dict:
        return {
            "wall": time.perf_counter(),
            "machine": _machine(),
            "generator": resource.getrusage(resource.RUSAGE_SELF),
            "processes": {
                name: sum(process_seconds(pid) for pid in pids)
                for name, pids in self.watched.items()
            },
        }

    @staticmethod
    def between(start: dict, end: dict) -> dict:
        busy, stolen, total = (b - a for a, b in zip(start["machine"], end["machine"], strict=True))
        g0, g1 = start["generator"], end["generator"]
        return {
            "seconds": end["wall"] - start["wall"],
            "machine_busy": busy / total if total else 0.0,
            "machine_steal": stolen / total if total else 0.0,
            "load_generator_s": (g1.ru_utime + g1.ru_stime) - (g0.ru_utime + g0.ru_stime),
            **{
                f"{name}_s": end["processes"][name] - start["processes"][name]
                for name in start["processes"]
            },
        }

    @staticmethod
    def combined(measures: list[dict]) -> dict:
        """Several measures (`between`) as one: the seconds added up, the machine's shares
        weighted by each measure's length."""
        if not measures:
            raise ValueError("nothing measured")
        length = sum(m["seconds"] for m in measures)
        total = {"seconds": length}
        for key in measures[0]:
            if key.startswith("machine_"):
                total[key] = sum(m[key] * m["seconds"] for m in measures) / length
            elif key != "seconds":
                total[key] = sum(m[key] for m in measures)
        return total


async def main(spec: dict) -> dict:
    base = spec["base"]
    cookies = {
        kind: await sign_in(base, login, spec["password"])
        for kind, login in spec["sign_in"].items()
    }
    results = {}
    meter = CpuMeter(spec.get("watch", {}))
    for scenario in spec["scenarios"]:
        before = meter.snapshot()
        if scenario["kind"] == "pollers":
            results[scenario["name"]] = await pollers(base, scenario, spec["tokens"])
        elif scenario["kind"] == "burst":
            desk = [await sign_in(base, login, spec["password"]) for login in spec["desk_logins"]]
            results["burst"] = await burst(base, scenario, desk, spec["tokens"])
        elif scenario["kind"] == "acknowledge":
            ids = results["burst"]["declared_ids"][: scenario["count"]]
            results["acknowledged"] = await acknowledge(base, cookies["desk"], ids)
        elif "rounds" in scenario:
            results[scenario["name"]] = await in_turns(
                base, scenario, cookies, spec["tokens"], meter
            )
        else:
            results[scenario["name"]] = await closed_loop(base, scenario, cookies, spec["tokens"])
        name = scenario.get("name", {"acknowledge": "acknowledged"}.get(scenario["kind"], "burst"))
        results[name].setdefault("cpu", CpuMeter.between(before, meter.snapshot()))
        print(f"  {name}: {json.dumps(results[name])[:300]}", file=sys.stderr, flush=True)
    return results


if __name__ == "__main__":
    with open(sys.argv[1]) as handle:
        print(json.dumps(asyncio.run(main(json.load(handle)))))
