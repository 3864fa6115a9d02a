"""The Reliability Risk Assessment as plain data, shared by PDF, Markdown and CSV.

:func:`build_assessment` runs the analysis (``prr_app.analysis.analyze``) and,
when that part is installed, the checklist (``prr_app.checklist.evaluate``),
then arranges what they found into the sections of the document
(docs/report.md). Every figure comes from those two; this module only selects,
groups and orders. The analysis judges as of the real current date, as ``prr analyze``
and the app do (an acceptance that expired after the review's date does not hold); the
same review and the same ``today=`` give the same assessment (``prr report --today``).
"""
from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass, field

from prr_app.model.entities import OBSERVABILITY_SIGNALS, Review
from prr_app import wording
from prr_app.wording import count as _n
from prr_app.wording import score_text, stated

SECTION_TITLES = (
    "System overview",
    "Single points of failure",
    "Failure domain analysis",
    "Recovery capabilities",
    "Observability gaps",
    "Risk prioritization",
)
VERDICT_TEXT = {
    "not-ready": "Not ready",
    "ready-with-conditions": "Ready with conditions",
    "ready": "Ready",
}
STATEFUL_KINDS = frozenset({"datastore", "cache", "queue"})
_MORE = re.compile(r"\band \d+ more\b")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}$")


#: How a call an import inferred, which no reviewer has accepted or rejected yet, is marked in every face
#: ("inferred, not confirmed: weak"): the import's guess from configuration (strong) or from string
#: literals in source code (weak), docs/importers.md
UNCONFIRMED = "inferred, not confirmed"


def unconfirmed_words(confidence: str) -> str:
    """``inferred, not confirmed: weak``: the mark of one unconfirmed call."""
    return f"{UNCONFIRMED}: {confidence}"


class Guesses:
    """The calls of a review an import inferred and no reviewer has accepted or rejected yet: the marks
    every face puts on them ("inferred, not confirmed: weak"), and the findings whose chain rests on them.

    ``calls``: id -> confidence ("weak": only string literals in source code name it; "strong": its
    configuration does), from the review's import record (:meth:`~prr_app.model.entities.Review.inferred_calls`),
    where ``prr import --accept`` and the app's import report keep the decisions; ``sources``: what
    that import read. A call a reviewer accepted is confirmed; a rejected one is no longer in the review."""

    def __init__(self, review: Review):
        self.review = review
        rec, items = review.inferred_calls()
        self.calls: dict[str, str] = {
            str(i["id"]): "weak" if i.get("confidence") == "weak" else "strong"
            for i in items if not i.get("decision") and str(i["id"]) in review.dependencies}
        self.sources = [str(x) for x in rec.sources] if rec is not None and self.calls else []
        self._index: tuple | None = None

    def __bool__(self) -> bool:
        return bool(self.calls)

    def kind(self, dep_id: str, kind: str) -> str:
        """A dependency's kind as the dependency tables show it: "hard (inferred, not confirmed: weak)"."""
        conf = self.calls.get(dep_id)
        return f"{kind} ({unconfirmed_words(conf)})" if conf else kind

    def of_chain(self, chain, chain_length: int | None = None) -> list[str]:
        """The unconfirmed weak calls (ids) a failure chain rests on: the steps where the failure passes
        from one component to its caller only through calls that are weak guesses. A step the caller also
        takes through a call that is declared, confirmed or a strong guess does not rest on the guess; a
        step that is no call (a domain or an instance taking down its component, a group and its member)
        is skipped. ``chain_length`` longer than the chain: the chain was cut after its 8th step
        (docs/analysis.md), whose 8th and 9th steps are not next to each other."""
        weak = {d for d, conf in self.calls.items() if conf == "weak"}
        if not weak or not chain:
            return []
        if self._index is None:  # each caller's calls, each component's groups: built once for every chain
            by_caller: dict[str, list[str]] = {}
            for did, d in self.review.dependencies.items():
                by_caller.setdefault(d.source, []).append(did)
            groups_of: dict[str, list[str]] = {}
            for gid, g in self.review.groups.items():
                for m in g.members:
                    groups_of.setdefault(m, []).append(gid)
            self._index = (by_caller, groups_of)
        by_caller, groups_of = self._index
        deps = self.review.dependencies
        steps = list(chain)
        out: list[str] = []
        for k in range(len(steps) - 1):
            if chain_length is not None and chain_length > len(steps) and k == 7:
                continue
            callee, caller = steps[k], steps[k + 1]
            via = {callee, *groups_of.get(callee, ())}
            calls = [did for did in by_caller.get(caller, ()) if deps[did].target in via]
            calls = [did for did in calls if deps[did].kind == "hard"] or calls
            if calls and all(did in weak for did in calls):
                out += [did for did in calls if did not in out]
        return out

    def rests_on(self, chain, chain_length: int | None = None, limit: int = 3) -> str:
        """:func:`rests_on_words` of what ``chain`` rests on."""
        return rests_on_words(self.of_chain(chain, chain_length), limit)

    def figure(self, spofs) -> str:
        """How many calls are unconfirmed guesses, and how many of the single points of failure ``spofs``
        (the analysis' entries) rest on weak ones: the key figure, and the summary's line."""
        weak = sum(1 for c in self.calls.values() if c == "weak")
        resting = sum(1 for sp in spofs if sp["element_type"] != "instance"
                      and self.of_chain(sp["chain"], sp.get("chain_length")))
        return (f"{len(self.calls)} of {_n(len(self.review.dependencies), 'call')} {UNCONFIRMED} "
                f"({weak} weak, {len(self.calls) - weak} strong)"
                + (f"; {_n(resting, 'single point of failure', 'single points of failure')} "
                   f"rest{'s' if resting == 1 else ''} on weak ones" if resting else ""))

    def how_to_confirm(self, review: str = "REVIEW") -> str:
        """How a reviewer confirms or rejects the guesses: a re-import of what the import read, which
        keeps the decisions (the app: the import report's Accept and Reject)."""
        import shlex

        paths = " ".join(shlex.quote(x) for x in self.sources) or "PATH"
        into = review if review == "REVIEW" else shlex.quote(review)
        return (f"prr import {paths} --into {into} --accept ID (or --reject ID; ID: a call such as "
                f"{shlex.quote(min(self.calls))}, or weak, or all), or in the app's import report")


def rests_on_words(calls: list[str], limit: int = 3) -> str:
    """``rests on a->b, c->d (inferred, not confirmed: weak)``: a finding whose chain needs the weak guesses
    ``calls``; "" when it needs none."""
    if not calls:
        return ""
    shown = ", ".join(calls[:limit]) + (f" and {len(calls) - limit} more" if len(calls) > limit else "")
    return f"rests on {shown} ({unconfirmed_words('weak')})"


