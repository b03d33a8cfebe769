#!/usr/bin/env node
// Compile every schemas/<family>/*.json with json-schema-to-typescript into
// out/<family>/<Type>.ts, write one out/<family>/examples/<n>.ts per documented example of
// specs/*.yaml, requests and responses alike, assigning the example (verbatim JSON) to its
// generated type, and type-check everything with the local tsc (strict, noEmit). Each
// example is one check, failed when tsc reports an error in its file. An operation without
// a documented request example, or without a documented response example, is a failure.
//
// Usage: node gen_ts.mjs [WORKSPACE_ROOT]   (default: two levels up from this file)
// Prints one line per check and ends with `N passed, M failed`; exits 1 on any failure.

import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { basename, dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";

import { load as loadYaml } from "js-yaml";
import { compileFromFile } from "json-schema-to-typescript";

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(process.argv[2] ?? join(here, "..", ".."));
const outDir = join(here, "out");
const HTTP_METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

let passed = 0;
let failed = 0;
const pass = (what) => {
  passed += 1;
  console.log(`PASS ${what}`);
};
const fail = (what, why) => {
  failed += 1;
  console.log(`FAIL ${what}: ${String(why).replace(/\s*\n\s*/g, " | ")}`);
};

const rel = (p) => relative(root, p) || ".";
const isDir = (p) => existsSync(p) && statSync(p).isDirectory();
const refName = (schema) =>
  schema && typeof schema.$ref === "string" ? schema.$ref.split("/").pop() : undefined;

// Every documented example of a spec, with the operations it documents. Same rules as
// validate_examples.py: requestBody.content.<mt>.examples (schema = the content schema's
// $ref name), x-cloudcost-request-examples (schema = x-cloudcost-input, else
// <operationId>Request), responses.200.content.<mt>.examples (schema = the content
// schema's $ref name); externalValue is relative to the spec's directory.
// Returns [{ operation, examples: [{ direction, label, schemaName, file }] }].
function documentedExamples(spec, specPath) {
  const operations = [];
  for (const [pathKey, item] of Object.entries(spec.paths ?? {})) {
    if (!item || typeof item !== "object") continue;
    for (const [method, op] of Object.entries(item)) {
      if (!HTTP_METHODS.includes(method) || !op || typeof op !== "object") continue;
      const operation = op.operationId ?? `${method.toUpperCase()} ${pathKey}`;
      const examples = [];
      const add = (direction, label, schemaName, ex) => {
        if (typeof ex?.externalValue !== "string") {
          examples.push({ direction, label, schemaName, file: undefined, problem: "no externalValue" });
          return;
        }
        examples.push({ direction, label, schemaName, file: resolve(dirname(specPath), ex.externalValue) });
      };
      for (const [mt, content] of Object.entries(op.requestBody?.content ?? {})) {
        for (const [name, ex] of Object.entries(content?.examples ?? {})) {
          add("request", `request ${mt} ${name}`, refName(content?.schema), ex);
        }
      }
      const inputName = op["x-cloudcost-input"] ?? (op.operationId ? `${op.operationId}Request` : undefined);
      for (const [name, ex] of Object.entries(op["x-cloudcost-request-examples"] ?? {})) {
        add("request", `request ${name}`, inputName, ex);
      }
      const ok = op.responses?.["200"] ?? op.responses?.[200];
      for (const [mt, content] of Object.entries(ok?.content ?? {})) {
        for (const [name, ex] of Object.entries(content?.examples ?? {})) {
          add("response", `response ${mt} ${name}`, refName(content?.schema), ex);
        }
      }
      // A gap the spec states with its reason (`x-cloudcost-no-examples`): nothing was
      // documented to check. A stated gap on an operation that has examples is a mistake.
      const gap = typeof op["x-cloudcost-no-examples"] === "string" ? op["x-cloudcost-no-examples"].trim() : undefined;
      operations.push({ operation, examples, gap });
    }
  }
  return operations;
}

function specsByFamily() {
  const specsDir = join(root, "specs");
  const result = new Map();
  if (!isDir(specsDir)) return result;
  for (const name of readdirSync(specsDir).sort()) {
    if (!/\.ya?ml$/.test(name)) continue;
    const specPath = join(specsDir, name);
    try {
      const spec = loadYaml(readFileSync(specPath, "utf8"));
      const family = spec?.["x-cloudcost-service"]?.family;
      if (typeof family !== "string" || !family) {
        fail(`load ${rel(specPath)}`, "no x-cloudcost-service.family");
        continue;
      }
      result.set(family, { spec, specPath });
    } catch (e) {
      fail(`load ${rel(specPath)}`, e.message);
    }
  }
  return result;
}

async function main() {
  const schemasDir = join(root, "schemas");
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });

  const families = isDir(schemasDir)
    ? readdirSync(schemasDir).filter((f) => isDir(join(schemasDir, f))).sort()
    : [];
  let compiled = 0;
  const generated = new Map(); // family -> Set of type names with a .ts file

  for (const family of families) {
    const familyDir = join(schemasDir, family);
    const familyOut = join(outDir, family);
    mkdirSync(familyOut, { recursive: true });
    generated.set(family, new Set());
    for (const file of readdirSync(familyDir).filter((f) => f.endsWith(".json")).sort()) {
      const schemaPath = join(familyDir, file);
      const type = basename(file, ".json");
      const what = `json-schema-to-typescript ${rel(schemaPath)}`;
      compiled += 1;
      try {
        const ts = await compileFromFile(schemaPath, {
          cwd: familyDir,
          bannerComment:
            `/* Generated by tests/schema-check/gen_ts.mjs (json-schema-to-typescript) from ` +
            `schemas/${family}/${file}. Do not edit: it is rewritten on every run. */`,
        });
        if (!new RegExp(`export (interface|type) ${type}\\b`).test(ts)) {
          fail(what, `no exported type named ${type} in the output (root schema title?)`);
        } else {
          pass(what);
        }
        writeFileSync(join(familyOut, `${type}.ts`), ts);
        generated.get(family).add(type);
      } catch (e) {
        fail(what, e.message);
      }
    }
  }
  if (compiled === 0) fail("schemas", `no schemas/<family>/*.json under ${root}`);

  // One file per documented example: the example, verbatim, assigned to its generated
  // type, so that tsc checks the example against the type (excess members included).
  const specs = specsByFamily();
  const exampleFiles = []; // { what, file: path relative to here (as tsc prints it) }
  for (const [family, entry] of specs) {
    if (!generated.has(family)) {
      fail(`examples ${family}`, `${rel(entry.specPath)} declares it, but there is no schemas/${family}/`);
    }
  }
  for (const family of families) {
    const entry = specs.get(family);
    if (!entry) {
      fail(`examples ${family}`, `no specs/*.yaml declares the family of schemas/${family}/`);
      continue;
    }
    const operations = documentedExamples(entry.spec, entry.specPath);
    if (operations.length === 0) fail(`examples ${family}`, `${rel(entry.specPath)} has no operations`);
    const examplesOut = join(outDir, family, "examples");
    mkdirSync(examplesOut, { recursive: true });
    for (const { operation, examples, gap } of operations) {
      if (gap !== undefined) {
        if (examples.length > 0 || gap === "") {
          fail(
            `examples ${family} ${operation}`,
            `${rel(entry.specPath)} states x-cloudcost-no-examples for ${operation} ` +
              (gap === "" ? "without a reason" : "but documents examples"),
          );
        } else {
          console.log(`GAP examples ${family} ${operation}: stated in the spec: ${gap}`);
        }
        continue;
      }
      for (const direction of ["request", "response"]) {
        if (!examples.some((ex) => ex.direction === direction)) {
          fail(
            `examples ${family} ${operation} ${direction}`,
            `MISSING: ${rel(entry.specPath)} documents no ${direction} example for ${operation}, ` +
              `so no ${direction} of it is type-checked`,
          );
        }
      }
      for (const ex of examples) {
        const what = `tsc: ${family} ${operation} ${ex.label}: ${ex.file ? rel(ex.file) : "?"} as ${ex.schemaName}`;
        if (ex.problem) {
          fail(what, ex.problem);
          continue;
        }
        if (!ex.schemaName || !generated.get(family).has(ex.schemaName)) {
          fail(what, `no generated type for schemas/${family}/${ex.schemaName}.json`);
          continue;
        }
        let text;
        try {
          text = readFileSync(ex.file, "utf8").trim();
          JSON.parse(text); // must be JSON; the verbatim text (exact numbers) goes into the source
        } catch (e) {
          fail(what, `cannot read the example: ${e.message}`);
          continue;
        }
        const name = `${exampleFiles.length}.ts`;
        const source =
          `/* Generated by tests/schema-check/gen_ts.mjs: ${rel(ex.file)} (verbatim) ` +
          `as a ${ex.schemaName}. */\n` +
          `import type { ${ex.schemaName} } from "../${ex.schemaName}";\n\n` +
          `export const x: ${ex.schemaName} = ${text};\n`;
        writeFileSync(join(examplesOut, name), source);
        exampleFiles.push({ what, file: join("out", family, "examples", name) });
      }
    }
  }
  if (exampleFiles.length === 0) fail("examples", "no documented example in specs/*.yaml");

  writeFileSync(
    join(outDir, "tsconfig.json"),
    JSON.stringify(
      {
        compilerOptions: {
          strict: true,
          noEmit: true,
          target: "es2022",
          module: "esnext",
          moduleResolution: "bundler",
          types: [],
          skipLibCheck: true,
        },
        include: ["**/*.ts"],
      },
      null,
      2,
    ) + "\n",
  );

  const tscBin = join(here, "node_modules", ".bin", process.platform === "win32" ? "tsc.cmd" : "tsc");
  const what = `tsc -p out/tsconfig.json --noEmit`;
  if (!existsSync(tscBin)) {
    fail(what, `${rel(tscBin)} not found: run npm ci in tests/schema-check`);
    for (const { what: exampleWhat } of exampleFiles) fail(exampleWhat, "not type-checked: no tsc");
  } else {
    const r = spawnSync(tscBin, ["-p", join("out", "tsconfig.json"), "--noEmit", "--pretty", "false"], {
      cwd: here,
      encoding: "utf8",
    });
    const output = `${r.stdout ?? ""}${r.stderr ?? ""}`.trim();
    if (output) console.log(output);
    if (r.error) fail(what, r.error.message);
    else if (r.status !== 0) fail(what, `exit status ${r.status}`);
    else pass(what);
    // Each example by itself: an error reported in its file fails it. tsc prints paths
    // relative to its working directory (here), with "/" separators.
    const errorLines = output.split("\n").filter((line) => /\berror TS\d+/.test(line));
    for (const { what: exampleWhat, file } of exampleFiles) {
      const prefix = `${file.split(sep).join("/")}(`;
      const errors = errorLines.filter((line) => line.startsWith(prefix));
      if (r.error) fail(exampleWhat, "tsc did not run");
      else if (errors.length > 0) fail(exampleWhat, errors.join("\n"));
      else pass(exampleWhat);
    }
  }
  console.log(`${passed} passed, ${failed} failed`);
  process.exitCode = failed > 0 ? 1 : 0;
}

main().catch((e) => {
  console.log(`FAIL gen_ts.mjs: ${e.stack ?? e}`);
  console.log(`${passed} passed, ${failed + 1} failed`);
  process.exitCode = 1;
});
