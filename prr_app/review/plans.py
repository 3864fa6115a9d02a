"""Mitigation plans: proposed changes to a review, and what the review would be "if the plan lands".

A :class:`Plan` is a named list of :class:`Change` objects (add a replica in a zone, spread over
zones, add a failure domain, add a fallback, set a call's timeout / retries / breaker, add an
independent second provider, add a redundancy group member, answer a checklist item, complete a
mitigation, set any field). :func:`apply_plan` applies them to a copy of the review (the review
itself is never changed) and records every field it edits; :func:`evaluate` runs the same
analysis on both and reports initial against remaining (residual) risk, SLO attainability and
the verdict, with the plan's effort and owners.

:func:`suggest` turns the analysis' own findings into candidate changes;
:func:`shortest_path_to_ready` searches the smallest set of them (by effort) that turns the
verdict to ready or ready-with-conditions (see its docstring for the search and what it
guarantees).

Plan files are JSON (``"format": "prr-plan"``, ``schemas/plan.schema.json``).
"""
from __future__ import annotations

import copy
import dataclasses
import datetime as _dt
from dataclasses import dataclass, field
from pathlib import Path

from prr_app.model.dates import is_date
from prr_app.model.entities import (
    AnswerStatus,
    ChecklistAnswer,
    Component,
    Dependency,
    DependencyKind,
    DomainKind,
    Effort,
    FailureDomain,
    MitigationStatus,
    RedundancyGroup,
    Review,
    dependency_id,
)
from prr_app.model.validation import check, member_calls_group
from prr_app.errors import PrrError
from prr_app.wording import ceiling_text, enum_words, stated
from prr_app.review.edits import risk_kind

PLAN_FORMAT = "prr-plan"
PLAN_VERSION = 1

#: Weight of each effort level when plans are compared or searched.
EFFORT_WEIGHT = {Effort.SMALL.value: 1, Effort.MEDIUM.value: 3, Effort.LARGE.value: 8}

#: Effort assumed for a change that does not say, by operation: the size docs/analysis.md gives the
#: mitigation kind it is (a second instance small, a zone spread medium, an independent second large...);
#: ``complete-mitigation`` takes the mitigation's own effort when it states one (:func:`with_review_defaults`).
DEFAULT_EFFORT = {
    "add-replica": "small", "spread": "medium", "add-domain": "large", "add-fallback": "medium",
    "set-call": "small", "add-alternative": "large", "add-group-member": "medium", "answer": "medium",
    "complete-mitigation": "medium", "set": "medium",
}

#: Each operation: its required and optional arguments.
OPERATIONS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "add-replica": (("component",), ("domain", "count")),
    "spread": (("component", "domains"), ("replicas",)),
    "add-domain": (("id", "kind"), ("parent", "name", "availability")),
    "add-fallback": (("dependency", "fallback"), ()),
    "set-call": (("dependency",), ("timeout_ms", "retries", "backoff", "retry_budget", "circuit_breaker")),
    "add-alternative": (("component",), ("id", "group", "placement", "shared_domains")),
    "add-group-member": (("group", "component"), ()),
    "answer": (("item", "status"), ("note", "evidence", "reason")),
    "complete-mitigation": (("mitigation",), ()),
    "set": (("collection", "id", "field", "value"), ()),
}

_META_KEYS = ("op", "mitigations", "effort", "owner", "due", "reason")

#: Collections the generic ``set`` operation may change, with their element class.
_SETTABLE = {"components": Component, "dependencies": Dependency, "groups": RedundancyGroup,
             "domains": FailureDomain, "journeys": None}


@dataclass
class Change:
    """One proposed change: an operation, its arguments, and what it is for."""

    op: str
    args: dict = field(default_factory=dict)
    mitigations: list[str] = field(default_factory=list)  # ids of the mitigations it implements
    effort: str | None = None  # small / medium / large; None: DEFAULT_EFFORT of the op
    owner: str = ""
    due: str | None = None  # ISO date
    reason: str = ""  # why: e.g. the risks it addresses

    @property
    def effort_level(self) -> str:
        return self.effort or DEFAULT_EFFORT.get(self.op, "medium")

    @property
    def weight(self) -> int:
        return EFFORT_WEIGHT[self.effort_level]

    def key(self) -> tuple:
        """What the change does (two changes with the same key are the same change)."""
        return (self.op, tuple(sorted((k, repr(v)) for k, v in self.args.items())))

    def to_dict(self) -> dict:
        d: dict = {"op": self.op, **self.args}
        if self.mitigations:
            d["mitigations"] = list(self.mitigations)
        if self.effort is not None or self.op != "complete-mitigation":
            # unsaid, a complete-mitigation costs the mitigation's effort (with_review_defaults): written as
            # the op's default, a saved plan would cost it "medium" once read back, not what prr plan showed
            d["effort"] = self.effort_level
        if self.owner:
            d["owner"] = self.owner
        if self.due:
            d["due"] = self.due
        if self.reason:
            d["reason"] = self.reason
        return d

    def describe(self) -> str:
        a = self.args
        op = self.op
        if op == "add-replica":
            n = a.get("count", 1)
            return (f"add {'a replica' if n == 1 else f'{n} replicas'} of {a['component']}"
                    + (f" in {a['domain']}" if a.get("domain") else ""))
        if op == "spread":
            return f"spread {a['component']} over {', '.join(a['domains'])}" + (
                f" ({a['replicas']} replicas)" if a.get("replicas") else "")
        if op == "add-domain":
            return f"add {a['kind']} {a['id']}" + (f" under {a['parent']}" if a.get("parent") else "")
        if op == "add-fallback":
            return f"give {a['dependency']} a fallback: {a['fallback']}"
        if op == "set-call":
            return f"on {a['dependency']}: {', '.join(_call_words(k, v) for k, v in a.items() if k != 'dependency')}"
        if op == "add-alternative":
            return f"add an independent second {a['component']}" + (f" ({a['id']})" if a.get("id") else "") + \
                " and serve its callers and journeys through a redundancy group of both"
        if op == "add-group-member":
            return f"add {a['component']} to redundancy group {a['group']}"
        if op == "answer":
            return f"checklist {a['item']}: {enum_words(a['status'])}"
        if op == "complete-mitigation":
            return f"complete mitigation {a['mitigation']}"
        if op == "set":
            return f"set {a['collection']} {a['id']} {a['field']} = {a['value']!r}"
        return op  # pragma: no cover - every op is listed above


#: A call setting in words, true and false: "with backoff", "without a circuit breaker".
_CALL_FLAGS = {"backoff": "backoff", "retry_budget": "a retry budget", "circuit_breaker": "a circuit breaker"}


def _call_words(key: str, value) -> str:
    """One of a set-call's settings in words: ``timeout 500 ms``, ``2 retries``, ``with backoff``."""
    if key in _CALL_FLAGS and isinstance(value, bool):
        return ("with " if value else "without ") + _CALL_FLAGS[key]
    if key == "timeout_ms":
        return f"timeout {value} ms"
    if key == "retries":
        return "no retries" if value == 0 else f"{value} retr{'y' if value == 1 else 'ies'}"
    return f"{key.replace('_', ' ')} {value}"


@dataclass
class Plan:
    name: str
    changes: list[Change] = field(default_factory=list)
    description: str = ""

    @property
    def effort(self) -> dict:
        out = {level: 0 for level in EFFORT_WEIGHT}
        for c in self.changes:
            out[c.effort_level] += 1
        out["weight"] = sum(c.weight for c in self.changes)
        return out

    def to_dict(self) -> dict:
        return {"format": PLAN_FORMAT, "version": PLAN_VERSION, "name": self.name,
                "description": self.description, "changes": [c.to_dict() for c in self.changes]}


# ------------------------------------------------------------------ reading plans
def change_from_dict(d, *, file: str | None = None, where: str = "$") -> Change:
    if not isinstance(d, dict):
        raise PrrError(f"a change must be an object, got {type(d).__name__}", file=file, location=where)
    op = d.get("op")
    if op not in OPERATIONS:
        raise PrrError(f"unknown operation {op!r} (one of: {', '.join(OPERATIONS)})", file=file,
                       location=f"{where}.op")
    required, optional = OPERATIONS[op]
    for k in required:
        if k not in d:
            raise PrrError(f"{op} needs {k!r}", file=file, location=where)
    for k in d:
        if k not in required and k not in optional and k not in _META_KEYS:
            raise PrrError(f"{op} takes no {k!r} (it takes {', '.join(required + optional)})", file=file,
                           location=f"{where}.{k}")
    effort = d.get("effort")
    if effort is not None and effort not in EFFORT_WEIGHT:
        raise PrrError(f"effort must be one of {', '.join(EFFORT_WEIGHT)}, got {effort!r}", file=file,
                       location=f"{where}.effort")
    mits = d.get("mitigations", [])
    if not isinstance(mits, list) or not all(isinstance(m, str) for m in mits):
        raise PrrError("mitigations must be a list of mitigation ids", file=file, location=f"{where}.mitigations")
    for k in ("owner", "reason"):
        if not isinstance(d.get(k, ""), str):
            raise PrrError(f"{k} must be text", file=file, location=f"{where}.{k}")
    due = d.get("due")
    if due is not None:
        if not is_date(due):
            raise PrrError(f"due must be a date YYYY-MM-DD, got {due!r}", file=file, location=f"{where}.due")
    return Change(op=op, args={k: d[k] for k in required + optional if k in d}, mitigations=list(mits),
                  effort=effort, owner=d.get("owner", ""), due=due, reason=d.get("reason", ""))


