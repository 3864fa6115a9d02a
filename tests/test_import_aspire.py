"""A .NET Aspire AppHost (C#) imported as the app model it states: resources, references, replicas
and what faces users, read without .NET; and as part of a repository, where the services' code
corroborates the references (docs/importers.md, ".NET Aspire")."""
from __future__ import annotations

import random
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from prr_app.analysis import analyze
from prr_app.cli.main import main
from prr_app.errors import PrrError
from prr_app.importers.aspire import read_aspire
from prr_app.importers.registry import detect_format, import_paths
from prr_app.model.validation import validate
from prr_app.review.provenance import evidence_of

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "import" / "aspire"
APPHOST = FIXTURE / "src" / "Shop.AppHost" / "Program.cs"


def test_an_apphost_is_its_resources_and_their_references():
    res = read_aspire([APPHOST])
    r = res.review
    kinds = {c.id: c.kind for c in r.components.values()}
    # a parameter is a setting; a commented-out resource is none; a database is its server's
    assert kinds == {"cache": "cache", "messaging": "queue", "pg": "datastore", "jaeger": kinds["jaeger"],
                     "identity": "service", "catalog-api": "service", "orders-api": "service", "mailer": "service",
                     "edge": "gateway", "storefront": "service"}
    assert "telemetry" in r.components["jaeger"].tags  # from its image
    assert {c.id for c in r.components.values() if c.user_facing} == {"identity", "edge", "storefront"}
    assert (r.components["catalog-api"].replicas, r.components["storefront"].replicas) == (3, 2)
    deps = r.dependencies
    kinds = {k: d.kind for k, d in deps.items()}
    assert kinds["catalog-api->pg"] == "hard" and kinds["orders-api->pg"] == "hard" and kinds["identity->pg"] == "hard"
    # a call to the broker is hard; mailer, which nothing calls, reads its work from it: soft (its poll)
    assert kinds["orders-api->messaging"] == "hard" and kinds["mailer->messaging"] == "soft"
    assert kinds["catalog-api->jaeger"] == "soft"  # a telemetry hub
    assert kinds["orders-api->identity"] == "hard"  # an endpoint handed over in the environment is called
    # WaitFor alone is start-up order: soft, with the line that says so
    assert kinds["mailer->orders-api"] == "soft"
    assert any("WaitFor(orders) (start-up order; nothing else names it)" in e for e in deps["mailer->orders-api"].evidence)
    # a gateway's routes, through a method of its own
    assert kinds["edge->catalog-api"] == kinds["edge->orders-api"] == "hard"
    assert kinds["storefront->edge"] == "hard"
    # addresses handed out (a client registration, a redirect) are not calls: no dependency, and said
    assert "identity->storefront" not in kinds and "identity->edge" not in kinds
    assert any("StorefrontClient" in w and "check it" in w for w in res.report.warnings)
    assert any(e.startswith("Shop.AppHost/Program.cs:22: catalog-api.WithReference(booksDb)")
               for e in deps["catalog-api->pg"].evidence)
    assert any("AddDatabase('booksdb') on it" in e for e in evidence_of(r, "pg")[1])
    assert validate(r) == []
    # the one server behind both databases is what fails them all; three replicas of catalog-api
    # survive one instance's loss (its failure as a whole, a bad release, is still a SPOF)
    a = analyze(r)
    assert "pg" in {s["element"] for s in a.spofs if s["element_type"] == "component"}
    instances = {s["component"] for s in a.spofs if s["element_type"] == "instance"}
    assert "pg" in instances and "catalog-api" not in instances


def test_statements_strings_and_comments_are_told_apart():
    r = read_aspire([APPHOST]).review
    assert "old-cache" not in r.components
    # a string with a ";" and parentheses in it does not end or break the statement around it
    assert "orders-api->identity" in r.dependencies and "orders-api->messaging" in r.dependencies


def test_a_repository_with_an_apphost_is_imported_from_it_and_its_code_corroborates(tmp_path):
    repo = tmp_path / "shop"
    shutil.copytree(FIXTURE, repo)
    res = import_paths([repo])
    r = res.review
    assert "catalog-api" in r.components and "pg" in r.components
    ev = r.dependencies["orders-api->catalog-api"].evidence  # only the code says this one
    assert any(e.startswith("src/Orders.Api/CatalogClient.cs:4:") for e in ev)
    assert any(e.startswith("src/Shop.AppHost/Program.cs:") for e in r.dependencies["catalog-api->pg"].evidence)
    # the AppHost is the app model, not a service's source
    assert not any("Program.cs" in e for d in r.dependencies.values() for e in d.evidence if "source literal" in e)
    assert validate(r) == []


