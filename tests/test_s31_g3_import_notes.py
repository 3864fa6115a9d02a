"""What the import could not settle reaches the launch document (session 31, g3).

PetClinic cloud's import warned that ConfigMap `pet-clinic-config` is not the `petclinic-config` the
gateway's bootstrap.yml loads ("as written, the application does not find its configuration") and that
`vists-service` is misspelt, both launch bugs, but `prr report` (PDF and Markdown) never said so: the
import's warnings, dangling references and skipped lines stopped at the import report. The report now
has a short section "What the import could not settle", from the newest import record, the lines that
fail as written first and the noise (unset image tags, identical duplicates) last, at most 12 lines.

And the TeaStore cover cut the assumption "5 components no user-facing component or journey reaches
..." mid-sentence: an assumption that decided the verdict is now whole where the cover shows it."""
from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from prr_app.cli.main import main
from prr_app.model.entities import Component, Dependency, FailureDomain, ImportRecord, Review
from prr_app.reporting.assessment import (IMPORT_NOTE_RANKS, IMPORT_NOTES_TITLE, Assessment, build_assessment,
                                          import_note_rank, import_notes)
from prr_app.reporting.markdown import render_markdown
from prr_app.reporting.pdf import render_pdf

TODAY = "2026-12-10"

# the import's own words (PetClinic cloud, robot-shop, FTGO, retail store, TeaStore imports of session 31)
CONFIG = ("k8s/init-services/02-config-map.yaml:2: ConfigMap pet-clinic-config is not named petclinic-config, the "
          "name Spring Cloud Kubernetes is asked to load (spring-petclinic-api-gateway/src/main/resources/"
          "bootstrap.yml:35: spring.cloud.kubernetes.config.name petclinic-config (application api-gateway)): "
          "taken to mean it; check the name (as written, the application does not find its configuration)")
MISSPELT = ("k8s/init-services/02-config-map.yaml:46: ConfigMap pet-clinic-config (application.yaml) visits-service-id: "
            "http://vists-service.spring-pet-clinic.svc.cluster.local:8080: names host vists-service.spring-pet-clinic"
            ".svc.cluster.local, which no Service in these files provides; the Service visits-service is nearly "
            "that name: a misspelling?")
NOT_DEPLOYED = ("customers-db-mysql: a database customers-service names by a connection URL, which the files read do "
                "not deploy: added as a datastore tagged not-deployed; confirm where it runs (a Helm chart or "
                "operator installed apart, a managed service) and state its replicas and recovery")
DUP_KEY = "k8s/api-gateway-deployment.yaml:48: duplicate key 'resources' (first at line 35); the last one is used"
NAMESPACE = ("k8s/init-namespace/01-namespace.yaml:2: Namespace spring-pet-clinic: says nothing about components or "
             "dependencies")
ORDER_ONLY = ("docker-compose.yml:83: ftgo-consumer-service -> cdc-service rests on depends_on alone (start-up order, "
              "not a call): recorded as soft; check it")
VARIANT = ("variants of one deployment: examples/docker (compose) [Compose docker-compose_default.yaml], "
           "examples/kubernetes [Kubernetes manifests teastore-clusterip.yaml]; imported examples/kubernetes "
           "[Kubernetes manifests teastore-clusterip.yaml] (plain manifests are picked before Kustomize, Helm and "
           "Compose when nothing else tells them apart)")
UNREADABLE = "charts/shop: could not read: helm template failed: Error: chart requires kubeVersion"
REQUIRED = "docker-compose.yml:14: required variable DOCKER_HOST_IP is not set (DOCKER_HOST_IP must be set); left empty"
TAG = "docker-compose.yaml:{}: variable {}_TAG is not set (not in .env); left empty"
IDENTICAL = ("kubernetes/deploy.yaml:351: Service catalog-mysql is already defined at kubernetes/deploy.yaml:22: a "
             "duplicate; the last copy is used, as kubectl apply leaves it (two copies of one object are not "
             "redundancy); the two copies are identical")
DIFFERS = ("kubernetes/deploy.yaml:1286: ConfigMap ui is already defined at kubernetes/deploy.yaml:216: a duplicate; "
           "the last copy is used, as kubectl apply leaves it (two copies of one object are not redundancy); the "
           "last copy adds data.ENDPOINTS_CARTS")


