"""The analysis counts the checklist through ``summarize()``, which must agree with ``evaluate()``.

``summarize`` counts required items per class of subject instead of building
every item; on random reviews (kinds, user-facing flags, tags, tiers, groups
as dependency targets) with random answers (every status, answers to items
that do not apply, unknown items) both give the same blocking items, in the
same order, with the same names, the same unanswered / open blocker counts
and the same score.
"""
from __future__ import annotations

from hypothesis import HealthCheck, given, settings, strategies as st

from prr_app.review.assess import assess as analyze
from prr_app.checklist.evaluate import evaluate, summarize
from prr_app.checklist.template import DEFAULT_TEMPLATE, load_template
from prr_app.model.entities import ChecklistAnswer, Component, Dependency, Journey, RedundancyGroup, Review

KINDS = ["service", "datastore", "cache", "queue", "external_api", "frontend"]
STATUSES = ["met", "partly", "not_met", "not_applicable", "unanswered"]


@st.composite
def answered_reviews(draw):
    r = Review()
    r.meta.tier = draw(st.sampled_from([1, 2, 3]))
    n = draw(st.integers(1, 7))
    ids = [f"c{i}" for i in range(n)]
    for cid in ids:
        r.add(Component(id=cid, kind=draw(st.sampled_from(KINDS)), user_facing=draw(st.booleans()),
                        tier=draw(st.sampled_from([None, 1, 2, 3])),
                        tags=draw(st.lists(st.sampled_from(["pci", "telemetry", "Telemetry", "batch", "client", "load-generator"]),
                                               unique=True, max_size=2))))
    targets = list(ids)
    if n >= 2 and draw(st.booleans()):
        r.add(RedundancyGroup(id="g0", members=ids[:2], min_up=1))
        targets.append("g0")
    if n >= 3 and draw(st.booleans()):  # a group of queues, polled or published to
        r.components[ids[1]].kind = r.components[ids[2]].kind = "queue"
        r.add(RedundancyGroup(id="q0", members=ids[1:3], min_up=1))
        targets.append("q0")
    for s, t in draw(st.lists(st.tuples(st.sampled_from(ids), st.sampled_from(targets)), max_size=2 * n)):
        if s != t:
            r.add(Dependency(source=s, target=t, kind=draw(st.sampled_from(["hard", "soft", "async"]))))
    if draw(st.booleans()):
        r.add(Journey(id="j0", entry=[ids[0]], critical=draw(st.booleans()), slo=draw(st.sampled_from([None, 99.9]))))
    # answers: to real items (any subject, applicable or not) and to unknown ones
    tmpl = load_template(DEFAULT_TEMPLATE)
    subjects = [None] + ids + list(r.dependencies) + list(r.journeys)
    for _ in range(draw(st.integers(0, 40))):
        ti = draw(st.sampled_from(tmpl.items))
        subj = draw(st.sampled_from(subjects))
        key = ti.id if subj is None else f"{ti.id}@{subj}"
        r.answers[key] = ChecklistAnswer(item=key, status=draw(st.sampled_from(STATUSES)))
    if draw(st.booleans()):
        r.answers["no.such-item@c0"] = ChecklistAnswer(item="no.such-item@c0", status="not_met")
    return r


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(answered_reviews())
def test_summarize_agrees_with_evaluate(review):
    full = evaluate(review)
    fast = summarize(review)
    assert [it.key for it in fast.blocking_items] == [it.key for it in full.blocking_items]
    assert [it.question for it in fast.blocking_items] == [it.question for it in full.blocking_items]
    assert fast.unanswered_blockers == len(full.unanswered_blockers)
    assert fast.open_blockers == len(full.open_blockers)
    assert fast.overall_score == full.overall_score
    assert fast.items == len(full.items)
    # each blocker's status, and the first unanswered ones named as the full evaluation has them
    assert [it.status for it in fast.blocking_items] == [it.status for it in full.blocking_items]
    assert ([(u.key, u.question, u.subject_label) for u in fast.unanswered_items]
            == [(it.key, it.question, it.subject_label) for it in full.unanswered_blockers[:len(fast.unanswered_items)]])
    assert len(fast.unanswered_items) == min(10, len(full.unanswered_blockers))


def test_analysis_counts_the_checklist_blockers():
    r = Review()
    r.add(Component(id="web", user_facing=True, replicas=2))
    a = analyze(r)
    assert a.checklist["blockers"] == 0 and a.checklist["unanswered_blockers"] > 0
    full = evaluate(r)
    key = full.unanswered_blockers[0].key
    r.answers[key] = ChecklistAnswer(item=key, status="not_met")
    a = analyze(r)
    assert a.checklist["blockers"] == 1
    assert a.checklist["blocking_items"][0].startswith(key + ": ")
    assert a.verdict["verdict"] == "not-ready"
    assert a.checklist["unanswered_blockers"] == len(full.unanswered_blockers) - 1


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(answered_reviews(), st.data())
def test_an_item_applies_where_evaluate_lists_it(review, data):
    """item_applies (what answering one item asks, without evaluating every item) agrees with
    evaluate() on every item id with every subject: components, groups, dependencies, none, unknown."""
    from prr_app.checklist.evaluate import item_applies

    full = evaluate(review)
    tmpl = load_template(DEFAULT_TEMPLATE)
    subjects = [None, "nope", *review.components, *review.groups, *review.dependencies, *review.journeys]
    for ti in data.draw(st.lists(st.sampled_from(tmpl.items), min_size=5, max_size=25)):
        for subj in subjects:
            key = ti.id if subj is None else f"{ti.id}@{subj}"
            assert item_applies(review, key)[1] == (key in full), key
    assert not item_applies(review, "no.such-item")[1]
