"""The .NET Aspire import on dotnet/eShop, session 31 (docs/importers.md, ".NET Aspire"): the addresses an
identity server is told to give out are no dependencies, each call of a fluent chain is cited by its own
line, and a ``WaitFor`` alone is start-up order as compose's ``depends_on`` is. Each test fails without
its fix."""
from __future__ import annotations

from pathlib import Path

from prr_app.analysis import analyze
from prr_app.importers.aspire import read_aspire
from prr_app.importers.registry import import_paths
from prr_app.model.validation import validate
from prr_app.review.provenance import evidence_of

#: dotnet/eShop's src/eShop.AppHost/Program.cs (MIT), as it is: the line numbers are its own
ESHOP = '''
using eShop.AppHost;
using Microsoft.Extensions.Configuration;

var builder = DistributedApplication.CreateBuilder(args);

builder.AddForwardedHeaders();

var redis = builder.AddRedis("redis");
var rabbitMq = builder.AddRabbitMQ("eventbus");
var postgres = builder.AddPostgres("postgres")
    .WithImage("ankane/pgvector")
    .WithImageTag("latest");

var catalogDb = postgres.AddDatabase("catalogdb");
var identityDb = postgres.AddDatabase("identitydb");
var orderDb = postgres.AddDatabase("orderingdb");
var webhooksDb = postgres.AddDatabase("webhooksdb");

var launchProfileName = ShouldUseHttpForEndpoints() ? "http" : "https";

// Services
var identityApi = builder.AddProject<Projects.Identity_API>("identity-api", launchProfileName)
    .WithExternalHttpEndpoints()
    .WithReference(identityDb);

var identityEndpoint = identityApi.GetEndpoint(launchProfileName);

var basketApi = builder.AddProject<Projects.Basket_API>("basket-api")
    .WithReference(redis)
    .WithReference(rabbitMq)
    .WithEnvironment("Identity__Url", identityEndpoint);

var catalogApi = builder.AddProject<Projects.Catalog_API>("catalog-api")
    .WithReference(rabbitMq)
    .WithReference(catalogDb);

var orderingApi = builder.AddProject<Projects.Ordering_API>("ordering-api")
    .WithReference(rabbitMq)
    .WithReference(orderDb)
    .WithEnvironment("Identity__Url", identityEndpoint);

builder.AddProject<Projects.OrderProcessor>("order-processor")
    .WithReference(rabbitMq)
    .WithReference(orderDb);

builder.AddProject<Projects.PaymentProcessor>("payment-processor")
    .WithReference(rabbitMq);

var webHooksApi = builder.AddProject<Projects.Webhooks_API>("webhooks-api")
    .WithReference(rabbitMq)
    .WithReference(webhooksDb)
    .WithEnvironment("Identity__Url", identityEndpoint);

// Reverse proxies
builder.AddProject<Projects.Mobile_Bff_Shopping>("mobile-bff")
    .WithReference(catalogApi)
    .WithReference(orderingApi)
    .WithReference(basketApi)
    .WithReference(identityApi);

// Apps
var webhooksClient = builder.AddProject<Projects.WebhookClient>("webhooksclient", launchProfileName)
    .WithReference(webHooksApi)
    .WithEnvironment("IdentityUrl", identityEndpoint);

var webApp = builder.AddProject<Projects.WebApp>("webapp", launchProfileName)
    .WithExternalHttpEndpoints()
    .WithReference(basketApi)
    .WithReference(catalogApi)
    .WithReference(orderingApi)
    .WithReference(rabbitMq)
    .WithEnvironment("IdentityUrl", identityEndpoint);

// set to true if you want to use OpenAI
bool useOpenAI = false;
if (useOpenAI)
{
    const string openAIName = "openai";
    const string textEmbeddingName = "text-embedding-3-small";
    const string chatModelName = "gpt-35-turbo-16k";

    // to use an existing OpenAI resource, add the following to the AppHost user secrets:
    // "ConnectionStrings": {
    //   "openai": "Key=<API Key>" (to use https://api.openai.com/)
    //     -or-
    //   "openai": "Endpoint=https://<name>.openai.azure.com/" (to use Azure OpenAI)
    // }
    IResourceBuilder<IResourceWithConnectionString> openAI;
    if (builder.Configuration.GetConnectionString(openAIName) is not null)
    {
        openAI = builder.AddConnectionString(openAIName);
    }
    else
    {
        // to use Azure provisioning, add the following to the AppHost user secrets:
        // "Azure": {
        //   "SubscriptionId": "<your subscription ID>"
        //   "Location": "<location>"
        // }
        openAI = builder.AddAzureOpenAI(openAIName)
            .AddDeployment(new AzureOpenAIDeployment(chatModelName, "gpt-35-turbo", "0613"))
            .AddDeployment(new AzureOpenAIDeployment(textEmbeddingName, "text-embedding-3-small", "1"));
    }

    catalogApi
        .WithReference(openAI)
        .WithEnvironment("AI__OPENAI__EMBEDDINGNAME", textEmbeddingName);

    webApp
        .WithReference(openAI)
        .WithEnvironment("AI__OPENAI__CHATMODEL", chatModelName); ;
}

// Wire up the callback urls (self referencing)
webApp.WithEnvironment("CallBackUrl", webApp.GetEndpoint(launchProfileName));
webhooksClient.WithEnvironment("CallBackUrl", webhooksClient.GetEndpoint(launchProfileName));

// Identity has a reference to all of the apps for callback urls, this is a cyclic reference
identityApi.WithEnvironment("BasketApiClient", basketApi.GetEndpoint("http"))
           .WithEnvironment("OrderingApiClient", orderingApi.GetEndpoint("http"))
           .WithEnvironment("WebhooksApiClient", webHooksApi.GetEndpoint("http"))
           .WithEnvironment("WebhooksWebClient", webhooksClient.GetEndpoint(launchProfileName))
           .WithEnvironment("WebAppClient", webApp.GetEndpoint(launchProfileName));

builder.Build().Run();

// For test use only.
// Looks for an environment variable that forces the use of HTTP for all the endpoints. We
// are doing this for ease of running the Playwright tests in CI.
static bool ShouldUseHttpForEndpoints()
{
    const string EnvVarName = "ESHOP_USE_HTTP_ENDPOINTS";
    var envValue = Environment.GetEnvironmentVariable(EnvVarName);

    // Attempt to parse the environment variable value; return true if it's exactly "1".
    return int.TryParse(envValue, out int result) && result == 1;
}
'''.lstrip("\n")


