import type { EnvironmentInput } from './schema';

type Gpu = NonNullable<EnvironmentInput['gpu']>;
type Serving = NonNullable<EnvironmentInput['serving']>;
type Gateway = NonNullable<Serving['gateway']>;
type Model = NonNullable<Serving['models']>[number];
type Fallback = NonNullable<Gateway['fallbacks']>[number];
type Tenant = NonNullable<Gateway['tenants']>[number];
type SemanticCache = NonNullable<Gateway['semanticCache']>;

/**
 * An environment whose names refer to each other by type: `P` is the union of its GPU pool and
 * node group names, `M` of its model names, `A` of its aliases, each inferred from where the name
 * is declared (`NoInfer` keeps a reference from widening them). A model's `pool`, the semantic
 * cache's `embeddingModel`, the fallbacks and a tenant's `models` must be one of them, so
 * renaming a pool without renaming its models fails to compile. The rules that need more than a
 * name (an embedding model has task 'embed', fallbacks serve the same API, no cycles) stay in the
 * schema (environments/serving-schema.ts).
 */
export type TypedEnvironment<P extends string, M extends string, A extends string> = Omit<EnvironmentInput, 'gpu' | 'serving'> & {
  gpu?: Omit<Gpu, 'pools' | 'nodeGroups'> & {
    pools?: (NonNullable<Gpu['pools']>[number] & { name: P })[];
    nodeGroups?: (NonNullable<Gpu['nodeGroups']>[number] & { name: P })[];
  };
  serving?: Omit<Serving, 'models' | 'gateway'> & {
    models?: (Omit<Model, 'name' | 'pool' | 'aliases'> & { name: M; pool: NoInfer<P>; aliases?: A[] })[];
    gateway?: Omit<Gateway, 'fallbacks' | 'contextWindowFallbacks' | 'semanticCache' | 'tenants'> & {
      fallbacks?: TypedFallback<NoInfer<M | A>>[];
      contextWindowFallbacks?: TypedFallback<NoInfer<M | A>>[];
      semanticCache?: Omit<SemanticCache, 'embeddingModel'> & { embeddingModel: NoInfer<M | A> };
      tenants?: (Omit<Tenant, 'models'> & { models?: NoInfer<M | A>[] })[];
    };
  };
};

type TypedFallback<N extends string> = Omit<Fallback, 'model' | 'to'> & { model: N; to: N[] };

/**
 * Declares an environment. Types the literal, names included (TypedEnvironment); validation
 * (with messages naming the environment and field) happens once for all environments, before any
 * stack is built.
 */
export function defineEnvironment<const P extends string, const M extends string, const A extends string = never>(
  input: TypedEnvironment<P, M, A>,
): EnvironmentInput {
  return input;
}
