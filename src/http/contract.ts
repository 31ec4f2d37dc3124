/** The bundled contract, loaded once: the document itself and openapi-backend's per-operation validators. */
import { readFileSync } from 'node:fs';
import { OpenAPIBackend, type Document } from 'openapi-backend';
import addFormats from 'ajv-formats';
import { projectPath } from '../project-root.ts';

export const bundledSpecPath = projectPath('generated', 'openapi.json');
export const bundledYamlPath = projectPath('generated', 'openapi.yaml');

export interface Contract {
  document: Document;
  json: string;
  yaml: string;
  /** Initialised backend: `.validator` for requests, `.definition` dereferenced. */
  backend: OpenAPIBackend;
}

export async function loadContract(): Promise<Contract> {
  const json = readFileSync(bundledSpecPath, 'utf8');
  const yaml = readFileSync(bundledYamlPath, 'utf8');
  const document = JSON.parse(json) as Document;
  const backend = new OpenAPIBackend({
    definition: structuredClone(document),
    // The document is OpenAPI 3.1; openapi-backend would check it against the 3.0 schema. The linter
    // (`just lint`) and the contract tests check it instead.
    quick: true,
    validate: true,
    ajvOpts: { allErrors: true, strict: false },
    customizeAjv: (ajv) => {
      // Without ajv-formats, `format: uuid` and `date-time` would be silently ignored.
      addFormats.default(ajv);
      return ajv;
    },
  });
  await backend.init();
  // quick mode compiles lazily; compile every request validator now so the first request is not slow.
  backend.validator.preCompileRequestValidators();
  return { document, json, yaml, backend };
}
