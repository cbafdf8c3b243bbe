"""The Resource Graph result's row texts kept in a file between pages (graph/spool.py)."""

from __future__ import annotations

from tui.sandbox.graph.spool import Spool


def test_rows_come_back_in_the_results_order_whatever_order_they_were_written() -> None:
    spool = Spool()
    written = ['{"name":"b"}', '{"name":"é"}', '{"name":"a"}', "[]", '{"name":"ß∆"}']
    indexes = [spool.add(text) for text in written]
    assert indexes == [0, 1, 2, 3, 4]
    assert spool.texts()[:] == written
    order = [2, 0, 1, 3, 4]  # sorted after evaluation: runs of consecutive rows and not
    texts = spool.texts(order)
    assert len(texts) == 5
    assert texts[0:5] == [written[i] for i in order]
    assert texts[1:4] == [written[0], written[1], written[3]]
    assert texts[4:9] == [written[4]]
    assert texts[5:6] == []
    assert spool.size == sum(len(t.encode()) for t in written)


def test_an_empty_result_has_no_rows() -> None:
    texts = Spool().texts([])
    assert len(texts) == 0
    assert texts[0:1000] == []
    assert texts.size == 0
