// Offline checks run by .ci/run: every object in deploy/*.yaml against the Kubernetes JSON schemas
// (kubernetes-models: types, required fields, enums; unknown fields through unknown-fields.mjs, proven by a self-test
// first), the project's own rules for the manifests, and the Dockerfile with dockerfilelint plus the rules
// dockerfilelint does not know. Exit 1 with one line per problem.
import { readFileSync, readdirSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import yaml from "js-yaml";
import { unknownFields } from "./unknown-fields.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const deploy = join(here, "..");
const root = join(deploy, "..");
const problems = [];
const problem = (where, text) => problems.push(`${where}: ${text}`);

const models = {
  "v1/Service": ["kubernetes-models/v1/Service", "Service"],
  "v1/Pod": ["kubernetes-models/v1/Pod", "Pod"],
  "v1/PersistentVolumeClaim": ["kubernetes-models/v1/PersistentVolumeClaim", "PersistentVolumeClaim"],
  "apps/v1/Deployment": ["kubernetes-models/apps/v1/Deployment", "Deployment"],
};

/** Schema errors and unknown fields of one object, one text each. */
async function schemaProblems([path, name], object) {
  const Model = (await import(path))[name];
  const { unknown, schemaError } = unknownFields((data) => Model.prototype.validate.call(data), object);
  const texts = unknown.map((field) => `unknown field '${field}' (misspelled? the API server would drop it)`);
  if (schemaError) texts.unshift(`schema: ${String(schemaError.message ?? schemaError).replace(/\s+/g, " ")}`);
  return texts;
}

// Self-test: the unknown-field check must catch misspellings, or a green run proves nothing.
{
  const misspelled = {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "self-test", labels: { app: "self-test" } },
    spec: {
      replica: 2,
      selector: { matchLabels: { app: "self-test" } },
      template: {
        metadata: { labels: { app: "self-test" } },
        spec: { containers: [{ name: "c", image: "c", imagePullPolciy: "Always", resources: { limits: { cpu: "1" } } }] },
      },
    },
  };
  const found = await schemaProblems(models["apps/v1/Deployment"], misspelled);
  const expected = ["spec.replica", "spec.template.spec.containers[0].imagePullPolciy"];
  if (found.length !== expected.length || !expected.every((field) => found.some((text) => text.includes(`'${field}'`)))) {
    problem("self-test", `the unknown-field check should report exactly ${expected.join(" and ")}; it reported: ${found.join("; ") || "nothing"}`);
  }
}

function podSpecOf(object) {
  return object.kind === "Pod" ? object.spec : object.spec?.template?.spec;
}

function checkPod(where, object) {
  const spec = podSpecOf(object);
  if (!spec) return;
  const security = spec.securityContext ?? {};
  if (security.runAsNonRoot !== true) problem(where, "securityContext.runAsNonRoot must be true");
  if (security.fsGroup === undefined || security.fsGroup !== security.runAsGroup) {
    problem(where, "fsGroup must equal runAsGroup (secret files are 0440 group fsGroup; the process must own that group)");
  }
  for (const container of spec.containers ?? []) {
    const name = `${where} container ${container.name}`;
    if (/:latest$/.test(container.image) || /:/.test(container.image)) {
      problem(name, `image '${container.image}' must be a bare name; the tag is pinned in kustomization.yaml`);
    }
    if (!container.resources?.requests || !container.resources?.limits) problem(name, "needs resources.requests and resources.limits");
    if (container.securityContext?.readOnlyRootFilesystem !== true) problem(name, "readOnlyRootFilesystem must be true");
    for (const variable of container.env ?? []) {
      if (variable.name === "SANDBOXCONTROL_ADDRESS") problem(name, "SANDBOXCONTROL_ADDRESS is read by nothing");
    }
  }
  for (const volume of spec.volumes ?? []) {
    const mode = volume.secret?.defaultMode ?? volume.projected?.defaultMode;
    if (mode !== undefined && (mode & 0o007) !== 0) problem(`${where} volume ${volume.name}`, `mode ${mode.toString(8)} gives others access`);
  }
}

