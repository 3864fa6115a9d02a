"""Regenerate resources/examples/*.json from the descriptions below.

The examples are written by us for tests, demos and `make run`. Run:
    .venv/bin/python scripts/build_examples.py
Output is deterministic (the JSON exporter sorts and formats it).
"""
from __future__ import annotations

from pathlib import Path

from prr_app.model.entities import (
    Component,
    Dependency,
    FailureDomain,
    Journey,
    Mitigation,
    Observability,
    RedundancyGroup,
    Review,
    ReviewMeta,
    Risk,
)
from prr_app.model.validation import check
from prr_app.interchange.json_io import write_json

OUT = Path(__file__).resolve().parent.parent / "resources" / "examples"

FULL_OBS = dict(metrics=True, logs=True, traces=True, alerts=True, dashboard=True, runbook=True)


def comp(review, cid, name, kind="service", **kw):
    obs = kw.pop("obs", None)
    c = Component(id=cid, name=name, kind=kind, **kw)
    if obs:
        c.observability = Observability(**obs)
    review.components[cid] = c
    return c


def dep(review, s, t, kind="hard", **kw):
    d = Dependency(source=s, target=t, kind=kind, **kw)
    review.dependencies[d.id] = d
    return d


def webshop() -> Review:
    r = Review(
        meta=ReviewMeta(
            system_name="Acme Web Shop",
            description="Online shop for Acme garden tools: catalogue, cart and checkout with an external payment provider.",
            reviewers=["Dana Whitfield (SRE)", "Omar Haddad (Architecture)"],
            review_date="2026-11-20",
            milestone="Checkout v2 launch",
            target_launch="2026-12-15",
            tier=1,
        )
    )
    for d in (
        FailureDomain("aws", "AWS", "provider"),
        FailureDomain("eu-west-1", "eu-west-1 (Ireland)", "region", parent="aws", availability=99.99),
        FailureDomain("euw1-a", "eu-west-1a", "zone", parent="eu-west-1", availability=99.95),
        FailureDomain("euw1-b", "eu-west-1b", "zone", parent="eu-west-1", availability=99.95),
        FailureDomain("euw1-c", "eu-west-1c", "zone", parent="eu-west-1", availability=99.95),
        FailureDomain("k8s-prod", "Kubernetes cluster shop-prod", "cluster", parent="eu-west-1", availability=99.95),
    ):
        r.domains[d.id] = d
    zones3 = ["euw1-a", "euw1-b", "euw1-c"]
    comp(r, "edge-gateway", "Edge gateway", "gateway", owner="platform-team", user_facing=True, replicas=3,
         placement=zones3, shared_domains=["k8s-prod"], availability=99.99, slo=99.95, obs=FULL_OBS,
         description="Envoy ingress: TLS termination, routing, rate limiting.")
    comp(r, "storefront", "Storefront", "frontend", owner="web-team", user_facing=True, replicas=3, placement=zones3,
         shared_domains=["k8s-prod"], availability=99.95, slo=99.5, obs=dict(FULL_OBS, traces=False),
         description="Server-side rendered shop pages.")
    comp(r, "catalog-svc", "Catalog service", owner="catalog-team", replicas=2, placement=["euw1-a", "euw1-b"],
         shared_domains=["k8s-prod"], availability=99.95, obs=FULL_OBS)
    comp(r, "catalog-db", "Catalog DB (Postgres, 3 nodes)", "datastore", owner="catalog-team", replicas=3, min_healthy=2,
         placement=zones3, availability=99.95, rto_minutes=15, rpo_minutes=5, recovery="automatic", failover_minutes=1,
         backup_interval_minutes=60, obs=dict(FULL_OBS, traces=False))
    comp(r, "search-svc", "Search service", owner="catalog-team", replicas=1, placement=["euw1-a"],
         shared_domains=["k8s-prod"], availability=99.5, obs=dict(metrics=True, logs=True, alerts=False, runbook=False))
    comp(r, "cart-svc", "Cart service", owner="checkout-team", replicas=2, placement=["euw1-a", "euw1-b"],
         shared_domains=["k8s-prod"], availability=99.95, obs=FULL_OBS)
    comp(r, "cart-db", "Cart store (Redis)", "cache", owner="checkout-team", replicas=1, placement=["euw1-a"],
         availability=99.9, rto_minutes=30, rpo_minutes=60, recovery="manual", backup_interval_minutes=1440,
         obs=dict(metrics=True, logs=True, alerts=False, dashboard=True, runbook=False),
         notes="Single Redis node; carts are lost on failure.")
    comp(r, "checkout-svc", "Checkout service", owner="checkout-team", user_facing=True, replicas=2,
         placement=["euw1-a", "euw1-b"], shared_domains=["k8s-prod"], availability=99.95, slo=99.95, obs=FULL_OBS)
    comp(r, "orders-db-primary", "Orders DB primary (MySQL)", "datastore", owner="checkout-team", replicas=1,
         placement=["euw1-a"], availability=99.95, rto_minutes=15, rpo_minutes=1, recovery="automatic",
         failover_minutes=3, backup_interval_minutes=60, obs=dict(FULL_OBS, traces=False))
    comp(r, "orders-db-replica", "Orders DB standby (MySQL)", "datastore", owner="checkout-team", replicas=1,
         placement=["euw1-b"], availability=99.95, rto_minutes=15, rpo_minutes=1, recovery="automatic",
         failover_minutes=3, obs=dict(FULL_OBS, traces=False))
    comp(r, "payments-api", "PayFast payments API", "external_api", owner="checkout-team", availability=99.95,
         obs=dict(metrics=True, logs=True, alerts=True, dashboard=True, runbook=False),
         notes="Vendor SLA 99.95% monthly.")
    comp(r, "identity", "Identity provider (SaaS)", "identity", owner="security-team", availability=99.99,
         obs=dict(metrics=True, alerts=True))
    comp(r, "order-events", "Order events queue (SQS)", "queue", owner="checkout-team", availability=99.99,
         placement=["eu-west-1"], obs=dict(metrics=True, alerts=True))
    comp(r, "notifier", "Order notifier", owner="crm-team", replicas=1, placement=["euw1-c"], shared_domains=["k8s-prod"],
         availability=99.5, obs=dict(metrics=True, logs=True, alerts=False))

    r.groups["orders-db"] = RedundancyGroup("orders-db", "Orders DB (primary + standby)",
                                            ["orders-db-primary", "orders-db-replica"], min_up=1,
                                            notes="Automatic failover via orchestrator; about 3 minutes.")
    dep(r, "edge-gateway", "storefront", timeout_ms=5000, retries=1, backoff=True, circuit_breaker=True)
    dep(r, "edge-gateway", "checkout-svc", "soft", timeout_ms=10000, retries=0, circuit_breaker=True,
        fallback="checkout routes answer 503 with a retry page; browsing is unaffected")
    dep(r, "storefront", "catalog-svc", timeout_ms=800, retries=2, backoff=True, circuit_breaker=True)
    dep(r, "storefront", "search-svc", "soft", fallback="browse by category only; search box hidden",
        timeout_ms=500, retries=0, circuit_breaker=True)
    dep(r, "storefront", "cart-svc", "soft", timeout_ms=800, retries=2, backoff=True,
        fallback="cart badge hidden; add-to-cart asks the shopper to retry")
    dep(r, "storefront", "identity", timeout_ms=2000, retries=1, backoff=True)
    dep(r, "catalog-svc", "catalog-db", timeout_ms=300, retries=1, backoff=True)
    dep(r, "search-svc", "catalog-db", "async", description="nightly index rebuild reads the catalogue")
    dep(r, "cart-svc", "cart-db", timeout_ms=100, retries=3, backoff=False)
    dep(r, "checkout-svc", "cart-svc", timeout_ms=1000, retries=2, backoff=True)
    dep(r, "checkout-svc", "orders-db", timeout_ms=500, retries=1, backoff=True)
    dep(r, "checkout-svc", "payments-api", timeout_ms=15000, retries=3, backoff=False, circuit_breaker=False,
        evidence=["checkout-svc/config/payments.yaml: retries: 3, no backoff"])
    dep(r, "checkout-svc", "identity", timeout_ms=2000, retries=1, backoff=True)
    dep(r, "checkout-svc", "order-events", "async", description="publishes OrderPlaced")
    dep(r, "notifier", "order-events", description="consumes OrderPlaced and sends e-mails")

    r.journeys["browse"] = Journey("browse", "Browse catalogue", ["edge-gateway", "storefront"], slo=99.5,
                                   description="Land on the shop, browse and search products.")
    r.journeys["checkout"] = Journey("checkout", "Checkout and pay", ["edge-gateway", "checkout-svc"], slo=99.95,
                                     description="Pay for the cart and get an order confirmation.")
    r.risks["vendor-payfast-contract"] = Risk(
        "vendor-payfast-contract", "manual", "PayFast contract has no service credits below 99.9%",
        "The payment provider's contract gives no credits for outages shorter than 45 minutes a month.",
        likelihood=3, impact=3, components=["payments-api"], owner="checkout-team")
    r.mitigations["second-psp"] = Mitigation(
        "second-psp", "Evaluate a second payment provider behind a routing switch",
        owner="Priya Natarajan", due="2027-02-28", status="planned", effort="large",
        risks=["vendor-payfast-contract"])
    # Checklist answers (prr-default template), as given in the review meeting of 2026-11-20.
    from prr_app.checklist import set_answer

    W = "https://wiki.acme.example/shop"
    for i, (key, status, kw) in enumerate([
        ("slo.journeys-have-slos", "met", dict(evidence=f"{W}/slo", owner="Dana Whitfield")),
        ("slo.sli-from-user-view", "met", dict(evidence=f"{W}/slo#sli-queries")),
        ("slo.agreed-with-product", "partly", dict(owner="Priya Natarajan", due="2026-12-05",
                                                   note="Checkout SLO agreed; browse SLO still under discussion.")),
        ("arch.dependency-map-current", "met", dict(evidence="Envoy traffic graph, 2026-11-12")),
        ("arch.multi-zone", "not_met", dict(owner="checkout-team", due="2026-12-10",
                                            note="cart-db (Redis) and search-svc run in euw1-a only.")),
        ("dep.timeout@checkout-svc->payments-api", "not_met", dict(
            owner="checkout-team", due="2026-12-01",
            note="15 s client timeout is longer than the gateway's 10 s deadline.")),
        ("dep.retry-backoff-budget@checkout-svc->payments-api", "not_met", dict(
            owner="checkout-team", due="2026-12-01", evidence="checkout-svc/config/payments.yaml",
            note="3 immediate retries, no backoff: up to 4x load on PayFast during its incidents.")),
        ("dep.retry-backoff-budget@cart-svc->cart-db", "not_met", dict(owner="checkout-team", due="2026-12-08")),
        ("dep.timeout@storefront->catalog-svc", "met", dict(evidence="storefront/config/clients.yaml")),
        ("ext.sla-known@payments-api", "met", dict(evidence="https://payfast.example/legal/sla")),
        ("ext.degradation-planned@payments-api", "partly", dict(
            owner="Priya Natarajan", due="2027-02-28", note="Banner and retry-later page exist; no second provider.")),
        ("cap.load-test-peak", "partly", dict(evidence=f"{W}/loadtest-2026-10",
                                              note="1.5x peak reached; 2x run planned after the Redis change.")),
        ("obs.golden-signals", "met", dict(evidence="https://grafana.acme.example/d/shop-overview")),
        ("obs.service-dashboard", "met", dict(evidence="https://grafana.acme.example/d/shop-overview")),
        ("obs.tracing", "partly", dict(note="storefront does not propagate trace context yet.", owner="web-team")),
        ("alert.routing-tested", "met", dict(evidence="PagerDuty test incident #4411, acked in 2 min")),
        ("alert.every-page-has-runbook", "partly", dict(owner="checkout-team", due="2026-12-10",
                                                       note="payments and cart alerts have no runbook link.")),
        ("inc.process-known", "met", dict(evidence=f"{W}/incident-process")),
        ("deploy.automated-pipeline", "met", dict(evidence="https://ci.acme.example/shop")),
        ("deploy.progressive-rollout", "met", dict(evidence="Argo Rollouts canary 5/25/100 %")),
        ("deploy.rollback-timed", "met", dict(evidence=f"{W}/rollback-drill-2026-10-14", note="7 minutes.")),
        ("dr.rto-rpo-defined", "met", dict(evidence=f"{W}/recovery-targets")),
        ("ds.restore-tested@catalog-db", "met", dict(evidence=f"{W}/restore-catalog-2026-09", note="41 min for 120 GB.")),
        ("ds.restore-tested@orders-db-primary", "not_met", dict(
            owner="Omar Haddad", due="2026-12-05", note="Backups exist but no restore has ever been timed.")),
        ("ds.restore-tested@orders-db-replica", "not_applicable", dict(
            reason="Standby of orders-db-primary; restores always go to the primary.")),
        ("ds.failover-tested@orders-db-primary", "met", dict(evidence=f"{W}/failover-drill-2026-08", note="3 min 10 s.")),
        ("cache.data-loss-acceptable@cart-db", "not_met", dict(
            owner="checkout-team", note="Carts live only in Redis; a node loss empties every cart.")),
        ("sec.secrets-managed", "met", dict(evidence="Vault paths secret/shop/*")),
        ("sec.cert-expiry-monitored", "met", dict(evidence="cert-manager + expiry alert at 21 days")),
        ("own.named-owner", "met", dict(evidence="owner set on every component of this review")),
    ]):
        set_answer(r, key, status=status, by="Dana Whitfield", at=f"2026-11-20T10:{i + 5:02d}:00+00:00", **kw)
    set_answer(r, "ds.restore-tested@orders-db-primary", status="partly", by="Omar Haddad",
               at="2026-11-24T16:30:00+00:00", evidence=f"{W}/restore-orders-2026-11-24",
               note="Restore to staging done (55 min); production-size timing still to do.")
    return check(r)


