"""Counted nouns in English, for every face that prints a number of things ("1 journey", "3 journeys")."""
from __future__ import annotations


def count(n: int, one: str, many: str | None = None) -> str:
    """``n`` and the noun: ``one`` for 1, else ``many`` (``one`` + "s" when not given)."""
    return f"{n} {one if n == 1 else (many or one + 's')}"


def listed(names, limit: int, total: int | None = None) -> str:
    """The first ``limit`` of ``names`` and how many more: "a, b, c and 97 more". ``total``: how
    many there are when ``names`` holds only the first of them (the analysis lists a few, with the
    true count)."""
    shown = list(names[:limit])
    more = (len(names) if total is None else total) - len(shown)
    return ", ".join(shown) + (f" and {more} more" if more > 0 else "")


def open_blockers(verdict: dict) -> tuple[int, int, int]:
    """The launch blockers a verdict counts: ``(risks, checklist items not met, checklist items
    unanswered)``. An unanswered blocker item counts as not met (docs/analysis.md, the verdict)."""
    return (len(verdict.get("launch_blockers") or ()), int(verdict.get("checklist_blockers") or 0),
            int(verdict.get("checklist_unanswered_blockers") or 0))


def launch_blockers(verdict: dict, partly: int | None = None) -> str:
    """The one way every face says how many launch blockers are open, and of what kind:
    "26 launch blockers open: 14 risks, 2 checklist items not met in full (the 2 not met are answered
    partly), 10 unanswered" (not met in full: answered not met, or partly, which a reader of "not met"
    alone took for a reviewer's "no"). The note on the items answered partly follows the count it is
    about: after "10 unanswered" it read as if the unanswered items were answered partly.

    ``partly``: how many of the items not met are answered partly; by default the verdict's own
    figure (``checklist_partly_blockers``, from the checklist's figures), none when it has none."""
    risks, not_met, unanswered = open_blockers(verdict)
    if partly is None:
        partly = int(verdict.get("checklist_partly_blockers") or 0)
    total = risks + not_met + unanswered
    if not total:
        return "no launch blocker open"
    parts = [count(risks, "risk")] if risks else []
    if not_met:
        parts.append(f"{count(not_met, 'checklist item')} not met in full" + partly_note(not_met, partly))
    if unanswered:
        parts.append(f"{unanswered} unanswered" if not_met else f"{count(unanswered, 'checklist item')} unanswered")
    return f"{count(total, 'launch blocker')} open: " + ", ".join(parts)


def partly_note(not_met: int, partly: int) -> str:
    """What follows a count of checklist items not met when some are answered partly: " (the 2 not
    met are answered partly)", " (1 of the 3 not met is answered partly)"; "" when none is."""
    partly = min(partly, not_met)
    if partly <= 0:
        return ""
    verb = "is" if partly == 1 else "are"
    if partly == not_met:
        return f" (the {not_met} not met {verb} answered partly)"
    return f" ({partly} of the {not_met} not met {verb} answered partly)"


def acceptance_mark(risk) -> str:
    """How a list of single points of failure marks one by its risk (the report's section 2 and
    ``prr analyze``'s summary, one wording): "launch blocker" (with why an acceptance does not stop it:
    "launch blocker: accepted only until 2027-01-05, before launch"), :func:`still_found`'s words (marked
    mitigated or closed while the analysis still finds it), "accepted" (an acceptance that holds at
    the target launch), "acceptance expired", "accepted only until 2026-12-01, before launch" (an
    acceptance that does not count), or "" (open, not blocking). ``risk``: a risk of the register
    (a dict or a :class:`~prr_app.analysis.risks.Risk`), or None."""
    if not risk:
        return ""
    if risk.get("launch_blocking"):
        # an acceptance that ends before launch is why it still blocks: said, not left to section 6 (an
        # expired one is said in the register's status, "open (acceptance expired on ...)")
        acc = risk.get("accepted")
        if acc and risk.get("acceptance_before_launch") and not risk.get("acceptance_expired"):
            return "launch blocker: accepted only until " + str(acc.get("until")) + ", before launch"
        found = still_found(risk)
        if found:  # marked done while the analysis still finds it: it blocks, and the mark is said
            return "launch blocker: " + found.removeprefix("mitigated: ")
        return "launch blocker"
    found = still_found(risk)
    if found:  # not blocking only because a reviewer said it was dealt with: never an unmarked row
        return found
    acc = risk.get("accepted")
    if not acc:
        return ""
    if risk.get("acceptance_expired"):
        return "acceptance expired"
    if risk.get("acceptance_before_launch"):
        return "accepted only until " + str(acc.get("until")) + ", before launch"
    return "accepted"


