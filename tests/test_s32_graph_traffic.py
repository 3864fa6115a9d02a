"""Session 32, graph F4: a traffic generator no name rule knows (emojivoto's vote-bot, a loop that votes through
the web front end every second) is a load generator by what it does: nothing calls it, it faces no users, every
call it makes goes to a way users come in, and its name or the folder of its code says it generates traffic.
Taken for a production service it got a tier-1 blocker (its golden signals). A bot that is a product (a chat bot
the front end calls, a Slack bot) stays a service."""
from __future__ import annotations

from pathlib import Path

from prr_app.importers.graph import behind_a_gateway
from prr_app.importers.registry import import_paths
from prr_app.model.entities import LOAD_GENERATOR, Dependency

EMOJIVOTO = """services:
  web:
    image: x/emojivoto-web
    environment: [EMOJISVC_HOST=emoji-svc:8080, VOTINGSVC_HOST=voting-svc:8080]
    ports: ['8080:8080']
  vote-bot:
    image: x/emojivoto-web
    entrypoint: emojivoto-vote-bot
    environment: [WEB_HOST=web:8080]
    depends_on: [web]
  emoji-svc: {image: x/emoji, ports: ['8081:8080']}
  voting-svc: {image: x/voting, ports: ['8082:8080']}
"""


def _import(tmp_path: Path, text: str):
    f = tmp_path / "docker-compose.yml"
    f.write_text(text)
    return import_paths([f])


def _generators(res) -> set[str]:
    return {c for c, x in res.review.components.items() if LOAD_GENERATOR in x.tags}


def _ev(res, cid: str) -> str:
    return " ".join(next(i.evidence for i in res.report.components if i.element == cid))


def test_a_bot_that_only_calls_the_way_in_is_a_load_generator(tmp_path):
    res = _import(tmp_path, EMOJIVOTO)
    assert _generators(res) == {"vote-bot"}
    assert ("a load generator (nothing calls it and it faces no users, every call it makes goes to web, where users "
            "come in, as a user's would, and its name vote-bot says it generates traffic)") in _ev(res, "vote-bot")
    assert not res.review.components["vote-bot"].user_facing


def test_a_bot_with_no_checklist_blocker_of_its_own(tmp_path):
    from prr_app.checklist import evaluate

    keys = {it.key for it in evaluate(_import(tmp_path, EMOJIVOTO).review).items}
    assert "obs.golden-signals@web" in keys
    assert not any(k.endswith("@vote-bot") for k in keys)


def test_the_folder_of_its_code_says_it_generates_traffic(tmp_path):
    (tmp_path / "simulator").mkdir()
    (tmp_path / "simulator" / "main.go").write_text(
        'package main\n\nimport (\n\t"net/http"\n\t"os"\n\t"time"\n)\n\nfunc main() {\n'
        '\twebHost := os.Getenv("WEB_HOST")\n\tfor {\n\t\ttime.Sleep(time.Second)\n'
        '\t\thttp.Get("http://" + webHost + "/api/vote")\n\t}\n}\n')
    (tmp_path / "docker-compose.yml").write_text(
        "services:\n  web: {image: x/web, ports: ['8080:8080'], environment: [API_HOST=api:9000]}\n"
        "  api: {image: x/api, ports: ['9000:9000']}\n"
        "  driver: {build: ./simulator, environment: [WEB_HOST=web:8080]}\n")
    res = import_paths([tmp_path])
    assert _generators(res) == {"driver"}
    assert "the folder of its code, simulator, says it generates traffic" in _ev(res, "driver")


def test_bots_that_are_products_stay_services(tmp_path):
    res = _import(tmp_path, """services:
  web: {image: x/web, ports: ['8080:8080'], environment: [CHATBOT_URL=http://chat-bot:5000, API_HOST=api:9000]}
  api: {image: x/api, environment: [DB_HOST=db:5432]}
  db: {image: 'postgres:16'}
  chat-bot: {image: x/chat-bot, environment: [API_HOST=api:9000]}
  slack-bot: {image: x/slack-bot, environment: [WEB_HOST=web:8080]}
  webhook-bot: {image: x/hook-bot, ports: ['7000:7000'], environment: [WEB_HOST=web:8080]}
  report-bot: {image: x/report-bot, environment: [WEB_HOST=web:8080, DB_HOST=db:5432]}
  reporter: {image: x/reporter, environment: [WEB_HOST=web:8080]}
""")
    # chat-bot: the front end calls it; slack-bot: talks with people on a chat platform; webhook-bot: faces
    # users by its port; report-bot: uses the database itself; reporter: nothing says it generates traffic
    assert _generators(res) == set()


def test_a_call_found_later_takes_the_tag_back(tmp_path):
    res = _import(tmp_path, EMOJIVOTO)
    review = res.review
    assert LOAD_GENERATOR in review.components["vote-bot"].tags
    evidence = {i.element: list(i.evidence) for i in res.report.components}
    dep = Dependency(source="web", target="vote-bot", kind="hard")
    dep.evidence = ["web/handlers.go:12: source calls vote-bot"]
    review.dependencies[dep.id] = dep
    behind_a_gateway(review, evidence)
    assert LOAD_GENERATOR not in review.components["vote-bot"].tags
    assert not any("nothing calls it" in e for e in evidence["vote-bot"])
