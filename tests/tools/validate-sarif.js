// Validates SARIF logs against a JSON schema with ajv (draft 2020-12) and ajv-formats.
// Usage: NODE_PATH=<node_modules> node validate-sarif.js SCHEMA.json LOG.json...
// Prints `valid: LOG` or the schema errors of LOG; exits 1 when any log is invalid.
"use strict";
const fs = require("fs");
const Ajv2020 = require("ajv/dist/2020");
const addFormats = require("ajv-formats");

const [schemaPath, ...logs] = process.argv.slice(2);
if (!schemaPath || logs.length === 0) {
  console.error("usage: validate-sarif.js SCHEMA.json LOG.json...");
  process.exit(2);
}
// strictRequired off: the official schema lists in `anyOf` branches `required` properties that
// its parent declares, which ajv's strict mode rejects as a schema-authoring style issue.
const ajv = new Ajv2020({ allErrors: true, strict: true, strictRequired: false });
addFormats(ajv);
const validate = ajv.compile(JSON.parse(fs.readFileSync(schemaPath, "utf8")));
let failed = false;
for (const log of logs) {
  if (validate(JSON.parse(fs.readFileSync(log, "utf8")))) {
    console.log(`valid: ${log}`);
  } else {
    failed = true;
    console.log(`invalid: ${log}`);
    for (const e of validate.errors) {
      console.log(`  ${e.instancePath || "/"} ${e.message} ${JSON.stringify(e.params)}`);
    }
  }
}
process.exit(failed ? 1 : 0);