#: What the newest import could not settle (its report's warnings, dangling references and skipped
#: lines), ranked for the report by the import's own words, not per system (docs/report.md, "What the
#: import could not settle"). The first rule whose pattern a line matches gives its rank; a line no rule
#: matches is "to check". Ranks: 0 the system as written does not work (a configuration the application
#: will not find, a misspelt address, a file not read, a required variable unset); 1 the model rests on a
#: guess the import made (a call resting on start-up order only, a variant chosen among several, calls
#: probably missing, a store not deployed by the files, a call left out, duplicate objects that differ);
#: 3 noise a lead can skip (an unset variable left empty, duplicate objects that are identical, objects
#: that say nothing about components). A rule is a pattern of the import's wording:
#: a new warning of an importer falls to "to check" until a rule names it.
IMPORT_NOTE_RANKS = ("fails as written", "rests on a guess: check it", "to check", "minor")
#: the ranks as counted ("2 failing as written, 7 minor")
IMPORT_NOTE_COUNTED = ("failing as written", "resting on a guess", "to check", "minor")
IMPORT_NOTE_RULES: tuple[tuple[int, re.Pattern], ...] = tuple((rank, re.compile(p)) for rank, p in (
    (0, r"does not find its configuration"),
    (0, r"a misspelling\?"),
    (0, r"\bcould not read\b"),
    (0, r"\brequired variable \S+ is not set\b"),
    (1, r"rests on depends_on alone"),
    (1, r"^variants of one deployment\b"),
    (1, r"\bcalls nothing\b"),
    (1, r"^few dependencies\b"),
    (1, r"\bdo not deploy\b|\bno file read deploys\b|\bnot deployed by these files\b"),
    (1, r"\bleft out\b"),
    (1, r"\bthe last copy (?:changes|adds|removes|drops)\b"),
    (1, r"\bside by side\b"),
    (1, r"seen in traffic that no"),
    (1, r"\bits edges are the order\b"),
    (3, r"\bvariable \S+ is not set \(not in \.env\); left empty\b"),
    (3, r"\bthe two copies are identical\b"),
    (3, r"\bsays nothing about components or dependencies\b"),
    (3, r"\bkind not used by the importer\b"),
    (3, r"\bin an example or test folder\b|\bin test folders not read\b"),
    (3, r"\brouting inside the mesh\b"),
))
#: at most this many of the import's lines in the report; the rest are counted
IMPORT_NOTES_SHOWN = 12
IMPORT_NOTES_TITLE = "What the import could not settle"
#: where every line is, for a reader of the report (the app's menu; `prr import` printed them too)
IMPORT_REPORT_WHERE = "the import report (Review > Import Report\u2026) lists them all"


def import_note_rank(line: str) -> int:
    """The rank of one line of an import's report (:data:`IMPORT_NOTE_RULES`): 0 first."""
    return next((rank for rank, pat in IMPORT_NOTE_RULES if pat.search(line)), 2)


@dataclass(frozen=True)
class ImportNotes:
    """The lines of the newest import's report that it could not settle, most important first:
    ``lines`` (rank, line as the import worded it), every one of them; ``what`` names the import."""
    what: str
    lines: tuple[tuple[int, str], ...]

    def shown(self, limit: int = IMPORT_NOTES_SHOWN) -> list[tuple[str, str]]:
        """The first ``limit`` lines, each with its rank in words."""
        return [(IMPORT_NOTE_RANKS[r], text) for r, text in self.lines[:limit]]

    def intro(self) -> str:
        return (f"What the newest import ({self.what}) warned about, found dangling or skipped, in its own words. "
                f"First what fails as written (a configuration the application does not find, a misspelt "
                f"address, a file not read, a required variable not set), then what the model rests on as a "
                f"guess (a call on start-up order only, a variant chosen, calls probably missing, a store "
                f"the files do not deploy), then the rest; minor last (a variable left empty, identical "
                f"duplicates, objects that say nothing about components).")

    def counts(self, lines) -> str:
        """"2 failing as written, 7 minor": ``lines`` counted by rank, the first rank first."""
        return ", ".join(f"{sum(1 for r, _ in lines if r == k)} {IMPORT_NOTE_COUNTED[k]}"
                         for k in range(len(IMPORT_NOTE_RANKS)) if any(r == k for r, _ in lines))

    def figure(self) -> str:
        """The key figure: how many lines, by rank, and where they are."""
        return (f"{_n(len(self.lines), 'line')} the newest import could not settle: {self.counts(self.lines)} "
                f"(\u201c{IMPORT_NOTES_TITLE}\u201d)")

    def more(self, limit: int = IMPORT_NOTES_SHOWN) -> str:
        """"… and 9 more (2 to check, 7 minor): the import report (...) lists them all"; "" when none is left."""
        rest = self.lines[limit:]
        if not rest:
            return ""
        return f"\u2026 and {len(rest)} more ({self.counts(rest)}): {IMPORT_REPORT_WHERE}."


def import_notes(review: Review) -> ImportNotes | None:
    """What the review's newest import record (:meth:`~prr_app.model.entities.Review.newest_import`) could
    not settle: its report's warnings, dangling references and skipped lines, ranked by
    :func:`import_note_rank` (stable: in the import's order within a rank, warnings before dangling
    references before skipped lines), each once, after the answers confirmed from evidence that the files
    imported since contradict. None when the review has no import record or none of these lines: the
    report says nothing then."""
    from prr_app.checklist.proposals import evidence_changes

    rec = review.newest_import()
    rep = rec.report if rec is not None and isinstance(rec.report, dict) else {}
    seen: dict[str, int] = {}
    # first, an answer confirmed from evidence that the files imported since contradict: it still counts as
    # given, and a lead reading only the report would not see that the files say otherwise
    for line in evidence_changes(review) if rec is not None else ():
        seen[f"answer {line}"] = 0
    for key in ("warnings", "dangling", "skipped"):
        items = rep.get(key)
        for x in items if isinstance(items, list) else ():
            if isinstance(x, str) and x.strip() and x not in seen:
                seen[x] = import_note_rank(x)
    if not seen:
        return None
    srcs = [str(s) for s in rec.sources or ()]
    what = f"{rec.format} import" + (f" of {wording.listed(srcs, 3)}" if srcs else "") + (
        f" on {rec.at[:10]}" if rec.at else "")
    order = sorted(enumerate(seen.items()), key=lambda x: (x[1][1], x[0]))
    return ImportNotes(what=what, lines=tuple((rank, text) for _i, (text, rank) in order))


def unconfirmed_note(a: "Assessment") -> str:
    """The report's sentence about its marks: what they mean and how to confirm."""
    return (f"Marked \u201c{UNCONFIRMED}\u201d: guesses an import made from configuration (strong) or only from "
            f"string literals in source code (weak) that no reviewer has confirmed: "
            f"{a.guesses.figure(a.analysis['spofs'])}. Confirm or reject each with {a.guesses.how_to_confirm()}.")


