/** A read-only view of one stack's synthesized Terraform JSON for policy rules. */

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export interface ResourceView {
  /** `resource` or `data`. */
  readonly mode: 'resource' | 'data';
  readonly type: string;
  /** Logical name in the JSON, e.g. `Network_4E4B6D0A`. */
  readonly name: string;
  /** Terraform address: `aws_vpc.Network_4E4B6D0A` (data sources: `data.<type>.<name>`). */
  readonly address: string;
  /** Construct path from the cdktf metadata, or the address when there is none. */
  readonly path: string;
  /** The resource's attributes (the `//` metadata removed). */
  readonly config: JsonObject;
}

export class StackView {
  readonly resources: readonly ResourceView[];
  private readonly byType = new Map<string, ResourceView[]>();

  constructor(
    readonly id: string,
    readonly json: JsonObject,
  ) {
    const all: ResourceView[] = [];
    for (const mode of ['resource', 'data'] as const) {
      const section = (json[mode] ?? {}) as Record<string, Record<string, JsonObject>>;
      for (const [type, instances] of Object.entries(section)) {
        for (const [name, body] of Object.entries(instances)) {
          const { '//': meta, ...config } = body;
          const address = mode === 'data' ? `data.${type}.${name}` : `${type}.${name}`;
          const path = ((meta as JsonObject | undefined)?.metadata as JsonObject | undefined)?.path;
          const view: ResourceView = { mode, type, name, address, path: typeof path === 'string' ? path : address, config };
          all.push(view);
          const key = mode === 'data' ? `data.${type}` : type;
          this.byType.set(key, [...(this.byType.get(key) ?? []), view]);
        }
      }
    }
    this.resources = all;
  }

  /** Resources of a type; `data.<type>` for data sources. */
  resourcesOf(type: string): readonly ResourceView[] {
    return this.byType.get(type) ?? [];
  }

  /** Resources of `type` whose attributes reference `target` (e.g. a flow log of a VPC). */
  referencing(type: string, target: ResourceView): ResourceView[] {
    return this.resourcesOf(type).filter((r) => refersTo(r.config, target));
  }
}

/** True when any string inside `value` interpolates an attribute of `target`. */
export function refersTo(value: Json | undefined, target: ResourceView): boolean {
  const needle = `${target.mode === 'data' ? 'data.' : ''}${target.type}.${target.name}`;
  return JSON.stringify(value ?? null).includes(`\${${needle}`);
}

/** True for a Terraform interpolation (a value known only at plan or apply time). */
export function isUnknown(value: Json | undefined): boolean {
  return typeof value === 'string' && value.includes('${');
}

/** A nested block as an object: cdktf writes single blocks as objects, repeated ones as arrays. */
export function block(value: Json | undefined): JsonObject | undefined {
  if (Array.isArray(value)) return (value[0] as JsonObject | undefined) ?? undefined;
  if (value && typeof value === 'object') return value as JsonObject;
  return undefined;
}

/** A repeated block as a list (a single object becomes a one-element list). */
export function blocks(value: Json | undefined): JsonObject[] {
  if (Array.isArray(value)) return value.filter((v): v is JsonObject => !!v && typeof v === 'object' && !Array.isArray(v));
  if (value && typeof value === 'object') return [value as JsonObject];
  return [];
}

/** A string list attribute (a lone string becomes a one-element list). */
export function strings(value: Json | undefined): string[] {
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string');
  return typeof value === 'string' ? [value] : [];
}
