// Checks azure.yaml against the Azure Developer CLI's JSON schema, offline.
// Usage: node scripts/validate-azure-yaml.mjs [azure.yaml] [schema.json]
// Exit code 0 when valid; 1 with the errors on stderr when not; 2 when a file cannot be read.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import Ajv2019 from 'ajv/dist/2019.js';
import { parse } from 'yaml';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const yamlPath = resolve(process.argv[2] ?? resolve(root, 'azure.yaml'));
const schemaPath = resolve(process.argv[3] ?? resolve(root, '..', 'shared', 'schemas', 'azure.yaml.schema.json'));

let document;
let schema;
try {
  document = parse(readFileSync(yamlPath, 'utf8'));
  schema = JSON.parse(readFileSync(schemaPath, 'utf8'));
} catch (error) {
  console.error(`validate-azure-yaml: ${error.message}`);
  process.exit(2);
}

// The schema is draft 2019-09 and refers to azd extensions' schemas by URL (hosts such as azure.ai.agent).
// They cannot be fetched offline and do not apply to a containerapp service: stand in permissive ones.
const ajv = new Ajv2019({ strict: false, allErrors: true });
for (const ref of externalRefs(schema, schema.$id)) {
  ajv.addSchema({ $id: ref }, ref);
}

const validate = ajv.compile(schema);
if (validate(document)) {
  console.log(`validate-azure-yaml: ${yamlPath} is valid`);
  process.exit(0);
}
for (const error of validate.errors) {
  console.error(`validate-azure-yaml: ${error.instancePath || '/'} ${error.message} ${JSON.stringify(error.params)}`);
}
process.exit(1);

function externalRefs(node, ownId, found = new Set()) {
  if (Array.isArray(node)) {
    node.forEach(item => externalRefs(item, ownId, found));
  } else if (node && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string' && /^https?:/.test(value)) {
        const target = value.split('#')[0];
        if (target !== ownId) {
          found.add(target);
        }
      } else {
        externalRefs(value, ownId, found);
      }
    }
  }
  return found;
}
