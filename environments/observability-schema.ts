import { z } from 'zod';
import type { SloConfig } from '../model/telemetry/alert-rules';
import { logRetentionDays } from './fields';
import { DEFAULTS } from '../model/defaults';

const percent = (what: string) => z.number().min(0, `${what} must be 0-100`).max(100, `${what} must be 0-100`);
const seconds = z.number().positive('must be a positive number of seconds');

export const sloSchema = z.strictObject({
  /** p95 time to first token each model must stay under, in seconds. @default 2 */
  ttftP95Seconds: seconds.default(2),
  /** p95 end-to-end request latency, in seconds. @default 30 */
  e2eP95Seconds: seconds.default(30),
  /** Share of failed requests (5xx) allowed, in percent. @default 1 */
  errorRatePercent: z.number().gt(0, 'must be above 0').max(50, 'must be at most 50').default(1),
  /** GPU utilization under which a GPU counts as idle (paid for, not used), in percent. @default 10 */
  gpuIdlePercent: z.number().min(1, 'must be 1-90').max(90, 'must be 1-90').default(10),
  /** KV-cache usage that means a server is out of room and will preempt, in percent. @default 90 */
  kvCachePercent: z.number().min(50, 'must be 50-100').max(100, 'must be 50-100').default(90),
  /** Waiting requests per model replica that mean it is overloaded. @default 10 */
  queueDepthPerReplica: z.number().int().min(1).default(10),
  /** Semantic cache hit rate lower than this share of the same hour yesterday is a drop, in percent. @default 50 */
  cacheHitRateDropPercent: percent('cacheHitRateDropPercent').default(50),
}) satisfies z.ZodType<SloConfig>;

export const observabilitySchema = z.strictObject({
  /** Scrape interval of every Prometheus target, in seconds. @default 30 */
  scrapeIntervalSeconds: z
    .number()
    .int()
    .min(10, 'must be 10-300')
    .max(300, 'must be 10-300')
    .default(DEFAULTS.collector.scrapeIntervalSeconds),
  traces: z
    .strictObject({
      /** Where traces go: AWS X-Ray, an OTLP/HTTP endpoint, or nowhere. @default 'xray' */
      exporter: z.enum(['xray', 'otlp', 'none']).default('xray'),
      /** Required with exporter 'otlp': an https URL. */
      otlpEndpoint: z.string().optional(),
      /** Share of traces kept (head sampling at the gateway), in percent. @default 10 */
      samplingPercent: percent('samplingPercent').default(10),
    })
    .prefault({}),
  logs: z
    .strictObject({
      /** Retention of workload logs in CloudWatch Logs. @default 30 */
      retentionDays: logRetentionDays.default(DEFAULTS.logs.retentionDays),
    })
    .prefault({}),
  alerts: z
    .strictObject({
      /** Addresses subscribed to the alert topic (each confirms by email). @default [] */
      emails: z.array(z.email('must be an email address')).default([]),
    })
    .prefault({}),
  slo: sloSchema.prefault({}),
});

export type ObservabilityConfig = z.output<typeof observabilitySchema>;
export type { SloConfig };

type Issue = (path: (string | number)[], input: unknown, message: string) => void;

export function observabilityRules(o: ObservabilityConfig, stage: 'dev' | 'staging' | 'prod', issue: Issue): void {
  const t = o.traces;
  if (t.exporter === 'otlp') {
    if (t.otlpEndpoint === undefined) {
      issue(['observability', 'traces', 'otlpEndpoint'], undefined, "is required when 'exporter' is 'otlp'");
    } else if (!/^https:\/\/[^\s/]+(\/\S*)?$/.test(t.otlpEndpoint)) {
      issue(['observability', 'traces', 'otlpEndpoint'], t.otlpEndpoint, 'must be an https:// URL (traces leave the cluster)');
    }
  } else if (t.otlpEndpoint !== undefined) {
    issue(['observability', 'traces', 'otlpEndpoint'], t.otlpEndpoint, `is only used with exporter 'otlp' (exporter is '${t.exporter}')`);
  }
  if (stage === 'prod' && o.alerts.emails.length === 0) {
    issue(
      ['observability', 'alerts', 'emails'],
      [],
      'must name at least one address in a prod-stage environment: an alert nobody receives is no alert',
    );
  }
  if (stage === 'prod' && o.logs.retentionDays < 90) {
    issue(['observability', 'logs', 'retentionDays'], o.logs.retentionDays, 'must be at least 90 in a prod-stage environment');
  }
}
