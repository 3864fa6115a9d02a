"""Bring your own checklist: turn a Markdown task list into a template.

Rules (see docs/checklist.md):

* the first heading is the title when it is a level-1 heading and either the only one or
  followed by another heading before any task item; every other heading starts a category
  (an empty one, ``###``, too: named "Section <line>", with a warning);
* ``- [ ] text`` and ``- [x] text`` (also ``*`` / ``+``, and numbered: ``1. [ ] text``,
  ``1) [ ] text``, as GitHub and most wikis render them) are items; ``[x]`` marks the item as
  done, which ``prr checklist-import --review`` records as *met*;
* a tag in the item text sets the severity: ``(blocker)``, ``[high]``, ``#medium``,
  ``(low)``; ``critical`` counts as blocker. Without a tag: the default severity;
* ``(tier 1)``, ``(tiers 1-2)``, ``(tier 1,2)`` set the tiers the item is required for;
* ``{#some.id}`` sets the item id; otherwise it is derived from the category and
  the question, so re-importing the same file gives the same ids;
* nested bullets under an item starting with ``Why:`` or ``Evidence:`` fill those
  fields; other nested text is added to *why*;
* a nested task item (a sub-task) becomes an item of its own (a template has no nesting): its
  *why* starts with "Part of: <the parent's question>" so it keeps its context, and a warning
  says so;
* every list-shaped line that does not become an item or part of one (an empty item, a box
  that is not ``[ ]``/``[x]``, a bullet without a box, a task item in a code block) is named
  in a warning with its line: nothing is dropped silently. Prose paragraphs and headings are
  not list-shaped and are not warned about.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from prr_app.checklist.template import SEVERITIES, TIERS, Category, Template, parse_template
from prr_app.errors import PrrError
from prr_app.text_safety import decode_text

MAX_BYTES = 5 * 1024 * 1024
# a heading; "###" alone is one too (an empty heading, as CommonMark reads it), "#tag" is not
_HEADING = re.compile(r"^(#{1,6})(?:\s+(.*?))?\s*#*\s*$")
#: a tab moves to the next multiple of 4 columns (CommonMark's tab stop): "\t- [ ]" nests as deep as 4 spaces
_TAB = 4
# a list marker: a bullet, or a number as GitHub and most wikis render ordered task lists ("1. [ ]", "2) [x]")
_MARKER = r"(?:[-*+]|\d{1,9}[.)])"
_TASK = re.compile(rf"^(\s*){_MARKER}\s+\[([ xX])\](?:\s+(.*?)|\s*)$")
# a box that is not "[ ]" or "[x]" ("[]", "[ x]", "[-]"), or one with text right after it ("[x]done")
_BAD_BOX = re.compile(rf"^\s*{_MARKER}\s+\[([^\]]{{0,3}})\](\S?)")
_LIST = re.compile(rf"^(\s*){_MARKER}\s+\S")
_BARE_BOX = re.compile(r"^\s*\[[ xX]\]\s+\S")  # a box without a list marker
_RULE = re.compile(r"^\s*([-*_])(?:\s*\1){2,}\s*$")  # "---", "* * *": a thematic break, not a bullet
_BULLET = re.compile(r"^(\s+)(?:[-*+]\s+)?(.*\S)\s*$")
_SEV_TAG = re.compile(r"(?:\(\s*|\[\s*|(?<![\w#])#)(blocker|critical|high|medium|low)(?:\s*\)|\s*\])?(?!\w)", re.I)
_TIER_TAG = re.compile(r"\(\s*tiers?\s*([1-3](?:\s*(?:-|,|and|or)\s*[1-3])*)\s*\)", re.I)
_ID_TAG = re.compile(r"\{#([a-z0-9][a-z0-9_.-]{0,99})\}")
# what looks like a tag but is none of the above, at the end of the item: "(urgent)", "[p1]", "#later", "(tier 4)"
_UNKNOWN_TAG = re.compile(r"(?:\(\s*[\w-]+\s*\)|\[\s*[\w-]+\s*\]|(?<![\w#])#[\w-]+|\(\s*tiers?\b[^)]*\)|\{#[^}]*\})\s*$",
                          re.I)
KNOWN_TAGS = ("(blocker), [high], #medium, (low) (critical means blocker; in (), [] or after #), "
              "(tier 1), (tiers 1-2), (tier 1,2), {#item.id}")
_SLUG_STOP = {"a", "an", "the", "is", "are", "be", "has", "have", "of", "for", "to", "and", "or", "in", "on",
              "with", "we", "our", "it", "its", "there", "that", "this", "do", "does", "all", "every",
              "can", "from", "was", "were", "been", "by", "at"}


@dataclass
class MarkdownImport:
    template: Template
    checked: list[str] = field(default_factory=list)  # item ids ticked [x] in the file
    warnings: list[str] = field(default_factory=list)


def slugify(text: str, *, max_len: int = 40) -> str:
    words = re.findall(r"[a-z0-9]+", text.lower())
    kept = [w for w in words if w not in _SLUG_STOP] or words or ["item"]
    out = ""
    for w in kept:
        cand = f"{out}-{w}" if out else w
        if len(cand) > max_len:
            break
        out = cand
    return out or kept[0][:max_len]


def _tiers(spec: str) -> tuple[int, ...]:
    nums = [int(n) for n in re.findall(r"[1-3]", spec)]
    if "-" in spec and len(nums) == 2:
        lo, hi = sorted(nums)
        nums = list(range(lo, hi + 1))
    return tuple(sorted(set(nums)))


def parse_markdown(text: str, *, template_id: str, version: str = "1", title: str | None = None,
                   default_severity: str = "medium", file: str | None = None) -> MarkdownImport:
    if default_severity not in SEVERITIES:
        raise PrrError(f"{default_severity!r} is not a severity; use one of {', '.join(SEVERITIES)}")
    lines = text.splitlines()
    where = f"{file}: " if file else ""  # warnings name the file
    headings = [(i, len(m.group(1)), (m.group(2) or "").strip()) for i, line in enumerate(lines)
                if (m := _HEADING.match(line))]
    doc_title = None
    title_line = None
    if headings and headings[0][1] == 1 and headings[0][2] and (
            sum(1 for h in headings if h[1] == 1) == 1 or not _items_under(lines, headings, 0)):
        # the first heading is the title when it is the only level-1 heading, or when no task item
        # comes before the next heading: "# Checklist" above "# Part one" is a title, not an empty
        # category (several level-1 headings each over its items stay categories, as before)
        title_line, doc_title = headings[0][0], headings[0][2]

    categories: list[Category] = []
    cat_ids: dict[str, str] = {}  # title -> id
    items: list[dict] = []
    checked: list[str] = []
    notes: list[tuple[int, str]] = []  # (line, warning)
    used_ids: dict[str, int] = {}
    seen_q: dict[tuple, int] = {}
    current_cat = None
    stack: list[dict] = []  # the items whose nested lines may follow, outermost first (a sub-task nests)
    after_item = False  # the line before was an item's line or its continuation (no blank line since)
    # lines that are list-shaped but not imported, by why: warned about at the end, with their lines
    left: dict[str, list[int]] = {}
    sub_tasks: dict[int, list[int]] = {}  # parent item's line -> its sub-tasks' lines
    in_fence = False
    for i, raw in enumerate(lines):
        lineno = i + 1
        if raw.lstrip().startswith(("```", "~~~")):
            in_fence = not in_fence
            after_item = False
            continue
        if in_fence:
            if _TASK.match(raw) or _BAD_BOX.match(raw):
                left.setdefault("code", []).append(lineno)
            continue
        m = _HEADING.match(raw)
        if m:
            stack, after_item = [], False
            if i == title_line:
                continue
            ctitle = _strip_md(m.group(2) or "")
            if not ctitle:  # "###": its items are a category of their own, never the one above's
                ctitle = f"Section {lineno}"
                notes.append((lineno, f"{where}line {lineno}: a heading with no text; the items below it are "
                                      f"in a category named '{ctitle}'"))
            current_cat = _category(ctitle, categories, cat_ids)
            continue
        t = _TASK.match(raw)
        if t:
            indent = len(t.group(1).expandtabs(_TAB))
            while stack and stack[-1]["indent"] >= indent:
                stack.pop()
            parent = stack[-1] if stack else None
            if current_cat is None:
                current_cat = _category("General", categories, cat_ids)
            done = t.group(2) in "xX"
            body = t.group(3) or ""
            explicit = _ID_TAG.search(body)
            body = _ID_TAG.sub("", body)
            sev = default_severity
            sm = _SEV_TAG.search(body)
            if sm:
                sev = sm.group(1).lower()
                sev = "blocker" if sev == "critical" else sev
                body = body[: sm.start()] + body[sm.end():]
            tiers = TIERS
            tm = _TIER_TAG.search(body)
            if tm:
                tiers = _tiers(tm.group(1))
                body = body[: tm.start()] + body[tm.end():]
            rest, unknown = body.rstrip(), []
            while (um := _UNKNOWN_TAG.search(rest)) is not None and um.start() > 0:
                unknown.insert(0, um.group(0).strip())
                rest = rest[: um.start()].rstrip()
            question = _strip_md(body)
            if not question:  # "- [ ]", "- [x] ", "- [ ] (blocker)": nothing to ask; the rest still imports
                left.setdefault("empty", []).append(lineno)
                stack, after_item = [], False  # its nested lines have no item to go to: warned below
                continue
            if unknown:
                notes.append((lineno, f"{where}line {lineno}: unknown tag{'s' if len(unknown) > 1 else ''} "
                                      f"{', '.join(unknown)} (kept as part of the question); known tags: {KNOWN_TAGS}"))
            if len(question) < 5:
                raise PrrError("a checklist item needs a question of at least 5 characters", file=file,
                               location=f"line {lineno}")
            if "{" in question or "}" in question:
                question = question.replace("{", "(").replace("}", ")")
            key = (current_cat, re.sub(r"[^a-z0-9]+", " ", question.lower()).strip())
            if key in seen_q:
                notes.append((lineno, f"{where}line {lineno}: same question as line {seen_q[key]}; skipped"))
                # its sub-tasks are still sub-tasks ("Part of: ..." and named in the warning): a stand-in
                # for it takes them; its other nested lines are left out as under no item
                stack.append({"question": question, "line": lineno, "indent": indent, "skipped": True})
                after_item = False
                continue
            seen_q[key] = lineno
            iid = explicit.group(1) if explicit else f"{current_cat}.{slugify(question)}"
            if iid in used_ids:
                if explicit:
                    raise PrrError(f"item id {iid!r} is used twice (first on line {used_ids[iid]})", file=file,
                                   location=f"line {lineno}")
                n = 2
                while f"{iid}-{n}" in used_ids:
                    n += 1
                iid = f"{iid}-{n}"
            used_ids[iid] = lineno
            # a template has no nesting: a sub-task is an item of its own that says what it is part of
            why = f"Part of: {parent['question']}" if parent is not None else ""
            if parent is not None:
                sub_tasks.setdefault(parent["line"], []).append(lineno)
            item = {"id": iid, "category": current_cat, "question": question, "why": why, "evidence": "",
                    "severity": sev, "tiers": tiers, "indent": indent, "line": lineno}
            items.append(item)
            stack.append(item)
            after_item = True
            if done:
                checked.append(iid)
            continue
        if not raw.strip():
            after_item = False  # a blank line: nested lines below still belong to the item
            continue
        if _RULE.match(raw):
            stack, after_item = [], False
            continue
        if _BAD_BOX.match(raw):
            left.setdefault("box", []).append(lineno)
            stack, after_item = [], False
            continue
        b = _BULLET.match(raw)
        indent = len(b.group(1).expandtabs(_TAB)) if b else 0
        while stack and stack[-1]["indent"] >= indent:
            stack.pop()
        if stack and stack[-1].get("skipped"):
            stack = []  # under a skipped duplicate: no item takes it (a bullet is named below)
        if stack:  # nested under an item: its why or evidence
            owner = stack[-1]
            note = _strip_md(b.group(2))
            low = note.lower()
            if low.startswith("evidence:"):
                owner["evidence"] = _join(owner["evidence"], note[9:].strip())
            elif low.startswith("why:"):
                owner["why"] = _join(owner["why"], note[4:].strip())
            elif note:
                owner["why"] = _join(owner["why"], note)
            after_item = True
            continue
        if after_item and items and not _LIST.match(raw) and not _BARE_BOX.match(raw):
            # a lazy continuation (the item's text goes on at the margin, no blank line): part of its why
            items[-1]["why"] = _join(items[-1]["why"], _strip_md(raw))
            stack = [items[-1]]
            continue
        after_item = False
        if _LIST.match(raw):
            left.setdefault("bullet", []).append(lineno)
        elif _BARE_BOX.match(raw):
            left.setdefault("bare", []).append(lineno)
        # else prose (a paragraph, a table): not list-shaped, not an item by design
    for parent_line, subs in sub_tasks.items():
        many = len(subs) > 1
        whose = "each one's" if many else "its"
        notes.append((subs[0], f"{where}{_lines(subs)}: {'sub-tasks' if many else 'a sub-task'} of line {parent_line} "
                               f"{'are' if many else 'is'} imported as {'items of their' if many else 'an item of its'} "
                               f"own (a template has no nesting); {whose} why says "
                               f"'Part of: <line {parent_line}'s question>'"))
    for why, (one, many) in _LEFT_OUT.items():
        if left.get(why):
            notes.append((left[why][0], f"{where}{_lines(left[why])}: {one if len(left[why]) == 1 else many}; "
                                        "not imported"))
    warnings = [text for _line, text in sorted(notes, key=lambda n: n[0])]  # in the file's order
    if not items:
        raise PrrError("no task list items ('- [ ] question' or '1. [ ] question') found"
                       + (f" ({'; '.join(w.removeprefix(where) for w in warnings)})" if warnings else ""), file=file)
    used_cats = {it["category"] for it in items}
    data = {
        "format": "prr-checklist", "id": template_id, "version": version,
        "title": title or doc_title or template_id,
        "categories": [
            {"id": c.id, "title": c.title,
             "items": [{k: v for k, v in (("id", it["id"]), ("question", it["question"]), ("why", it["why"][:2000]),
                                          ("evidence", it["evidence"][:2000]), ("severity", it["severity"]),
                                          ("tiers", list(it["tiers"]))) if v != ""}
                       for it in items if it["category"] == c.id]}
            for c in categories if c.id in used_cats
        ],
    }
    # schema problems are reported at the Markdown line of the item
    lines_map = {("categories", ci, "items", ii): it["line"]
                 for ci, c in enumerate(data["categories"])
                 for ii, it in enumerate(x for x in items if x["category"] == c["id"])}
    tmpl = parse_template(data, file=file, lines=lines_map)
    return MarkdownImport(tmpl, checked, warnings)


#: why a list-shaped line was not imported, in the warning that names its lines
_LEFT_OUT = {
    "empty": ("a task item with no text", "task items with no text"),
    "box": ("a box that is not '[ ]' or '[x]' followed by a space",
            "boxes that are not '[ ]' or '[x]' followed by a space"),
    "bare": ("a box without a list marker (write '- [ ] question')",
             "boxes without a list marker (write '- [ ] question')"),
    "bullet": ("a list item without a box (write '- [ ] question' to make it an item)",
               "list items without a box (write '- [ ] question' to make them items)"),
    "code": ("a task item inside a code block (code blocks are ignored)",
             "task items inside a code block (code blocks are ignored)"),
}


def _items_under(lines: list[str], headings: list[tuple], k: int) -> bool:
    """Whether a task item comes between heading ``k`` and the next heading (code blocks aside)."""
    end = headings[k + 1][0] if k + 1 < len(headings) else len(lines)
    fence = False
    for line in lines[headings[k][0] + 1:end]:
        if line.lstrip().startswith(("```", "~~~")):
            fence = not fence
        elif not fence and _TASK.match(line):
            return True
    return False


def _lines(nums: list[int]) -> str:
    """'line 7' or 'lines 7, 9, 12': every line, so each one left out can be found."""
    return f"line {nums[0]}" if len(nums) == 1 else "lines " + ", ".join(str(n) for n in nums)


def _join(a: str, b: str) -> str:
    return f"{a} {b}".strip() if a else b


def _strip_md(text: str) -> str:
    text = re.sub(r"\[([^\]]*)\]\(([^)]*)\)", r"\1 (\2)", text)  # links: keep text and target
    text = re.sub(r"[*_`]{1,3}([^*_`]+)[*_`]{1,3}", r"\1", text)
    return " ".join(text.split()).strip(" -:")


def _category(title: str, categories: list[Category], ids: dict[str, str]) -> str:
    if title in ids:
        return ids[title]
    base = slugify(title, max_len=30)
    cid, n = base, 2
    while any(c.id == cid for c in categories):
        cid = f"{base}-{n}"
        n += 1
    categories.append(Category(cid, title[:200]))
    ids[title] = cid
    return cid


def read_markdown_file(path: str | Path, **kw) -> MarkdownImport:
    p = Path(path)
    try:
        if p.stat().st_size > MAX_BYTES:
            raise PrrError(f"larger than {MAX_BYTES} bytes", file=str(p))
        raw = p.read_bytes()
    except FileNotFoundError:
        raise PrrError("no such file", file=str(p)) from None
    except OSError as e:
        raise PrrError(f"cannot read: {e.strerror or e}", file=str(p)) from None
    # the one decoding of users' files: "line L, column C" of a bad byte, UTF-16 named
    return parse_markdown(decode_text(raw, str(p)), file=str(p), **kw)
