/**
 * Ports the platform's workloads listen on. The network policies open exactly these; the
 * serving, gateway and data constructs listen on them, so both sides read one definition.
 */
export const PORTS = {
  /** OpenAI-compatible gateway (LiteLLM proxy). */
  gateway: 4000,
  /** Model server HTTP (vLLM OpenAI API, Triton HTTP). */
  modelHttp: 8000,
  /** Triton gRPC. */
  modelGrpc: 8001,
  /** Triton metrics. */
  modelMetrics: 8002,
  /** Qdrant REST and gRPC. */
  qdrantHttp: 6333,
  qdrantGrpc: 6334,
  /** Qdrant peer-to-peer (distributed mode). */
  qdrantP2p: 6335,
  /** ElastiCache for Valkey (TLS). */
  valkey: 6379,
  /** Aurora PostgreSQL (pgvector). */
  postgres: 5432,
  https: 443,
  dns: 53,
} as const;

/** EKS Pod Identity agent: pods fetch their role's credentials from this link-local address. */
export const POD_IDENTITY_AGENT = { cidr: '169.254.170.23/32', port: 80 } as const;

export interface PortSpec {
  readonly port: number;
  /** @default 'TCP' */
  readonly protocol?: 'TCP' | 'UDP';
}

export const tcp = (...ports: number[]): PortSpec[] => ports.map((port) => ({ port, protocol: 'TCP' }));