def platform() -> Review:
    """About 60 components over two regions with several shared-fate domains."""
    r = Review(
        meta=ReviewMeta(
            system_name="Parcelnet logistics platform",
            description="Parcel booking, routing, tracking and billing for business shippers in the EU and US.",
            reviewers=["Lena Kowalski (SRE lead)", "Jamal Reyes (Principal architect)", "Mei Tanaka (Security)"],
            review_date="2026-11-18",
            milestone="US region general availability",
            target_launch="2027-01-20",
            tier=1,
        )
    )
    doms = [
        ("aws", "AWS", "provider", None, None),
        ("eu-central-1", "eu-central-1 (Frankfurt)", "region", "aws", 99.99),
        ("euc1-a", "eu-central-1a", "zone", "eu-central-1", 99.95),
        ("euc1-b", "eu-central-1b", "zone", "eu-central-1", 99.95),
        ("euc1-c", "eu-central-1c", "zone", "eu-central-1", 99.95),
        ("us-east-1", "us-east-1 (Virginia)", "region", "aws", 99.99),
        ("use1-a", "us-east-1a", "zone", "us-east-1", 99.95),
        ("use1-b", "us-east-1b", "zone", "us-east-1", 99.95),
        ("aws-account-prod", "AWS account parcelnet-prod", "account", None, 99.99),
        ("k8s-eu", "Kubernetes cluster prod-eu", "cluster", "eu-central-1", 99.95),
        ("k8s-us", "Kubernetes cluster prod-us", "cluster", "us-east-1", 99.95),
        ("feature-flags", "Feature flag service config", "config", None, 99.99),
        ("deploy-pipeline", "Deploy pipeline (Argo CD)", "pipeline", None, None),
        ("tls-wildcard", "Wildcard TLS certificate *.parcelnet.example", "certificate", None, None),
    ]
    for d in doms:
        r.domains[d[0]] = FailureDomain(d[0], d[1], d[2], parent=d[3], availability=d[4])
    EU3, EU2, US2 = ["euc1-a", "euc1-b", "euc1-c"], ["euc1-a", "euc1-b"], ["use1-a", "use1-b"]
    EU_SH, US_SH = ["k8s-eu", "aws-account-prod", "feature-flags"], ["k8s-us", "aws-account-prod", "feature-flags"]
    # id, name, kind, owner, replicas, placement, shared, availability, extras
    rows = [
        ("dns", "Route 53 DNS", "dns", "platform", None, [], [], 99.99, {}),
        ("cdn", "CloudFront CDN", "cdn", "platform", None, [], ["tls-wildcard"], 99.99, {}),
        ("ingress-eu", "Ingress EU (Envoy)", "gateway", "platform", 3, EU3, EU_SH + ["tls-wildcard"], 99.99, {}),
        ("ingress-us", "Ingress US (Envoy)", "gateway", "platform", 2, US2, US_SH + ["tls-wildcard"], 99.99, {}),
        ("web-app", "Shipper web app", "frontend", "web", 3, EU3, EU_SH, 99.95, {"user_facing": True, "slo": 99.9}),
        ("mobile-bff", "Mobile BFF", "service", "mobile", 3, EU3, EU_SH, 99.95, {"user_facing": True, "slo": 99.9}),
        ("partner-api", "Partner REST API", "gateway", "integrations", 3, EU3, EU_SH, 99.95, {"user_facing": True, "slo": 99.95}),
        ("partner-api-us", "Partner REST API (US)", "gateway", "integrations", 2, US2, US_SH, 99.95, {"user_facing": True, "slo": 99.9}),
        ("driver-bff", "Driver app BFF", "service", "mobile", 2, EU2, EU_SH, 99.95, {"user_facing": True, "slo": 99.9}),
        ("auth-svc", "Auth service", "service", "identity", 3, EU3, EU_SH, 99.95, {}),
        ("identity-provider", "Okta (workforce + customer IdP)", "identity", "identity", None, [], [], 99.99, {}),
        ("user-svc", "User service", "service", "identity", 2, EU2, EU_SH, 99.95, {}),
        ("user-db", "User DB (Aurora Postgres)", "datastore", "identity", 2, EU2, ["aws-account-prod"], 99.99,
         {"min_healthy": 1, "rto_minutes": 10, "rpo_minutes": 1, "recovery": "automatic", "failover_minutes": 1, "backup_interval_minutes": 60}),
        ("booking-svc", "Booking service", "service", "booking", 3, EU3, EU_SH, 99.95, {}),
        ("booking-db", "Booking DB (Aurora Postgres)", "datastore", "booking", 2, EU2, ["aws-account-prod"], 99.99,
         {"rto_minutes": 15, "rpo_minutes": 1, "recovery": "automatic", "failover_minutes": 1, "backup_interval_minutes": 60}),
        ("booking-svc-us", "Booking service (US)", "service", "booking", 2, US2, US_SH, 99.95, {}),
        ("booking-db-us", "Booking DB US (Aurora Postgres)", "datastore", "booking", 1, ["use1-a"], ["aws-account-prod"], 99.95,
         {"rto_minutes": 15, "rpo_minutes": 1, "recovery": "manual", "backup_interval_minutes": 1440}),
        ("quote-svc", "Quote service", "service", "pricing", 2, EU2, EU_SH, 99.95, {}),
        ("pricing-svc", "Pricing engine", "service", "pricing", 2, EU2, EU_SH, 99.9, {}),
        ("pricing-cache", "Pricing cache (Redis)", "cache", "pricing", 1, ["euc1-a"], ["aws-account-prod"], 99.9,
         {"recovery": "manual", "rto_minutes": 30}),
        ("rate-card-store", "Rate cards (S3)", "datastore", "pricing", None, ["eu-central-1"], ["aws-account-prod"], 99.99, {}),
        ("label-svc", "Label service", "service", "booking", 2, EU2, EU_SH, 99.95, {}),
        ("label-renderer", "Label renderer (PDF/ZPL)", "service", "booking", 2, EU2, EU_SH, 99.9, {}),
        ("label-store", "Label archive (S3)", "datastore", "booking", None, ["eu-central-1"], ["aws-account-prod"], 99.99, {}),
        ("shipment-svc", "Shipment service", "service", "tracking", 3, EU3, EU_SH, 99.95, {}),
        ("tracking-svc", "Tracking service", "service", "tracking", 3, EU3, EU_SH, 99.95, {"user_facing": True, "slo": 99.9}),
        ("tracking-db", "Tracking store (Cassandra, 3 nodes)", "datastore", "tracking", 3, EU3, ["aws-account-prod"], 99.95,
         {"min_healthy": 2, "rto_minutes": 30, "rpo_minutes": 5, "recovery": "automatic", "backup_interval_minutes": 360}),
        ("scan-ingest", "Scan ingest", "service", "tracking", 2, EU2, EU_SH, 99.9, {}),
        ("event-bus", "Event bus (Kafka, 3 brokers)", "queue", "platform", 3, ["euc1-a", "euc1-a", "euc1-b"], ["aws-account-prod"], 99.95,
         {"min_healthy": 2, "rto_minutes": 30, "rpo_minutes": 0, "recovery": "automatic"}),
        ("route-planner", "Route planner", "service", "routing", 2, EU2, EU_SH, 99.9, {}),
        ("maps-api", "Maps API (vendor)", "external_api", "routing", None, [], [], 99.9, {}),
        ("dispatch-svc", "Dispatch service", "service", "routing", 2, EU2, EU_SH, 99.95, {}),
        ("dispatch-cache", "Dispatch cache (Redis)", "cache", "routing", 1, ["euc1-b"], ["aws-account-prod"], 99.9, {"recovery": "manual"}),
        ("driver-svc", "Driver service", "service", "routing", 2, EU2, EU_SH, 99.95, {}),
        ("driver-db", "Driver DB (Postgres)", "datastore", "routing", 1, ["euc1-a"], ["aws-account-prod"], 99.95,
         {"rto_minutes": 60, "rpo_minutes": 15, "recovery": "manual", "backup_interval_minutes": 1440}),
        ("warehouse-svc", "Warehouse service", "service", "hubs", 2, EU2, EU_SH, 99.9, {}),
        ("warehouse-db", "Warehouse DB (Postgres)", "datastore", "hubs", 2, EU2, ["aws-account-prod"], 99.95,
         {"min_healthy": 1, "recovery": "automatic", "failover_minutes": 5, "rto_minutes": 30, "rpo_minutes": 5}),
        ("billing-svc", "Billing service", "service", "finance", 2, EU2, EU_SH, 99.9, {}),
        ("billing-db", "Billing DB (Postgres)", "datastore", "finance", 1, ["euc1-b"], ["aws-account-prod"], 99.95,
         {"rto_minutes": 240, "rpo_minutes": 15, "recovery": "manual", "backup_interval_minutes": 60}),
        ("invoice-svc", "Invoice service", "service", "finance", 1, ["euc1-a"], EU_SH, 99.5, {}),
        ("payment-svc", "Payment service", "service", "finance", 2, EU2, EU_SH, 99.95, {}),
        ("psp-primary", "Adyen payments", "external_api", "finance", None, [], [], 99.95, {}),
        ("psp-secondary", "Stripe payments", "external_api", "finance", None, [], [], 99.95, {}),
        ("fraud-svc", "Fraud scoring", "service", "risk", 2, EU2, EU_SH, 99.9, {}),
        ("fraud-model-store", "Fraud model store (S3)", "datastore", "risk", None, ["eu-central-1"], ["aws-account-prod"], 99.99, {}),
        ("notification-svc", "Notification service", "service", "crm", 2, EU2, EU_SH, 99.9, {}),
        ("email-provider", "SendGrid e-mail", "external_api", "crm", None, [], [], 99.9, {}),
        ("sms-provider", "Twilio SMS", "external_api", "crm", None, [], [], 99.95, {}),
        ("push-provider", "Firebase push", "external_api", "mobile", None, [], [], 99.9, {}),
        ("webhook-dispatcher", "Webhook dispatcher", "service", "integrations", 2, EU2, EU_SH, 99.9, {}),
        ("search-svc", "Search service", "service", "tracking", 2, EU2, EU_SH, 99.9, {}),
        ("search-index", "Search index (OpenSearch, 3 nodes)", "datastore", "tracking", 3, EU3, ["aws-account-prod"], 99.9,
         {"min_healthy": 2, "recovery": "automatic", "rto_minutes": 60, "rpo_minutes": 60}),
        ("support-svc", "Customer support tools", "service", "support", 1, ["euc1-c"], EU_SH, 99.5, {}),
        ("support-db", "Support DB (Postgres)", "datastore", "support", 1, ["euc1-c"], ["aws-account-prod"], 99.9, {"recovery": "manual"}),
        ("reporting-svc", "Reporting service", "service", "data", 1, ["euc1-c"], EU_SH, 99.5, {}),
        ("reporting-warehouse", "Reporting warehouse (Redshift)", "datastore", "data", 2, EU2, ["aws-account-prod"], 99.9, {}),
        ("etl-worker", "ETL worker", "service", "data", 1, ["euc1-c"], EU_SH, 99.0, {}),
        ("audit-svc", "Audit log service", "service", "security", 2, EU2, EU_SH, 99.95, {}),
        ("audit-store", "Audit store (S3 object lock)", "datastore", "security", None, ["eu-central-1"], ["aws-account-prod"], 99.99, {}),
        ("secrets-vault", "Vault secrets", "platform", "security", 3, EU3, ["aws-account-prod"], 99.95,
         {"min_healthy": 2, "tags": ["config"]}),
        ("config-svc", "Config service", "platform", "platform", 2, EU2, EU_SH, 99.95, {"tags": ["config"]}),
        ("service-discovery", "Consul service discovery", "platform", "platform", 3, EU3, ["aws-account-prod"], 99.95,
         {"min_healthy": 2, "tags": ["discovery"]}),
        ("otel-collector", "OpenTelemetry collector", "platform", "observability", 2, EU2, EU_SH, 99.9, {"tags": ["telemetry"]}),
        ("rate-limiter", "Rate limiter (Redis)", "cache", "platform", 1, ["euc1-a"], ["aws-account-prod"], 99.9, {"recovery": "manual"}),
    ]
    for cid, name, kind, owner, reps, place, shared, avail, extra in rows:
        extra = dict(extra)
        obs = dict(FULL_OBS)
        if owner in ("data", "support", "crm"):
            obs.update(alerts=False, runbook=False)
        if kind in ("cache",):
            obs.update(traces=False, runbook=False)
        comp(r, cid, name, kind, owner=f"{owner}-team", replicas=reps, placement=place, shared_domains=shared,
             availability=avail, obs=obs, **extra)
    r.groups["psp"] = RedundancyGroup("psp", "Payment providers (Adyen or Stripe)", ["psp-primary", "psp-secondary"], 1,
                                      notes="Routing switch in payment-svc; manual flip today.")
    r.groups["ingress"] = RedundancyGroup("ingress", "Regional ingress (EU or US)", ["ingress-eu", "ingress-us"], 1)
    H = dict(timeout_ms=1000, retries=2, backoff=True, circuit_breaker=True)
    edges = [
        ("cdn", "ingress", "hard", {}), ("cdn", "dns", "hard", {}),
        ("ingress-eu", "web-app", "hard", {}), ("ingress-eu", "mobile-bff", "hard", {}), ("ingress-eu", "partner-api", "hard", {}),
        ("ingress-eu", "driver-bff", "hard", {}), ("ingress-eu", "rate-limiter", "soft", {"fallback": "fail open"}),
        ("ingress-us", "partner-api-us", "hard", {}),
        ("web-app", "auth-svc", "hard", H), ("web-app", "booking-svc", "hard", H), ("web-app", "tracking-svc", "hard", H),
        ("web-app", "quote-svc", "hard", H), ("web-app", "search-svc", "soft", {"fallback": "tracking number lookup only"}),
        ("mobile-bff", "auth-svc", "hard", H), ("mobile-bff", "tracking-svc", "hard", H), ("mobile-bff", "booking-svc", "hard", H),
        ("mobile-bff", "push-provider", "async", {}),
        ("partner-api", "auth-svc", "hard", H), ("partner-api", "booking-svc", "hard", H), ("partner-api", "tracking-svc", "hard", H),
        ("partner-api", "rate-limiter", "hard", {"timeout_ms": 50, "retries": 0}),
        ("partner-api-us", "booking-svc-us", "hard", H), ("partner-api-us", "auth-svc", "hard", {"timeout_ms": 3000, "retries": 3, "backoff": False}),
        ("driver-bff", "auth-svc", "hard", H), ("driver-bff", "driver-svc", "hard", H), ("driver-bff", "dispatch-svc", "hard", H),
        ("driver-bff", "scan-ingest", "hard", {"timeout_ms": 2000, "retries": 5, "backoff": False}),
        ("auth-svc", "identity-provider", "hard", {"timeout_ms": 2000, "retries": 1}), ("auth-svc", "user-svc", "hard", H),
        ("auth-svc", "secrets-vault", "hard", {}),
        ("user-svc", "user-db", "hard", {}),
        ("booking-svc", "booking-db", "hard", {}), ("booking-svc", "quote-svc", "hard", H), ("booking-svc", "label-svc", "hard", H),
        ("booking-svc", "payment-svc", "hard", {"timeout_ms": 10000, "retries": 3, "backoff": False}),
        ("booking-svc", "event-bus", "async", {}), ("booking-svc", "fraud-svc", "soft", {"fallback": "manual review queue"}),
        ("booking-svc", "audit-svc", "async", {}),
        ("booking-svc-us", "booking-db-us", "hard", {}), ("booking-svc-us", "event-bus", "async", {}),
        ("booking-svc-us", "quote-svc", "hard", {"timeout_ms": 3000, "retries": 2, "backoff": True}),
        ("quote-svc", "pricing-svc", "hard", H), ("pricing-svc", "pricing-cache", "hard", {"timeout_ms": 50}),
        ("pricing-svc", "rate-card-store", "hard", {}),
        ("label-svc", "label-renderer", "hard", {"retries": 3}), ("label-svc", "label-store", "hard", {}),
        ("shipment-svc", "event-bus", "hard", {}), ("shipment-svc", "route-planner", "hard", H),
        ("tracking-svc", "tracking-db", "hard", {}), ("tracking-svc", "shipment-svc", "soft", {"fallback": "last known status"}),
        ("scan-ingest", "event-bus", "hard", {"retries": 5}), ("scan-ingest", "tracking-db", "hard", {}),
        ("route-planner", "maps-api", "hard", {"timeout_ms": 5000, "retries": 2, "backoff": True}),
        ("route-planner", "dispatch-cache", "hard", {}),
        ("dispatch-svc", "dispatch-cache", "hard", {}), ("dispatch-svc", "route-planner", "hard", H), ("dispatch-svc", "driver-svc", "hard", H),
        ("driver-svc", "driver-db", "hard", {}), ("driver-svc", "notification-svc", "async", {}),
        ("warehouse-svc", "warehouse-db", "hard", {}), ("warehouse-svc", "event-bus", "async", {}),
        ("billing-svc", "billing-db", "hard", {}), ("billing-svc", "event-bus", "hard", {}),
        ("invoice-svc", "billing-svc", "hard", H), ("invoice-svc", "email-provider", "async", {}),
        ("payment-svc", "psp", "hard", {"timeout_ms": 8000, "retries": 1, "circuit_breaker": True}),
        ("payment-svc", "billing-svc", "async", {}), ("payment-svc", "fraud-svc", "hard", H),
        ("fraud-svc", "fraud-model-store", "hard", {}),
        ("notification-svc", "email-provider", "hard", {}), ("notification-svc", "sms-provider", "soft", {"fallback": "e-mail only"}),
        ("notification-svc", "push-provider", "soft", {"fallback": "e-mail only"}), ("notification-svc", "event-bus", "hard", {}),
        ("webhook-dispatcher", "event-bus", "hard", {}), ("webhook-dispatcher", "secrets-vault", "hard", {}),
        ("search-svc", "search-index", "hard", {}), ("search-svc", "tracking-db", "async", {}),
        ("support-svc", "support-db", "hard", {}), ("support-svc", "tracking-svc", "hard", H), ("support-svc", "auth-svc", "hard", H),
        ("reporting-svc", "reporting-warehouse", "hard", {}), ("etl-worker", "reporting-warehouse", "hard", {}),
        ("etl-worker", "booking-db", "hard", {}), ("etl-worker", "billing-db", "hard", {}),
        ("audit-svc", "audit-store", "hard", {}),
        ("booking-svc", "config-svc", "hard", {}), ("tracking-svc", "config-svc", "hard", {}),
        ("config-svc", "service-discovery", "hard", {}),
    ]
    for cid in r.components:
        if r.components[cid].kind in ("service", "frontend") :
            edges.append((cid, "otel-collector", "async", {}))
    for s, t, k, kw in edges:
        dep(r, s, t, k, **kw)
    r.journeys["book-parcel"] = Journey("book-parcel", "Book a parcel (web)", ["web-app", "booking-svc"], slo=99.9)
    r.journeys["track-parcel"] = Journey("track-parcel", "Track a parcel", ["tracking-svc"], slo=99.9)
    r.journeys["partner-booking"] = Journey("partner-booking", "Partner API booking", ["partner-api"], slo=99.95)
    r.journeys["us-partner-booking"] = Journey("us-partner-booking", "US partner booking", ["partner-api-us"], slo=99.9)
    r.journeys["driver-scan"] = Journey("driver-scan", "Driver scans a parcel", ["driver-bff", "scan-ingest"], slo=99.5)
    r.risks["us-region-readiness"] = Risk(
        "us-region-readiness", "manual", "US booking database has no standby",
        "booking-db-us runs a single instance in us-east-1a; failover is a manual restore from snapshot.",
        likelihood=3, impact=4, components=["booking-db-us", "booking-svc-us"], owner="booking-team")
    r.mitigations["us-db-standby"] = Mitigation(
        "us-db-standby", "Add a Multi-AZ standby for booking-db-us in us-east-1b", owner="Carlos Mendes",
        due="2027-01-10", status="in_progress", effort="medium", risks=["us-region-readiness"])
    # A few checklist answers (prr-default template) from the first review session.
    from prr_app.checklist import set_answer

    for i, (key, status, kw) in enumerate([
        ("slo.journeys-have-slos", "met", dict(evidence="https://docs.parcelnet.example/slo")),
        ("arch.dependency-map-current", "partly", dict(note="US region edges not yet checked against traffic.",
                                                       owner="Jamal Reyes", due="2026-12-15")),
        ("ds.restore-tested@booking-db", "met", dict(evidence="https://docs.parcelnet.example/dr/booking-restore")),
        ("ds.restore-tested@booking-db-us", "not_met", dict(owner="Carlos Mendes", due="2027-01-10")),
        ("ds.failover-tested@booking-db-us", "not_applicable", dict(
            reason="Single instance today; a standby is planned (mitigation us-db-standby).")),
        ("ext.sla-known@maps-api", "met", dict(evidence="https://maps.example/sla")),
        ("dep.retry-backoff-budget@booking-svc->payment-svc", "not_met", dict(owner="booking-team")),
        ("sec.secrets-managed", "met", dict(evidence="Vault; rotation runbook SEC-12")),
        ("own.named-owner", "met", dict(evidence="owner set on every component")),
    ]):
        set_answer(r, key, status=status, by="Lena Kowalski", at=f"2026-11-18T14:{i:02d}:00+00:00", **kw)
    return check(r)


if __name__ == "__main__":
    OUT.mkdir(parents=True, exist_ok=True)
    write_json(webshop(), OUT / "webshop.json")
    write_json(platform(), OUT / "platform.json")
    print("wrote", OUT / "webshop.json", OUT / "platform.json")