def still_found(risk) -> str:
    """What a computed risk marked mitigated (a mitigation of it set done) or closed says while the
    analysis still finds it, "" otherwise: "mitigated: mitigation “Run 3 replicas” marked done, but the
    analysis still finds it: update the model or reopen". A computed risk is in the register only while
    its finding is: a mitigation set done without the model changing (still one replica) is a claim
    the review contradicts, and the risk blocks launch all the same where its rule says it does (the
    verdict, ``prr gate``, the report's section 2, its register, the cover's "not fixed" and the CSV
    say why). ``risk``: a dict of the register or a :class:`~prr_app.analysis.risks.Risk`."""
    if not risk or risk.get("origin") != "computed":
        return ""
    status = risk.get("status")
    if status == "mitigated":
        done = [m.get("title") or m.get("id") or "" for m in risk.get("mitigations") or () if m.get("status") == "done"]
        which = (f"mitigation{'s' if len(done) != 1 else ''} " + ", ".join(f"“{t}”" for t in done)) if done else "a mitigation"
        return f"mitigated: {which} marked done, but the analysis still finds it: update the model or reopen"
    if status == "closed":
        return "closed, but the analysis still finds it: update the model or reopen"
    return ""


def risk_decision_text(h) -> str:
    """One decision of a risk's trail (a :class:`~prr_app.model.entities.RiskChange`) in words, without
    its time and who made it (the report prints those in columns of their own): "reopened it: VP wants
    shipping fixed; it took back the acceptance by Ana Ruiz until 2027-02-28: retry", "accepted it until
    2027-06-30: agreed". ``prr risk list``'s trail and the app's Risks tab say each entry so too
    (``review.risk_decisions.change_text``, with its time and who)."""
    why = f": {h.reason}" if h.reason else ""
    if h.decision == "accept":
        text = f"accepted it{f' until {h.until}' if h.until else ''}{why}"
        return text + (f"; it replaced {h.replaced}" if h.replaced else "")
    if h.decision == "reopen":
        return f"reopened it{why}" + (f"; it took back {h.replaced}" if h.replaced else "")
    if h.decision == "owner":
        return (f"set the owner to {h.value}" if h.value else "cleared the owner") + (
            f" (was {h.replaced})" if h.replaced else "")
    if h.decision == "override":
        return f"overrode the score ({h.value}){why}" + (f"; it replaced the override {h.replaced}" if h.replaced else "")
    if h.decision == "blocking":
        text = {"yes": "marked it launch-blocking", "no": "marked it not launch-blocking",
                "rules": "left launch blocking to the rules"}.get(h.value, f"launch blocking: {h.value}") + why
        return text + (f" (was {h.replaced})" if h.replaced else "")
    return f"{h.decision} {h.value}".strip() + why


#: a resilience policy's fields in words (a diff's policy rows)
POLICY_WORDS = {"survive": "must be survived", "rto_minutes": "RTO", "rpo_minutes": "RPO"}


def policy_change(p: dict, value, arrow: str = "->") -> str:
    """One policy row of a diff in words, its values written by ``value``: ``must be survived yes ->
    no``, ``RTO (none) -> 30 min``."""
    unit = "" if p["field"] == "survive" else " min"
    old = value(p["old"]) + (unit if p["old"] is not None else "")
    new = value(p["new"]) + (unit if p["new"] is not None else "")
    return f"{POLICY_WORDS.get(p['field'], p['field'])} {old} {arrow} {new}"


def answer_state(s: dict) -> str:
    """A checklist answer's status, with its owner and due date when set: ``met (owner ann, due 2026-07-01)``."""
    extra = [x for x in (s.get("owner") and f"owner {s['owner']}", s.get("due") and f"due {s['due']}") if x]
    return s["status"] + (f" ({', '.join(extra)})" if extra else "")


def launch_blockers_answered(verdict: dict, partly: int) -> str:
    """:func:`launch_blockers` with ``partly`` (how many of the blocker items it counts as not met are
    answered partly) given by the caller rather than read from the verdict."""
    return launch_blockers(verdict, partly)


def ceiling_text(estimate: float, slo: float | None) -> str:
    """An availability ceiling to 4 decimals, or to as many more as it takes for the figure shown to
    fall on the same side of the SLO as the true one: 99.89996 against an SLO of 99.9 is shown
    99.89996, not 99.9000 beside a "NO" that the figure seems to contradict; and a ceiling below 100 is
    never shown as 100 (99.999975 is 99.99998)."""
    text = f"{estimate:.4f}"
    for places in range(5, 13):
        # the same side of the SLO as the true figure, and never 100 for what can fail (99.999975 read
        # "100.0000 % (ok)" after a plan, as if nothing could take the journey down)
        if (slo is None or (float(text) >= slo) == (estimate >= slo)) and (float(text) < 100 or estimate >= 100):
            break
        text = f"{estimate:.{places}f}"
    return text


