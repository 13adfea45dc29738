import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { offsiteGauges } from './metrics-offsite.js';

/** The node's Prometheus metrics, in a registry of its own (the demo runs two nodes in one process). */
export function createNodeMetrics(missionId: string) {
  const registry = new Registry();
  registry.setDefaultLabels({ mission: missionId });
  const httpRequests = new Histogram({
    name: 'econsulat_http_request_duration_seconds',
    help: 'HTTP request duration by route and status',
    labelNames: ['route', 'method', 'status'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  const envelopesRefused = new Counter({
    name: 'econsulat_link_envelopes_refused_total',
    help: 'Envelopes from the hub refused, by reason',
    labelNames: ['reason'],
    registers: [registry],
  });
  const messagesApplied = new Counter({
    name: 'econsulat_link_messages_applied_total',
    help: 'Hub messages applied, by type',
    labelNames: ['type'],
    registers: [registry],
  });
  const linkConnected = new Gauge({
    name: 'econsulat_link_connected',
    help: '1 when the link to the hub is up',
    registers: [registry],
  });
  const outboxBacklog = new Gauge({
    name: 'econsulat_outbox_backlog_events',
    help: 'Events and messages not yet acknowledged by the hub',
    registers: [registry],
  });
  // Disk space: every nightly backup is a whole copy of the database; the scans, kept beside it,
  // are copied once into the backup folder.
  const databaseBytes = new Gauge({
    name: 'econsulat_database_bytes',
    help: 'Size of the mission database (each nightly backup is about as large)',
    registers: [registry],
  });
  const documentBytes = new Gauge({
    name: 'econsulat_documents_stored_bytes',
    help: 'Bytes of the scanned documents kept (files beside the database)',
    registers: [registry],
  });
  const recoveredToReview = new Gauge({
    name: 'econsulat_recovered_events_to_review',
    help: 'Records the hub returned after a restore that were not put back as they were, and no agent has marked done',
    registers: [registry],
  });
  const recoveredRecords = new Gauge({
    name: 'econsulat_recovered_events',
    help: 'Events the hub returned after a restore, by what became of their record (restored, overbooked, …)',
    labelNames: ['outcome'],
    registers: [registry],
  });
  const ussdCallbacksRefused = new Counter({
    name: 'econsulat_ussd_callbacks_refused_total',
    help: 'USSD callbacks refused as not from the gateway, by reason (disabled: no token configured)',
    labelNames: ['reason'],
    registers: [registry],
  });
  const ussdEnabled = new Gauge({
    name: 'econsulat_ussd_enabled',
    help: '1 when the USSD callback takes calls (a gateway token is configured), 0 when it refuses them all',
    registers: [registry],
  });
  const linkLastSent = new Gauge({
    name: 'econsulat_link_last_sent_timestamp_seconds',
    help: 'The newest timestamp sealed on an envelope sent to the hub since start (the hub shows it as last seen)',
    registers: [registry],
  });
  const smsCapped = new Counter({
    name: 'econsulat_sms_capped_total',
    help: 'SMS not queued because a cap on their number or number prefix was reached, by reason (phone_hour, phone_day, prefix_hour, prefix_day), purpose and outcome (refused: the change was not made; dropped: the change stands without its SMS)',
    labelNames: ['reason', 'purpose', 'outcome'],
    registers: [registry],
  });
  const offsite = offsiteGauges(registry);
  return {
    registry,
    offsite,
    smsCapped,
    ussdCallbacksRefused,
    ussdEnabled,
    linkLastSent,
    recoveredToReview,
    recoveredRecords,
    httpRequests,
    envelopesRefused,
    messagesApplied,
    linkConnected,
    outboxBacklog,
    databaseBytes,
    documentBytes,
  };
}

/** The node's metrics. */
export type NodeMetrics = ReturnType<typeof createNodeMetrics>;
