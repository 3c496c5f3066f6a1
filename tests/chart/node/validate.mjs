// Validates a Kubernetes object against the API's schema, as kubernetes-models compiled it from
// the OpenAPI document of Kubernetes 1.36 (and the Prometheus operator's CRDs). The compiled
// validators check types, formats, enums and required fields but let unknown fields through,
// which the API server refuses (kubectl's default strict field validation): so every object is
// also checked for fields the validator never looked at.
import { fileURLToPath } from "node:url";
import path from "node:path";

const modules = path.join(path.dirname(fileURLToPath(import.meta.url)), "node_modules");

// apiVersion/kind -> the compiled schema. A kind the chart renders that is missing here fails.
const schemas = {
  "v1/ConfigMap": "kubernetes-models/_schemas/IoK8sApiCoreV1ConfigMap",
  "v1/Secret": "kubernetes-models/_schemas/IoK8sApiCoreV1Secret",
  "v1/Service": "kubernetes-models/_schemas/IoK8sApiCoreV1Service",
  "v1/ServiceAccount": "kubernetes-models/_schemas/IoK8sApiCoreV1ServiceAccount",
  "apps/v1/Deployment": "kubernetes-models/_schemas/IoK8sApiAppsV1Deployment",
  "batch/v1/Job": "kubernetes-models/_schemas/IoK8sApiBatchV1Job",
  "policy/v1/PodDisruptionBudget": "kubernetes-models/_schemas/IoK8sApiPolicyV1PodDisruptionBudget",
  "autoscaling/v2/HorizontalPodAutoscaler":
    "kubernetes-models/_schemas/IoK8sApiAutoscalingV2HorizontalPodAutoscaler",
  "networking.k8s.io/v1/NetworkPolicy":
    "kubernetes-models/_schemas/IoK8sApiNetworkingV1NetworkPolicy",
  "monitoring.coreos.com/v1/ServiceMonitor": "@kubernetes-models/prometheus-operator/_schemas/" +
    "ComGithubPrometheusOperatorPrometheusOperatorPkgApisMonitoringV1ServiceMonitor",
  "monitoring.coreos.com/v1/PrometheusRule": "@kubernetes-models/prometheus-operator/_schemas/" +
    "ComGithubPrometheusOperatorPrometheusOperatorPkgApisMonitoringV1PrometheusRule",
};

async function validatorOf(object) {
  const schema = schemas[`${object.apiVersion}/${object.kind}`];
  if (!schema) return null;
  const { validate } = await import(path.join(modules, `${schema}.js`));
  return validate;
}

// A copy of `value` whose objects record which of their fields the validator read. An object
// whose keys the validator enumerated is a map (labels, data, resources): any key is allowed.
function tracked(value, where, records) {
  if (Array.isArray(value)) return value.map((item, i) => tracked(item, `${where}/${i}`, records));
  if (value === null || typeof value !== "object") return value;
  const record = { where, keys: Object.keys(value), read: new Set(), enumerated: false };
  records.push(record);
  const copy = {};
  for (const [key, item] of Object.entries(value)) {
    copy[key] = tracked(item, `${where}/${key}`, records);
  }
  const note = (key) => typeof key === "string" && record.read.add(key);
  return new Proxy(copy, {
    get(target, key, receiver) { note(key); return Reflect.get(target, key, receiver); },
    has(target, key) { note(key); return Reflect.has(target, key); },
    getOwnPropertyDescriptor(target, key) {
      note(key);
      return Reflect.getOwnPropertyDescriptor(target, key);
    },
    ownKeys(target) { record.enumerated = true; return Reflect.ownKeys(target); },
  });
}

// The problems of one object: schema errors, and fields its schema does not know.
export async function problemsOf(object) {
  const validate = await validatorOf(object);
  if (!validate) return [`no schema for ${object.apiVersion}/${object.kind}`];
  const records = [];
  const valid = validate(tracked(object, "", records));
  const problems = valid ? [] : validate.errors.map((e) =>
    `${e.instancePath || "/"}: ${e.message ?? e.keyword} ${JSON.stringify(e.params)}`);
  for (const record of records) {
    // Never looked into: a free-form field (or one under an unknown field, reported above it).
    if (record.enumerated || record.read.size === 0) continue;
    for (const key of record.keys) {
      if (!record.read.has(key)) problems.push(`${record.where}/${key}: unknown field`);
    }
  }
  return problems;
}
