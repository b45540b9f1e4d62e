"""The pure allocator: priority, all or nothing, partial items, and no starvation."""

from decimal import Decimal as D

from production.allocation import Demand, allocate


def test_orders_are_served_in_the_order_given_all_or_nothing():
    result = allocate([Demand("a", {"cloth": D(3)}), Demand("b", {"cloth": D(3), "button": D(5)})],
                      {"cloth": D(5), "button": D(10)})  # fmt: skip
    assert result.served == ["a"]
    assert result.grants == {"a": {"cloth": D(3)}}


def test_a_newer_small_order_may_take_what_an_older_large_one_cannot_use_yet():
    result = allocate([Demand("old", {"cloth": D(10)}), Demand("new", {"cloth": D(3)})], {"cloth": D(5)})
    assert result.served == ["new"]


def test_but_not_once_the_older_one_is_starving():
    result = allocate([Demand("old", {"cloth": D(10)}, starving=True), Demand("new", {"cloth": D(3)})],
                      {"cloth": D(5)})  # fmt: skip
    assert result.served == [] and result.grants == {}
    # and when enough arrives, the old one is served first
    later = allocate([Demand("old", {"cloth": D(10)}, starving=True), Demand("new", {"cloth": D(3)})],
                     {"cloth": D(12)})  # fmt: skip
    assert later.served == ["old"]


def test_items_that_allow_partial_reservation_are_given_out_as_far_as_they_go():
    result = allocate([Demand("a", {"board": D(8), "hinge": D(4)})], {"board": D(5), "hinge": D(4)},
                      partial_items={"board"})  # fmt: skip
    assert result.served == []
    assert result.grants == {"a": {"board": D(5)}}


def test_an_order_that_needs_nothing_more_is_served():
    assert allocate([Demand("a", {"cloth": D(0)})], {}).served == ["a"]