def risk_owner(r, none: str = "") -> str:
    """A risk's owner and where it comes from, in every face (the app's register, ``prr risk list``, the
    report; the CSV has them in two columns): the owner set on the risk as it is, else a mitigation's
    owner ("ann (mitigation)"), else the owner of the component the fix is on ("team-a (owner of
    cart-db)"), so nobody takes a mitigation's or a component's owner for one the risk was given;
    ``none`` when it has none."""
    owner = r.get("owner") or ""
    if not owner:
        return none
    src = r.get("owner_source") or ""
    return f"{owner} ({src})" if src and src != "reviewer" else owner


def score_text(score: float) -> str:
    """A checklist score as every face prints it: one decimal ("0.3 %", not "0 %", which reads as
    nothing done)."""
    return f"{score:.1f} %"


def stated(x: float) -> str:
    """A figure a reviewer stated (an SLO, an RTO, an availability), printed as stated: twelve
    significant digits, no trailing zeros ("99.99999", where ":g" keeps six and prints "100")."""
    return f"{x:.12g}"


def domain_kind_noun(kind: str) -> str:
    """A failure domain's kind as a noun in running text: the kind ("zone", "cluster"), or "failure
    domain" for the kind ``other``, which names no thing ("a second other", "an other failure" read as
    typing errors)."""
    return "failure domain" if kind == "other" else kind


def with_article(noun: str) -> str:
    """``noun`` after its indefinite article: "a zone", "an account", "a failure domain"."""
    return ("an " if noun[:1].lower() in "aeiou" else "a ") + noun


def domain_failure(kind: str, one: bool = False) -> str:
    """The failure of a failure domain of ``kind`` in running text: "a zone failure", "an account
    failure" (``one``: "one zone failure"); for the kind ``other`` "a failure of a failure domain"
    ("the failure of one failure domain")."""
    if kind == "other":
        return "the failure of one failure domain" if one else "a failure of a failure domain"
    return f"one {kind} failure" if one else with_article(f"{kind} failure")


def domain_name(kind: str, did: str) -> str:
    """A failure domain in running text: its kind and id ("cluster k8s-eu", "zone eu-central-1a"), or its
    id alone where the id already says its kind ("cluster", "docker-host", "zone-a"): an import names its
    one cluster "cluster", and "cluster cluster is a single point of failure" read as a typing error. A
    domain of kind ``other`` is a "failure domain" (:func:`domain_kind_noun`): "failure domain amazon-rds"."""
    if kind == "other":
        return f"failure domain {did}"
    words = did.lower().replace("_", "-").replace(".", "-").split("-")
    return did if kind.lower() in words else f"{kind} {did}"


def due_warning(due: str | None, today: str, target_launch: str | None = None) -> str | None:
    """What a due date just set says of itself, or None: in the past (the work is already late), or
    after the target launch (what it fixes is still open at launch). ISO dates compare as text."""
    if not due:
        return None
    if due < today:
        return f"due {due} is in the past (today is {today}): the work is already late"
    if target_launch and due > target_launch:
        return f"due {due} is after the target launch on {target_launch}: what it fixes is still open at launch"
    return None


#: The fields of review elements whose values are stored enum values: a component's, dependency's or
#: domain's kind, a recovery, an answer's, risk's or mitigation's status, a risk's origin, an effort
ENUM_FIELDS = frozenset({"kind", "recovery", "status", "origin", "effort"})


def enum_words(value) -> str:
    """A stored enum value in words, as every face prints it: "not_met" -> "not met", "not_applicable"
    -> "not applicable", "in_progress" -> "in progress", "load_balancer" -> "load balancer" (``prr
    checklist``, the report, ``prr diff``). Only for values known to be enum values (:data:`ENUM_FIELDS`):
    an id or a name keeps its underscores."""
    return str(value).replace("_", " ")


def value_words(field: str, value) -> str:
    """A field's stored value as a face prints it: an enum value in words (:func:`enum_words`) when the
    field holds one (:data:`ENUM_FIELDS`; ``observability.kind`` by its last part), any other value as
    it is: ``prr set``'s change lines, ``prr checklist``'s model answers."""
    if isinstance(value, str) and value and field.rsplit(".", 1)[-1] in ENUM_FIELDS:
        return enum_words(value)
    return str(value)


def field_words(name: str) -> str:
    """A field of a review element in words, as the report's and ``prr diff``'s change lines name it:
    "user_facing" -> "user facing", "observability.alerts" as it is."""
    return name.replace("_", " ")


#: What an availability estimate with no figure under it is called where its figure would stand: its
#: 100 % comes only from nothing it needs stating an availability (the report's tables, ``prr analyze``)
NO_FIGURES = "no figures"