def plan_from_dict(data, *, file: str | None = None) -> Plan:
    if not isinstance(data, dict):
        raise PrrError("a plan must be a JSON object", file=file, location="$")
    if data.get("format") != PLAN_FORMAT:
        raise PrrError(f'not a plan: expected "format": "{PLAN_FORMAT}", got {data.get("format")!r}', file=file,
                       location="$.format")
    version = data.get("version", PLAN_VERSION)
    if not isinstance(version, int) or version > PLAN_VERSION:
        raise PrrError(f"plan format version {version!r} is not one this version reads (up to {PLAN_VERSION})",
                       file=file, location="$.version")
    name = data.get("name")
    if not isinstance(name, str) or not name.strip():
        raise PrrError("a plan needs a name", file=file, location="$.name")
    changes = data.get("changes")
    if not isinstance(changes, list):
        raise PrrError("changes must be a list", file=file, location="$.changes")
    return Plan(name=name, description=str(data.get("description", "")),
                changes=[change_from_dict(c, file=file, where=f"$.changes[{i}]") for i, c in enumerate(changes)])


def read_plan(path: str | Path) -> Plan:
    from prr_app.interchange.json_io import read_json_file

    p = Path(path)
    if not p.is_file():
        raise PrrError("no such file" if not p.exists() else "is a folder, not a plan file", file=str(p))
    return plan_from_dict(read_json_file(p), file=str(p))


def write_plan(plan: Plan, path: str | Path) -> None:
    """Write ``plan`` as JSON the way every output is written (:func:`prr_app.paths.atomic_write_text`):
    a failed write (a full disk, a folder gone) leaves the old file or none, never a cut one, and is
    one line naming the file. The caller checks the path first (``review.gate.check_output``)."""
    from prr_app import paths
    from prr_app.interchange.json_io import pretty_json

    paths.atomic_write_text(path, pretty_json(plan.to_dict()) + "\n")


# ------------------------------------------------------------------ applying
class _Editor:
    """Applies changes to a copy of a review, replacing (never mutating) the elements it edits."""

    def __init__(self, review: Review, *, file: str | None, checklist=None, explain: bool = True):
        self.r = Review(**{f.name: (dict(v) if isinstance(v, dict) else copy.deepcopy(v))
                           for f in dataclasses.fields(Review) for v in [getattr(review, f.name)]})
        self.file = file
        self.where = "$"
        self.original = review
        self._checklist = checklist  # the checklist of the review, evaluated when an answer needs it
        self.explain = explain  # refusals say what was meant ("did you mean ...?"); the search needs no words
        self._current = None  # the checklist of the review as the changes so far left it (answers keep it)
        #: components an earlier add-alternative put into a redundancy group: component -> group.
        #: A call to such a component is made to the group, whenever the call was made (one that
        #: existed when the group was made, or one a later change copied, e.g. a second of its caller)
        self.grouped: dict[str, str] = {}

    def fail(self, message: str):
        raise PrrError(message, file=self.file, location=self.where)

    def _get(self, attr: str, eid, what: str):
        coll = getattr(self.r, attr)
        if not isinstance(eid, str) or eid not in coll:
            self.fail(f"no {what} {eid!r} in the review")
        return coll[eid]

    def component(self, cid):
        return self._get("components", cid, "component")

    def dependency(self, did):
        """The dependency ``did``, following an earlier add-alternative that put its target into a
        redundancy group: ``a->b`` is then ``a->b-group``, whenever the call ``a->b`` was made."""
        given, seen = did, set()
        while isinstance(did, str) and did not in self.r.dependencies and did not in seen:
            seen.add(did)
            source, sep, target = did.partition("->")
            if not sep or target not in self.grouped:
                break
            did = dependency_id(source, self.grouped[target])
        if not isinstance(did, str) or did not in self.r.dependencies:
            self.fail(f"no dependency {given!r} in the review")
        return self.r.dependencies[did]

    def replace(self, attr: str, eid: str, **fields):
        coll = getattr(self.r, attr)
        coll[eid] = dataclasses.replace(coll[eid], **fields)

    def _int(self, v, name, lo=0):
        if not isinstance(v, int) or isinstance(v, bool) or v < lo:
            self.fail(f"{name} must be a whole number of at least {lo}, got {v!r}")
        return v

    def _bool(self, v, name):
        if not isinstance(v, bool):
            self.fail(f"{name} must be true or false, got {v!r}")
        return v

    def _domain(self, did):
        return self._get("domains", did, "failure domain").id

    # -- operations -------------------------------------------------
    def op_add_replica(self, component, domain=None, count=1):
        c = self.component(component)
        count = self._int(count, "count", 1)
        n = c.replicas or 1
        if domain is None:
            self.replace("components", component, replicas=n + count)
            return
        self._domain(domain)
        if not c.placement:
            self.fail(f"{component}'s instances have no placement: say where they all run with 'spread'")
        # every existing instance stays where it is; the new ones go to `domain`
        placement = [c.placement[i % len(c.placement)] for i in range(n)] + [domain] * count
        self.replace("components", component, replicas=n + count, placement=placement)

    def op_spread(self, component, domains, replicas=None):
        c = self.component(component)
        if not isinstance(domains, list) or not domains or not all(isinstance(d, str) for d in domains):
            self.fail("domains must be a non-empty list of failure domain ids")
        for d in domains:
            self._domain(d)
        n = max(c.replicas or 1, len(domains)) if replicas is None else self._int(replicas, "replicas", 1)
        self.replace("components", component, replicas=n, placement=list(domains))

    def op_add_domain(self, id, kind, parent=None, name=None, availability=None):
        if not isinstance(id, str) or not id:
            self.fail("id must be a non-empty text")
        if id in self.r.domains:
            self.fail(f"failure domain {id!r} already exists")
        if kind not in DomainKind.values():
            self.fail(f"kind must be one of {', '.join(DomainKind.values())}, got {kind!r}")
        if parent is not None:
            self._domain(parent)
        self.r.domains[id] = FailureDomain(id=id, name=name or "", kind=kind, parent=parent, availability=availability)

    def op_add_fallback(self, dependency, fallback):
        d = self.dependency(dependency)
        if not isinstance(fallback, str) or not fallback.strip():
            self.fail("fallback must say what happens instead (a non-empty text)")
        self.replace("dependencies", d.id, fallback=fallback)

    def op_set_call(self, dependency, **hygiene):
        dependency = self.dependency(dependency).id
        out = {}
        for k, v in hygiene.items():
            if k in ("timeout_ms", "retries"):
                out[k] = self._int(v, k, 1 if k == "timeout_ms" else 0)
            else:
                out[k] = self._bool(v, k)
        if not out:
            self.fail("set-call needs at least one of timeout_ms, retries, backoff, retry_budget, circuit_breaker")
        self.replace("dependencies", dependency, **out)

    def op_add_alternative(self, component, id=None, group=None, placement=None, shared_domains=None):
        c = self.component(component)
        new_id = id or f"{component}-b"
        gid = group or f"{component}-group"
        if new_id in self.r.components or new_id in self.r.groups:
            self.fail(f"{new_id!r} is already in the review: name the second one with 'id'")
        if gid in self.r.groups or gid in self.r.components:
            self.fail(f"{gid!r} is already in the review: name the group with 'group'")
        for name, doms in (("placement", placement), ("shared_domains", shared_domains)):
            if doms is not None:
                if not isinstance(doms, list):
                    self.fail(f"{name} must be a list of failure domain ids")
                for d in doms:
                    self._domain(d)
        alt = dataclasses.replace(
            c, id=new_id, name=f"{c.label} (second)",
            placement=list(c.placement if placement is None else placement),
            shared_domains=list(c.shared_domains if shared_domains is None else shared_domains),
            tags=list(c.tags), source="plan", notes="",
            observability=dataclasses.replace(c.observability))
        self.r.components[new_id] = alt
        self.r.groups[gid] = RedundancyGroup(id=gid, name=f"{c.label} and its second", members=[component, new_id],
                                             min_up=1)
        # the second runs the same code: it calls what the first calls
        for d in [d for d in self.r.dependencies.values() if d.source == component]:
            nd = dataclasses.replace(d, source=new_id, evidence=list(d.evidence))
            self.r.dependencies[nd.id] = nd
        # and what called the first now calls the pair
        for d in [d for d in self.r.dependencies.values() if d.target == component]:
            del self.r.dependencies[d.id]
            nd = dataclasses.replace(d, target=gid, evidence=list(d.evidence))
            self.r.dependencies[nd.id] = nd
        self.grouped[component] = gid
        # and the journeys that entered by the first enter by the pair (served while one is up)
        for jid, j in list(self.r.journeys.items()):
            if component in j.entry:
                self.replace("journeys", jid, entry=[gid if e == component else e for e in j.entry])
        self._carry_answers(component, new_id, gid)

    def _carry_answers(self, component: str, second: str, gid: str) -> None:
        """The reviewer's answers follow the items add-alternative renames: the first's own items are its
        group's now (members share their group's items), its callers' calls are calls to the group, and
        the second's copies of its calls are the same code as the first's. Left behind, an answer not
        met would become an unanswered item of the group: the plan would clear a blocker nobody fixed
        (and the search answer it met as if only its evidence were missing). The answer moves whole
        (status, owner, due date, note, history); a copied call's answer is copied."""
        answers = self.r.answers
        for key in list(answers):
            item, at, scope = key.partition("@")
            if not at:
                continue
            source, arrow, target = scope.partition("->")
            if not arrow:
                # a member shares the items of its first group by id (checklist.evaluate): the new group's
                # unless the component was in a group already (its answers are on that group's items)
                moved = f"{item}@{gid}" if scope == component and self._items_group(component) == gid else None
                copied = None
            else:
                moved = f"{item}@{dependency_id(source, gid)}" if target == component else None
                copied = f"{item}@{dependency_id(second, target)}" if source == component else None
            old = answers[key]
            if moved is not None:
                del answers[key]
                answers[moved] = dataclasses.replace(old, item=moved, history=copy.deepcopy(old.history))
            if copied is not None and copied not in answers:
                answers[copied] = dataclasses.replace(old, item=copied, history=copy.deepcopy(old.history))

    def _items_group(self, component: str) -> str | None:
        """The group whose checklist items ``component`` shares (its first by id), None outside groups."""
        return min((gid for gid, g in self.r.groups.items() if component in g.members), default=None)

    def _answer_key(self, item: str) -> str:
        """The item ``item`` names once earlier add-alternatives put components into groups: a grouped
        component's item is its group's, a call to it a call to the group (as :meth:`dependency` follows)."""
        name, at, scope = item.partition("@")
        if not at:
            return item
        source, arrow, target = scope.partition("->")
        if not arrow:
            return f"{name}@{self._items_group(scope)}" if scope in self.grouped else item
        if target in self.grouped:
            try:
                return f"{name}@{self.dependency(scope).id}"
            except PrrError:
                return item
        return item

    def op_add_group_member(self, group, component):
        g = self._get("groups", group, "redundancy group")
        self.component(component)
        if component in g.members:
            self.fail(f"{component} is already a member of {group}")
        problem = member_calls_group(self.r, group, component)
        if problem:
            self.fail(problem)
        self.replace("groups", group, members=g.members + [component])

    def op_answer(self, item, status, note=None, evidence=None, reason=None):
        if not isinstance(item, str) or not item:
            self.fail("item must be a checklist item id")
        if status not in AnswerStatus.values():
            self.fail(f"status must be one of {', '.join(AnswerStatus.values())}, got {status!r}")
        self._check_answer(item, status, note=note, evidence=evidence, reason=reason)
        item = self._answer_key(item)
        old = self.r.answers.get(item) or ChecklistAnswer(item=item)
        fields = {"status": status}
        for k, v in (("note", note), ("evidence", evidence), ("reason", reason)):
            if v is not None:
                fields[k] = str(v)
        self.r.answers[item] = dataclasses.replace(old, history=list(old.history), **fields)

    def _check_answer(self, item: str, status: str, **fields) -> None:
        """Refuse an answer ``prr checklist-answer`` refuses (an item the review's checklist does not
        have, "did you mean ...?"; not applicable without a reason), by its own code: the answer is
        made on a scratch copy of the review, the plan's review keeps the plan's answer unstamped."""
        from prr_app.checklist.answers import set_answer
        from prr_app.checklist.evaluate import evaluate

        # the items of the review as it is (what the plan was made from; an earlier change may rename one:
        # a component's item becomes its group's once add-alternative puts it in one), else of the review as
        # the earlier changes left it (the items of a component a change added)
        try:
            if self._checklist is None:
                self._checklist = evaluate(self.original)
            res = self._checklist
            if item not in res and item not in self.r.answers:
                if self._current is None:
                    self._current = evaluate(self.r)
                res = self._current
                if item not in res and not self.explain:  # the search: no "did you mean" over every key
                    self.fail(f"no checklist item {item!r} in the review's checklist")
        except PrrError as e:
            self.fail(e.message)
        scratch = copy.copy(self.r)
        scratch.answers = dict(self.r.answers)
        if item in scratch.answers:
            scratch.answers[item] = copy.deepcopy(scratch.answers[item])
        try:
            set_answer(scratch, item, status=status, result=res, at="2000-01-01T00:00:00+00:00",
                       **{k: str(v) for k, v in fields.items() if v is not None})
        except PrrError as e:
            self.fail(e.message)

    def op_complete_mitigation(self, mitigation):
        self._get("mitigations", mitigation, "mitigation")
        self.replace("mitigations", mitigation, status=MitigationStatus.DONE.value)

    def op_set(self, collection, id, field, value):
        if collection not in _SETTABLE:
            self.fail(f"collection must be one of {', '.join(_SETTABLE)}, got {collection!r}")
        el = self._get(collection, id, collection.rstrip("s"))
        names = {f.name for f in dataclasses.fields(el)} - {"id", "source", "target", "observability"}
        if field not in names:
            self.fail(f"{collection} have no field {field!r} that a plan may set (one of: {', '.join(sorted(names))})")
        self.replace(collection, id, **{field: copy.deepcopy(value)})


