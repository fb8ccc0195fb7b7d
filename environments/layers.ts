/** The layers of one environment, in the order they are applied (docs/architecture.md). */
export const LAYERS = ['network', 'cluster', 'data', 'platform', 'gpu', 'serving'] as const;
export type Layer = (typeof LAYERS)[number];