def _shop(report: dict | None, *, at: str = "2026-12-07T23:56:16+00:00") -> Review:
    r = Review()
    r.meta.system_name = "petclinic-like"
    r.add(Component("api-gateway", kind="gateway", user_facing=True, replicas=1))
    r.add(Component("visits-service", replicas=1))
    r.add(Dependency("api-gateway", "visits-service"))
    if report is not None:
        r.imports["import-1"] = ImportRecord("import-1", at, "repository", sources=["spring-petclinic-cloud"],
                                             report=report)
    return r


# the noise first and the launch bugs last, as an import may list them
PETCLINIC = {"warnings": [DUP_KEY, CONFIG, NOT_DEPLOYED], "dangling": [MISSPELT], "skipped": [NAMESPACE]}


def _md_section(text: str) -> list[str]:
    """The section's table rows (rank, line), in order."""
    part = text.split(f"## {IMPORT_NOTES_TITLE}", 1)[1].split("\n## ", 1)[0]
    return [tuple(c.strip() for c in row.strip("|").split(" | ", 1))
            for row in part.splitlines() if row.startswith("| ") and not row.startswith("| How much")]


def _unescape(s: str) -> str:
    return re.sub(r"\\(.)", r"\1", s)


# -- the rule -------------------------------------------------------------------------------------
@pytest.mark.parametrize("line, rank", [
    (CONFIG, 0), (MISSPELT, 0), (UNREADABLE, 0), (REQUIRED, 0),
    (ORDER_ONLY, 1), (VARIANT, 1), (NOT_DEPLOYED, 1), (DIFFERS, 1),
    ("teastore-webui faces users and calls nothing but teastore-registry: its calls to the other services are "
     "probably not in the files read", 1),
    ("dependency ledgerwriter -> contacts: only ConfigMap service-api-config names it (CONTACTS_API_ADDR), an "
     "address book every workload takes whole (envFrom), and ledgerwriter's code never reads it: left out", 1),
    (DUP_KEY, 2),
    ("docker-compose.yaml:37: jaeger environment ES_SERVER_URLS=http://host.docker.internal:9200: names the Docker "
     "host itself", 2),
    (TAG.format(81, "CATALOGUE"), 3), (IDENTICAL, 3), (NAMESPACE, 3),
])
def test_the_rank_of_a_line_comes_from_the_imports_words(line, rank):
    assert IMPORT_NOTE_RANKS[import_note_rank(line)] == IMPORT_NOTE_RANKS[rank]


def test_the_lines_are_ranked_launch_bugs_first_each_once_in_the_imports_order_within_a_rank():
    report = {"warnings": [TAG.format(6, "MONGODB"), ORDER_ONLY, CONFIG, REQUIRED, ORDER_ONLY],
              "dangling": [MISSPELT], "skipped": [NAMESPACE, VARIANT]}
    notes = import_notes(_shop(report))
    assert [t for _r, t in notes.lines] == [CONFIG, REQUIRED, MISSPELT, ORDER_ONLY, VARIANT,
                                            TAG.format(6, "MONGODB"), NAMESPACE]
    assert "repository import of spring-petclinic-cloud on 2026-12-07" in notes.intro()


def test_no_import_record_or_nothing_unsettled_no_section():
    for review in (_shop(None), _shop({"warnings": [], "dangling": [], "skipped": []}), _shop({"inferred": []})):
        a = build_assessment(review, today=TODAY)
        assert a.import_notes is None
        text = render_markdown(review, assessment=a)
        assert IMPORT_NOTES_TITLE not in text and "Import not settled" not in text
        assert IMPORT_NOTES_TITLE not in _pdf_text(review, a)


def test_the_newest_import_record_is_read():
    r = _shop({"warnings": [CONFIG]}, at="2026-12-01T00:00:00+00:00")
    r.imports["import-2"] = ImportRecord("import-2", "2026-12-05T00:00:00+00:00", "repository", sources=["x"],
                                         report={"warnings": [TAG.format(6, "WEB")]})
    assert [t for _r, t in import_notes(r).lines] == [TAG.format(6, "WEB")]