def apply_plan(review: Review, plan: Plan, *, file: str | None = None, checklist=None,
               explain: bool = True) -> Review:
    """The review as it would be once the plan lands (a new object; ``review`` is not changed).

    Every change is checked against the review as the earlier changes left it; a change that
    does not apply, or a result that breaks the model's rules, raises :class:`PrrError` naming
    the plan file and the change (``$.changes[i]``). ``checklist``: ``checklist.evaluate(review)``
    when the caller has it (answers are checked against it); ``explain=False``: refusals without
    the "did you mean" hints (a search that tries many plans).
    """
    ed = _Editor(review, file=file, checklist=checklist, explain=explain)
    for i, ch in enumerate(plan.changes):
        ed.where = f"$.changes[{i}]"
        for mid in ch.mitigations:
            if mid not in review.mitigations:
                ed.fail(f"no mitigation {mid!r} in the review")
        getattr(ed, "op_" + ch.op.replace("-", "_"))(**ch.args)
        if ch.op not in ("answer", "complete-mitigation"):
            ed._current = None
    ed.where = "$"
    try:
        return check(ed.r)
    except PrrError as e:
        raise PrrError(f"the review with the plan applied breaks a rule: {e.message}", file=file,
                       location=e.location) from None


def _checklist_of(review: Review):
    """``checklist.evaluate(review)``, or None when the checklist cannot be evaluated (each answer then says why)."""
    from prr_app.checklist.evaluate import evaluate

    try:
        return evaluate(review)
    except PrrError:
        return None


def applicable(review: Review, plan: Plan, *, checklist=None, explain: bool = True) -> tuple[list[Change], list[str]]:
    """The plan's changes that still apply to ``review``, in order, and the others in words with why (a
    component deleted since the plan was made: "add a replica of cartservice" can no longer land)."""
    if checklist is None and any(c.op == "answer" for c in plan.changes):
        checklist = _checklist_of(review)
    try:
        apply_plan(review, plan, file="plan", checklist=checklist, explain=explain)
        return list(plan.changes), []
    except PrrError:
        pass
    kept: list[Change] = []
    dropped: list[str] = []
    for c in plan.changes:
        try:
            apply_plan(review, Plan(plan.name, kept + [c], plan.description), file="plan", checklist=checklist,
                       explain=explain)
            kept.append(c)
        except PrrError as e:
            dropped.append(f"{c.describe()} ({e.message})")
    return kept, dropped


# ------------------------------------------------------------------ evaluating
def _risk_state(r: dict | None) -> dict | None:
    if r is None:
        return None
    return {"likelihood": r["likelihood"], "impact": r["impact"], "score": r["score"], "severity": r["severity"],
            "launch_blocking": r["launch_blocking"], "status": r["status"],
            "disruptions": list(r.get("disruptions", []))}