def _eshop(tmp_path: Path) -> Path:
    p = tmp_path / "src" / "eShop.AppHost" / "Program.cs"
    p.parent.mkdir(parents=True)
    p.write_text(ESHOP, encoding="utf-8")
    return p


def _apphost(tmp_path: Path, body: str) -> Path:
    p = tmp_path / "Shop.AppHost" / "Program.cs"
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text("var builder = DistributedApplication.CreateBuilder(args);\n" + body + "\nbuilder.Build().Run();\n",
                 encoding="utf-8")
    return p


# ------------------------------------------------------------------ 1. callback addresses are no calls
def test_the_addresses_identity_is_told_to_give_out_are_no_dependencies_and_spread_nothing(tmp_path):
    res = read_aspire([_eshop(tmp_path)])
    r = res.review
    # its 26 calls (4 databases on one postgres), and not the five client registrations of lines 119-123
    assert len(r.dependencies) == 26
    assert [d for d in r.dependencies if d.startswith("identity-api->")] == ["identity-api->postgres"]
    assert r.dependencies["webapp->identity-api"].kind == "hard"  # the call the other way stays
    # said once, with the file and the line of each
    said = [w for w in res.report.warnings if "BasketApiClient" in w]
    assert len(said) == 1
    line = said[0]
    assert line.startswith("eShop.AppHost/Program.cs:119-123: identity-api is told the addresses of ")
    for target, env, n in (("basket-api", "BasketApiClient", 119), ("ordering-api", "OrderingApiClient", 120),
                           ("webhooks-api", "WebhooksApiClient", 121), ("webhooksclient", "WebhooksWebClient", 122),
                           ("webapp", "WebAppClient", 123)):
        assert f"{target} as {env} (line {n})" in line
    assert "not calls" in line and "check it" in line
    assert not any("recorded as soft" in w for w in res.report.warnings)
    assert validate(r) == []
    # the failure of the web app takes down the web app and degrades nothing (it was: identity-api and
    # every service identity-api's registrations reached)
    blast = analyze(r).blast_radius["webapp"]
    assert (blast["down_count"], blast["degraded_count"]) == (1, 0)


