/**
 * The schema, as numbered migrations applied in order at startup. A released migration is never
 * edited: a change to the schema is a new migration at the end of the list.
 *
 * Money is INTEGER nano-USD, times are INTEGER milliseconds since the epoch (UTC), JSON is TEXT.
 */
export interface Migration {
  version: number
  name: string
  sql: string
}

export const migrations: readonly Migration[] = [
  {
    version: 1,
    name: 'initial schema',
    sql: `
      CREATE TABLE conversations (
        id TEXT PRIMARY KEY,
        tenant_id TEXT,
        user_id TEXT,
        project_id TEXT,
        title TEXT,
        model TEXT,
        metadata TEXT NOT NULL,
        total_cost_nano_usd INTEGER NOT NULL,
        message_count INTEGER NOT NULL,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX conversations_by_time ON conversations (created_at, id);
      CREATE INDEX conversations_by_tenant ON conversations (tenant_id, created_at, id);
      CREATE INDEX conversations_by_user ON conversations (user_id, created_at, id);

      CREATE TABLE messages (
        id TEXT PRIMARY KEY,
        conversation_id TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
        seq INTEGER NOT NULL,
        role TEXT NOT NULL,
        content TEXT NOT NULL,
        usage TEXT,
        cost_nano_usd INTEGER NOT NULL,
        latency_ms REAL,
        provider TEXT,
        model TEXT,
        finish_reason TEXT,
        status TEXT NOT NULL,
        error TEXT,
        request_id TEXT,
        created_at INTEGER NOT NULL,
        UNIQUE (conversation_id, seq)
      ) STRICT;

      CREATE TABLE preferences (
        tenant_id TEXT NOT NULL,
        user_id TEXT NOT NULL,
        preferences TEXT NOT NULL,
        PRIMARY KEY (tenant_id, user_id)
      ) STRICT;

      CREATE TABLE usage_records (
        request_id TEXT PRIMARY KEY,
        created_at INTEGER NOT NULL,
        tenant_id TEXT,
        user_id TEXT,
        project_id TEXT,
        provider TEXT NOT NULL,
        model TEXT NOT NULL,
        connection_id TEXT,
        conversation_id TEXT,
        input_tokens INTEGER NOT NULL,
        cached_input_tokens INTEGER NOT NULL,
        cache_write_tokens INTEGER NOT NULL,
        output_tokens INTEGER NOT NULL,
        reasoning_tokens INTEGER NOT NULL,
        total_tokens INTEGER NOT NULL,
        cost_nano_usd INTEGER NOT NULL,
        cost_source TEXT NOT NULL,
        latency_ms REAL NOT NULL,
        time_to_first_token_ms REAL,
        success INTEGER NOT NULL,
        error_code TEXT,
        stream INTEGER NOT NULL,
        steps INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX usage_by_time ON usage_records (created_at);
      CREATE INDEX usage_by_tenant ON usage_records (tenant_id, created_at);
      CREATE INDEX usage_by_user ON usage_records (user_id, created_at);

      CREATE TABLE models (
        provider TEXT NOT NULL,
        id TEXT NOT NULL,
        info TEXT NOT NULL,
        PRIMARY KEY (provider, id)
      ) STRICT;

      CREATE TABLE prices (
        provider TEXT NOT NULL,
        model TEXT NOT NULL,
        effective_from INTEGER NOT NULL,
        price TEXT NOT NULL,
        PRIMARY KEY (provider, model, effective_from)
      ) STRICT;

      CREATE TABLE spend_counters (
        scope TEXT NOT NULL,
        scope_id TEXT NOT NULL,
        period TEXT NOT NULL,
        period_start TEXT NOT NULL,
        spent_nano_usd INTEGER NOT NULL,
        reserved_nano_usd INTEGER NOT NULL,
        PRIMARY KEY (scope, scope_id, period, period_start)
      ) STRICT;

      CREATE TABLE spend_reservations (
        id TEXT PRIMARY KEY,
        amount_nano_usd INTEGER NOT NULL,
        keys TEXT NOT NULL,
        created_at INTEGER NOT NULL
      ) STRICT;

      CREATE TABLE spend_thresholds (
        scope TEXT NOT NULL,
        scope_id TEXT NOT NULL,
        period TEXT NOT NULL,
        period_start TEXT NOT NULL,
        threshold REAL NOT NULL,
        PRIMARY KEY (scope, scope_id, period, period_start, threshold)
      ) STRICT;

      CREATE TABLE connections (
        id TEXT PRIMARY KEY,
        provider TEXT NOT NULL,
        name TEXT NOT NULL,
        ciphertext TEXT NOT NULL,
        priority REAL NOT NULL,
        weight REAL NOT NULL,
        limits TEXT,
        status TEXT NOT NULL,
        disabled_reason TEXT,
        metadata TEXT,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX connections_by_provider ON connections (provider);

      CREATE TABLE connection_health (
        connection_id TEXT PRIMARY KEY REFERENCES connections (id) ON DELETE CASCADE,
        successes INTEGER NOT NULL,
        failures INTEGER NOT NULL,
        consecutive_failures INTEGER NOT NULL,
        last_used_at INTEGER,
        last_error TEXT,
        last_error_at INTEGER,
        latency_sum_ms REAL NOT NULL,
        latency_count INTEGER NOT NULL,
        cooldown_until INTEGER
      ) STRICT;

      CREATE TABLE connection_audit (
        id INTEGER PRIMARY KEY,
        at INTEGER NOT NULL,
        connection_id TEXT NOT NULL,
        action TEXT NOT NULL,
        actor TEXT,
        request_id TEXT,
        detail TEXT
      ) STRICT;
      CREATE INDEX connection_audit_by_time ON connection_audit (at, id);
      CREATE INDEX connection_audit_by_connection ON connection_audit (connection_id, at, id);
    `,
  },
  {
    version: 2,
    name: 'spend reservations expire',
    // A reservation pending from before this migration expires 15 minutes after it was made, the
    // longest the core holds one by default.
    sql: `
      ALTER TABLE spend_reservations ADD COLUMN expires_at INTEGER;
      UPDATE spend_reservations SET expires_at = created_at + 900000;
      CREATE INDEX spend_reservations_by_expiry ON spend_reservations (expires_at);
    `,
  },
  {
    version: 3,
    name: 'virtual keys',
    // A key is found by the hash of its secret (unique, so one secret can name one key only) and
    // listed newest first.
    sql: `
      CREATE TABLE virtual_keys (
        id TEXT PRIMARY KEY,
        hash TEXT NOT NULL UNIQUE,
        prefix TEXT NOT NULL,
        name TEXT,
        tenant_id TEXT,
        user_id TEXT,
        project_id TEXT,
        models TEXT,
        limits TEXT NOT NULL,
        metadata TEXT,
        created_at INTEGER NOT NULL,
        expires_at INTEGER,
        revoked_at INTEGER
      ) STRICT;
      CREATE INDEX virtual_keys_by_time ON virtual_keys (created_at, id);
    `,
  },
  {
    version: 4,
    name: 'usage per day',
    // What a usage query without exact percentiles reads for whole UTC days, instead of every
    // record: one row per day, provider, model, tenant, user and project ("" for none), with the
    // exact sums and counts of the records; and per day, provider and model, how many latencies
    // fell in each bucket of approximate percentiles (aimux_latency_bucket, registered by
    // migrate). The store adds each new record in the transaction that writes it; here the
    // records already stored are counted once. day is the day's first millisecond (floored, also
    // before 1970).
    sql: `
      CREATE TABLE usage_daily (
        day INTEGER NOT NULL,
        provider TEXT NOT NULL,
        model TEXT NOT NULL,
        tenant_id TEXT NOT NULL,
        user_id TEXT NOT NULL,
        project_id TEXT NOT NULL,
        requests INTEGER NOT NULL,
        errors INTEGER NOT NULL,
        input_tokens INTEGER NOT NULL,
        cached_input_tokens INTEGER NOT NULL,
        cache_write_tokens INTEGER NOT NULL,
        output_tokens INTEGER NOT NULL,
        reasoning_tokens INTEGER NOT NULL,
        total_tokens INTEGER NOT NULL,
        cost_nano_usd INTEGER NOT NULL,
        PRIMARY KEY (day, provider, model, tenant_id, user_id, project_id)
      ) STRICT, WITHOUT ROWID;
      INSERT INTO usage_daily
      SELECT created_at - ((created_at % 86400000) + 86400000) % 86400000, provider, model,
        coalesce(tenant_id, ''), coalesce(user_id, ''), coalesce(project_id, ''),
        count(*), sum(NOT success), sum(input_tokens), sum(cached_input_tokens),
        sum(cache_write_tokens), sum(output_tokens), sum(reasoning_tokens), sum(total_tokens),
        sum(cost_nano_usd)
      FROM usage_records GROUP BY 1, 2, 3, 4, 5, 6;

      CREATE TABLE usage_daily_latency (
        day INTEGER NOT NULL,
        provider TEXT NOT NULL,
        model TEXT NOT NULL,
        bucket INTEGER NOT NULL,
        requests INTEGER NOT NULL,
        PRIMARY KEY (day, provider, model, bucket)
      ) STRICT, WITHOUT ROWID;
      INSERT INTO usage_daily_latency
      SELECT created_at - ((created_at % 86400000) + 86400000) % 86400000, provider, model,
        aimux_latency_bucket(latency_ms), count(*)
      FROM usage_records GROUP BY 1, 2, 3, 4;
    `,
  },
  {
    version: 5,
    name: 'usage per day and model',
    // The same sums per day, provider and model only: what a query that groups and filters by
    // nothing finer reads (the dashboard's totals, series and cost by model), a few rows a day
    // where usage_daily has one per user. Kept in the transaction that writes the records; here
    // summed once from usage_daily.
    sql: `
      CREATE TABLE usage_daily_models (
        day INTEGER NOT NULL,
        provider TEXT NOT NULL,
        model TEXT NOT NULL,
        requests INTEGER NOT NULL,
        errors INTEGER NOT NULL,
        input_tokens INTEGER NOT NULL,
        cached_input_tokens INTEGER NOT NULL,
        cache_write_tokens INTEGER NOT NULL,
        output_tokens INTEGER NOT NULL,
        reasoning_tokens INTEGER NOT NULL,
        total_tokens INTEGER NOT NULL,
        cost_nano_usd INTEGER NOT NULL,
        PRIMARY KEY (day, provider, model)
      ) STRICT, WITHOUT ROWID;
      INSERT INTO usage_daily_models
      SELECT day, provider, model, sum(requests), sum(errors), sum(input_tokens),
        sum(cached_input_tokens), sum(cache_write_tokens), sum(output_tokens),
        sum(reasoning_tokens), sum(total_tokens), sum(cost_nano_usd)
      FROM usage_daily GROUP BY 1, 2, 3;
    `,
  },
  {
    version: 6,
    name: 'usage operation',
    // What each usage record was for: 'chat' or 'embed'. Records written before are chat
    // requests. The per-day sums do not keep it: a query by operation reads the records.
    sql: `
      ALTER TABLE usage_records ADD COLUMN operation TEXT NOT NULL DEFAULT 'chat';
    `,
  },
  {
    version: 7,
    name: 'batch jobs',
    // The provider batch jobs ai.batch submitted: followed by id, listed newest first (by scope
    // or status too), settled once (settled_at set by the one caller whose UPDATE found it NULL).
    sql: `
      CREATE TABLE batch_jobs (
        id TEXT PRIMARY KEY,
        provider TEXT NOT NULL,
        model TEXT NOT NULL,
        provider_batch_id TEXT NOT NULL,
        status TEXT NOT NULL,
        counts TEXT NOT NULL,
        tenant_id TEXT,
        user_id TEXT,
        project_id TEXT,
        requests TEXT NOT NULL,
        reservation TEXT,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        expires_at INTEGER,
        ended_at INTEGER,
        error TEXT,
        settled_at INTEGER,
        cost_nano_usd INTEGER,
        metadata TEXT
      ) STRICT;
      CREATE INDEX batch_jobs_by_time ON batch_jobs (created_at, id);
    `,
  },
  {
    version: 8,
    name: 'webhook outbox',
    // The webhook deliveries @aimux/webhooks writes when an event happens and delivers later:
    // claimed by due time (a lease per row, so two instances never hold one at once), listed
    // newest first by status or endpoint.
    sql: `
      CREATE TABLE webhook_deliveries (
        id TEXT PRIMARY KEY,
        endpoint_id TEXT NOT NULL,
        event TEXT NOT NULL,
        body TEXT NOT NULL,
        status TEXT NOT NULL,
        attempts INTEGER NOT NULL,
        created_at INTEGER NOT NULL,
        next_attempt_at INTEGER NOT NULL,
        lease_owner TEXT,
        lease_until INTEGER,
        delivered_at INTEGER,
        last_error TEXT,
        last_status INTEGER
      ) STRICT;
      CREATE INDEX webhook_deliveries_due ON webhook_deliveries (status, next_attempt_at, created_at, id);
      CREATE INDEX webhook_deliveries_by_time ON webhook_deliveries (created_at, id);
    `,
  },
  {
    version: 9,
    name: 'audit trail',
    // One record per request for @aimux/audit, read newest first (by scope, model or outcome too).
    // Append-only: the triggers refuse every UPDATE and DELETE, whoever sends them.
    sql: `
      CREATE TABLE audit_records (
        id TEXT PRIMARY KEY,
        created_at INTEGER NOT NULL,
        request_id TEXT NOT NULL,
        tenant_id TEXT,
        user_id TEXT,
        project_id TEXT,
        conversation_id TEXT,
        key_id TEXT,
        operation TEXT NOT NULL,
        stream INTEGER NOT NULL,
        provider TEXT,
        model TEXT,
        requested_model TEXT,
        prompt_sha256 TEXT NOT NULL,
        answer_sha256 TEXT,
        content TEXT,
        cost_nano_usd INTEGER NOT NULL,
        input_tokens INTEGER NOT NULL,
        output_tokens INTEGER NOT NULL,
        outcome TEXT NOT NULL,
        error_code TEXT,
        error TEXT
      ) STRICT;
      CREATE INDEX audit_records_by_time ON audit_records (created_at, id);
      CREATE INDEX audit_records_by_user ON audit_records (user_id, created_at);
      CREATE TRIGGER audit_records_no_update BEFORE UPDATE ON audit_records
      BEGIN SELECT RAISE(ABORT, 'audit records are append-only'); END;
      CREATE TRIGGER audit_records_no_delete BEFORE DELETE ON audit_records
      BEGIN SELECT RAISE(ABORT, 'audit records are append-only'); END;
    `,
  },
  {
    version: 10,
    name: 'scheduled jobs and retention',
    // Which instance runs each slot of a scheduled job (@aimux/schedule): one row per job and
    // slot, claimed by the one INSERT that made it (or took over an expired, unfinished lease).
    // Conversations a retention policy archived keep their rows with archived_at set; retention
    // finds conversations by their last activity.
    sql: `
      CREATE TABLE job_runs (
        job TEXT NOT NULL,
        slot INTEGER NOT NULL,
        owner TEXT NOT NULL,
        started_at INTEGER NOT NULL,
        lease_until INTEGER NOT NULL,
        finished_at INTEGER,
        error TEXT,
        PRIMARY KEY (job, slot)
      ) STRICT;
      ALTER TABLE conversations ADD COLUMN archived_at INTEGER;
      CREATE INDEX conversations_by_activity ON conversations (updated_at);
    `,
  },
  {
    version: 11,
    name: 'usage counts',
    // What plugins counted for a request (guardrails' redactions and refusals, by detector), as
    // a JSON object of numbers; NULL when nothing was counted.
    sql: `
      ALTER TABLE usage_records ADD COLUMN counts TEXT;
    `,
  },
]