def _outcome(b: dict | None, a: dict | None) -> str:
    if a is None:
        return "resolved"
    if b is None:
        return "new"
    if a["status"] != "open" and b["status"] == "open":
        return "mitigated"
    if a["score"] < b["score"] or (b["launch_blocking"] and not a["launch_blocking"]) \
            or set(a["disruptions"]) < set(b["disruptions"]):  # part of one root cause fixed
        return "reduced"
    if a["score"] > b["score"] or (a["launch_blocking"] and not b["launch_blocking"]):
        return "worse"
    return "unchanged"


def _worst(parts: list[dict]) -> dict:
    """The part of a risk that came apart standing for the whole: an open one first, then the highest
    score (the analysis scores the aggregate at the worst impact of its findings)."""
    return max(parts, key=lambda r: (r["status"] == "open", r["score"], r["launch_blocking"], r["id"]))


def _side(a: dict, split: dict[str, list[str]] | None = None) -> dict:
    """One side's figures. ``split`` (:func:`prr_app.review.diff.risk_lineage`): risks of the other side
    that came apart into these risks of this one; each counts once, as the one root cause it was, at its
    worst part (severity, and the score of its worst open part in the open risk score). Counted one per
    component, one timeout stated on one call would read as a plan that adds risk (13 -> 18 risks)."""
    s = a["summary"]
    n, by_sev = s["risks"], dict(s["by_severity"])
    score = sum(r["score"] for r in a["risks"] if r["status"] == "open")
    rows = {r["id"]: r for r in a["risks"]}
    for parts in (split or {}).values():
        rs = [rows[p] for p in parts if p in rows]
        if not rs:
            continue
        n -= len(rs) - 1
        for r in rs:
            by_sev[r["severity"]] = by_sev.get(r["severity"], 0) - 1
        worst = _worst(rs)
        by_sev[worst["severity"]] = by_sev.get(worst["severity"], 0) + 1
        opened = [r["score"] for r in rs if r["status"] == "open"]
        score -= sum(opened) - max(opened, default=0)
    return {"verdict": a["verdict"]["verdict"], "reasons": list(a["verdict"]["reasons"]),
            "launch_blockers": list(a["verdict"]["launch_blockers"]),
            "checklist_blockers": a["verdict"].get("checklist_blockers", 0),
            "checklist_unanswered_blockers": a["verdict"].get("checklist_unanswered_blockers", 0),
            "risks": n, "by_severity": by_sev, "risk_score": score,
            "slo_not_attainable": list(s.get("slo_not_attainable", []))}


def compare_analyses(before: dict, after: dict) -> dict:
    """Initial against residual risk, availability and verdict (both ``Analysis.to_dict()`` documents).

    Risks are compared by root cause, as the register folds them: a risk that came apart (``split`` of
    :func:`prr_app.review.diff.risk_lineage`: "no hard call states a timeout" once one call states one)
    is one risk on both sides, its parts "separated" rows of their own; its row's outcome is that of its
    worst part against it ("reduced" too when a finding it held is gone), and the counts and the open
    risk score of ``after`` count it once (:func:`_side`)."""
    from prr_app.review.diff import risk_lineage

    rb = {r["id"]: r for r in before["risks"]}
    ra = {r["id"]: r for r in after["risks"]}
    # findings folded into a risk today (one root cause, one line): once that root cause is fixed they
    # stand alone, which the plan does not make; a risk that came apart into them is not resolved
    separated, split = risk_lineage(before["risks"], after["risks"])
    folded_now = {alias for r in after["risks"] for alias in r.get("aliases", ())}
    risks = []
    for rid in list(rb) + [x for x in ra if x not in rb]:
        b, a = _risk_state(rb.get(rid)), _risk_state(ra.get(rid))
        row = {"id": rid, "title": (ra.get(rid) or rb[rid])["title"], "before": b, "after": a,
               "outcome": _outcome(b, a), "owner": (ra.get(rid) or rb[rid]).get("owner", "")}
        if row["outcome"] == "new" and rid in separated:
            row["outcome"], row["was_in"] = "separated", separated[rid]
        elif rid in split:
            # what it held stands alone (rows of their own, "separated"): judged by the worst of them,
            # reduced when one of its findings is gone (neither a risk of its own nor folded into one)
            row["outcome"] = _outcome(b, _risk_state(_worst([ra[p] for p in split[rid]])))
            if row["outcome"] == "unchanged" and any(x not in ra and x not in folded_now
                                                     for x in rb[rid].get("aliases", ())):
                row["outcome"] = "reduced"
        risks.append(row)
    av_b = {(x["target_type"], x["target"]): x for x in before["availability"]}
    av_a = {(x["target_type"], x["target"]): x for x in after["availability"]}
    avail = []
    for key in list(av_b) + [k for k in av_a if k not in av_b]:
        b, a = av_b.get(key), av_a.get(key)
        avail.append({"target": key[1], "target_type": key[0],
                      "slo": (a or b)["slo"],
                      "before": None if b is None else {"estimate": b["estimate"], "attainable": b["attainable"]},
                      "after": None if a is None else {"estimate": a["estimate"], "attainable": a["attainable"]}})
    return {"before": _side(before), "after": _side(after, split), "risks": risks, "availability": avail}


def _implements(c: Change) -> list[str]:
    """The mitigations ``c`` does: the one it completes (``complete-mitigation``), then those it names."""
    first = [c.args["mitigation"]] if c.op == "complete-mitigation" and isinstance(c.args.get("mitigation"), str) else []
    return list(dict.fromkeys(first + list(c.mitigations)))


def with_review_defaults(plan: Plan, review: Review) -> Plan:
    """The plan with what its changes leave unsaid taken from the review's mitigations they name: a
    ``complete-mitigation`` costs the mitigation's effort and is done by its owner; a change that
    implements mitigations (``mitigations``) is done by their owner, and is due when the earliest of
    them still to do is due (a mitigation done or dropped is due no more, as the analysis reads it):
    the change is that work, and a plan that drops the date would not say it is late while ``prr
    analyze`` says the mitigation is past due. What a change states is kept."""
    out = []
    for c in plan.changes:
        mits = [review.mitigations[m] for m in _implements(c) if m in review.mitigations]
        effort, owner, due = c.effort, c.owner, c.due
        if effort is None and c.op == "complete-mitigation" and mits and mits[0].effort in EFFORT_WEIGHT:
            effort = mits[0].effort
        if not owner:
            owner = next((m.owner for m in mits if m.owner), "")
        if not due:
            due = min((m.due for m in mits if m.due and m.status not in (MitigationStatus.DONE.value,
                                                                         MitigationStatus.DROPPED.value)),
                      default=None)
        out.append(c if (effort, owner, due) == (c.effort, c.owner, c.due)
                   else dataclasses.replace(c, effort=effort, owner=owner, due=due))
    return dataclasses.replace(plan, changes=out)


def is_overdue(due: str | None, today: str) -> bool:
    """A change's due date is past (``today`` ISO): the work is late before it started."""
    return bool(due) and due < today


def evaluate(review: Review, plan: Plan, *, seed: int = 0, today: str | None = None, file: str | None = None,
             before: dict | None = None) -> dict:
    """The plan's result: what ``prr plan --json`` prints (``schemas/plan.schema.json``, ``result``).

    A change that leaves its effort, owner or due date unsaid takes them from the mitigation it completes
    or implements (:func:`with_review_defaults`); a change due before ``today`` is marked ``overdue``.
    Each change's ``mitigations`` lists those it does, the one it completes first."""
    from prr_app.review.assess import assess as analyze  # the checklist counts, as in prr analyze
    from prr_app.review.diff import diff

    today = today or _dt.date.today().isoformat()
    plan = with_review_defaults(plan, review)
    after_review = apply_plan(review, plan, file=file)
    if before is None:
        before = analyze(review, seed=seed, today=today).to_dict()
    after = analyze(after_review, seed=seed, today=today).to_dict()
    # who does the plan's work: each change's owner, the one it states or its mitigation's
    # (with_review_defaults); a mitigation's owner is not named when the change says another does it
    owners = sorted({c.owner for c in plan.changes if c.owner})
    return {
        "format": "prr-plan-result", "version": PLAN_VERSION,
        "plan": plan.to_dict(),
        "changes": [{"change": c.describe(), "effort": c.effort_level, "owner": c.owner, "due": c.due,
                     "mitigations": _implements(c), "reason": c.reason,
                     **({"overdue": True} if is_overdue(c.due, today) else {})} for c in plan.changes],
        "effort": plan.effort, "owners": owners,
        **compare_analyses(before, after),
        "diff": diff(review, after_review, before, after, old_label="today", new_label=f"with plan {plan.name}"),
    }