@dataclass
class Assessment:
    review: Review
    analysis: dict
    date: str | None  # the review's date (None: not stated)
    today: str | None = None  # the date the analysis judged as of (acceptances, due dates)
    checklist: object | None = None  # prr_app.checklist.ChecklistResult
    checklist_error: str | None = None
    scoring_bands: tuple = ()
    checklist_method: str | None = None
    journey_needs: dict[str, list[str]] = field(default_factory=dict)

    # -- headline -----------------------------------------------------------
    @property
    def verdict(self) -> str:
        return self.analysis["verdict"]["verdict"]

    @property
    def verdict_text(self) -> str:
        return VERDICT_TEXT.get(self.verdict, self.verdict)

    @property
    def risks(self) -> list[dict]:
        return self.analysis["risks"]

    def risk(self, rid: str) -> dict | None:
        return self._risk_index.get(rid)

    def __post_init__(self) -> None:
        self._down: dict | None = None
        self.guesses = Guesses(self.review)
        # what the newest import could not settle: a launch bug it found stopped at the import report
        self.import_notes = import_notes(self.review)
        self._risk_index = {r["id"]: r for r in self.analysis["risks"]}
        for r in self.analysis["risks"]:
            for alias in r.get("aliases") or ():
                self._risk_index.setdefault(alias, r)

    @property
    def blockers(self) -> list[dict]:
        return [r for r in self.risks if r["launch_blocking"]]

    def checklist_blockers(self) -> list:
        if self.checklist is None:
            return []
        return list(getattr(self.checklist, "blocking_items", []) or [])

    def rests_on(self, r: dict, limit: int = 3) -> str:
        """What a risk's chain rests on that no reviewer has confirmed ("" when nothing): its line in the
        summary and the register says it, so a lead sees which findings stand on guesses."""
        return self.guesses.rests_on(r.get("chain") or (), limit=limit)

    def label(self, element: str) -> str:
        """A component's, domain's or journey's readable name (the id if unnamed)."""
        el = self.review.element(element)
        if el is None:
            return element
        return getattr(el, "label", None) or getattr(el, "name", "") or element

    # -- the decision -------------------------------------------------------------
    def causes(self) -> list[str]:
        """One sentence per cause of the verdict: the analysis' own, as ``prr analyze`` and the app show
        them (the figures it received from the full evaluation here name the unanswered blocker items
        and count those answered partly)."""
        v = self.analysis["verdict"]
        return list(v.get("causes") or v.get("reasons") or [])

    def _entry_points_assumption(self) -> dict | None:
        return next((x for x in self.analysis.get("assumptions") or () if x.get("id") == "entry-points-default"), None)

    @property
    def entry_points_guessed(self) -> bool:
        """No component is marked user-facing: the analysis' ``summary.user_facing`` are all entry
        points it guessed from the graph (its ``entry-points-default`` assumption), judged as
        user-facing but never called so (docs/analysis.md). False when only parts of the review are
        guessed (the assumption's ``scope`` is ``parts``: a Structurizr or Backstage import marks some
        components user-facing, another system beside them none): :attr:`guessed_entry_points` names
        those guessed there, and the marked ones are user-facing."""
        x = self._entry_points_assumption()
        return x is not None and x.get("scope") != "parts"

    @property
    def guessed_entry_points(self) -> list[str]:
        """The analysis' user-facing components that are entry points it guessed, not components marked
        user-facing: all of them when none is marked, those of the parts where none is otherwise."""
        if self._entry_points_assumption() is None:
            return []
        comps = self.review.components
        return [c for c in self.analysis["summary"].get("user_facing", [])
                if not (c in comps and comps[c].user_facing)]

    @property
    def facing_words(self) -> tuple[str, str]:
        """How the report calls the analysis' user-facing components, one and many: "user-facing
        component(s)", "guessed entry point(s)" when none is marked, "user-facing component(s) or
        guessed entry point(s)" when some are marked and some parts of the review are guessed."""
        if self.entry_points_guessed:
            return "guessed entry point", "guessed entry points"
        if self.guessed_entry_points:
            return ("user-facing component or guessed entry point",
                    "user-facing components or guessed entry points")
        return "user-facing component", "user-facing components"

    @property
    def facing_short(self) -> str:
        """What goes down with a single point of failure, in a few words: "user-facing", "entry points"
        when all are guessed, "user-facing or guessed entry points" when some are."""
        if self.entry_points_guessed:
            return "entry points"
        return "user-facing or guessed entry points" if self.guessed_entry_points else "user-facing"

    def deciding_assumptions(self) -> list[str]:
        return list(self.analysis["verdict"].get("assumptions") or [])

    def unanswered_blockers(self) -> list:
        if self.checklist is None:
            return []
        return list(getattr(self.checklist, "unanswered_blockers", []) or [])

    def partly_blockers(self) -> int:
        """How many of the answered open blocker items are answered partly (not "not met")."""
        return sum(1 for it in self.checklist_blockers() if getattr(it, "status", None) == "partly")

    def blockers_heading(self) -> str:
        """7.1's heading, true of its items: "Open blocker items (not met or unanswered)", and when some
        are answered partly "...: answered partly counts as not met"."""
        partly = ": answered partly counts as not met" if self.partly_blockers() else ""
        return f"Open blocker items (not met or unanswered){partly}"

    def component_rows(self) -> list[dict]:
        """Section 1.1 (PDF and Markdown), one row per component by id: name, kind in words, owner,
        instances ("2 of 3" when more than one must stay up), placement, and whether it faces users:
        "yes" when marked so, "entry (guessed)" for an entry point the analysis guessed when none is."""
        guessed = set(self.guessed_entry_points)
        rows = []
        for cid in sorted(self.review.components):
            c = self.review.components[cid]
            inst = "not stated" if c.replicas is None else (
                f"{c.min_healthy or 1} of {c.replicas}" if (c.min_healthy or 1) > 1 else str(c.replicas))
            rows.append({"id": cid, "name": c.name or "", "kind": wording.enum_words(c.kind or ""),
                         "owner": c.owner or "no owner", "instances": inst,
                         "placement": ", ".join(c.placement + c.shared_domains) or "not stated",
                         "facing": "yes" if c.user_facing else "entry (guessed)" if cid in guessed else ""})
        return rows

    def judged_text(self) -> str:
        """The review's date and the date the analysis judged as of, for the cover and the key facts:
        "2026-11-20 (judged as of 2026-12-07)"; they differ when the report is made after the review."""
        return f"{self.date or 'not stated'} (judged as of {self.today})" if self.today else (self.date or "not stated")

    def milestone_rows(self, cut=None) -> list[tuple[str, str]]:
        """The cover's milestone rows, ``(label, text)``: the review's own milestone (a free-text field of
        its header) as "Milestone" unless it names the latest milestone taken (``prr milestone add``),
        which is "Latest milestone", said so that nobody reads the report as that milestone's state
        (:func:`~prr_app.wording.latest_milestone_text`: "design-review (2026-05-01); this report is
        the review as it is on 2026-12-09, not as it was at that milestone"); "Milestone: not stated"
        when there is neither. ``cut``: how the caller shortens a name to fit (never the row's words)."""
        cut = cut or (lambda x: x)
        stated_, latest = (self.review.meta.milestone or "").strip(), self.review.newest_milestone()
        rows = [("Milestone", cut(stated_))] if stated_ and (
            latest is None or stated_ not in (latest.name, latest.id)) else []
        if latest is not None:
            rows.append(("Latest milestone", wording.latest_milestone_text(
                latest, self.today or self.date, cut(wording.milestone_words(latest)))))
        elif not stated_:
            rows.append(("Milestone", "not stated"))
        return rows

    def milestone_text(self) -> str:
        """The key facts' milestone, one line of :meth:`milestone_rows` (the cover's, in the same words):
        "Launch; the latest milestone taken: design-review (2026-05-01); this report is the review as it
        is on 2026-12-09, not as it was at that milestone"; "Launch"; "not stated"."""
        return "; ".join(text if label == "Milestone" else f"the latest milestone taken: {text}"
                         for label, text in self.milestone_rows())

    def checklist_open_blockers(self) -> int:
        _risks, not_met, unanswered = wording.open_blockers(self.analysis["verdict"])
        return not_met + unanswered

    def policy_text(self) -> str:
        pol = self.review.resilience_policy
        survive = ", ".join(pol.survive) or "nothing"
        targets = []
        for t in pol.survive:
            bits = []
            if t in pol.rto_minutes:
                bits.append(f"RTO {stated(pol.rto_minutes[t])} min")
            if t in pol.rpo_minutes:
                bits.append(f"RPO {stated(pol.rpo_minutes[t])} min")
            if bits:
                targets.append(f"{t}: {', '.join(bits)}")
        text = f"must survive {survive}" + ("; " + "; ".join(targets) if targets else "")
        return text + (" (the default: not stated in the review)" if self.review.policy is None else "")

    def root_causes(self) -> list[dict]:
        """The open root causes in register order: one line each (the register folds what one fix resolves)."""
        from prr_app.analysis.risks import open_at_launch

        return [r for r in self.ranked_risks() if open_at_launch(r)]

    def team_plan(self) -> tuple[list[dict], int]:
        from prr_app.analysis.risks import team_plan

        items = [(self.item_owner(it), True) for it in self.checklist_blockers()]
        items += [(self.item_owner(it), False) for it in self.unanswered_blockers()]
        if self.checklist is None:  # counts only (the analysis' own evaluation)
            v = self.analysis["verdict"]
            items = [("", True)] * int(v.get("checklist_blockers", 0) or 0) + \
                [("", False)] * int(v.get("checklist_unanswered_blockers", 0) or 0)
        return team_plan(self.risks, items)

    def item_owner(self, it) -> str:
        """Who owns an open blocker checklist item: its answer's owner, else the owner of the component it
        is about (for a call, the calling component's, where a timeout or fallback is set), as a computed
        risk's owner defaults to the owner of the component its fix changes; "" for a review-wide item."""
        return self._item_owner(it)[0]

    def item_owner_text(self, it) -> str:
        """An open blocker item's owner as 7.1 shows it, the same as the work per team charges it to:
        the answer's owner, else "team (owner of cart-db)" (marked as :meth:`owner_text` marks a risk's
        owner taken from a component), else "no owner"."""
        owner, component = self._item_owner(it)
        if not owner:
            return "no owner"
        return f"{owner} (owner of {component})" if component else owner

    def _item_owner(self, it) -> tuple[str, str]:
        """(:meth:`item_owner`, the component it is the owner of; "" when the answer names the owner)."""
        owner = getattr(getattr(it, "answer", None), "owner", "") or ""
        subject = getattr(it, "subject", None)
        if owner or not subject:
            return owner, ""
        if getattr(it, "per", "") == "dependency":
            dep = self.review.dependencies.get(subject)
            subject = dep.source if dep is not None else subject.split("->", 1)[0]
        comp = self.review.components.get(subject)
        return ((comp.owner or "", subject) if comp is not None and comp.owner else ("", ""))

    def takes_down(self, r: dict) -> str:
        """What a root cause takes down, in a few names (journeys first), for the summary."""
        if self._down is None:
            self._down = {}
            for row in self.spof_rows():
                if row["journeys"]:
                    names = [self.label(j) for j in row["journeys"]]
                    self._down[row["risk_id"]] = (names, len(names))
                else:  # the analysis lists the first few user-facing components, with their true count
                    self._down[row["risk_id"]] = (list(row["user_facing_down"]), row["user_facing_down_count"])
        names, total = self._down.get(r["id"]) or ([], 0)
        return wording.listed(names, 3, total)

    @staticmethod
    def effort_text(days: int, unestimated: int) -> str:
        """Days of work, saying when some of it has no estimate (never "0 d" for unestimated work)."""
        if not unestimated:
            return f"{days} d"
        if not days:
            return "not estimated"
        return f"at least {days} d ({unestimated} not estimated)"

    @staticmethod
    def time_to_ready_text(teams: list[dict], days: int) -> str:
        """The estimated time to ready (the largest team's blocker effort) in words, a lower bound when a
        launch blocker has no effort estimate."""
        n = sum(t.get("blocker_unestimated", 0) for t in teams)
        if not n:
            return f"{days} working day{'s' if days != 1 else ''}"
        which = f"{n} launch blocker{'s have' if n != 1 else ' has'} no effort estimate"
        return f"at least {days} working day{'s' if days != 1 else ''} ({which})" if days else f"not estimated ({which})"

    def status_text(self, r: dict, *, short: bool = False) -> str:
        """A risk's status as the launch decision sees it: "accepted" only when the acceptance holds at
        the target launch; otherwise its status ("open"), with why the acceptance does not count unless
        ``short``: "open (acceptance expired on 2026-12-01)", "open (acceptance ends on 2026-12-01, before
        the target launch on 2026-12-15)" (each date where it belongs)."""
        from prr_app.analysis.risks import accepted_at_launch

        if accepted_at_launch(r):
            return "accepted"
        status = r.get("status") or "open"
        status = wording.enum_words("open" if status == "accepted" else status)
        acc = r.get("accepted")
        if acc and not short:
            until = f" on {acc['until']}" if acc.get("until") else ""
            if r.get("acceptance_expired"):
                status += f" (acceptance expired{until})"
            else:
                launch = self.review.meta.target_launch
                status += (f" (acceptance ends{until}, before the target launch"
                           + (f" on {launch})" if launch else ")"))
        return status

    @staticmethod
    def why_inputs(r: dict) -> list[str]:
        """The inputs behind a risk's numbers, less the other risks it also resolves (listed on
        their own lines from ``causes``) and the reviewer's override (its own line, with who made it
        and what it was: :meth:`override_text`), so neither is printed twice."""
        folded, overridden = bool(r.get("causes")), bool(r.get("override"))
        return [i for i in r.get("inputs") or [] if not (folded and i.startswith("also resolves:"))
                and not (overridden and i.startswith("overridden by the reviewer:"))]

    @staticmethod
    def owner_text(r: dict) -> str:
        return wording.risk_owner(r, "no owner")

    @staticmethod
    def due_text(r: dict) -> str:
        dues = sorted(m["due"] for m in r.get("mitigations") or [] if m.get("due"))
        return dues[-1] if dues else "no date"

    # -- due dates against the target launch --------------------------------------
    def due_after_launch(self, due: str | None) -> bool:
        """Is a due date (a mitigation's, a checklist answer's) after the review's target launch? A fix
        that lands after launch does not make the launch safe: a lead must see it (False without one of
        the two dates; both are ISO dates, checked when entered, so they compare as text)."""
        launch = self.review.meta.target_launch
        return bool(due and launch and _ISO_DATE.match(str(due)) and str(due) > str(launch))

    def due_flagged(self, due: str | None, *, short: bool = False) -> str:
        """A due date as the report prints it, flagged when after the target launch: "2027-01-15 (after
        the target launch on 2027-01-10)", in a narrow cell "2027-01-15 (after launch)"."""
        if not due or due == "no date" or not self.due_after_launch(due):
            return due or ""
        if short:
            return f"{due} (after launch)"
        return f"{due} (after the target launch on {self.review.meta.target_launch})"

    def risk_due(self, r: dict, *, short: bool = False) -> str:
        """A risk's due date (:meth:`due_text`) as the report, the Markdown and the app's register print it:
        flagged "(overdue)" when every dated mitigation still to do is past it on the day judged (as the
        analysis' verdict counts it: ``analysis.risks.overdue``), else as :meth:`due_flagged` (after the
        target launch). A date already past read as any other before."""
        from prr_app.analysis.risks import overdue

        due = self.due_text(r)
        if self.today and overdue(r, self.today):
            return f"{due} (overdue)"
        return self.due_flagged(due, short=short)

    def late_fixes(self) -> list[tuple[dict, dict]]:
        """(risk, mitigation) for each mitigation not done that is due after the target launch, of the
        risks open at launch, in register order (the launch blockers lead): what the executive summary
        flags, as the register does beside each date."""
        from prr_app.analysis.risks import open_at_launch

        return [(r, m) for r in self.ranked_risks() if open_at_launch(r) for m in r.get("mitigations") or []
                if m.get("status") not in ("done", "dropped") and self.due_after_launch(m.get("due"))]

    def late_fixes_text(self, limit: int = 2) -> str:
        """The executive summary's line on the late fixes ("" when none is): "Due after the target launch
        on 2027-01-10: the fix of 2 launch blockers (docker-host is a single point of failure, due
        2027-01-15; ...) and of 1 other open risk; each stays open at launch unless it lands earlier
        (section 6)."."""
        late = self.late_fixes()
        if not late:
            return ""
        due: dict[str, tuple[dict, str]] = {}
        for r, m in late:  # a risk's latest late due date
            due[r["id"]] = (r, max(m["due"], due.get(r["id"], (r, ""))[1]))
        blockers = [x for x in due.values() if x[0].get("launch_blocking")]
        others = len(due) - len(blockers)
        parts = []
        if blockers:
            named = "; ".join(f"{r['title']}, due {d}" for r, d in blockers[:limit])  # titles hold commas
            more = f"; and {len(blockers) - limit} more" if len(blockers) > limit else ""
            parts.append(f"the fix of {_n(len(blockers), 'launch blocker')} ({named}{more})")
        if others:
            parts.append(("of " if blockers else "the fix of ") + _n(others, "other open risk"))
        return (f"Due after the target launch on {self.review.meta.target_launch}: " + " and ".join(parts)
                + ". Each stays open at launch unless it lands earlier.")

    # -- the reviewer's override --------------------------------------------------
    def override_by(self, r: dict) -> str:
        """Who made the override in force on a risk: the last override in the trail of its decision
        record (kept under its id or one of its aliases); "" when the trail does not say."""
        for rid in (r.get("id"), *(r.get("aliases") or ())):
            rec = self.review.risks.get(rid)
            if rec is None or (rec.override_likelihood is None and rec.override_impact is None):
                continue
            return next((h.by for h in reversed(rec.history or []) if h.decision == "override"), "")
        return ""

    def override_text(self, r: dict, was: tuple | None = None) -> str:
        """A risk's override in words, beside the figures it sets ("" when there is none): "overridden by
        ana: was critical 4×5=20". ``was``: (severity, likelihood, impact, score) the analysis computed
        for what is shown (a SPOF's own); by default the risk's computed likelihood and impact."""
        ov = r.get("override")
        if not ov:
            return ""
        if was is None:
            from prr_app.analysis.risks import severity

            lk, im = ov.get("computed_likelihood"), ov.get("computed_impact")
            was = (severity(lk * im), lk, im, lk * im) if lk and im else None
        by = self.override_by(r)
        head = f"overridden by {by}" if by else "overridden by the reviewer"
        if was is None or was[3] is None:
            return head
        return f"{head}: was {was[0]} {was[1]}×{was[2]}={was[3]}"

    @staticmethod
    def effort_words(r: dict) -> str:
        """A risk's effort in the register: "small, about 3 working days (the reviewer's mitigations)"; for
        one marked mitigated while the analysis still finds it, no "about 0 working days" that reads as
        nothing left to do: "small: none counted, its mitigations are marked done" ("" with no effort)."""
        e = r.get("effort")
        if not e:
            return ""
        if not e.get("days") and e.get("kind") == "reviewer" and any(
                m.get("status") == "done" for m in r.get("mitigations") or ()):
            # its mitigations done (a reviewer's own risk mitigated, or one still found): nothing left to
            # count, which "large, about 0 working days" said as if it were a size of work to come
            return f"{e['size']}: none counted, its mitigations are marked done"
        return f"{e['size']}, about {_n(e['days'], 'working day')} ({e['what']})"

    def key_figures(self) -> list[tuple[str, str]]:
        s = self.analysis["summary"]
        sp = self.spofs_by_disruption()
        below = self.journeys_below_slo()
        nj = sum(1 for x in self.availability_rows() if x["target_type"] == "journey")
        prog = self.checklist_progress()
        if prog is None:
            cl_text = "checklist not evaluated" + (f" ({self.checklist_error})" if self.checklist_error else "")
        else:
            score = "n/a" if prog["score"] is None else score_text(prog['score'])
            cl_text = (f"{prog['answered']} of {prog['total']} items answered; score {score}; "
                       f"{prog['blocking']} blocker item(s) not met, {prog['unanswered_blockers']} unanswered")
        sev = s["by_severity"]
        no_fig = [x for x in self.availability_rows() if no_figures(x)]
        return [
            ("Architecture", f"{_n(s['components'], 'component')}, {_n(s['dependencies'], 'dependency', 'dependencies')}, "
                             f"{_n(s['failure_domains'], 'failure domain')}, {_n(s['journeys'], 'journey')}"),
            ("Single points of failure", f"{_n(sp.get('component', 0) + sp.get('domain', 0), 'root cause')}: "
                                         f"{_n(sp.get('component', 0), 'component')} "
                                         f"(of which {sp.get('instance', 0)} also on one instance), "
                                         f"{_n(sp.get('domain', 0), 'failure domain')}"),
            ("Journeys below SLO", f"{len(below)} of {nj}" + (": " + ", ".join(self.label(b["target"]) for b in below)
                                                            if below else "")
             + (f"; {_n(len(no_fig), 'estimate')} with no availability figure under it (no figures: "
                f"{', '.join(self.label(x['target']) for x in no_fig[:3])}{' and more' if len(no_fig) > 3 else ''})"
                if no_fig else "")),
            ("Risks", f"{s['risks']}: {sev.get('critical', 0)} critical, {sev.get('high', 0)} high, "
                      f"{sev.get('medium', 0)} medium, {sev.get('low', 0)} low; {self.accepted_text()}"),
            ("Checklist", cl_text),
        ] + ([("Calls not confirmed", self.guesses.figure(self.analysis["spofs"]))] if self.guesses else []) \
          + ([("Import not settled", self.import_notes.figure())] if self.import_notes else [])

    # -- key figures ------------------------------------------------------------
    def spofs_by_disruption(self) -> dict[str, int]:
        """SPOF root causes per disruption type: "component" and "domain" rows; "instance" counts the
        component rows that a single instance failure also exposes (not a separate root cause)."""
        out = {"component": 0, "instance": 0, "domain": 0}
        for row in self.spof_rows():
            out[row["disruption"]] = out.get(row["disruption"], 0) + 1
            if row["instances"]:
                out["instance"] += 1
        return out

    def availability_rows(self) -> list[dict]:
        return self.analysis["availability"]

    def journeys_below_slo(self) -> list[dict]:
        return [a for a in self.availability_rows() if a["target_type"] == "journey" and a["attainable"] is False]

    def checklist_progress(self) -> dict | None:
        cl = self.checklist
        if cl is None:
            return None
        overall = getattr(cl, "overall", None)
        items = list(getattr(cl, "items", []) or [])
        answered = sum(1 for it in items if getattr(it, "answered", False))
        return {
            "score": getattr(cl, "overall_score", None),
            "answered": answered,
            "total": len(items),
            "blocking": len(self.checklist_blockers()),
            "unanswered_blockers": len(self.unanswered_blockers()),
            "required": getattr(overall, "required", None),
        }

    def answered_items(self, *, blockers: bool) -> list[dict]:
        """The answered checklist items (by a reviewer, or decided by the review's model), blocker items
        (``blockers``) or the others, in walking order, each as the report prints it: the question, what
        it applies to, its status in words, evidence, owner, due date, note and who answered when (a
        lead audits the evidence behind the blockers counted as met: section 7.5 of the report)."""
        cl = self.checklist
        if cl is None:
            return []
        out = []
        for it in getattr(cl, "items", []) or []:
            if (it.severity == "blocker") != blockers or not it.answered:
                continue
            ans = it.answer if it.source == "reviewer" else None
            model = None if ans is not None else it.model_answer
            if ans is not None:
                who = (ans.changed_by or "no name recorded") + (f" on {ans.changed_at[:10]}" if ans.changed_at else "")
            else:
                who = "the review's model (decided from its fields)" if model is not None else ""
            evidence = (ans.evidence if ans is not None else getattr(model, "evidence", "")) or ""
            note = (ans.note if ans is not None else "") or ""
            if ans is not None and ans.status == "not_applicable":
                note = "; ".join(x for x in (f"why not applicable: {ans.reason}" if ans.reason else "", note) if x)
            out.append({"question": it.question, "subject": it.subject_label or "the review",
                        "status": wording.enum_words(it.status),
                        "evidence": evidence or ("none" if it.status in ("met", "partly") else ""),
                        "owner": (ans.owner if ans is not None else "") or "",
                        "due": (ans.due if ans is not None else "") or "", "note": note, "who": who})
        return out

    # -- section 2 -------------------------------------------------------------
    def spof_rows(self) -> list[dict]:
        """One row per SPOF risk: instance SPOFs of one component are merged."""
        rows: dict[str, dict] = {}
        for s in self.analysis["spofs"]:
            rid = s["risk_id"]
            if rid in rows:
                if s["element_type"] == "instance":
                    rows[rid]["instances"] += 1
                elif s["element_type"] == "component":
                    rows[rid]["whole"] = True
                elif rows[rid]["score"] is None and s.get("score") is not None:  # the component's own figures
                    rows[rid].update({k: s[k] for k in ("severity", "likelihood", "impact", "score")})
                continue
            risk = self.risk(rid) or {}
            # the SPOF's own figures (docs/analysis.md): what a fold or an override made of its risk is the
            # register's (an SLO folded in read as "5x5=25" for a component computed 3x5); an instance entry
            # has none: its component's entry, else the risk's
            own = s if s.get("score") is not None else risk
            element = s.get("component", s["element"]) if s["element_type"] == "instance" else s["element"]
            # ...but a reviewer's override is the reviewer's decision on this very risk: the row shows the
            # decided figures, with what the analysis computed beside them (one risk, one severity)
            overridden = bool(risk.get("override"))
            if overridden and own is not risk:
                computed = tuple(own.get(k) for k in ("severity", "likelihood", "impact", "score"))
                own = risk
            else:
                computed = None
            rows[rid] = {
                "risk_id": rid,
                "element": element,
                "disruption": "component" if s["element_type"] == "instance" else s["disruption"],
                "severity": own.get("severity") or s.get("severity") or "",
                "likelihood": own.get("likelihood"),
                "impact": own.get("impact"),
                "score": own.get("score"),
                "launch_blocking": bool(risk.get("launch_blocking")),
                "accepted": risk.get("accepted"),
                # how the SPOF lists mark it (launch blocker, accepted, acceptance expired), as prr analyze does
                "mark": wording.acceptance_mark(risk),
                "journeys": s["journeys"],
                "journeys_degraded": s["journeys_degraded"],
                "user_facing_down": s["user_facing_down"],
                "user_facing_down_count": s.get("user_facing_down_count", len(s["user_facing_down"])),
                "down": s["down_count"],
                "chain": s["chain"],
                # the unconfirmed weak calls its chain rests on (its line says so)
                "guesses": self.guesses.of_chain(s["chain"], s.get("chain_length")),
                "instances": 1 if s["element_type"] == "instance" else 0,
                "whole": s["element_type"] == "component",  # the component's own failure is one too
                "mitigation": risk.get("mitigation", ""),
                # "overridden by ana: was critical 4×5=20" ("" when the figures are the analysis' own)
                "override": self.override_text(risk, computed) if overridden else "",
            }
        for row in rows.values():  # what section 2 prints: as the risk's title says it
            row["disruption_text"] = (("instance and component" if row["whole"] else "instance")
                                      if row["instances"] else row["disruption"])
        # in the register's order (its ranking and tie-break: docs/analysis.md, "Ranking")
        rank = {r["id"]: r.get("rank", 0) for r in self.risks}
        return sorted(rows.values(), key=lambda r: (rank.get(r["risk_id"], len(rank) + 1), r["element"], r["disruption"]))

    # -- section 3 -------------------------------------------------------------
    def blast_rows(self) -> list[dict]:
        out = []
        for cid, b in self.analysis["blast_radius"].items():
            out.append({"component": cid, **b})
        out.sort(key=lambda r: (-len(r["journeys"]), -r["down_count"], -r["degraded_count"], r["component"]))
        return out

    def domain_rows(self) -> list[dict]:
        rows = list(self.analysis["failure_domains"])
        rows.sort(key=lambda r: (-len(r["journeys"]), -r["down_count"], r["domain"]))
        return rows

    # -- section 4 -------------------------------------------------------------
    def recovery_rows(self) -> list[dict]:
        """Components whose recovery matters: stateful, with targets, or with a recovery stated."""
        out = []
        for cid in sorted(self.review.components):
            c = self.review.components[cid]
            relevant = (c.kind in STATEFUL_KINDS or c.rto_minutes is not None or c.rpo_minutes is not None
                        or c.recovery is not None or c.failover_minutes is not None)
            if not relevant:
                continue
            gaps = []
            if c.recovery in (None, "none"):
                gaps.append("no recovery stated" if c.recovery is None else "no recovery mechanism")
            elif c.recovery == "manual":
                gaps.append("manual recovery")
            if c.rto_minutes is None:
                gaps.append("no RTO target")
            elif c.failover_minutes is not None and c.failover_minutes > c.rto_minutes:
                gaps.append(f"failover {stated(c.failover_minutes)} min exceeds RTO {stated(c.rto_minutes)} min")
            elif c.recovery == "automatic" and c.failover_minutes is None:
                gaps.append("failover time not stated")
            if c.kind in ("datastore", "queue") or c.rpo_minutes is not None:
                if c.rpo_minutes is None:
                    gaps.append("no RPO target")
                elif c.backup_interval_minutes is None and c.recovery != "automatic":
                    gaps.append("backup interval not stated")
                elif c.backup_interval_minutes is not None and c.backup_interval_minutes > c.rpo_minutes:
                    gaps.append(f"backups every {stated(c.backup_interval_minutes)} min exceed RPO {stated(c.rpo_minutes)} min")
            # kind and recovery in words, as section 1.1 says a kind ("load balancer")
            out.append({"component": cid, "kind": wording.enum_words(c.kind), "owner": c.owner,
                        "recovery": c.recovery and wording.enum_words(c.recovery),
                        "failover": c.failover_minutes, "rto": c.rto_minutes, "rpo": c.rpo_minutes,
                        "backup": c.backup_interval_minutes, "replicas": c.replicas, "gaps": gaps})
        return out

    def group_rows(self) -> list[dict]:
        out = []
        cc = {f["group"]: f for f in self.analysis.get("common_cause", []) if f.get("group")}
        for gid in sorted(self.review.groups):
            g = self.review.groups[gid]
            out.append({"group": gid, "name": g.name or gid, "members": list(g.members), "min_up": g.min_up,
                        "notes": g.notes, "common_cause": cc.get(gid, {}).get("detail")})
        return out

    # -- section 5 -------------------------------------------------------------
    def observability_evidence(self) -> dict[str, dict[str, str]]:
        """component -> signal -> "file:line" that proved it, from the newest import that read evidence."""
        recs = [r for r in self.review.imports.values()
                if isinstance(r.report, dict) and isinstance(r.report.get("observability_evidence"), dict)]
        if not recs:
            return {}
        return max(recs, key=lambda r: r.at or "").report["observability_evidence"]

    def observability_rows(self) -> list[dict]:
        """Components with a missing or unstated signal, the widest blast radius first."""
        blast = self.analysis["blast_radius"]
        proved = self.observability_evidence()
        out = []
        for cid in sorted(self.review.components):
            c = self.review.components[cid]
            ob = c.observability
            missing, unknown = ob.missing(), ob.unknown()
            if not missing and not unknown:
                continue
            detect = [s for s in ("alerts", "metrics") if s in missing or s in unknown]
            diagnose = [s for s in ("logs", "traces", "dashboard", "runbook") if s in missing or s in unknown]
            b = blast.get(cid, {})
            out.append({"component": cid, "signals": {s: getattr(ob, s) for s in OBSERVABILITY_SIGNALS},
                        "missing": missing, "unknown": unknown,
                        "undetected": bool(detect), "detect": detect, "diagnose": diagnose,
                        "journeys": b.get("journeys", []), "down_count": b.get("down_count", 0),
                        "evidence": {s: w for s, w in (proved.get(cid) or {}).items() if getattr(ob, s, None) is True}})
        out.sort(key=lambda r: (not r["undetected"], -len(r["journeys"]), -r["down_count"], r["component"]))
        return out

    # -- section 6 -------------------------------------------------------------
    def ranked_risks(self) -> list[dict]:
        return sorted(self.risks, key=lambda r: (r.get("rank", 0), r["id"]))

    def accepted_risks(self) -> list[dict]:
        """Every risk with an acceptance recorded, whether or not it holds at launch (section 6 lists them)."""
        return [r for r in self.ranked_risks() if r.get("accepted")]

    def accepted_text(self) -> str:
        """How many risks are accepted at launch; acceptances that do not count (expired, or ending
        before the target launch) said apart."""
        from prr_app.analysis.risks import accepted_at_launch

        acc = self.accepted_risks()
        held = sum(1 for r in acc if accepted_at_launch(r))
        gone = len(acc) - held
        return f"{held} accepted" + (f" ({gone} more acceptance{'s' if gone != 1 else ''} expired or ending before "
                                     "the target launch, not counted)" if gone else "")

    def summary_risks(self) -> list[dict]:
        """The executive summary's root-cause table: the root causes open at launch and those accepted at
        launch instead of fixed, in register order (an accepted single point of failure ranks where its
        score puts it, so a lead sees it beside what is still to fix)."""
        from prr_app.analysis.risks import accepted_at_launch, open_at_launch

        return [r for r in self.ranked_risks() if open_at_launch(r) or accepted_at_launch(r)]

    @staticmethod
    def accepted_at_launch(r: dict) -> bool:
        from prr_app.analysis.risks import accepted_at_launch

        return accepted_at_launch(r)

    def summary_heading(self) -> str:
        """The heading of the executive summary's root-cause table: "Root causes to fix (10)", and with
        those accepted instead: "Root causes: 10 to fix, 7 accepted instead of fixed"."""
        rows = self.summary_risks()
        acc = sum(1 for r in rows if self.accepted_at_launch(r))
        if not acc:
            return f"Root causes to fix ({len(rows)})"
        return f"Root causes: {len(rows) - acc} to fix, {acc} accepted instead of fixed"

    def where_the_rest_is(self) -> str:
        """Under the verdict's reasons in the executive summary, when one of them names a few and counts
        the rest ("... and 3 more"): where every one is listed ("" when none does)."""
        if not any(_MORE.search(c) for c in self.causes()):
            return ""
        return ("Where a reason names a few and counts the rest (“and N more”), every one is listed: single "
                "points of failure in section 2, risks (with their owners) in section 6, blocker checklist "
                "items in section 7.1.")

    def accepted_blockers(self) -> list[dict]:
        """The risks that would block the launch by its rules and are accepted at launch instead of fixed
        (their acceptance holds past the target launch), in register order."""
        from prr_app.analysis.risks import accepted_at_launch

        return [r for r in self.ranked_risks() if r.get("blocking_rule") and accepted_at_launch(r)]

    @staticmethod
    def acceptance_text(r: dict) -> str:
        """Who accepted a risk and until when: "accepted by Lee Chen until 2027-01-31"."""
        acc = r.get("accepted") or {}
        by = f" by {acc['by']}" if acc.get("by") else " (no name recorded)"
        return f"accepted{by} " + (f"until {acc['until']}" if acc.get("until") else "with no end date")

    def risk_down(self, r: dict) -> tuple[int, int]:
        """How many components a risk takes down, of all (its single point of failure's blast radius; 0 for
        a risk that is not one)."""
        if getattr(self, "_spof_down", None) is None:  # once: a 2,000-component import accepts hundreds
            self._spof_down = {x["risk_id"]: x["down"] for x in self.spof_rows()}
        return self._spof_down.get(r["id"], 0), self.analysis["summary"]["components"]

    def waived_blockers(self) -> list[tuple]:
        """The required blocker items passed without being shown met (answered not applicable, or met or
        partly with no evidence) with how they were answered: section 7.4's, the checklist's own list."""
        cl = self.checklist
        if cl is None or not hasattr(cl, "waived_blockers"):
            return []
        from prr_app.checklist.evaluate import blockers_to_check

        return blockers_to_check(cl)

    def still_found_blockers(self) -> list[dict]:
        """The risks that would block the launch by its rules and do not only because they are marked
        mitigated (a mitigation set done) or closed while the analysis still finds them (the model still
        shows one replica): not fixed, as an acceptance is not (:func:`wording.still_found`)."""
        return [r for r in self.ranked_risks() if r.get("blocking_rule") and wording.still_found(r)]

    def not_fixed_heading(self) -> str:
        """The heading over :meth:`not_fixed`'s sentences, naming what is there."""
        return ("Accepted, waived or marked done, not fixed" if self.still_found_blockers()
                else "Accepted or waived, not fixed")

    def not_fixed_short(self) -> str:
        """The cover's verdict box, under the open blockers: "7 launch blockers accepted, not fixed; 2
        blocker checklist items passed without being shown met; 1 launch blocker marked mitigated but
        still found" ("" when none is)."""
        acc, waived, found = self.accepted_blockers(), self.waived_blockers(), self.still_found_blockers()
        parts = ([_n(len(acc), "launch blocker") + " accepted, not fixed"] if acc else []) + (
            [_n(len(waived), "blocker checklist item") + " passed without being shown met"] if waived else []) + (
            [_n(len(found), "launch blocker") + " marked mitigated but still found"] if found else [])
        return "; ".join(parts)

    def not_fixed(self, limit: int = 3) -> list[str]:
        """What a "ready" or "ready with conditions" verdict owes to acceptances and waivers rather than to
        fixes, one sentence each, for the cover and the executive summary: the launch blockers accepted
        (how many, the worst by what it takes down, who accepted them and until when) and the blocker
        checklist items passed without being shown met (answered not applicable, met without evidence)."""
        out = []
        acc = self.accepted_blockers()
        if acc:
            sev: dict[str, int] = {}
            for r in acc:
                sev[r["severity"]] = sev.get(r["severity"], 0) + 1
            sevs = ", ".join(f"{v} {k}" for k, v in sev.items())  # register order: the most severe first
            worst = max(acc, key=lambda r: (self.risk_down(r)[0], -int(r.get("rank") or 0)))
            down, total = self.risk_down(worst)
            what = f"{worst['title']}, takes down {down} of {_n(total, 'component')}" if down else worst["title"]
            bys = sorted({(r.get("accepted") or {}).get("by") or "no name recorded" for r in acc})
            untils = sorted(u for u in ((r.get("accepted") or {}).get("until") for r in acc) if u)
            open_ended = sum(1 for r in acc if not (r.get("accepted") or {}).get("until"))
            each = ""
            if len(acc) > 1:  # who accepted them all, and until when
                each = f" {'All' if len(bys) == 1 else 'They were'} accepted by {wording.listed(bys, limit)}"
                if not untils:
                    each += " with no end date"
                elif untils[0] == untils[-1]:
                    each += f" until {untils[0]}"
                else:
                    each += f"; the first acceptance ends on {untils[0]}, the last on {untils[-1]}"
                if untils and open_ended:
                    each += f" ({open_ended} with no end date)"
                each += "."
            out.append(f"Accepted, not fixed: {_n(len(acc), 'launch blocker')} ({sevs}) "
                       f"{'is' if len(acc) == 1 else 'are'} accepted instead of fixed"
                       f"{'. The worst' if len(acc) > 1 else ''}: {what} ({self.acceptance_text(worst)})."
                       + each + " Section 6 lists every acceptance.")
        found = self.still_found_blockers()
        if found:
            sev = {}
            for r in found:
                sev[r["severity"]] = sev.get(r["severity"], 0) + 1
            sevs = ", ".join(f"{v} {k}" for k, v in sev.items())
            worst = max(found, key=lambda r: (self.risk_down(r)[0], -int(r.get("rank") or 0)))
            down, total = self.risk_down(worst)
            what = f"{worst['title']}, takes down {down} of {_n(total, 'component')}" if down else worst["title"]
            out.append(f"Marked done, not fixed: {_n(len(found), 'launch blocker')} ({sevs}) "
                       f"{'is' if len(found) == 1 else 'are'} marked mitigated or closed while the analysis still "
                       f"finds {'it' if len(found) == 1 else 'them'}"
                       f"{'. The worst' if len(found) > 1 else ''}: {what} ({wording.still_found(worst)}). "
                       "Section 2 and section 6 mark each.")
        waived = self.waived_blockers()
        if waived:
            how = {}
            for it, _t in waived:
                how[it.status] = how.get(it.status, 0) + 1
            kinds = [f"{how[k]} answered {w}" for k, w in (("not_applicable", "not applicable"),
                                                            ("met", "met with no evidence"),
                                                            ("partly", "partly with no evidence")) if how.get(k)]
            named = wording.listed([f"“{it.question.rstrip('.')}”" + (f" ({it.subject_label})" if it.subject else "")
                                    for it, _t in waived], limit)
            out.append(f"Waived, not shown met: {_n(len(waived), 'blocker checklist item')} "
                       f"{'passes' if len(waived) == 1 else 'pass'} without being shown met "
                       f"({', '.join(kinds)}): {named}. Section 7.4 says who answered each, when and why.")
        return out

    def top_risks(self, n: int = 5) -> list[dict]:
        """The first ``n`` risks open at launch, in register order: the launch blockers lead."""
        return self.root_causes()[:n]

    def heat_counts(self) -> dict[tuple[int, int], int]:
        out: dict[tuple[int, int], int] = {}
        for r in self.risks:
            if r.get("likelihood") and r.get("impact"):
                k = (int(r["likelihood"]), int(r["impact"]))
                out[k] = out.get(k, 0) + 1
        return out

    # -- figures ----------------------------------------------------------------
    def spof_components(self) -> set[str]:
        return {row["element"] for row in self.spof_rows() if row["disruption"] in ("component", "instance")}



