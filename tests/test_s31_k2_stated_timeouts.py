"""Session 31 (k2): timeouts a service's own code and configuration state reach its calls; a workload whose
name merely mentions a datastore is the service its image names."""
from __future__ import annotations

import json
from pathlib import Path

from prr_app.importers.call_policies import client_block_timeouts, code_call_timeouts
from prr_app.importers.graph import recognise
from prr_app.importers.registry import import_paths

PRODUCTPAGE = '''import requests

details = {
    "name" : "http://details:9080",
    "endpoint" : "details",
}
reviews = {
    "name" : "http://reviews:9080",
}

def getProductDetails(product_id, headers):
    url = details['name'] + "/" + details['endpoint']
    res = requests.get(url, headers=headers, timeout=3.0)
    return res

def getProductReviews(product_id, headers):
    for _ in range(2):
        try:
            url = reviews['name'] + "/" + str(product_id)
            res = requests.get(url, headers=headers, timeout=3.0)
        except:
            res = None
    return res

def both():
    a = requests.get(details['name'], timeout=5)
'''


def _lines(text: str, hosts: dict[str, str]) -> dict[int, set]:
    return {n: {cid} for n, line in enumerate(text.split("\n"), 1) for h, cid in hosts.items() if f"//{h}:" in line}


def test_a_python_call_with_a_literal_timeout_is_tied_through_its_variables():
    got = dict(code_call_timeouts(PRODUCTPAGE, "productpage.py", _lines(PRODUCTPAGE, {"details": "d", "reviews": "r"})))
    d, r = got[frozenset({"d"})], got[frozenset({"r"})]
    # the longest of the two calls to details bounds both
    assert d["timeout_ms"][0] == 5000 and "productpage.py:26" in d["timeout_ms"][1]
    assert r["timeout_ms"][0] == 3000 and "productpage.py:20" in r["timeout_ms"][1]
    assert r["retries"][0] == 1 and r["backoff"][0] is False and "productpage.py:17" in r["retries"][1]
    assert "retries" not in d


def test_a_timeout_whose_function_names_two_services_is_given_to_neither():
    text = ('import requests\nA = "http://alpha:80"\nB = "http://beta:80"\n\ndef f():\n'
            '    s = requests.Session()\n    s.get(A + "/x")\n    s.get(B + "/y")\n    s.timeout = 3\n'
            '    requests.get(A + B, timeout=2)\n')
    assert code_call_timeouts(text, "f.py", {2: {"a"}, 3: {"b"}}) == []


def test_an_environment_default_and_a_java_builder_timeout():
    py = ("import os, requests\nBAL = 'http://{}/b'.format(os.environ.get('BALANCES_API_ADDR'))\n"
          "TIMEOUT = int(os.getenv('BACKEND_TIMEOUT', '4'))\n\ndef home():\n"
          "    return requests.get(url=BAL, timeout=TIMEOUT)\n")
    (target, pol), = code_call_timeouts(py, "frontend.py", {2: {"balancereader"}})
    assert target == {"balancereader"} and pol["timeout_ms"][0] == 4000
    assert "BACKEND_TIMEOUT's default in the code" in pol["timeout_ms"][1] and "check it" in pol["timeout_ms"][1]
    java = '''import javax.ws.rs.client.ClientBuilder;
public class E {
    private final static String ratings_service = "http://ratings:9080/ratings";
    private JsonObject getRatings(String productId) {
      ClientBuilder cb = ClientBuilder.newBuilder();
      Integer timeout = star_color.equals("black") ? 10000 : 2500;
      cb.property("com.ibm.ws.jaxrs.client.connection.timeout", timeout);
      cb.property("com.ibm.ws.jaxrs.client.receive.timeout", timeout);
      Client client = cb.build();
      WebTarget ratingsTarget = client.target(ratings_service + "/" + productId);
      return null;
    }
}
'''
    (target, pol), = code_call_timeouts(java, "E.java", {3: {"ratings"}})
    assert pol["timeout_ms"][0] == 10000 and "E.java:8" in pol["timeout_ms"][1] and "2500" in pol["timeout_ms"][1]
    go = ('package main\nimport "net/http"\nfunc get() {\n  c := &http.Client{Timeout: 5 * time.Second}\n'
          '  c.Get("http://cart:8080/x")\n}\n')
    assert code_call_timeouts(go, "m.go", {5: {"cart"}})[0][1]["timeout_ms"][0] == 5000
    js = "const axios = require('axios');\nasync function f() {\n  return axios.get('http://cart:8080/', {timeout: 2500});\n}\n"
    assert code_call_timeouts(js, "m.js", {3: {"cart"}})[0][1]["timeout_ms"][0] == 2500