# ------------------------------------------------------------------ suggestions
def _free_sibling(review: Review, did: str, used: set[str]) -> str | None:
    dom = review.domains.get(did)
    if dom is None:
        return None
    for oid in sorted(review.domains):
        o = review.domains[oid]
        if oid not in used and oid != did and o.kind == dom.kind and o.parent == dom.parent:
            return oid
    return None


def _new_domain_id(review: Review, did: str) -> str:
    n = 2
    while f"{did}-{n}" in review.domains or f"{did}-{n}" in review.components:
        n += 1
    return f"{did}-{n}"


def _under(review: Review, domains: list[str], did: str) -> bool:
    return any(did in review.domain_ancestors(d) for d in domains)


def _spread_off(review: Review, cid: str, did: str, sib: str, new: tuple[str, ...] = ()):
    """Add replicas of ``cid`` in ``sib`` until losing ``did`` leaves enough of them; for a majority
    quorum (``prr_app.analysis.quorum``), whose need grows with its instances, move instances out of
    ``did`` (a ``spread`` with the new placement), else add instances and raise the need to the new
    majority (a bundle of ``add-replica`` and ``set`` ``min_healthy``): what the register's advice says.
    ``new``: domains the plan adds beside ``did``."""
    from prr_app.analysis.quorum import is_quorum, quorum_fix

    c = review.components[cid]
    if _under(review, c.shared_domains, did):
        return None  # every instance shares it: replicas cannot help
    n, k = c.replicas or 1, c.min_healthy or 1
    if not c.placement:
        return None
    if is_quorum(n, min(k, n), c.kind, c.tags):
        fix = quorum_fix(review, cid, did, extra=new)
        if fix is None:
            return None
        if fix.op == "move":
            return Change("spread", {"component": cid, "domains": list(fix.placement)},
                          reason=f"survive the loss of {did}")
        adds = [Change("add-replica", {"component": cid, "domain": d,
                                       **({"count": fix.added.count(d)} if fix.added.count(d) > 1 else {})},
                       reason=f"survive the loss of {did}") for d in sorted(set(fix.added))]
        if fix.min_healthy != k:
            adds.append(Change("set", {"collection": "components", "id": cid, "field": "min_healthy",
                                       "value": fix.min_healthy}, reason=f"survive the loss of {did}"))
        return _Bundle(adds)
    base = [c.placement[i % len(c.placement)] for i in range(n)]
    outside = sum(1 for p in base if not _under(review, [p], did))
    need = max(0, k - outside)
    # the survivors must also be enough on their own once `did` is gone; and the new ones must
    # not make the component need them all (k stays, n grows)
    if need == 0:
        return None
    return Change("add-replica", {"component": cid, "domain": sib, **({"count": need} if need > 1 else {})},
                  reason=f"survive the loss of {did}")


def _targets(analysis: dict) -> set[str]:
    """What keeps the verdict from ready with conditions: launch blockers, and open high or
    critical risks without an owner and a mitigation with a due date (the checklist apart)."""
    v = analysis["verdict"]
    return set(v.get("launch_blockers", [])) | set(v.get("open_high_without_plan", []))


def suggest(review: Review, analysis: dict, *, blocking_only: bool = False) -> list[tuple[str, list[Change]]]:
    """Candidate changes for the analysis' open risks: ``[(risk id, alternatives)]``.

    ``analysis`` is ``assess(review).to_dict()``. Each risk's alternatives come cheapest first;
    several alternatives mean any one may do (a fallback on the call, or an independent second
    provider); a :class:`_Bundle` is one alternative of changes that only work together. A
    component SPOF that also folds its instance failure (``disruptions`` holds ``instance``)
    gets the quick step first, as its mitigation says (a replica more), bundled with each fix
    for a component failure. Checklist blocker items not met or unanswered come as
    ``checklist:<item>`` with the change "answer it met" (the team does the item). Risks the
    product cannot turn into a change (a reviewer's own risk, a missing SLO) have no entry. A
    user-facing or entry component's own failure gets an independent second of it, the two in a
    redundancy group that its callers and journeys go through (``add-alternative``): users are
    served while one of them is up (docs/analysis.md, "User-facing and journeys").

    ``blocking_only``: only what keeps the verdict from ready with conditions (launch blockers,
    open high risks without a plan, blocker items).
    """
    from prr_app.analysis.risks import is_external

    out: list[tuple[str, list[Change]]] = []
    # a component's own entry (its instances' entries refer to it)
    spofs = {s["risk_id"]: s for s in analysis.get("spofs", []) if s["element_type"] != "instance"}
    domains = {f["domain"]: f for f in analysis.get("failure_domains", [])}
    wanted = _targets(analysis)
    hard_calls = _hard_calls(review)  # for the fallbacks (_writes_to): one pass over the dependencies
    for r in analysis["risks"]:
        if r["status"] != "open" or (blocking_only and r["id"] not in wanted):
            continue
        rid = r["id"]
        kind, subject = risk_kind(rid)
        alts: list = []
        if kind == "spof:component" and subject in review.components:
            c = review.components[subject]
            deps = [d for d in review.dependencies.values()
                    if d.target == subject and d.kind == DependencyKind.HARD.value and not d.fallback]
            sp = spofs.get(rid)
            # no "cached or default answer" stands in for a store, or for a caller's only way to its stores
            # (its whole backend): the what-if would count its callers up on paper (_writes_to)
            if deps and sp is not None and len(sp.get("chain", [])) > 1 and \
                    not any(_writes_to(review, d, hard_calls) for d in deps):
                # a fallback on every hard call to it, the call the failure travels along first:
                # one call left without one still carries the failure
                first = dependency_id(sp["chain"][1], subject)
                deps.sort(key=lambda d: (d.id != first, d.id))
                alts.append(_Bundle(Change("add-fallback", {
                    "dependency": d.id, "fallback": f"degraded mode without {subject} (cached or default answer)"},
                    reason=rid) for d in deps))
            alts.append(Change("add-alternative", {"component": subject}, reason=rid))
            if "instance" in r.get("disruptions", ()) and not is_external(c):
                sib = None
                if c.placement:
                    used = set(c.placement)
                    sib = next((s for p in c.placement if (s := _free_sibling(review, p, used))), None)
                quick = Change("add-replica", {"component": subject, **({"domain": sib} if sib else {})}, reason=rid)
                alts = [_Bundle([quick, *_flatten(alt)]) for alt in alts]
        elif kind == "spof:domain" and subject in review.domains:
            f = domains.get(subject)
            dom = review.domains[subject]
            seeds = [x for x in (f["seeds"] if f else []) if x in review.components]
            key = [x for x in r["components"] if x in seeds] or seeds
            sib = _free_sibling(review, subject, {subject})
            pre = []
            if sib is None:
                sib = _new_domain_id(review, subject)
                pre = [Change("add-domain", {"id": sib, "kind": dom.kind,
                                             **({"parent": dom.parent} if dom.parent else {})}, reason=rid)]
            whole = [cid for cid in key if _under(review, review.components[cid].shared_domains, subject)]
            moves = [ch for cid in key if (ch := _spread_off(review, cid, subject, sib, tuple(
                x.args["id"] for x in pre))) is not None]
            moves = [x for ch in moves for x in _flatten(ch)]  # a quorum's add-and-raise is two changes
            # what shares the domain whole (one cluster, one account): a second of it on a second one,
            # in a redundancy group with it that its callers and journeys go through
            moves += [Change("add-alternative", {"component": cid, "shared_domains": [
                          sib if d == subject else d for d in review.components[cid].shared_domains]})
                      for cid in whole if subject in review.components[cid].shared_domains]
            for ch in moves:
                ch.reason = rid
                if dom.kind in ("region", "provider"):
                    ch.effort = "large"
            if moves:
                alts.append(_Bundle(pre + moves))
        elif kind in ("slo:component", "slo:journey"):
            av = next((x for x in analysis["availability"]
                       if f"slo:{x['target_type']}:{x['target']}" == rid), None)
            consumers = [tc["element"] for tc in (av or {}).get("top_consumers", [])
                         if tc["type"] == "component" and tc["element"] in review.components
                         and tc["element"] != subject]
            # the calls on the way to the largest consumers of the error budget get a fallback
            # (down becomes degraded), or each consumer gets an independent second
            fallbacks = [Change("add-fallback", {"dependency": d.id,
                                                 "fallback": f"degraded mode without {d.target} (cached or default answer)"},
                                reason=rid)
                         for d in sorted(review.dependencies.values(), key=lambda d: d.id)
                         if d.target in consumers and d.kind == DependencyKind.HARD.value and not d.fallback
                         and not _writes_to(review, d, hard_calls)]
            if fallbacks:
                alts.append(_Bundle(fallbacks))
            if consumers:
                alts.append(_Bundle(Change("add-alternative", {"component": c}, reason=rid) for c in consumers))
        elif kind == "cascade:no-timeout" and subject in review.components:
            for d in sorted(review.dependencies.values(), key=lambda d: d.id):
                if d.source == subject and d.kind != DependencyKind.ASYNC.value and \
                        (d.timeout_ms is None or not d.circuit_breaker):
                    args = {"dependency": d.id, "circuit_breaker": True}
                    if d.timeout_ms is None:
                        args["timeout_ms"] = 1000
                    alts.append(Change("set-call", args, reason=rid))
            alts = [_Bundle(alts)] if alts else []
        elif kind == "cascade:retries" and subject in review.components:
            for d in sorted(review.dependencies.values(), key=lambda d: d.id):
                if d.source == subject and (d.retries or 0) > 0 and not (d.backoff and d.retry_budget):
                    alts.append(Change("set-call", {"dependency": d.id, "backoff": True, "retry_budget": True},
                                       reason=rid))
            alts = [_Bundle(alts)] if alts else []
        if alts:
            for ch in (c for alt in alts for c in _flatten(alt)):
                # who does the work: the owner of the component it changes, of the caller whose code a
                # call's fallback or settings are in; else who the analysis names for the fix
                # a new shared domain (a second cluster, region) is nobody's component: no team is named
                # for it (the review records no owner of the whole), rather than the team of one component
                if ch.op != "add-domain":
                    ch.owner = ch.owner or _doer(review, ch) or r.get("owner", "")
            out.append((rid, alts))
    not_met = _checklist_blockers(analysis)
    for item in not_met + [i for i in _unanswered_blockers(review, analysis) if i not in not_met]:
        # doing an item answered not met is work; one unanswered may only need its evidence found
        out.append((f"checklist:{item}", [Change("answer", {"item": item, "status": AnswerStatus.MET.value},
                                                 effort="medium" if item in not_met else "small",
                                                 reason=f"checklist:{item}")]))
    return out