function checkDeployment(where, object) {
  const usesSqlite = !(object.spec.template.spec.containers ?? []).some((c) => (c.env ?? []).some((e) => e.name === "Storage__Provider" && e.value === "postgres"));
  if (usesSqlite && object.spec.strategy?.type !== "Recreate") {
    problem(where, "with SQLite the strategy must be Recreate (the new pod cannot take the database lock while the old one runs)");
  }
  for (const container of object.spec.template.spec.containers) {
    for (const probe of ["startupProbe", "livenessProbe"]) {
      if (!container[probe]?.exec) problem(`${where} container ${container.name}`, `${probe} must be an exec probe (mTLS: the kubelet's grpc/tcp probes cannot present a client certificate)`);
    }
  }
}

for (const file of readdirSync(deploy).filter((name) => name.endsWith(".yaml")).sort()) {
  // Kubernetes reads YAML 1.1, where 0440 is octal; js-yaml reads YAML 1.2, where it is decimal.
  const source = readFileSync(join(deploy, file), "utf8").replace(/(defaultMode|mode): 0([0-7]+)\b/g, "$1: 0o$2");
  const documents = yaml.loadAll(source);
  for (const [index, object] of documents.entries()) {
    if (!object) continue;
    const where = `deploy/${file} #${index + 1} ${object.kind}/${object.metadata?.name ?? "?"}`;
    if (object.kind === "Kustomization") {
      for (const image of object.images ?? []) {
        if (!image.newTag || image.newTag === "latest") problem(where, `image ${image.name} needs a pinned newTag`);
      }
      continue;
    }
    const model = models[`${object.apiVersion}/${object.kind}`];
    if (!model) {
      problem(where, `no schema known for ${object.apiVersion} ${object.kind}`);
      continue;
    }
    for (const text of await schemaProblems(model, object)) problem(where, text);
    checkPod(where, object);
    if (object.kind === "Deployment") checkDeployment(where, object);
  }
}

// Dockerfile: dockerfilelint's rules, then ours.
const dockerfile = join(root, "Dockerfile");
const text = readFileSync(dockerfile, "utf8");
const lines = text.split("\n");
// dockerfilelint cannot see through `FROM ${ARG}`; such a line is fine when the ARG's default carries a tag.
const taggedArgs = new Set([...text.matchAll(/^ARG\s+(\w+)=\S+:\S+/gm)].map((match) => match[1]));
const resolvedFrom = (line) => taggedArgs.has((/^FROM\s+\$\{?(\w+)\}?/.exec(lines[line - 1] ?? "") ?? [])[1]);
let report;
try {
  report = JSON.parse(execFileSync(join(here, "node_modules", ".bin", "dockerfilelint"), ["-j", dockerfile], { encoding: "utf8" }));
} catch (error) {
  if (!error.stdout) throw error;
  report = JSON.parse(error.stdout);
}
for (const file of report.files ?? []) {
  for (const issue of file.issues ?? []) {
    if (issue.title === "Base Image Missing Tag" && resolvedFrom(issue.line)) continue;
    problem(`Dockerfile:${issue.line}`, `${issue.category}: ${issue.title}`);
  }
}
for (const match of text.matchAll(/^ARG\s+(\S+)/gm)) {
  if (!match[1].includes("=")) problem("Dockerfile", `ARG ${match[1]} has no default (docker build . would fail)`);
}
if (!/^USER\s+\d+(:\d+)?\s*$/m.test(text)) problem("Dockerfile", "needs a numeric non-root USER");
for (const match of text.matchAll(/^COPY\s+(?!--from)(.+)$/gm)) {
  for (const source of match[1].trim().split(/\s+/).slice(0, -1)) {
    try {
      readFileSync(join(root, source.replace(/\/$/, "")));
    } catch (error) {
      if (error.code === "ENOENT") problem("Dockerfile", `COPY source '${source}' does not exist`);
    }
  }
}
const ignore = readFileSync(join(root, ".dockerignore"), "utf8").split("\n").map((line) => line.trim());
for (const required of ["**/bin/", "**/obj/", "data/", "certs/dev/", "*.key"]) {
  if (!ignore.includes(required)) problem(".dockerignore", `must exclude ${required}`);
}

if (problems.length > 0) {
  for (const line of problems) console.error(line);
  console.error(`deploy check: ${problems.length} problem(s)`);
  process.exit(1);
}
console.log("deploy check: manifests match the Kubernetes schemas and the project's rules; Dockerfile lint clean");
