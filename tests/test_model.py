"""The page model (viz/model.py)."""

from __future__ import annotations

from ipplan.viz.model import Choices, Page


def test_indexed_filter_choices_pick_what_a_plain_list_picks():
    """A page keeps the filter choices its nodes show, in the choices' order, whether the
    choices come as a plain list or as the indexed Choices a pack shares across pages."""
    themes = [{"value": f"t{i}", "zh": f"{i}. 主题", "en": f"Theme {i}"} for i in range(50)]
    clusters = [{"value": str(i), "zh": f"聚类 {i}", "en": f"Cluster {i}"} for i in range(1, 9)]
    nodes = [{"id": "a", "themes": ["t7", "t3", "missing"], "cluster": 5},
             {"id": "b", "themes": ["t41", "t3"], "cluster": 2}, {"id": "c"}]
    pages = [Page("unit", "单位", "Unit", "", "", [dict(n) for n in nodes], [],
                  filters={"theme": make(themes), "cluster": make(clusters)})
             for make in (list, Choices)]
    assert pages[0].filters == pages[1].filters
    assert [f["value"] for f in pages[1].filters["theme"]] == ["t3", "t7", "t41"]
    assert [f["value"] for f in pages[1].filters["cluster"]] == ["2", "5"]