#: Components whose callers store what they send: a cached or default answer does not stand in for them.
_WRITTEN_TO = ("datastore", "queue")


def _writes_to(review: Review, d: Dependency, calls: dict[str, list[str]]) -> bool:
    """The call stores something (its target is a datastore or a queue), or its target is the caller's only
    way to any store (every datastore and queue the caller reaches over hard calls is behind it: the
    caller's whole backend, a web front's call to its API): "a cached or default answer" is no fallback
    for it, only a way to make an SLO attainable on paper (a plan gave web->api a fallback and printed the
    checkout journey at 99.99998 %, served by a web pod with the API, the database and the payment
    provider down). ``calls``: :func:`_hard_calls` of the review."""
    t = review.components.get(d.target)
    if t is not None and t.kind in _WRITTEN_TO:
        return True
    return bool(_stores_reached(review, calls, d.target, None)) and \
        not _stores_reached(review, calls, d.source, d.target)


def _hard_calls(review: Review) -> dict[str, list[str]]:
    """Each element's hard calls' targets (a component's or a redundancy group's id)."""
    calls: dict[str, list[str]] = {}
    for d in review.dependencies.values():
        if d.kind == DependencyKind.HARD.value:
            calls.setdefault(d.source, []).append(d.target)
    return calls


def _stores_reached(review: Review, calls: dict[str, list[str]], start: str, avoid: str | None) -> set[str]:
    """The datastores and queues ``start`` reaches over hard calls (a redundancy group's members included),
    without passing through ``avoid``."""
    comps, groups = review.components, review.groups
    seen, todo, stores = {start}, [start], set()
    while todo:
        x = todo.pop()
        for y in [*calls.get(x, ()), *(groups[x].members if x in groups else ())]:
            if y == avoid or y in seen:
                continue
            seen.add(y)
            if y in comps and comps[y].kind in _WRITTEN_TO:
                stores.add(y)
            todo.append(y)
    return stores


def _doer(review: Review, ch: Change) -> str:
    """The owner of what ``ch`` changes: the component it adds to or spreads, or the caller of the
    dependency it gives a fallback or call settings (the team whose code makes the call); "" if none."""
    a = ch.args
    if ch.op in ("add-replica", "spread", "add-alternative", "add-group-member"):
        comp = review.components.get(a.get("component", ""))
    elif ch.op in ("add-fallback", "set-call"):
        dep = review.dependencies.get(a.get("dependency", ""))
        comp = review.components.get(dep.source) if dep is not None else None
    else:
        comp = None
    return comp.owner if comp is not None and comp.owner else ""


def _unanswered_blockers(review: Review, analysis: dict) -> list[str]:
    """Keys of the required blocker items nobody answered (the analysis only counts them)."""
    if not (analysis["verdict"].get("checklist_unanswered_blockers")
            or (analysis.get("checklist") or {}).get("unanswered_blockers")):
        return []
    from prr_app.checklist.evaluate import evaluate

    try:
        return [it.key for it in evaluate(review).unanswered_blockers]
    except Exception:  # a broken checklist: the analysis says so, and its blockers are not counted
        return []


class _Bundle(list):
    """Changes that only work together (spread several components off a domain): one alternative."""

    @property
    def weight(self) -> int:
        return sum(c.weight for c in self)


def _weight(alt) -> int:
    return alt.weight


def _checklist_blockers(analysis: dict) -> list[str]:
    cl = analysis.get("checklist") or {}
    return [x.split(": ", 1)[0] for x in cl.get("blocking_items", [])]


def _flatten(alts) -> list[Change]:
    return list(alts) if isinstance(alts, _Bundle) else [alts]


def suggested_plan(review: Review, analysis: dict, *, name: str = "suggested", blocking_only: bool = False) -> Plan:
    """Every risk's cheapest suggested change, in one plan (the product's suggestions in one step)."""
    seen: set = set()
    changes: list[Change] = []
    for rid, alts in suggest(review, analysis, blocking_only=blocking_only):
        best = min(alts, key=_weight)
        for ch in _flatten(best):
            if ch.key() not in seen:
                seen.add(ch.key())
                changes.append(ch)
    return Plan(name=name, changes=_ordered(changes, review),
                description="the product's suggested change for each open risk, cheapest first")


def _merged_domains(mine, theirs, base):
    """One second's ``shared_domains`` when two suggestions each move it off one shared domain (a
    cluster, an account): both moves, each made on ``base`` (the component's own list). The second
    list alone kept the first's domain: the second of auth-svc left feature-flags but stayed in the
    cluster k8s-eu whose loss it was for, and the cluster stayed a single point of failure."""
    if not (isinstance(mine, list) and isinstance(theirs, list) and isinstance(base, list)
            and len(mine) == len(theirs) == len(base)):
        return theirs if theirs is not None else mine
    return [t if t != b else m for m, t, b in zip(mine, theirs, base)]


def _ordered(changes: list[Change], review: Review | None = None) -> list[Change]:
    """Domains first (others refer to them), then in the order given; one second per component.

    Two suggestions may both ask for an independent second of one component (for an SLO, and
    to leave a shared cluster): they become one change, with the arguments of both; two moves
    off shared domains are both kept (``review``: the review the suggestions were made on).
    """
    out: list[Change] = []
    alt: dict[str, Change] = {}
    for c in changes:
        if c.op == "add-alternative":
            first = alt.get(c.args["component"])
            if first is not None:
                args = {**first.args, **{k: v for k, v in c.args.items() if v is not None}}
                comp = review.components.get(c.args["component"]) if review is not None else None
                if comp is not None and "shared_domains" in first.args and "shared_domains" in c.args:
                    args["shared_domains"] = _merged_domains(first.args["shared_domains"], c.args["shared_domains"],
                                                             list(comp.shared_domains))
                merged = Change(first.op, args,
                                mitigations=list(dict.fromkeys(first.mitigations + c.mitigations)),
                                effort=first.effort, owner=first.owner or c.owner, due=first.due or c.due,
                                reason="; ".join(x for x in dict.fromkeys((first.reason, c.reason)) if x))
                out[out.index(first)] = merged
                alt[c.args["component"]] = merged
                continue
            alt[c.args["component"]] = c
        out.append(c)
    return [c for c in out if c.op == "add-domain"] + [c for c in out if c.op != "add-domain"]


GOOD_VERDICTS = ("ready", "ready-with-conditions")


