"""The recruitment funnel page: counts per stage and conversion rates, as a table and a chart."""

from flask import render_template, request
from flask_babel import format_percent, pgettext
from flask_babel import gettext as _
from flask_login import current_user

from observe.observers import bp
from observe.observers.funnel import GROUPINGS, FunnelRow
from observe.observers.funnel import funnel as funnel_rows
from observe.permissions import acting_branch, requires

# The chart's geometry in viewBox units; the SVG scales to the screen's width.
CHART_WIDTH = 640
LABEL_HEIGHT = 18
BAR_HEIGHT = 14
BAR_GAP = 3
GROUP_GAP = 14
LEGEND_HEIGHT = 28
VALUE_ROOM = 48  # space kept right of the longest bar for its number
STAGE_COLOURS = (("applied", "#6c757d"), ("approved", "#0a58ca"), ("certified", "#146c43"))


def percent(value: float | None) -> str:
    """A rate shown as a percentage in the interface language; a dash when there is none."""
    return "—" if value is None else format_percent(value, "#,##0.#%")


def stage_labels() -> dict[str, str]:
    return {"applied": pgettext("funnel stage", "Applied"),
            "approved": pgettext("funnel stage", "Approved"),
            "certified": pgettext("funnel stage", "Certified")}


def chart(rows: list[FunnelRow]) -> dict:
    """Positions of the chart's labels and bars (the total row is left out of the chart)."""
    groups = [row for row in rows if not row.is_total]
    largest = max((row.applied for row in groups), default=0) or 1
    scale = (CHART_WIDTH - VALUE_ROOM) / largest
    names = stage_labels()
    y = LEGEND_HEIGHT
    placed = []
    for row in groups:
        bars = []
        label_y = y + LABEL_HEIGHT - 5
        bar_y = y + LABEL_HEIGHT
        for stage, colour in STAGE_COLOURS:
            value = getattr(row, stage)
            width = round(value * scale, 1)
            bars.append({"stage": stage, "name": names[stage], "value": value, "fill": colour,
                         "y": bar_y, "width": width, "text_x": round(width + 4, 1),
                         "text_y": bar_y + BAR_HEIGHT - 3})
            bar_y += BAR_HEIGHT + BAR_GAP
        placed.append({"label": row.label, "label_y": label_y, "bars": bars})
        y = bar_y + GROUP_GAP
    legend = [{"name": names[stage], "fill": colour, "x": i * 150, "text_x": i * 150 + 18}
              for i, (stage, colour) in enumerate(STAGE_COLOURS)]
    return {"width": CHART_WIDTH, "height": y, "bar_height": BAR_HEIGHT, "groups": placed,
            "legend": legend}


@bp.get("/recruitment/funnel")
@requires("recruitment.funnel")
def funnel():
    user = current_user._get_current_object()
    # Whoever acts for one branch would see a by-branch view of a single row.
    default = "branch" if acting_branch(user) is None else "channel"
    group_by = request.args.get("by", default)
    if group_by not in GROUPINGS:
        group_by = default
    rows = funnel_rows(user, group_by)
    tabs = [("branch", _("By branch")), ("channel", _("By channel")),
            ("campaign", _("By campaign"))]
    return render_template("observers/funnel.html", rows=rows, group_by=group_by, tabs=tabs,
                           chart=chart(rows), percent=percent)