#: more subjects than this owing one unanswered blocker item are named in one paragraph (the report's 7.1)
#: or one line (``prr gate``), not a row or line each
SAME_ITEM_SUBJECTS = 20


def fold_same_item(items, limit: int = SAME_ITEM_SUBJECTS) -> tuple[list, dict[str, list]]:
    """Open blocker items as the report's 7.1 and ``prr gate`` list them: ``(the items listed one by one,
    {item id: its items})``, where an item nobody answered (no answer, no proposal) for more than ``limit``
    subjects (an import: every component owes it) is one entry naming its subjects."""
    same: dict[str, list] = {}
    for it in items:
        if getattr(it, "answer", None) is None and getattr(it, "proposal", None) is None \
                and getattr(it, "subject", None) is not None:
            same.setdefault(it.item_id, []).append(it)
    grouped = {k: v for k, v in same.items() if len(v) > limit}
    said = {it.key for v in grouped.values() for it in v}
    return [it for it in items if getattr(it, "key", None) not in said], grouped


def generic_question(template, item_id: str, fallback: str) -> str:
    """An item's question with its placeholders as X (a component or journey) or A and B (a dependency's
    ends): "Request rate ... of X are collected."."""
    q = next((ti.question for ti in getattr(template, "items", ()) if ti.id == item_id), None) or fallback
    for k, v in (("{name}", "X"), ("{source}", "A"), ("{target}", "B"), ("{consumer}", "A"), ("{from}", "B")):
        q = q.replace(k, v)
    return q