def shortest_path_to_ready(review: Review, *, seed: int = 0, today: str | None = None, max_rounds: int = 6,
                           before: dict | None = None) -> dict:
    """The smallest set of suggested changes, by effort, that turns the verdict to ready or ready with conditions.

    The search, greedy and stated as such:

    1. take the cheapest suggested change for every launch-blocking risk, open high risk
       without a plan and blocker checklist item (not met or unanswered);
    2. analyse the review with them; for each of those still open, move its risk to its next
       alternative (cheapest first), and add changes for what appeared (a new component's own
       SPOFs, an SLO that was folded into a fixed SPOF); repeat until nothing is left or no
       alternative is (at most ``max_rounds`` rounds);
    3. reverse deletion: try dropping each change, most expensive first, and keep it dropped
       if the verdict stays ready (or ready with conditions).

    The result is minimal (no single change can be dropped) but not guaranteed minimum: an
    exact search is exponential in the number of candidates. Each step is one analysis of the
    whole review, as ``prr analyze`` runs it. What no suggestion can clear is listed in
    ``needs_decision`` with the reason (:func:`needs_decision`).
    """
    from prr_app.review.assess import assess as analyze  # the checklist counts, as in prr analyze

    today = today or _dt.date.today().isoformat()
    if before is None:
        before = analyze(review, seed=seed, today=today).to_dict()
    analyses = 1
    checklist = None  # the review's checklist, evaluated once for every plan tried

    def run(changes: list[Change]) -> tuple[Review | None, dict, list[Change]]:
        """The review and its analysis with these changes, and the changes that applied: a change that
        only applied with one the search dropped or escalated (an answer to an item of a group an
        add-alternative made) is left out, so the plan the search returns always applies."""
        nonlocal analyses
        analyses += 1
        nonlocal checklist
        changes = _ordered(changes, review)
        if checklist is None:
            checklist = _checklist_of(review)
        try:
            applied = apply_plan(review, Plan("search", changes), checklist=checklist, explain=False)
        except PrrError:
            changes, _ = applicable(review, Plan("search", changes), checklist=checklist, explain=False)
            try:
                applied = apply_plan(review, Plan("search", changes), checklist=checklist, explain=False)
            except PrrError:  # each applies after the others, yet not all together: nothing to show
                return None, {}, []
        return applied, analyze(applied, seed=seed, today=today).to_dict(), changes

    def ok(a: dict) -> bool:
        return bool(a) and a["verdict"]["verdict"] in GOOD_VERDICTS

    if ok(before):
        return _path_result(review, review, [], before, before, analyses, reached=True, rounds=0)
    choice: dict[str, int] = {}
    options: dict[str, list] = {}

    def pick(r: Review, a: dict):
        for rid, alts in suggest(r, a, blocking_only=True):
            if rid not in options:
                options[rid] = sorted(alts, key=_weight)
                choice[rid] = 0

    def current() -> list[Change]:
        seen: set = set()
        out = []
        for rid in options:
            if choice[rid] >= len(options[rid]):
                continue
            for ch in _flatten(options[rid][choice[rid]]):
                if ch.key() not in seen:
                    seen.add(ch.key())
                    out.append(ch)
        return out

    pick(review, before)
    applied, after, changes = run(current())
    rounds = 1
    while not ok(after) and rounds < max_rounds and after:
        open_blockers = _blockers(applied, after)
        moved = False
        for rid in open_blockers:
            if rid in choice and choice[rid] + 1 < len(options[rid]):
                choice[rid] += 1
                moved = True
        n_before = len(options)
        pick(applied, after)  # blockers on what the changes added, or unfolded by them
        if not moved and len(options) == n_before:
            break
        applied, after, changes = run(current())
        rounds += 1
    if not ok(after):
        # out of reach: keep what clears blockers; drop the changes that clear no more of them (their
        # every risk stayed a blocker, or what they clear another change clears too)
        if after:
            left = _blockers(applied, after)
            trial = [c for c in changes if not set(c.reason.split("; ")) <= left]
            if len(trial) < len(changes):
                r2, a, kept = run(trial)
                if a and _blockers(r2, a) <= left:
                    changes, applied, after = kept, r2, a
            # what an independent second of a component already fixes, a replica of it or a fallback on
            # calls to it fixes again: dropped together, in one analysis, when no blocker comes back
            seconds = {c.args.get("component") for c in changes if c.op == "add-alternative"}
            trial = [c for c in changes
                     if not (c.op == "add-replica" and c.args.get("component") in seconds)
                     and not (c.op == "add-fallback" and str(c.args.get("dependency", "")).split("->")[-1] in seconds)]
            if len(trial) < len(changes):
                r2, a, kept = run(trial)
                if a and _blockers(r2, a) <= _blockers(applied, after):
                    changes, applied, after = kept, r2, a
            changes, applied, after, untried = _reverse_delete(
                changes, applied, after, run, lambda r2, a, cur=None: bool(a) and _blockers(r2, a) <= cur,
                by_risk=True, tries=out_of_reach_tries(review))
        else:
            untried = 0
        return _path_result(review, applied, changes, before, after, analyses, reached=False, rounds=rounds,
                            untried=untried)
    changes, applied, after, _ = _reverse_delete(changes, applied, after, run, lambda r2, a, cur=None: ok(a))
    return _path_result(review, applied, changes, before, after, analyses, reached=True, rounds=rounds)


#: When ready is out of reach, how many drops the reverse deletion tries, as a budget of components
#: and dependencies analysed: each try is a whole analysis (~1 s on the platform example's 181
#: elements, whose 178 tries took 170 s, 4 now; 40 ms on Online Boutique's 30, 20 tries). The most expensive changes
#: are tried first; the result says how many were not tried. Counted, not timed: the same plan on
#: any machine.
OUT_OF_REACH_BUDGET = 600


