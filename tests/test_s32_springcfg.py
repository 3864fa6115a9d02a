"""A Spring Cloud Config server's files (``<spring.application.name>[-<profile>].yml|properties``) are the
configuration of the service each one names, not the config server's own calls (session 32, F2: manning-smia's
configserver got seven calls, among them the gateway's routes, and the gateway none)."""
from __future__ import annotations

from pathlib import Path

from prr_app.importers.registry import import_paths

RES = "configserver/src/main/resources"

# manning-smia chapter 12's shape: compose services named without dashes, the config files with them
COMPOSE = """services:
  database: {image: 'postgres:latest'}
  configserver: {image: 'ostock/configserver:1', ports: ['8071:8071']}
  eurekaserver: {image: 'ostock/eurekaserver:1'}
  zipkin: {image: 'openzipkin/zipkin'}
  gatewayserver:
    image: ostock/gatewayserver:1
    ports: ['8072:8072']
    environment: {CONFIGSERVER_URI: 'http://configserver:8071'}
  authenticationservice: {image: 'ostock/authentication-service:1'}
  licensingservice:
    image: ostock/licensing-service:1
    container_name: licensing-service
    environment: {CONFIGSERVER_URI: 'http://configserver:8071'}
  organizationservice:
    image: ostock/organization-service:1
    container_name: organization-service
    environment: {CONFIGSERVER_URI: 'http://configserver:8071'}
"""
GATEWAY = """eureka.client.serviceUrl.defaultZone: http://eurekaserver:8070/eureka/
spring:
  cloud:
    gateway:
      routes:
      - id: organization-service
        uri: lb://organization-service
        predicates: [Path=/organization/**]
      - id: licensing-service
        uri: lb://licensing-service
        predicates: [Path=/license/**]
"""
LICENSING = ("eureka.client.serviceUrl.defaultZone = http://eurekaserver:8070/eureka/\n"
             "security.oauth2.resource.userInfoUri= http://authenticationservice:8082/user\n")
LICENSING_DEV = "spring.datasource.url = jdbc:postgresql://database:5432/ostock_dev\n"
ORGANIZATION = "security.oauth2.resource.userInfoUri= http://authenticationservice:8082/user\n"


def write(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text)
    return root


def smia(**extra: str) -> dict[str, str]:
    return {"docker/docker-compose.yml": COMPOSE,
            f"{RES}/config/gateway-server.yml": GATEWAY,
            f"{RES}/config/licensing-service.properties": LICENSING,
            f"{RES}/config/licensing-service-dev.properties": LICENSING_DEV,
            f"{RES}/config/organization-service.properties": ORGANIZATION, **extra}


def test_a_config_servers_files_are_the_calls_of_the_services_their_names_name(tmp_path):
    res = import_paths([write(tmp_path, smia())])
    deps = res.review.dependencies
    # the gateway's routes, and the services' registry, auth and datastore, as the files the server hands out say
    assert {"gatewayserver->licensingservice", "gatewayserver->organizationservice", "gatewayserver->eurekaserver",
            "licensingservice->eurekaserver", "licensingservice->authenticationservice",
            "licensingservice->database", "organizationservice->authenticationservice"} <= set(deps)
    assert any("gateway-server.yml:" in e and "lb://licensing-service" in e
               for e in deps["gatewayserver->licensingservice"].evidence)
    # the config server calls none of them
    assert not [d for d in deps if d.startswith("configserver->")]
    # the import says which files were read as whose
    line = next(x for x in res.report.read if "hands out" in x)
    assert line.startswith(f"{RES}/config: files the config server configserver hands out")
    assert "gateway-server.yml -> gatewayserver" in line and "licensing-service-dev.properties -> licensingservice" in line


def test_the_config_servers_own_application_and_bootstrap_files_stay_its_own(tmp_path):
    own = {f"{RES}/bootstrap.yml": "spring:\n  application:\n    name: config-server\n"
                                   "  zipkin:\n    baseUrl: http://zipkin:9411\n",
           f"{RES}/application.properties": "eureka.client.serviceUrl.defaultZone=http://eurekaserver:8070/eureka/\n"}
    deps = import_paths([write(tmp_path, smia(**own))]).review.dependencies
    assert any("bootstrap.yml:5:" in e for e in deps["configserver->zipkin"].evidence)
    assert any("application.properties:1:" in e for e in deps["configserver->eurekaserver"].evidence)
    assert "gatewayserver->licensingservice" in deps and "configserver->licensingservice" not in deps


def test_a_folder_the_search_locations_name_is_served_whatever_the_server_is_called(tmp_path):
    # a config server named like nothing in particular: its own application.yml says where its files are
    files = {"docker-compose.yml": COMPOSE.replace("configserver:", "platform:").replace("//configserver", "//platform"),
             "platform/src/main/resources/application.yml":
                 "spring.cloud.config.server.native.search-locations: classpath:/repo\n",
             "platform/src/main/resources/repo/gateway-server.yml": GATEWAY,
             "platform/src/main/resources/repo/licensing-service.properties": LICENSING}
    res = import_paths([write(tmp_path, files)])
    deps = res.review.dependencies
    assert {"gatewayserver->licensingservice", "licensingservice->authenticationservice"} <= set(deps)
    assert not [d for d in deps if d.startswith("platform->")]
    assert any("search-locations: classpath:/repo" in x for x in res.report.read)


def test_files_named_after_services_in_a_service_that_is_no_config_server_stay_its_own(tmp_path):
    # the same files in the gateway's own tree: the gateway's (a folder of route files, not a config server's)
    files = {"docker/docker-compose.yml": COMPOSE,
             "gatewayserver/routes/licensing-service.properties": "route.uri=http://licensing-service:8080\n",
             "gatewayserver/routes/organization-service.properties": "route.uri=http://organization-service:8081\n"}
    res = import_paths([write(tmp_path, files)])
    deps = res.review.dependencies
    assert {"gatewayserver->licensingservice", "gatewayserver->organizationservice"} <= set(deps)
    assert not any("hands out" in x for x in res.report.read)


def test_one_file_named_after_a_service_does_not_make_the_folder_a_served_one(tmp_path):
    # as for any configuration repository: one such file may be anything, its folder decides
    files = {"docker/docker-compose.yml": COMPOSE, f"{RES}/config/licensing-service.properties": LICENSING}
    deps = import_paths([write(tmp_path, files)]).review.dependencies
    assert "configserver->authenticationservice" in deps and "licensingservice->authenticationservice" not in deps


def test_a_service_whose_build_file_names_the_config_server_library_is_a_config_server(tmp_path):
    # Spring Cloud Config's server library in the build file, the git profile (no search-locations): its tree
    files = {"docker-compose.yml": COMPOSE.replace("configserver: {image: 'ostock/configserver:1', ports: ['8071:8071']}",
                                                   "settings: {build: ./settings}"),
             "settings/pom.xml": "<project><dependencies><dependency><groupId>org.springframework.cloud</groupId>"
                                 "<artifactId>spring-cloud-config-server</artifactId></dependency></dependencies>"
                                 "</project>\n",
             "settings/src/main/resources/shared/gateway-server.yml": GATEWAY,
             "settings/src/main/resources/shared/organization-service.properties": ORGANIZATION}
    res = import_paths([write(tmp_path, files)])
    deps = res.review.dependencies
    assert {"gatewayserver->organizationservice", "organizationservice->authenticationservice"} <= set(deps)
    assert not [d for d in deps if d.startswith("settings->")]
    assert any("the config server settings hands out (settings/pom.xml: spring-cloud-config-server)" in x
               for x in res.report.read)