# -- the Markdown ------------------------------------------------------------------------------------
def test_the_markdown_says_what_the_import_could_not_settle_launch_bugs_first():
    review = _shop(PETCLINIC)
    text = render_markdown(review, assessment=build_assessment(review, today=TODAY))
    rows = _md_section(text)
    assert [(rank, _unescape(t)) for rank, t in rows] == [
        ("fails as written", CONFIG), ("fails as written", MISSPELT), ("rests on a guess: check it", NOT_DEPLOYED),
        ("to check", DUP_KEY), ("minor", NAMESPACE)]
    # after the executive summary, before section 1; the key figures point to it
    assert text.index("### Top risks") < text.index(f"## {IMPORT_NOTES_TITLE}") < text.index("## 1. System overview")
    assert ("| Import not settled | 5 lines the newest import could not settle: 2 failing as written, 1 resting "
            "on a guess, 1 to check, 1 minor") in text
    assert "lists them all" not in text  # nothing left over


def test_at_most_twelve_lines_then_how_many_more_and_where():
    tags = [TAG.format(100 + i, f"S{i}") for i in range(14)]
    review = _shop({"warnings": tags + [IDENTICAL, CONFIG], "dangling": [MISSPELT], "skipped": [NAMESPACE]})
    text = render_markdown(review, assessment=build_assessment(review, today=TODAY))
    rows = _md_section(text)
    assert len(rows) == 12
    assert [_unescape(t) for _r, t in rows[:2]] == [CONFIG, MISSPELT]  # the launch bugs are never the ones left out
    assert ("… and 6 more (6 minor): the import report (Review \\> Import Report…) lists them all." in text)


# -- the PDF -----------------------------------------------------------------------------------------
def _pdf_text(review: Review, a: Assessment) -> str:
    reader = PdfReader(io.BytesIO(render_pdf(review, assessment=a)))
    return "\n".join(p.extract_text() for p in reader.pages)


def _flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_the_pdf_has_the_section_after_the_summary_in_the_contents():
    review = _shop(PETCLINIC)
    a = build_assessment(review, today=TODAY)
    reader = PdfReader(io.BytesIO(render_pdf(review, assessment=a)))
    pages = [p.extract_text() for p in reader.pages]
    contents = next(i for i, p in enumerate(pages) if p.lstrip().startswith("Contents") or "\nContents\n" in p)
    flat = _flat("\n".join(pages[1:contents]))  # after the cover, before the contents
    title = _flat(IMPORT_NOTES_TITLE)
    assert flat.index("Keyfigures") < flat.index("Importnotsettled") < flat.index(title)
    for line in (CONFIG, MISSPELT, NOT_DEPLOYED, NAMESPACE):
        assert _flat(line) in flat  # whole, as the import worded it
    assert flat.index(title) < flat.index(_flat(CONFIG)) < flat.index(_flat(MISSPELT)) \
        < flat.index(_flat(NOT_DEPLOYED)) < flat.index(_flat(NAMESPACE))
    assert title in _flat(pages[contents])


def test_the_pdf_counts_what_it_leaves_out():
    review = _shop({"warnings": [TAG.format(100 + i, f"S{i}") for i in range(13)] + [CONFIG]})
    text = _flat(_pdf_text(review, build_assessment(review, today=TODAY)))
    assert _flat("… and 2 more (2 minor): the import report (Review > Import Report…) lists them all.") in text
    assert _flat(CONFIG) in text