def out_of_reach_tries(review: Review) -> int:
    return max(4, OUT_OF_REACH_BUDGET // max(1, len(review.components) + len(review.dependencies)))


def _reverse_delete(changes, applied, after, run, good, *, by_risk: bool = False, tries: int | None = None):
    """Reverse deletion: each change, most expensive first (domains last: other changes may use them),
    is dropped if ``good(review, analysis, cur=blockers now)`` still holds without it, with the changes
    that only applied with it. ``by_risk``: first try dropping what was chosen for one risk at once
    (the changes with the same reason), then change by change. ``tries``: at most so many drops tried;
    also returns how many changes were left untried."""
    cur = _blockers(applied, after) if after else set()
    left = [tries]

    def attempt(drop) -> bool:
        nonlocal changes, applied, after, cur
        trial = [c for c in changes if not any(c is d for d in drop)]
        if len(trial) == len(changes):
            return False
        if left[0] is not None:
            if left[0] <= 0:
                return False
            left[0] -= 1
        r2, a, kept = run(trial)
        if a and good(r2, a, cur=cur):
            changes, applied, after = kept, r2, a
            cur = _blockers(applied, after)
            return True
        return False

    if by_risk:
        units: dict[str, list[Change]] = {}
        for c in changes:
            units.setdefault(c.reason, []).append(c)
        for unit in sorted((u for u in units.values() if len(u) > 1),
                           key=lambda u: (any(c.op == "add-domain" for c in u), -sum(c.weight for c in u))):
            attempt([c for c in unit if any(c is x for x in changes)])
    untried = 0
    for ch in sorted(changes, key=lambda c: (c.op == "add-domain", -c.weight)):
        if any(ch is c for c in changes):  # else left out with one dropped before it
            if left[0] is not None and left[0] <= 0:
                untried += 1
                continue
            attempt([ch])
    return changes, applied, after, untried


def _blockers(review: Review | None, a: dict) -> set[str]:
    """What keeps ``a``'s verdict from ready with conditions, as the search names it."""
    items = _checklist_blockers(a) + (_unanswered_blockers(review, a) if review is not None else [])
    return _targets(a) | {f"checklist:{i}" for i in items}


def needs_decision(review: Review, analysis: dict, blockers) -> dict[str, str]:
    """Why no suggested change clears each of ``blockers``: a decision only people can take."""
    risks = {r["id"]: r for r in analysis.get("risks", [])}
    out = {}
    for rid in sorted(blockers):
        r = risks.get(rid)
        kind, subject = risk_kind(rid)
        if r is not None and r.get("origin") == "manual":
            why = "a reviewer's own risk: mitigate it, or accept it with a reason"
        elif kind == "spof:component":
            why = (f"neither a fallback in its callers nor an independent second {subject} in a redundancy group "
                   "cleared it in the search (something they share still fails with it): fix that first, accept "
                   "the risk with a reason, or state a policy that does not require surviving component failures")
        elif kind.startswith("slo:"):
            why = "the SLO is above what its parts can give even with the suggested changes: lower it, or " \
                  "raise a part's availability"
        elif rid == "slo:missing":
            why = "agree on an SLO and record it"
        elif kind == "spof:domain":
            why = ("moving replicas off it and running a second of what shares it whole on a second one did "
                   "not clear it in the search: accept the risk with a reason, or run the service on a second "
                   f"{(review.domains[subject].kind if subject in review.domains else 'domain')} by hand")
        elif r is not None and not r.get("launch_blocking"):
            why = "a high risk without a plan: give it an owner and a mitigation with a due date, or fix it"
        else:
            why = "no suggested change clears it"
        out[rid] = why
    return out


def _path_result(review, applied, changes, before, after, analyses, *, reached, rounds, untried=0) -> dict:
    left = [] if reached or not after else sorted(_blockers(applied, after))
    n0 = len(_blockers(review, before))
    if reached:
        desc = ("the smallest set of suggested changes found (greedy, then reverse deletion) that turns the "
                "verdict to ready or ready with conditions" if changes else "nothing to change: the verdict is "
                f"already {before['verdict']['verdict']}")
        method = ("greedy: cheapest suggested change per launch blocker, escalated to the next alternative while "
                  "blockers remain, then reverse deletion (minimal: no change can be dropped and stay ready; "
                  "not guaranteed minimum)")
    else:
        desc = (f"ready is NOT reached with the suggested changes: the changes found (greedy, then reverse "
                f"deletion) clear {max(n0 - len(left), 0)} of {n0} blockers; {len(left)} remain and need a decision")
        method = ("greedy: cheapest suggested change per launch blocker, escalated to the next alternative while "
                  "blockers remain, then reverse deletion (" + (
                      "no change can be dropped without a blocker coming back; not guaranteed minimum)" if not untried
                      # the tries go first to what was chosen for one risk together: all of them can, and leave
                      # every change kept untried on its own ("191 change(s)" then "191 cheaper change(s) not
                      # tried" read as a contradiction)
                      else f"ready being out of reach, stopped after {out_of_reach_tries(review)} tries, the most expensive "
                           f"first, what was chosen for one risk together before single changes: {untried} of the "
                           f"{len(changes)} change(s) kept not tried on their own, some of them may clear nothing)"))
    plan = Plan("shortest-path-to-ready", _ordered(changes, review), description=desc)
    return {
        "plan": plan, "reached": reached,
        "method": method,
        "analyses": analyses, "rounds": rounds,
        "verdict_before": before["verdict"]["verdict"],
        "verdict_after": after["verdict"]["verdict"] if after else None,
        "remaining_blockers": left,
        "needs_decision": needs_decision(applied if applied is not None else review, after, left) if left else {},
    }


# ------------------------------------------------------------------ text
def _came_apart(rows: list[dict]) -> dict[str, list[dict]]:
    """The risks of a result that came apart (``split``, :func:`compare_analyses`: gone from the register
    with the plan, not resolved) -> the rows of their parts, each "separated" with ``was_in`` it."""
    gone = {r["id"] for r in rows if r["after"] is None and r["before"] is not None and r["outcome"] != "resolved"}
    out: dict[str, list[dict]] = {}
    for r in rows:
        if r.get("was_in") in gone and r["after"] is not None:
            out.setdefault(r["was_in"], []).append(r)
    return out


def groups_of(changes: list[Change]) -> list[dict]:
    """Changes by root cause, as :func:`change_groups` gives a result's (the app's plan list)."""
    from prr_app.reporting.changes import group_changes

    return group_changes([c.to_dict() for c in changes], [c.describe() for c in changes])


def change_groups(res: dict) -> list[dict]:
    """The result's changes by root cause (``reporting.changes.group_changes``): one group per risk they
    are for, each with the indexes of its changes into ``res["changes"]``."""
    from prr_app.reporting.changes import group_changes

    return group_changes(res["plan"]["changes"], [c["change"] for c in res["changes"]])


def plan_lines(res: dict, *, label: str = "", every_change: bool = False) -> list[str]:
    """The plan's result as text: changes, verdict today vs with the plan, initial vs residual risk.

    The changes come one line per root cause (what one risk needs: "run an independent second of 25
    components in cluster k8s-eu-2: ..."), a group of one change in that change's own line;
    ``every_change``: one line per change, as ``--json`` lists them."""
    from prr_app.reporting.changes import group_line

    b, a = res["before"], res["after"]
    e = res["effort"]
    name = res["plan"]["name"]
    groups = [] if every_change else change_groups(res)
    grouped = bool(groups) and len(groups) < len(res["changes"])
    out = [f"Plan {name}" + (f" for {label}" if label else "") + f": {len(res['changes'])} change(s)"
           + (f" for {len(groups)} root causes" if grouped else "") + ", effort "
           f"{e['small']} small, {e['medium']} medium, {e['large']} large (weight {e['weight']})"]
    if res.get("search"):
        s = res["search"]
        out.append(f"  search: {s['method']}; {s['analyses']} analyses"
                   + ("" if s["reached"] else "; ready NOT reached with the suggested changes"))
        for rid, why in (s.get("needs_decision") or {}).items():
            out.append(f"  needs a decision: {rid}: {why}")
    def one(c: dict) -> str:
        due = c["due"] and f"due {c['due']}" + (", OVERDUE: already past" if c.get("overdue") else "")
        # the mitigation a complete-mitigation completes is in its words already
        mits = [m for m in c["mitigations"] if c["change"] != f"complete mitigation {m}"]
        extra = [x for x in (c["owner"] and f"owner {c['owner']}", due, mits and "implements " + ", ".join(mits),
                             c["reason"] and f"for {c['reason']}") if x]
        return f"[{c['effort']:6}] {c['change']}" + (f"  ({'; '.join(extra)})" if extra else "")

    if grouped:
        from prr_app.reporting.changes import group_effort_level

        for i, g in enumerate(groups, 1):
            if len(g["changes"]) == 1 and not g["with"]:
                out.append(f"  {i:>3}. {one(res['changes'][g['changes'][0]])}")
            else:
                late = [res["changes"][j]["change"] for j in g["changes"] if res["changes"][j].get("overdue")]
                out.append(f"  {i:>3}. [{group_effort_level(g):6}] {group_line(g)}"
                           + (f"  (OVERDUE, already past its due date: {'; '.join(late)})" if late else ""))
        out.append("       (one line per root cause: --every-change or --json lists each change)")
    else:
        for i, c in enumerate(res["changes"], 1):
            out.append(f"  {i:>3}. {one(c)}")
    if res["owners"]:
        out.append(f"  owners: {', '.join(res['owners'])}")
    out += ["", f"VERDICT: {b['verdict']} today -> {a['verdict']} with the plan"]
    out += [f"  - {r}" for r in a["reasons"]]
    def by_sev(x):
        return ", ".join(f"{x['by_severity'][s]} {s}" for s in ("critical", "high", "medium", "low"))

    out += ["", f"launch blockers: {len(b['launch_blockers'])} -> {len(a['launch_blockers'])}; "
            f"checklist blocker items not met: {b['checklist_blockers']} -> {a['checklist_blockers']}, "
            f"unanswered: {b.get('checklist_unanswered_blockers', 0)} -> {a.get('checklist_unanswered_blockers', 0)}",
            f"risks: {b['risks']} ({by_sev(b)}) -> {a['risks']} ({by_sev(a)}); "
            f"open risk score {b['risk_score']} -> {a['risk_score']}"]
    parts = _came_apart(res["risks"])
    if parts:
        listed = sum(1 for r in res["risks"] if r["after"] is not None)
        out.append("  counted by root cause, as today: with the plan "
                   + "; ".join(f"{rid} is listed as {len(p)} risks of their own" for rid, p in parts.items())
                   + " (the findings it held), each root cause counted once at its worst; "
                   f"the register with the plan lists {listed} risks")
    out += ["", "RISKS (initial -> residual)"]

    def st(x):
        if x is None:
            return "-"
        return f"{x['severity']} {x['likelihood']}x{x['impact']}={x['score']}" + (" BLOCKING" if x["launch_blocking"] else "")

    order = {"new": 0, "worse": 1, "separated": 2, "unchanged": 3, "reduced": 4, "mitigated": 5, "resolved": 6}
    for r in sorted(res["risks"], key=lambda r: order[r["outcome"]]):
        was = f" (was part of {r['was_in']})" if r.get("was_in") else ""
        if r["id"] in parts:  # came apart: what stands of it is its parts, rows of their own
            p = parts[r["id"]]
            worst = max((x["after"] for x in p), key=lambda x: (x["status"] == "open", x["score"]))
            out.append(f"  {r['outcome']:9} {r['id']}: {st(r['before'])} -> {len(p)} risks of their own, the "
                       f"worst {st(worst)}")
            continue
        out.append(f"  {r['outcome']:9} {r['id']}: {st(r['before'])} -> {st(r['after'])}{was}")
    changed_av = [x for x in res["availability"] if x["before"] != x["after"]]
    if changed_av:
        out += ["", "AVAILABILITY (ceiling by design)"]
        state = {True: "ok", False: "NOT attainable", None: "not judged"}
        for x in changed_av:
            bb, aa = x["before"], x["after"]
            fmt = (lambda v: "-" if v is None else f"{ceiling_text(v['estimate'], x['slo'])} % ({state[v['attainable']]})")
            slo = "no SLO" if x["slo"] is None else f"SLO {stated(x['slo'])} %"
            out.append(f"  {x['target_type']} {x['target']}: {fmt(bb)} -> {fmt(aa)}, {slo}")
    return out
