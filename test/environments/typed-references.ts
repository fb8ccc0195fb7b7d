/**
 * Compile-time test of defineEnvironment's typed references (environments/define.ts), checked by
 * `npm run typecheck` (part of `npm test`): each `@ts-expect-error` below must meet a type error,
 * or the typecheck fails with "Unused '@ts-expect-error' directive". With the untyped
 * defineEnvironment (input: EnvironmentInput) every one of them is unused, so this file fails.
 * The runtime rules for the same mistakes are in test/environments/schema.test.ts.
 */
import { defineEnvironment } from '../../environments/define';
import dev from '../../environments/dev';

const base = { ...dev, gpu: undefined, serving: undefined };
const pool = { instanceTypes: ['g6.xlarge'], capacityTypes: ['on-demand' as const], gpuLimit: 4 };
const group = { instanceType: 'g6e.2xlarge', capacityType: 'ON_DEMAND' as const, minSize: 1, maxSize: 2 };
const model = { parametersBillions: 8, dtype: 'bf16' as const, maxReplicas: 1 };

// Every kind of reference, spelled right, compiles: a pool, a node group, an alias.
export const consistent = defineEnvironment({
  ...base,
  gpu: { pools: [{ ...pool, name: 'l4' }], nodeGroups: [{ ...group, name: 'baseline' }] },
  serving: {
    models: [
      { ...model, name: 'small', pool: 'l4', aliases: ['chat-small'] },
      { ...model, name: 'large', pool: 'baseline' },
      { ...model, name: 'embedder', task: 'embed', pool: 'l4' },
    ],
    gateway: {
      fallbacks: [{ model: 'chat-small', to: ['large'] }],
      contextWindowFallbacks: [{ model: 'small', to: ['large'] }],
      semanticCache: { embeddingModel: 'embedder' },
      tenants: [{ name: 'search', models: ['chat-small', 'embedder'], requestsPerMinute: 60 }],
    },
  },
});

// A pool renamed without renaming the model that uses it.
export const renamedPool = defineEnvironment({
  ...base,
  gpu: { pools: [{ ...pool, name: 'l4-renamed' }] },
  // @ts-expect-error model 'small' still names pool 'l4'
  serving: { models: [{ ...model, name: 'small', pool: 'l4' }] },
});

// A node group's name is a pool reference too; a model named after nothing is refused.
export const unknownNodeGroup = defineEnvironment({
  ...base,
  gpu: { nodeGroups: [{ ...group, name: 'baseline' }] },
  // @ts-expect-error 'base-line' is neither a pool nor a node group
  serving: { models: [{ ...model, name: 'small', pool: 'base-line' }] },
});

// A fallback to a model that does not exist (renamed to 'large-v2').
export const unknownFallback = defineEnvironment({
  ...base,
  gpu: { pools: [{ ...pool, name: 'l4' }] },
  serving: {
    models: [
      { ...model, name: 'small', pool: 'l4' },
      { ...model, name: 'large-v2', pool: 'l4' },
    ],
    // @ts-expect-error fallback target 'large' is not a model or alias
    gateway: { fallbacks: [{ model: 'small', to: ['large'] }] },
  },
});

// A context-window fallback from an alias nobody declares.
export const unknownAlias = defineEnvironment({
  ...base,
  gpu: { pools: [{ ...pool, name: 'l4' }] },
  serving: {
    models: [
      { ...model, name: 'small', pool: 'l4' },
      { ...model, name: 'large', pool: 'l4' },
    ],
    // @ts-expect-error 'chat-small' is no alias of this environment
    gateway: { contextWindowFallbacks: [{ model: 'chat-small', to: ['large'] }] },
  },
});

// The semantic cache's embedding model renamed away.
export const unknownEmbedder = defineEnvironment({
  ...base,
  gpu: { pools: [{ ...pool, name: 'l4' }] },
  serving: {
    models: [{ ...model, name: 'bge-m3-v2', task: 'embed', pool: 'l4' }],
    // @ts-expect-error embeddingModel 'bge-m3' is not a model
    gateway: { semanticCache: { embeddingModel: 'bge-m3' } },
  },
});

// A tenant allowed a model the environment does not serve.
export const unknownTenantModel = defineEnvironment({
  ...base,
  gpu: { pools: [{ ...pool, name: 'l4' }] },
  serving: {
    models: [{ ...model, name: 'small', pool: 'l4' }],
    // @ts-expect-error tenant model 'large' is not a model or alias
    gateway: { tenants: [{ name: 'search', models: ['large'], requestsPerMinute: 60 }] },
  },
});