def test_the_command_line_imports_an_apphost_and_refuses_what_is_not_one(tmp_path, capsys):
    assert detect_format([APPHOST]) == "aspire"
    out = tmp_path / "shop.prr"
    assert main(["import", str(APPHOST), "-o", str(out)]) == 0
    assert out.is_file()
    other = tmp_path / "Program.cs"
    other.write_text('Console.WriteLine("hello");\n', encoding="utf-8")
    with pytest.raises(PrrError, match="not an Aspire AppHost"):
        read_aspire([other])
    empty = tmp_path / "AppHost.cs"
    empty.write_text("var builder = DistributedApplication.CreateBuilder(args);\nbuilder.Build().Run();\n",
                     encoding="utf-8")
    capsys.readouterr()
    assert main(["import", str(empty), "--format", "aspire", "-o", str(tmp_path / "e.prr")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "AppHost.cs" in err[0] and "adds no resource" in err[0]


_TEXT = APPHOST.read_text(encoding="utf-8")


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, 2**32 - 1), st.integers(1, 12))
def test_a_damaged_apphost_is_read_or_refused_in_one_line_never_a_crash(tmp_path_factory, seed, cuts):
    rnd = random.Random(seed)
    text = _TEXT
    for _ in range(cuts):  # delete, duplicate or insert punctuation at random places
        i = rnd.randrange(len(text))
        op = rnd.choice(("del", "dup", "ins"))
        j = min(len(text), i + rnd.randrange(1, 40))
        text = (text[:i] + text[j:] if op == "del" else text[:i] + text[i:j] * 2 + text[j:] if op == "dup"
                else text[:i] + rnd.choice(['(', ')', '"', ';', '{', '}', '<', '//', '/*', '@"', '.With']) + text[i:])
    path = tmp_path_factory.mktemp("aspire") / "Program.cs"
    path.write_text(text, encoding="utf-8")
    try:
        res = read_aspire([path])
    except PrrError as e:
        assert "\n" not in str(e)
        return
    assert validate(res.review) == []


def test_the_standard_resilience_handler_of_the_service_defaults_reaches_the_services_that_use_them(tmp_path):
    """.NET Aspire's ServiceDefaults put a standard resilience handler on every HttpClient of the
    services that call AddServiceDefaults(): their HTTP calls time out, retry with back-off and
    break; their database and broker clients are no HttpClient."""
    repo = tmp_path / "shop"
    shutil.copytree(FIXTURE, repo)
    deps = import_paths([repo]).review.dependencies
    call = deps["orders-api->identity"]
    assert (call.timeout_ms, call.retries, call.backoff, call.circuit_breaker) == (20000, 3, True, True)
    assert any("Extensions.cs:12: every HttpClient's standard resilience handler: gives up after 20000 ms" in e
               and "AddServiceDefaults() at src/Orders.Api/Program.cs:2" in e for e in call.evidence)
    assert deps["orders-api->pg"].timeout_ms is None and deps["orders-api->messaging"].retries is None
    # a service that does not call AddServiceDefaults() gets nothing from them
    assert deps["mailer->orders-api"].timeout_ms is None
    # without the options lambda, the library's defaults: 30 s in all, 3 retries
    ext = repo / "src" / "Shop.ServiceDefaults" / "Extensions.cs"
    text = ext.read_text()
    start = text.index("http.AddStandardResilienceHandler(")
    end = text.index("});", start) + 3
    ext.write_text(text[:start] + "http.AddStandardResilienceHandler();" + text[end:])
    call = import_paths([repo]).review.dependencies["orders-api->identity"]
    assert (call.timeout_ms, call.retries) == (30000, 3)
    # a shared file that puts no handler on HttpClients: nothing is made up
    ext.write_text(text.replace("http.AddStandardResilienceHandler(", "http.AddOtherHandler("))
    assert import_paths([repo]).review.dependencies["orders-api->identity"].timeout_ms is None


@pytest.mark.parametrize("declared,folder", [
    ('builder.AddProject<Projects.Shop_Ordering>("orders-api")', "Shop.Ordering"),  # the project type's name
    ('builder.AddDotnetProject("orders-api", "../Backend")', "Backend"),  # the path the method is given
    ('builder.AddProject("orders-api", "../Backend/Backend.csproj")', "Backend"),
])
def test_a_projects_code_is_found_where_the_apphost_says_it_is(tmp_path, declared, folder):
    """A project folder named unlike its resource (eShop's WebhookClient runs as webhooksclient) is
    still that resource's code: its calls and settings are read for it."""
    repo = tmp_path / "shop"
    shutil.copytree(FIXTURE, repo)
    (repo / "src" / "Orders.Api").rename(repo / "src" / folder)
    if folder == "Backend":
        (repo / "src" / folder / "Backend.csproj").write_text("<Project Sdk=\"Microsoft.NET.Sdk.Web\" />\n")
    host = repo / "src" / "Shop.AppHost" / "Program.cs"
    host.write_text(host.read_text().replace('builder.AddProject<Projects.Orders_Api>("orders-api")', declared))
    res = import_paths([repo])
    ev = res.review.dependencies["orders-api->catalog-api"].evidence  # only the project's code says this one
    assert any(e.startswith(f"src/{folder}/CatalogClient.cs:4:") for e in ev), ev
    assert res.review.dependencies["orders-api->identity"].timeout_ms == 20000  # it calls AddServiceDefaults()


def test_a_call_named_after_a_start_up_wait_is_hard(tmp_path):
    """``.WaitFor(identity).WithEnvironment("IdentityUrl", identityEndpoint)``: the wait alone would be
    start-up order (soft); the address it is given makes it a call, whichever comes first."""
    host = tmp_path / "Shop.AppHost" / "Program.cs"
    host.parent.mkdir()
    host.write_text('var builder = DistributedApplication.CreateBuilder(args);\n'
                    'var identity = builder.AddProject<Projects.Identity>("identity");\n'
                    'var identityEndpoint = identity.GetEndpoint("https");\n'
                    'builder.AddProject<Projects.WebApp>("webapp")\n'
                    '    .WaitFor(identity)\n'
                    '    .WithEnvironment("IdentityUrl", identityEndpoint);\n'
                    'builder.AddProject<Projects.Admin>("admin")\n'
                    '    .WithEnvironment("IdentityUrl", identityEndpoint)\n'
                    '    .WaitFor(identity);\n'
                    'builder.Build().Run();\n')
    deps = read_aspire([host]).review.dependencies
    assert deps["webapp->identity"].kind == "hard" and deps["admin->identity"].kind == "hard"
