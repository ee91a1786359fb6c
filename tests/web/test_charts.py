"""The chart frame shared by the staff figures and the profile charts: round axes and coordinates."""

import pytest

from web.charts import Frame, Scale, Tick, nice_step

FRAME = Frame(width=200, height=120, margin_left=40, margin_right=10, margin_top=10, margin_bottom=10)


@pytest.mark.parametrize(("highest", "step"), [(0, 1), (3, 1), (7, 2), (12, 5), (40, 10), (65, 20), (1234, 500)])
def test_a_step_is_one_two_or_five_times_a_power_of_ten_covering_the_values_in_about_four_steps(highest, step):
    assert nice_step(highest) == step


@pytest.mark.parametrize(
    ("lowest", "highest", "scale"),
    [
        (0, 0, Scale(bottom=0, top=1, step=1)),  # nothing yet: still one step high
        (0, 7, Scale(bottom=0, top=8, step=2)),
        (0, 40, Scale(bottom=0, top=40, step=10)),
        (-10, -3, Scale(bottom=-10, top=5, step=5)),  # zero stays on the axis, and one step above it
        (-25, 40, Scale(bottom=-40, top=40, step=20)),
    ],
)
def test_a_scale_holds_zero_and_every_value_between_multiples_of_its_step(lowest, highest, scale):
    assert Scale.covering(lowest, highest) == scale


def test_the_bottom_of_the_scale_sits_on_the_plots_bottom_edge_and_its_top_on_the_top_edge():
    scale = Scale(bottom=-20, top=20, step=10)

    assert (FRAME.plot_left, FRAME.plot_right, FRAME.plot_top, FRAME.plot_bottom) == (40, 190, 10, 110)
    assert FRAME.y_ticks(scale) == [Tick(110.0, -20), Tick(85.0, -10), Tick(60.0, 0), Tick(35.0, 10), Tick(10.0, 20)]


def test_points_on_a_time_axis_run_from_the_left_edge_to_the_right_edge():
    assert [FRAME.x_of(day, 30) for day in (0, 10, 30)] == [40.0, 90.0, 190.0]


def test_bands_split_the_plot_evenly_and_marks_sit_in_their_middle():
    assert FRAME.band_width(3) == 50
    assert [FRAME.band_centre(i, 3) for i in range(3)] == [65.0, 115.0, 165.0]
    assert FRAME.band_width(0) == 150  # an empty series still has a plot