#: Whether such an estimate meets its SLO, or a required minimum, in every face (the report's "Attainable"
#: column, ``prr analyze``'s availability lines, ``prr gate``'s failure line): neither "ok" nor "yes", since
#: nothing shows it does
NOT_JUDGED_NO_FIGURES = "not judged (no figures)"

#: The heading over the verdict's assumptions (``verdict.assumptions``: the defaults that decided it, such
#: as a tier not stated and so judged tier 1), as the report's cover words it; ``prr analyze`` and ``prr
#: gate`` print them under it
DECIDING_ASSUMPTIONS = "Assumptions and defaults that decided this verdict"


def deciding_assumption_lines(assumptions, indent: str = "") -> list[str]:
    """The verdict's assumptions (``verdict.assumptions``: each sentence as the analysis words it for the
    report's cover) as the command line prints them, ``prr analyze`` under its verdict and ``prr gate``
    before its last line: :data:`DECIDING_ASSUMPTIONS` and one line each, every line after ``indent``;
    nothing when there are none."""
    assumptions = list(assumptions or ())
    if not assumptions:
        return []
    return [f"{indent}{DECIDING_ASSUMPTIONS}:"] + [f"{indent}  - {x}" for x in assumptions]


#: The element types a diff names what went with, in words (``prr diff``'s ``went_with.element_type``)
ELEMENT_WORDS = {"component": "component", "domain": "failure domain", "journey": "journey",
                 "group": "redundancy group", "risk": "reviewer's risk"}

#: What a single point of failure or a risk no longer found because what it is about was removed from
#: the review is said to be, after what it went with (``prr diff``'s ``removed`` state, the app's
#: Changes Since view, the report's "Changes since" table): never "fixed" or "resolved", which a lead
#: reads as remediated
NOT_FIXED = "not fixed"


def went_with(element_type: str, element: str, missing_from_source: bool = False) -> str:
    """Why a single point of failure or a risk of a diff is gone when nothing fixed it, in every face:
    "went with component emailservice, removed from the review; not fixed"; a reviewer's own risk
    deleted: "deleted from the review by a reviewer; not fixed"; a risk on readiness evidence of a
    component the source files no longer have (still in the review, flagged): its evidence went with the files."""
    if element_type == "risk":
        return f"deleted from the review by a reviewer; {NOT_FIXED}"
    if missing_from_source:
        return (f"its evidence went with {ELEMENT_WORDS.get(element_type, element_type)} {element}, no longer in the "
                f"source files (still in the review, tagged missing-from-source); {NOT_FIXED}")
    return f"went with {ELEMENT_WORDS.get(element_type, element_type)} {element}, removed from the review; {NOT_FIXED}"


def gone_count(n: int, one: str = "", many: str | None = None) -> str:
    """How many single points of failure, risks or launch blockers went with elements removed from the
    review, beside "fixed" and "resolved": "2 removed with their element (not fixed)"; with a noun,
    "1 launch blocker removed with its element (not fixed)"."""
    what = count(n, one, many) if one else str(n)
    return f"{what} removed with {'its' if n == 1 else 'their'} element (not fixed)"


def milestone_words(m) -> str:
    """A milestone taken (``prr milestone add``) in running text: "Pre-launch review (2026-12-08)"."""
    return f"{m.name or m.id} ({m.date or (m.taken_at or '')[:10] or 'no date'})"


def latest_milestone_text(m, as_of: str | None, words: str | None = None) -> str:
    """The latest milestone taken beside a view of the review as it is now (the report's cover): said
    so that nobody reads the view as that milestone's state: "Pre-launch review (2026-12-08); this
    report is the review as it is on 2026-12-09, not as it was at that milestone". ``words``: the
    milestone as the caller writes it (shortened to fit), by default :func:`milestone_words`."""
    when = f" on {as_of}" if as_of else " now"
    return f"{words or milestone_words(m)}; this report is the review as it is{when}, not as it was at that milestone"


def milestones_summary(milestones) -> str:
    """A review's milestones in one line (``prr summary``): "3 taken; latest pre-launch-review: Pre-launch
    review (2026-12-08)", "none taken". ``milestones``: the review's (``Review.milestones`` values)."""
    ms = list(milestones)
    if not ms:
        return "none taken"
    m = max(ms, key=lambda m: (m.taken_at, m.id))  # as Review.newest_milestone picks it
    return f"{len(ms)} taken; latest {m.id}: {milestone_words(m)}"


#: How a re-import's line about an answer confirmed from evidence ends (``checklist.proposals.evidence_moved``):
#: the answer stands, so the line changes nothing in the review and is not counted among a re-import's changes
#: (``importers.base.is_change``)
ANSWER_STANDS = ("the answer stands until a reviewer changes it",
                 "the answer stands until a reviewer confirms the proposal or answers anew")
