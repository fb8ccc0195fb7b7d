import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import { upstreamFile } from './upstream-facts';

type Schema = Record<string, unknown>;
/** What a value Terraform fills in at apply (`${...}`) is replaced by: any type is accepted there. */
export const STAND_IN = 'resolved-at-apply';

/**
 * Makes a schema strict the way the API server is about custom resources (it prunes unknown
 * fields silently): every object with `properties` and no `additionalProperties` (nor
 * `x-kubernetes-preserve-unknown-fields`) refuses other keys. IntOrString accepts both.
 */
function strict(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(strict);
  if (!node || typeof node !== 'object') return node;
  const s = { ...(node as Schema) };
  for (const [k, v] of Object.entries(s)) if (k !== 'enum' && k !== 'default' && k !== 'example') s[k] = strict(v);
  if (s['x-kubernetes-int-or-string'] === true || s.format === 'int-or-string') {
    const { type: _t, format: _f, ...rest } = s;
    return { ...rest, anyOf: [{ type: 'string' }, { type: 'integer' }] };
  }
  if (s.properties && s.additionalProperties === undefined && s['x-kubernetes-preserve-unknown-fields'] !== true)
    s.additionalProperties = false;
  return s;
}

const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
const cache = new Map<string, ValidateFunction | undefined>();

/** The strict validator for `apiVersion`/`kind` from ../shared/upstream/kubernetes-schemas, if there is one. */
export function strictValidator(apiVersion: string, kind: string): ValidateFunction | undefined {
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['core', apiVersion];
  const file = `${group}_${version}_${kind}.json`;
  if (cache.has(file)) return cache.get(file);
  const text = upstreamFile('kubernetes-schemas', file);
  let validate: ValidateFunction | undefined;
  if (text) {
    const doc = JSON.parse(text) as { format: string; schema?: Schema; root?: string; definitions?: Schema };
    if (doc.format === 'crd-openapiv3') {
      // A CRD's schema leaves metadata open; the API server validates it as ObjectMeta.
      const meta = JSON.parse(upstreamFile('kubernetes-schemas', 'meta_v1_ObjectMeta.json')!) as { root: string; definitions: Schema };
      const schema = strict(doc.schema) as Schema;
      const properties = { ...(schema.properties as Schema), metadata: { $ref: `#/definitions/${meta.root}` } };
      validate = ajv.compile({ ...schema, properties, definitions: strict(meta.definitions) });
    } else {
      validate = ajv.compile({ $ref: `#/definitions/${doc.root}`, definitions: strict(doc.definitions) });
    }
  }
  cache.set(file, validate);
  return validate;
}

/** Errors, leaving out those about stand-ins for values known only at apply. */
export function strictErrors(validate: ValidateFunction, object: unknown): string[] {
  if (validate(object)) return [];
  const at = (path: string) =>
    path
      .split('/')
      .slice(1)
      .reduce<unknown>(
        (o, k) => (o && typeof o === 'object' ? (o as Record<string, unknown>)[k.replace(/~1/g, '/').replace(/~0/g, '~')] : undefined),
        object,
      );
  return (validate.errors ?? [])
    .filter((e: ErrorObject) => at(e.instancePath) !== STAND_IN && e.keyword !== 'anyOf' && e.keyword !== 'oneOf')
    .map(
      (e) =>
        `${e.instancePath || '/'} ${e.message}${e.keyword === 'additionalProperties' ? `: '${String((e.params as { additionalProperty: string }).additionalProperty)}'` : ''}`,
    );
}