def test_one_address_given_out_is_said_in_one_line_and_an_address_to_call_is_still_a_call(tmp_path):
    res = read_aspire([_apphost(tmp_path, '''
var web = builder.AddProject<Projects.Web>("web");
var idp = builder.AddProject<Projects.Idp>("idp")
    .WithEnvironment("WebCallbackUrl", web.GetEndpoint("https"));
var api = builder.AddProject<Projects.Api>("api")
    .WithEnvironment("Identity__Url", idp.GetEndpoint("https"));
''')])
    deps = res.review.dependencies
    assert "idp->web" not in deps and deps["api->idp"].kind == "hard"
    assert ("Shop.AppHost/Program.cs:5: idp is told web's address as WebCallbackUrl: an address to give out "
            "(a callback or client registration, by its name), not a call: not read as a dependency; check it "
            "(state it by hand if idp calls web)") in res.report.warnings


# ------------------------------------------------------------------ 2. each call of a chain: its own line
def test_each_call_of_a_fluent_chain_is_cited_by_its_own_line(tmp_path):
    res = read_aspire([_eshop(tmp_path)])
    r = res.review

    def cited(dep_id: str, text: str) -> list[str]:
        return [e for e in r.dependencies[dep_id].evidence if text in e]

    assert cited("basket-api->redis", "WithReference(redis)")[0].startswith("eShop.AppHost/Program.cs:29: ")
    assert cited("basket-api->eventbus", "WithReference(rabbitMq)")[0].startswith("eShop.AppHost/Program.cs:30: ")
    assert cited("basket-api->identity-api", "Identity__Url")[0].startswith("eShop.AppHost/Program.cs:31: ")
    assert cited("webapp->ordering-api", "WithReference")[0].startswith("eShop.AppHost/Program.cs:70: ")
    assert cited("identity-api->postgres", "WithReference")[0].startswith("eShop.AppHost/Program.cs:24: ")
    # the resource itself where its Add... is, what faces users where that is said
    lines = evidence_of(r, "webapp")[1]
    assert any(e.startswith("eShop.AppHost/Program.cs:66: builder.AddProject") for e in lines)
    assert any(e.startswith("eShop.AppHost/Program.cs:67: WithExternalHttpEndpoints()") for e in lines)
    # a chain on a variable, not a declaration: catalogApi on line 105, .WithReference(openAI) on 106
    assert any(s.startswith("eShop.AppHost/Program.cs:106: catalog-api.WithReference(openAI)")
               for s in res.report.skipped)


def test_a_chain_that_starts_on_the_line_after_its_receiver_cites_the_adding_line(tmp_path):
    res = read_aspire([_apphost(tmp_path, '''
var pg = builder
    .AddPostgres("pg");
var db = pg
    .AddDatabase("db");
''')])
    lines = evidence_of(res.review, "pg")[1]
    assert any(e.startswith("Shop.AppHost/Program.cs:4: builder.AddPostgres('pg')") for e in lines), lines
    assert any(e.startswith("Shop.AppHost/Program.cs:6: AddDatabase('db') on it") for e in lines), lines


# ------------------------------------------------------------------ 3. WaitFor alone: start-up order
def test_a_wait_alone_is_start_up_order_said_as_compose_says_depends_on(tmp_path):
    res = read_aspire([_apphost(tmp_path, '''
var cache = builder.AddRedis("cache");
var api = builder.AddProject<Projects.Api>("api");
var worker = builder.AddProject<Projects.Worker>("worker")
    .WaitFor(api)
    .WaitFor(cache);
var web = builder.AddProject<Projects.Web>("web")
    .WaitFor(api);
web.WithReference(api);
''')])
    deps = res.review.dependencies
    assert deps["worker->api"].kind == "soft" and deps["worker->cache"].kind == "hard"
    assert deps["web->api"].kind == "hard"  # a reference later in the file makes it a call
    assert ("Shop.AppHost/Program.cs:6: worker -> api rests on WaitFor alone (start-up order, not a call): "
            "recorded as soft; check it") in res.report.warnings
    assert not any("web -> api" in w for w in res.report.warnings)
    assert "Shop.AppHost/Program.cs:7: worker -> cache: WaitFor a cache, recorded as hard" in res.report.read
    assert set(res.order_only) == {"worker->api", "worker->cache"}  # for a repository's scan to settle


def test_the_eshop_checkout_imports_its_26_calls(tmp_path):
    _eshop(tmp_path)
    res = import_paths([tmp_path])
    r = res.review
    assert len(r.components) == 13 and len(r.dependencies) == 26
    assert not [d for d in r.dependencies if d.startswith("identity-api->") and d != "identity-api->postgres"]
    assert validate(r) == []
