// The Helm chart helm/loyalty, rendered by the real helm binary (build/tools/helm, installed by
// scripts/install-deps.sh) with its default values, each file of helm/loyalty/ci/ and a
// chart-made TLS Secret: lint --strict passes; every object is valid for the Kubernetes API;
// every container has its probes, resources and security context; and bad values are refused
// by values.schema.json naming the value. No network: helm renders locally.
import { test, describe, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import YAML from "yaml";
import { problemsOf } from "./validate.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
const chart = path.join(root, "helm/loyalty");
const helmBinary = process.env.LOYALTY_HELM || path.join(root, "build/tools/helm");
assert.ok(fs.existsSync(helmBinary), `no ${helmBinary}: scripts/install-deps.sh installs it`);
const home = fs.mkdtempSync(path.join(os.tmpdir(), "loyalty-chart-"));
after(() => fs.rmSync(home, { recursive: true, force: true }));

// helm, with its cache and config in a throwaway folder.
function helm(...args) {
  const env = { ...process.env, HELM_CACHE_HOME: `${home}/cache`,
    HELM_CONFIG_HOME: `${home}/config`, HELM_DATA_HOME: `${home}/data` };
  return spawnSync(helmBinary, args, { encoding: "utf8", env });
}

function render(valueArgs) {
  const result = helm("template", "rel", chart, "--namespace", "shop", ...valueArgs);
  assert.equal(result.status, 0, `helm template ${valueArgs.join(" ")}: ${result.stderr}`);
  return YAML.parseAllDocuments(result.stdout).map((d) => d.toJS()).filter(Boolean);
}

const ofKind = (objects, kind) => objects.filter((o) => o.kind === kind);
const named = (objects, kind, suffix) =>
  objects.find((o) => o.kind === kind && o.metadata.name === `rel-loyalty-${suffix}`);
const argsOf = (deployment) => deployment.spec.template.spec.containers[0].args;

// Throwaway PEMs for the chart-made TLS Secret, made by openssl here (none is committed).
function makePems() {
  const dir = path.join(home, "pki");
  fs.mkdirSync(dir);
  const run = (...args) => execFileSync("openssl", args, { cwd: dir, stdio: "pipe" });
  run("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
    "-keyout", "ca.key", "-out", "ca.crt", "-subj", "/CN=chart test CA", "-days", "1");
  run("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
    "-keyout", "tls.key", "-out", "tls.csr", "-subj", "/CN=rel-loyalty-command");
  run("x509", "-req", "-in", "tls.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial",
    "-out", "tls.crt", "-days", "1");
  return ["--set", "tls.create=true", "--set-file", `tls.cert=${dir}/tls.crt`,
    "--set-file", `tls.key=${dir}/tls.key`, "--set-file", `tls.clientCa=${dir}/ca.crt`];
}

const ciFiles = fs.readdirSync(path.join(chart, "ci")).filter((f) => f.endsWith(".yaml")).sort();
const scenarios = {
  defaults: () => [],
  ...Object.fromEntries(ciFiles.map((f) => [`ci/${f}`, () => ["-f", path.join(chart, "ci", f)]])),
  "chart-made TLS secret": makePems,
};

test("helm/loyalty/ci holds the minimal, production and external-secret values", () => {
  assert.deepEqual(ciFiles,
    ["external-secret-values.yaml", "minimal-values.yaml", "production-values.yaml"]);
});

for (const [name, valueArgs] of Object.entries(scenarios)) {
  describe(`values: ${name}`, () => {
    let args;
    let objects;
    before(() => {
      args = valueArgs();
      objects = render(args);
    });

    test("helm lint --strict passes", () => {
      const result = helm("lint", "--strict", chart, ...args);
      assert.equal(result.status, 0, result.stdout + result.stderr);
      assert.match(result.stdout, /1 chart\(s\) linted, 0 chart\(s\) failed/);
    });

    test("every object is valid for the Kubernetes 1.36 API, no unknown field", async () => {
      assert.ok(objects.length >= 9, `only ${objects.length} objects`);
      for (const object of objects) {
        assert.deepEqual(await problemsOf(object), [], `${object.kind} ${object.metadata.name}`);
      }
    });

    test("every Deployment's container has gRPC probes, resources and the security context",
      () => {
        const deployments = ofKind(objects, "Deployment");
        assert.deepEqual(deployments.map((d) => d.metadata.name).sort(),
          ["rel-loyalty-command", "rel-loyalty-query", "rel-loyalty-worker"]);
        for (const deployment of deployments) {
          const pod = deployment.spec.template.spec;
          for (const container of pod.containers) {
            const where = `${deployment.metadata.name}/${container.name}`;
            assert.deepEqual(container.livenessProbe.grpc, { port: 8081, service: "liveness" },
              where);
            assert.deepEqual(container.readinessProbe.grpc, { port: 8081, service: "readiness" },
              where);
            assert.ok(container.args.includes("--health_listen=0.0.0.0:8081"), where);
            assert.ok(container.args.includes("--shutdown_grace_ms=10000"), where);
            assert.ok(container.ports.some((p) => p.name === "health" && p.containerPort === 8081));
          }
          assert.ok(pod.terminationGracePeriodSeconds >= 5 + 10 + 7,
            "the grace period covers the preStop sleep, the 10 s drain and the 7 s after it");
        }
        for (const suffix of ["command", "query"]) {
          const container = named(objects, "Deployment", suffix).spec.template.spec.containers[0];
          assert.deepEqual(container.lifecycle.preStop, { sleep: { seconds: 5 } }, suffix);
        }
      });

    test("every pod and container runs non-root, read-only, unprivileged, with resources",
      () => {
        const workloads = [...ofKind(objects, "Deployment"), ...ofKind(objects, "Job")];
        assert.ok(workloads.length >= 3);
        for (const workload of workloads) {
          const pod = workload.spec.template.spec;
          assert.equal(pod.securityContext.runAsNonRoot, true, workload.metadata.name);
          assert.equal(pod.securityContext.seccompProfile.type, "RuntimeDefault");
          assert.equal(pod.automountServiceAccountToken, false);
          for (const container of [...pod.containers, ...(pod.initContainers ?? [])]) {
            const where = `${workload.metadata.name}/${container.name}`;
            assert.deepEqual(container.securityContext, {
              runAsNonRoot: true, allowPrivilegeEscalation: false, readOnlyRootFilesystem: true,
              privileged: false, capabilities: { drop: ["ALL"] },
              seccompProfile: { type: "RuntimeDefault" },
            }, where);
            assert.ok(container.resources.requests.cpu, `${where}: cpu request`);
            assert.ok(container.resources.requests.memory, `${where}: memory request`);
            assert.ok(container.resources.limits.memory, `${where}: memory limit`);
            for (const mount of container.volumeMounts ?? []) {
              assert.equal(mount.subPath, undefined, `${where}: a subPath mount is never updated`);
            }
          }
        }
      });

    test("the database URL comes from the Secret, through the environment", () => {
      for (const workload of [...ofKind(objects, "Deployment"), ...ofKind(objects, "Job")]) {
        const container = workload.spec.template.spec.containers[0];
        const variable = container.env.find((e) => e.name === "FLAGS_database_url");
        assert.ok(variable.valueFrom.secretKeyRef.name, workload.metadata.name);
        assert.ok(container.args.some((a) => /^--fromenv=database_url(,|$)/.test(a)));
        assert.ok(!container.args.some((a) => a.startsWith("--database_url")));
      }
    });

    test("migrations run as a pre-install, pre-upgrade hook Job after the Secret they read",
      () => {
        const job = named(objects, "Job", "migrate");
        const hooks = job.metadata.annotations;
        assert.equal(hooks["helm.sh/hook"], "pre-install,pre-upgrade");
        assert.deepEqual(job.spec.template.spec.containers[0].args,
          ["migrate", "--fromenv=database_url"]);
        assert.equal(job.spec.template.spec.restartPolicy, "Never");
        const secretName =
          job.spec.template.spec.containers[0].env[0].valueFrom.secretKeyRef.name;
        const secret = objects.find((o) => o.kind === "Secret" && o.metadata.name === secretName);
        if (secret) {  // made by the chart: it must exist before the Job, so a hook run first
          assert.equal(secret.metadata.annotations["helm.sh/hook"], "pre-install,pre-upgrade");
          assert.ok(Number(secret.metadata.annotations["helm.sh/hook-weight"]) <
            Number(hooks["helm.sh/hook-weight"]));
        }
        // The release's own ServiceAccount is not there yet when the hook runs.
        const account = job.spec.template.spec.serviceAccountName;
        assert.ok(!ofKind(objects, "ServiceAccount").some((a) => a.metadata.name === account));
      });

    test("TLS on: the certificate and the policy are mounted as directories; off: plaintext",
      () => {
        for (const suffix of ["command", "query"]) {
          const deployment = named(objects, "Deployment", suffix);
          const args = argsOf(deployment);
          const volumes = deployment.spec.template.spec.volumes.map((v) => v.name);
          if (args.includes("--insecure_plaintext")) {
            assert.ok(!args.some((a) => a.startsWith("--tls_")), suffix);
            assert.ok(!volumes.includes("tls"));
            continue;
          }
          assert.ok(args.includes("--tls_cert=/etc/loyalty/tls/tls.crt"), suffix);
          assert.ok(args.includes("--tls_key=/etc/loyalty/tls/tls.key"));
          assert.ok(args.some((a) => /^--tls_client_ca=\/etc\/loyalty\/(tls|client-ca)\//.test(a)));
          assert.ok(args.some((a) => a.startsWith("--access_policy=/etc/loyalty/access-policy/")));
          assert.ok(volumes.includes("tls") && volumes.includes("access-policy"));
        }
        assert.deepEqual(argsOf(named(objects, "Deployment", "worker"))
          .filter((a) => a.startsWith("--tls") || a.startsWith("--insecure")), []);
      });
  });
}

describe("what each values file turns on", () => {
  test("defaults: mutual TLS, an empty policy, PDBs, NetworkPolicies, no HPA, no monitoring",
    () => {
      const objects = render([]);
      const policy = objects.find((o) => o.kind === "ConfigMap");
      assert.deepEqual(JSON.parse(policy.data["access-policy.json"]), { grants: [] });
      assert.deepEqual(ofKind(objects, "PodDisruptionBudget").map((o) => o.metadata.name).sort(),
        ["rel-loyalty-command", "rel-loyalty-query"]);
      assert.equal(ofKind(objects, "NetworkPolicy").length, 3);
      assert.equal(ofKind(objects, "HorizontalPodAutoscaler").length, 0);
      assert.equal(ofKind(objects, "ServiceMonitor").length, 0);
      assert.equal(named(objects, "Deployment", "worker").spec.replicas, 1);
      assert.equal(named(objects, "Deployment", "command").spec.replicas, 2);
    });

  test("minimal: plaintext, the chart-made database Secret, nothing else", () => {
    const objects = render(["-f", path.join(chart, "ci/minimal-values.yaml")]);
    assert.ok(argsOf(named(objects, "Deployment", "command")).includes("--insecure_plaintext"));
    const secret = ofKind(objects, "Secret")[0];
    assert.equal(Buffer.from(secret.data.url, "base64").toString(),
      "postgresql://loyalty:loyalty@postgresql:5432/loyalty");
    assert.equal(ofKind(objects, "ConfigMap").length, 0);
    assert.equal(ofKind(objects, "NetworkPolicy").length, 0);
  });

  test("production: HPAs, admin port for the admin clients only, replica reads, monitoring", () => {
    const objects = render(["-f", path.join(chart, "ci/production-values.yaml")]);
    for (const suffix of ["command", "query"]) {
      const hpa = named(objects, "HorizontalPodAutoscaler", suffix);
      assert.equal(hpa.spec.scaleTargetRef.name, `rel-loyalty-${suffix}`);
      assert.equal(named(objects, "Deployment", suffix).spec.replicas, undefined,
        "the HPA owns the replica count");
    }
    const command = named(objects, "Deployment", "command");
    assert.ok(argsOf(command).includes("--admin_listen=0.0.0.0:50053"));
    assert.equal(command.spec.template.spec.containers[0].image,
      "registry.example/loyalty@sha256:" +
      "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");
    assert.deepEqual(command.spec.template.spec.topologySpreadConstraints[0].labelSelector,
      command.spec.selector, "a spread constraint counts the component's own pods");
    const ingress = named(objects, "NetworkPolicy", "command").spec.ingress;
    const admin = ingress.find((r) => r.ports[0].port === "admin");
    assert.deepEqual(admin.from, [{
      namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "loyalty-ops" } },
      podSelector: { matchLabels: { app: "loyaltyctl" } },
    }]);
    assert.ok(named(objects, "Service", "command").spec.ports.some((p) => p.port === 50053));

    const query = named(objects, "Deployment", "query");
    assert.ok(argsOf(query).includes("--fromenv=database_url,projector_database_url"));
    const env = Object.fromEntries(query.spec.template.spec.containers[0].env
      .map((e) => [e.name, e.valueFrom.secretKeyRef.name]));
    assert.deepEqual(env, { FLAGS_database_url: "loyalty-database-replica",
      FLAGS_projector_database_url: "loyalty-database" });
    assert.ok(argsOf(query).includes("--tls_client_ca=/etc/loyalty/client-ca/ca-bundle.crt"));

    const monitor = ofKind(objects, "ServiceMonitor")[0];
    assert.equal(monitor.metadata.labels.release, "prometheus");
    assert.deepEqual(monitor.spec.endpoints.map((e) => e.port), ["metrics"]);
    for (const service of ofKind(objects, "Service")) {
      assert.ok(service.spec.ports.some((p) => p.name === "metrics"), service.metadata.name);
    }
    const rules = YAML.parse(fs.readFileSync(path.join(chart, "files/prometheus-rules.yaml"),
      "utf8"));
    assert.deepEqual(ofKind(objects, "PrometheusRule")[0].spec, rules);
    const dashboard = objects.find((o) => o.metadata.name === "rel-loyalty-dashboard");
    assert.deepEqual(JSON.parse(dashboard.data["loyalty.json"]),
      JSON.parse(fs.readFileSync(path.join(chart, "files/grafana-dashboard.json"), "utf8")));
    const grants = JSON.parse(objects.find((o) => o.metadata.name ===
      "rel-loyalty-access-policy").data["access-policy.json"]).grants;
    assert.equal(grants.length, 3);
  });

  test("external secret: the chart makes no Secret and no policy, and mounts the named ones",
    () => {
      const objects = render(["-f", path.join(chart, "ci/external-secret-values.yaml")]);
      assert.equal(ofKind(objects, "Secret").length, 0);
      assert.equal(ofKind(objects, "ConfigMap").length, 0);
      assert.equal(ofKind(objects, "ServiceAccount").length, 0);
      const pod = named(objects, "Deployment", "command").spec.template.spec;
      assert.equal(pod.serviceAccountName, "loyalty-runtime");
      assert.deepEqual(pod.containers[0].env[0].valueFrom.secretKeyRef,
        { name: "loyalty-db-credentials", key: "connection-url" });
      assert.equal(pod.volumes.find((v) => v.name === "tls").secret.secretName, "loyalty-mtls");
      assert.equal(pod.volumes.find((v) => v.name === "access-policy").configMap.name,
        "loyalty-access-policy");
      assert.ok(pod.containers[0].args.includes(
        "--access_policy=/etc/loyalty/access-policy/policy.textproto"));
    });
});

describe("values.schema.json refuses bad values, naming them", () => {
  const refusals = [
    [["--set", "command.replicas=-1"], "command.replicas: Must be greater than or equal to 0"],
    [["--set", "query.replicas=1.5"], "query.replicas: Invalid type. Expected: integer"],
    [["--set", "replicaCount=3"], "(root): Additional property replicaCount is not allowed"],
    [["--set", "command.resources.requests.cpuu=1"],
      "command.resources.requests: Additional property cpuu is not allowed"],
    [["--set", "tls.secretName="],
      "tls.secretName: String length must be greater than or equal to 1"],
    [["--set", "tls.create=true"],
      "tls.cert: Does not match pattern '-----BEGIN CERTIFICATE-----'"],
    [["--set", "database.create=true"],
      "database.url: String length must be greater than or equal to 1"],
    [["--set", "database.secretName=Loyalty_DB"], "database.secretName: Does not match pattern"],
    [["--set", "command.poolSize=0"], "command.poolSize: Must be greater than or equal to 1"],
    [["--set", "image.pullPolicy=Sometimes"], "image.pullPolicy: image.pullPolicy must be one of"],
    [["--set", "terminationGracePeriodSeconds=5"],
      "terminationGracePeriodSeconds: Must be greater than or equal to 15"],
    [["--set", "accessPolicy.grants[0].identity=x", "--set", "accessPolicy.grants[0].all_orgs=true",
      "--set", "accessPolicy.grants[0].roles[0]=reader"],
      "accessPolicy.grants.0.roles.0: accessPolicy.grants.0.roles.0 must be one of the following"],
    [["--set", "command.adminListen=true", "--set", "networkPolicy.adminClients=null"],
      "networkPolicy: adminClients is required"],
    [["--set", "query.extraArgs[0]=-v"], "query.extraArgs.0: Does not match pattern"],
    // Past what JSON schema can say, the templates refuse it (helm lint only logs a template's
    // fail, so template, install and upgrade refuse it, not lint).
    [["--set", "command.autoscaling.enabled=true", "--set", "command.autoscaling.minReplicas=5",
      "--set", "command.autoscaling.maxReplicas=3"],
      "command.autoscaling: minReplicas (5) is above maxReplicas (3)", ["template"]],
    [["--set", "shutdownGraceSeconds=20"],
      "terminationGracePeriodSeconds (30) is below the 32 s a",
      ["template"]],
  ];
  for (const [args, message, verbs = ["template", "lint"]] of refusals) {
    test(args.filter((a) => a !== "--set").join(" "), () => {
      for (const verb of verbs) {
        const result = verb === "lint" ? helm("lint", "--strict", chart, ...args)
          : helm("template", "rel", chart, ...args);
        assert.notEqual(result.status, 0, `helm ${verb} took it`);
        assert.ok((result.stdout + result.stderr).includes(message),
          `helm ${verb}: expected "${message}" in:\n${result.stdout}${result.stderr}`);
      }
    });
  }
});