GROUP_WHAT = {"component": "components (X)", "dependency": "dependencies (A → B)", "journey": "journeys (X)"}


def no_figures(row: dict) -> bool:
    """An availability estimate with not one figure under it (100 % only because nothing is stated)."""
    return not row.get("top_consumers") and (row.get("estimate") is None or row["estimate"] >= 100.0)


def _journey_needs(review: Review, analysis: dict) -> dict[str, list[str]]:
    """Every component whose failure reaches a journey (takes it down or degrades it), its entries
    included: the analysis' own blast radius read per journey, so that section 1.2's "reached", the
    journey's figure and section 3 count the same components.

    It was every component reachable through any dependency, which walked on through the telemetry
    hubs (a collector's exporters, a scrape of the front proxy): the OpenTelemetry demo's ask-ai
    journey "reached" 30 of 34 components, the proxy and the load generator among them, while the
    analysis, for which a degraded telemetry hub does not degrade what sends it telemetry
    (docs/analysis.md), finds 22 whose failure touches it; its figure, counting the ends of lines
    without the hubs, said 24."""
    out: dict[str, list[str]] = {jid: [] for jid in sorted(review.journeys)}
    for cid, hit in (analysis.get("blast_radius") or {}).items():
        for jid in set(hit.get("journeys") or ()) | set(hit.get("journeys_degraded") or ()):
            if jid in out:
                out[jid].append(cid)
    return {jid: sorted(cs) for jid, cs in out.items()}