# -- the command line, on an import ----------------------------------------------------------------
def test_prr_report_carries_what_prr_import_left_dangling(tmp_path, capsys):
    k8s = tmp_path / "k8s"
    k8s.mkdir()
    (k8s / "app.yaml").write_text("""\
apiVersion: apps/v1
kind: Deployment
metadata: {name: gateway}
spec:
  replicas: 1
  selector: {matchLabels: {app: gateway}}
  template:
    metadata: {labels: {app: gateway}}
    spec:
      containers:
        - name: gateway
          image: example/gateway:1.0
          env:
            - {name: VISITS_URL, value: "http://vists-service:8080"}
---
apiVersion: v1
kind: Service
metadata: {name: visits-service}
spec: {selector: {app: visits}, ports: [{port: 8080}]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: visits}
spec:
  replicas: 1
  selector: {matchLabels: {app: visits}}
  template:
    metadata: {labels: {app: visits}}
    spec: {containers: [{name: visits, image: example/visits:1.0}]}
""")
    prr, md, pdf = tmp_path / "shop.prr", tmp_path / "shop.md", tmp_path / "shop.pdf"
    assert main(["import", str(k8s), "-o", str(prr)]) == 0
    out = capsys.readouterr().out
    dangling = next(x[len("dangling: "):] for x in out.splitlines() if x.startswith("dangling: "))
    assert "vists-service" in dangling
    assert main(["report", str(prr), "-o", str(pdf), "--markdown", str(md), "--today", TODAY]) == 0
    assert dangling in [_unescape(t) for _r, t in _md_section(md.read_text())]
    text = "\n".join(p.extract_text() for p in PdfReader(str(pdf)).pages)
    assert _flat(dangling) in _flat(text)


# -- the cover: an assumption that decided the verdict is whole where it is shown ---------------------
def _teastore() -> Review:
    """TeaStore as its import made it: six services calling a discovery registry, one user-facing web UI,
    a database, one cluster, nothing stated (tier, policy, SLOs, journeys, availability)."""
    r = Review()
    r.meta.system_name = "TeaStore"
    r.meta.tier = None
    r.add(FailureDomain("cluster", name="Kubernetes cluster", kind="cluster"))
    for cid in ("auth", "db", "image", "persistence", "recommender", "registry", "webui"):
        r.add(Component(f"teastore-{cid}", kind="datastore" if cid == "db" else "service", replicas=1,
                        user_facing=cid == "webui", tags=["discovery"] if cid == "registry" else [],
                        shared_domains=["cluster"], source="import:kubernetes teastore-clusterip.yaml"))
    for s, t in (("auth", "registry"), ("image", "registry"), ("persistence", "db"), ("persistence", "registry"),
                 ("recommender", "registry"), ("webui", "registry")):
        r.add(Dependency(f"teastore-{s}", f"teastore-{t}", kind_stated=False,
                         evidence=[f"teastore-clusterip.yaml:98: teastore-{s} env HOST=teastore-{t}"]))
    return r


def _cover(review: Review, a: Assessment, tmp_path: Path) -> str:
    reader = PdfReader(io.BytesIO(render_pdf(review, assessment=a)))
    assert "Executive summary" in reader.pages[1].extract_text()  # the cover is one page
    return reader.pages[0].extract_text()


def _assumptions_whole(a: Assessment, cover: str) -> int:
    """Every assumption on the cover is whole; how many are shown (the others counted, in appendix A.2)."""
    flat = _flat(cover)
    asm = a.deciding_assumptions()
    shown = [x for x in asm if _flat(x) in flat]
    assert "in full in appendix A.2" not in cover
    m = re.search(r"… and (\d+) more: see appendix A\.2", cover)
    assert len(shown) + (int(m[1]) if m else 0) == len(asm)
    assert shown == asm[:len(shown)]
    return len(shown)


def test_the_teastore_cover_shows_every_deciding_assumption_whole(tmp_path):
    review = _teastore()
    a = build_assessment(review, today=TODAY)
    unreached = [x for x in a.deciding_assumptions() if "no user-facing component or journey reaches" in x]
    assert unreached and len(unreached[0]) > 200  # the one the cover cut at "reaches ..."
    cover = _cover(review, a, tmp_path)
    assert _assumptions_whole(a, cover) == len(a.deciding_assumptions())
    assert _flat(unreached[0]) in _flat(cover)


def test_a_cover_too_small_for_every_assumption_lists_whole_ones_and_counts_the_rest(tmp_path, monkeypatch):
    review = _teastore()
    a = build_assessment(review, today=TODAY)
    long_asm = [f"Assumption {k}: " + "a default the verdict rests on, said at length, " * 9 + f"end {k}."
                for k in range(9)]
    monkeypatch.setattr(Assessment, "deciding_assumptions", lambda self: list(long_asm))
    cover = _cover(review, a, tmp_path)
    shown = _assumptions_whole(a, cover)
    assert 0 < shown < len(long_asm)
    for k in range(shown):
        assert f"end {k}." in cover
