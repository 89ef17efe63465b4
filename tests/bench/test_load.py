"""The load generator's arithmetic (bench/load.py): a page measured in turns with /ping is
compared with the /ping slices on either side of each of its slices."""

import pytest

from bench.load import CpuMeter, bracketed_ratios


def test_each_slice_of_the_page_is_compared_with_the_ping_slices_around_it():
    # /ping slowed down from 800 to 600 req/s while the page ran at 300, then 240
    assert bracketed_ratios([300.0, 240.0], [800.0, 700.0, 500.0]) == pytest.approx(
        [300 / 750, 240 / 600]
    )


def test_a_slice_of_the_page_without_ping_on_both_sides_is_refused():
    with pytest.raises(ValueError, match="either side"):
        bracketed_ratios([300.0, 240.0], [800.0, 700.0])


def test_measures_put_together_add_up_seconds_and_weigh_the_machines_shares():
    first = {"seconds": 1.0, "machine_busy": 0.5, "machine_steal": 0.0, "web_workers_s": 0.4}
    second = {"seconds": 3.0, "machine_busy": 0.9, "machine_steal": 0.1, "web_workers_s": 2.0}
    together = CpuMeter.combined([first, second])
    assert together["seconds"] == 4.0
    assert together["web_workers_s"] == pytest.approx(2.4)
    assert together["machine_busy"] == pytest.approx((0.5 * 1 + 0.9 * 3) / 4)
    assert together["machine_steal"] == pytest.approx(0.3 / 4)


def test_nothing_measured_is_not_a_measure():
    with pytest.raises(ValueError, match="nothing measured"):
        CpuMeter.combined([])
