// Checks rendered Kubernetes manifests with no cluster (see docs/deploy.md):
//  1. every document's apiVersion is one a current cluster serves;
//  2. kubernetes-models' validators (compiled from the Kubernetes OpenAPI
//     schemas): types, enums, required fields, quantities;
//  3. a TypeScript file with each document as a typed constant, for
//     check_helm.sh to compile: tsc's excess-property check reports every
//     misspelt field name, which the schemas allow.
// usage: node validate.mjs OUT.ts FILE.yaml...   (exit 1 on any finding)
import { readFileSync, writeFileSync } from "node:fs";
import { parseAllDocuments } from "yaml";

const served = new Set(["v1", "apps/v1", "policy/v1", "networking.k8s.io/v1",
                        "rbac.authorization.k8s.io/v1"]);
const [out, ...files] = process.argv.slice(2);
let failed = 0;
let ts = "";
let n = 0;
const imported = new Set();

function fail(where, msg) {
  console.error(`${where}: ${msg}`);
  failed++;
}

for (const file of files) {
  const docs = parseAllDocuments(readFileSync(file, "utf8"));
  for (const [i, doc] of docs.entries()) {
    const where = `${file}: document ${i + 1}`;
    if (doc.errors.length) {
      fail(where, `YAML: ${doc.errors.map(e => e.message).join("; ")}`);
      continue;
    }
    const obj = doc.toJS();
    if (obj === null || obj === undefined)
      continue;
    const id = `${where} (${obj.kind} ${obj.metadata?.name})`;
    if (!served.has(obj.apiVersion)) {
      fail(id, `apiVersion ${obj.apiVersion} is not one of ${[...served].join(", ")}`);
      continue;
    }
    const path = `kubernetes-models/${obj.apiVersion}/${obj.kind}`;
    let Model;
    try {
      Model = (await import(path))[obj.kind];
    } catch (e) {
      fail(id, `unknown kind ${obj.kind} in ${obj.apiVersion}`);
      continue;
    }
    try {
      new Model(obj).validate();
    } catch (e) {
      fail(id, `schema: ${e.message}`);
    }
    const type = `I${obj.kind}`;
    const alias = `${type}_${obj.apiVersion.replace(/[^A-Za-z0-9]/g, "_")}`;
    if (!imported.has(alias)) {
      ts = `import type { ${type} as ${alias} } from "${path}";\n` + ts;
      imported.add(alias);
    }
    ts += `// ${id}\nexport const d${n++}: ${alias} = ${JSON.stringify(obj, null, 2)};\n`;
  }
}
writeFileSync(out, ts);
console.log(`${n} objects checked against the Kubernetes schemas, ${failed} problem(s)`);
process.exit(failed ? 1 : 0);