def test_a_connect_timeout_alone_bounds_no_call():
    java = ('import org.springframework.web.client.RestTemplate;\nclass C {\n  RestTemplate r() {\n'
            '    f.setConnectTimeout(2000);\n    return t.getForObject("http://cart:8080/", String.class);\n  }\n}\n')
    assert code_call_timeouts(java, "C.java", {5: {"cart"}}) == []


def test_a_client_block_keyed_by_a_service():
    text = json.dumps({"text-service": {"addr": "text-service", "port": 9090, "timeout_ms": 10000},
                       "other": {"timeout": 5}, "media": {"timeout": 7}, "x": {"connect_timeout": "2s"}}, indent=1)
    known = {"text-service": ["text"], "media": ["m"], "x": ["x"]}.get
    got = client_block_timeouts(text, "service-config.json", known)
    # a bare number under a plain "timeout" has no unit: not read; a connect timeout is no call's timeout
    assert [(k, f, ids, ms) for k, f, ids, ms, _line in got] == [("text-service", "timeout_ms", ["text"], 10000)]
    assert got[0][4].startswith("service-config.json:5:")


def _write(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text)


COMPOSE = """services:
  compose-post:
    build: ./src/compose-post
  text-service:
    build: ./src/text
  gateway:
    build: ./src/gateway
"""


def test_a_shared_client_block_reaches_the_calls_of_the_services_that_read_it(tmp_path):
    _write(tmp_path, {
        "docker-compose.yml": COMPOSE,
        "config/service-config.json": json.dumps({"text-service": {"addr": "text-service", "timeout_ms": 10000}},
                                                 indent=1),
        "src/compose-post/main.cpp": 'int main() {\n  std::string a = config_json["text-service"]["addr"];\n'
                                     '  int t = config_json["text-service"]["timeout_ms"];\n}\n',
        # names the host but reads no block of the configuration: not given its timeout
        "src/gateway/main.lua": 'local c = pool:connection(TextServiceClient, "text-service", 9090)\n',
    })
    review = import_paths([tmp_path]).review
    deps = {d.id: d for d in review.dependencies.values()}
    assert deps["compose-post->text-service"].timeout_ms == 10000
    assert any("config/service-config.json:4" in e and "main.cpp:2" in e for e in deps["compose-post->text-service"].evidence)
    assert deps["gateway->text-service"].timeout_ms is None


def test_a_workload_whose_name_mentions_a_datastore_is_the_service_its_image_names():
    assert recognise("ratings-v2-mysql", "docker.io/istio/examples-bookinfo-ratings-v2:1.20.1")[0] is None
    assert recognise("catalog-db", "myorg/catalog-api:1")[0] is None
    # the image names a datastore, or no image: the name still says it
    assert recognise("mysqldb-v1", "istio/examples-bookinfo-mysqldb:1.15")[0] == "datastore"
    assert recognise("user-db", "weaveworksdemos/user-db:0.3")[0] == "datastore"
    assert recognise("ratings-v2-mysql")[0] == "datastore"
    assert recognise("cart-redis", "redis:7")[0] == "datastore"
    # a proxy named so keeps its kind whatever image it runs (socialNetwork's nginx-thrift runs openresty-thrift)
    assert recognise("nginx-thrift", "yg397/openresty-thrift:xenial")[0] == "gateway"
