import type { Problem } from './problem';

/** A model as the gateway routes it. */
export interface RoutedModel {
  readonly name: string;
  readonly aliases: readonly string[];
  /** @default 'generate' */
  readonly task?: 'generate' | 'embed';
}

export interface RoutedFallback {
  readonly model: string;
  readonly to: readonly string[];
}

/**
 * What the gateway routes, as the rules below read it. Field paths in their problems are below
 * this object (`models[k]` indexes `models` as given here), so the environment schema maps them to
 * `serving.models[i]` and `serving.gateway.<field>`, and LlmGateway reports them as prop names.
 */
export interface GatewayRouting {
  readonly models: readonly RoutedModel[];
  readonly fallbacks?: readonly RoutedFallback[];
  readonly contextWindowFallbacks?: readonly RoutedFallback[];
  readonly semanticCache?: { readonly embeddingModel: string };
  readonly tenants?: readonly { readonly name: string; readonly models?: readonly string[] }[];
}

/** Also the schema's message for a model name used twice (the two reports of one name merge). */
export const MODEL_NAME_TAKEN = 'is used by another model; names must be unique';

const API = { generate: 'chat and completions', embed: 'embeddings' } as const;

/** Every name the gateway answers to, mapped to its model (the first claim wins; later ones are problems). */
export function routeTable<M extends RoutedModel>(models: readonly M[]): Map<string, M> {
  const routes = new Map<string, M>();
  for (const m of models) if (!routes.has(m.name)) routes.set(m.name, m);
  for (const m of models) for (const a of m.aliases) if (!routes.has(a)) routes.set(a, m);
  return routes;
}

/**
 * The gateway's routing rules, written once: each name routes to one model; fallbacks name
 * routed models, never themselves, serve the same API, one entry per model, without cycles; the
 * semantic cache embeds with an embedding model; tenants have unique names and call routed models.
 */
export function gatewayRoutingProblems(g: GatewayRouting): Problem[] {
  const out: Problem[] = [];
  const routes = routeTable(g.models);
  const known = [...routes.keys()].map((n) => `'${n}'`).join(', ') || 'none';
  const unknown = `must name a model or alias the gateway routes (${known})`;

  const names = new Set<string>();
  g.models.forEach((m, k) => {
    if (names.has(m.name)) out.push({ field: ['models', k, 'name'], value: m.name, message: MODEL_NAME_TAKEN });
    names.add(m.name);
  });
  g.models.forEach((m, k) => {
    m.aliases.forEach((a, j) => {
      if (names.has(a))
        out.push({
          field: ['models', k, 'aliases', j],
          value: a,
          message: 'is already a model name or alias; each name must route to one model',
        });
      names.add(a);
    });
  });

  for (const kind of ['fallbacks', 'contextWindowFallbacks'] as const) {
    const edges = new Map<string, string[]>();
    (g[kind] ?? []).forEach((f, i) => {
      const from = routes.get(f.model);
      if (!from) out.push({ field: [kind, i, 'model'], value: f.model, message: unknown });
      if (edges.has(from?.name ?? f.model))
        out.push({ field: [kind, i, 'model'], value: f.model, message: 'already has fallbacks; list every target in one entry' });
      const targets: string[] = [];
      f.to.forEach((t, j) => {
        const to = routes.get(t);
        if (!to) out.push({ field: [kind, i, 'to', j], value: t, message: unknown });
        else if (to === from)
          out.push({ field: [kind, i, 'to', j], value: t, message: `is '${f.model}' itself; a model cannot fall back to itself` });
        else if (from && (to.task ?? 'generate') !== (from.task ?? 'generate')) {
          out.push({
            field: [kind, i, 'to', j],
            value: t,
            message: `serves ${API[to.task ?? 'generate']} and '${f.model}' serves ${API[from.task ?? 'generate']}; a fallback must serve the same API`,
          });
        } else targets.push(to.name);
      });
      if (from) edges.set(from.name, targets);
    });
    const cycle = findCycle(edges);
    if (cycle) out.push({ field: [kind], value: cycle, message: `form a cycle (${cycle.join(' -> ')}); a failing request would go round` });
  }

  const cache = g.semanticCache;
  if (cache && routes.get(cache.embeddingModel)?.task !== 'embed') {
    const embedders = g.models
      .filter((m) => m.task === 'embed')
      .map((m) => `'${m.name}'`)
      .join(', ');
    out.push({
      field: ['semanticCache', 'embeddingModel'],
      value: cache.embeddingModel,
      message: `must name a model with task: 'embed' the gateway routes (${embedders || 'none declared; add one'})`,
    });
  }

  const tenants = new Set<string>();
  (g.tenants ?? []).forEach((t, i) => {
    if (tenants.has(t.name))
      out.push({ field: ['tenants', i, 'name'], value: t.name, message: 'is used by another tenant; names must be unique' });
    tenants.add(t.name);
    t.models?.forEach((m, j) => {
      if (!routes.has(m)) out.push({ field: ['tenants', i, 'models', j], value: m, message: unknown });
    });
  });
  return out;
}

/** The first cycle of a directed graph, as a path that returns to its start, or undefined. */
function findCycle(edges: ReadonlyMap<string, readonly string[]>): string[] | undefined {
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const visit = (n: string): string[] | undefined => {
    if (state.get(n) === 'done') return undefined;
    if (state.get(n) === 'open') return [...path.slice(path.indexOf(n)), n];
    state.set(n, 'open');
    path.push(n);
    for (const next of edges.get(n) ?? []) {
      const c = visit(next);
      if (c) return c;
    }
    path.pop();
    state.set(n, 'done');
    return undefined;
  };
  for (const n of edges.keys()) {
    const c = visit(n);
    if (c) return c;
  }
  return undefined;
}