def review_date(review: Review) -> str | None:
    return review.meta.review_date or None


def build_assessment(review: Review, *, seed: int = 0, today: str | None = None) -> Assessment:
    """Analyse ``review`` (and evaluate its checklist) into an :class:`Assessment`.

    ``today``: the date to judge as of (acceptances expired, mitigations past due), ``YYYY-MM-DD``; by
    default the real current date, as ``prr analyze`` and the app judge. Not the review's date: a
    review whose acceptances expired since it was written is not ready, in every face."""
    from prr_app.analysis import analyze, checklist_error, checklist_figures
    from prr_app.analysis.risks import SEVERITY_BANDS

    date = review_date(review)
    today = today or _dt.date.today().isoformat()
    checklist = None
    error = None
    method = None
    try:
        from prr_app import checklist as cl_mod  # another part of the product: optional
    except ImportError:  # pragma: no cover - the part is installed in this build
        cl_mod = None
    figures = None
    if cl_mod is not None and getattr(cl_mod, "evaluate", None) is not None:
        try:
            checklist = cl_mod.evaluate(review)
            method = getattr(cl_mod, "SCORING_METHOD", None)
            figures = checklist_figures(checklist)
        except Exception as e:  # a broken checklist must not stop the report
            error = str(e) or type(e).__name__
            figures = checklist_error(e)
    # the checklist's blockers count in the verdict: the analysis receives its figures
    analysis = analyze(review, seed=seed, today=today, checklist=figures).to_dict()
    return Assessment(review=review, analysis=analysis, date=date, today=today, checklist=checklist,
                      checklist_error=error, scoring_bands=tuple(SEVERITY_BANDS), checklist_method=method,
                      journey_needs=_journey_needs(review, analysis))
