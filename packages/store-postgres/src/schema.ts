import { LATENCY_BUCKET_BOUNDS } from '@aimux/ai-core/store-kit'

/**
 * The schema, as numbered migrations applied in order at startup inside the store's own
 * PostgreSQL schema (`s` is its quoted name). A released migration is never edited: a change to
 * the schema is a new migration at the end of the list.
 *
 * Money is bigint nano-USD, times are timestamptz with millisecond precision set from the
 * JavaScript clock, keys are text with the "C" collation so they sort by code point.
 */
/**
 * The latency bucket of approximate percentiles in SQL, as latencyBucket computes it: how many of
 * LATENCY_BUCKET_BOUNDS are at or below latency_ms. A migration's SQL must not change once
 * released, so these bounds are part of schema version 4.
 */
export const latencyBucketSql = `width_bucket(latency_ms, '{${LATENCY_BUCKET_BOUNDS.join(',')}}'::double precision[])`

export interface Migration {
  version: number
  name: string
  sql: (s: string) => string
}

export const migrations: readonly Migration[] = [
  {
    version: 1,
    name: 'initial schema',
    sql: (s) => `
      CREATE TABLE ${s}.conversations (
        id text COLLATE "C" PRIMARY KEY,
        tenant_id text COLLATE "C",
        user_id text COLLATE "C",
        project_id text COLLATE "C",
        title text,
        model text,
        metadata jsonb NOT NULL,
        total_cost_nano_usd bigint NOT NULL,
        message_count integer NOT NULL,
        created_at timestamptz(3) NOT NULL,
        updated_at timestamptz(3) NOT NULL
      );
      CREATE INDEX conversations_by_time ON ${s}.conversations (created_at, id);
      CREATE INDEX conversations_by_tenant ON ${s}.conversations (tenant_id, created_at, id);
      CREATE INDEX conversations_by_user ON ${s}.conversations (user_id, created_at, id);

      CREATE TABLE ${s}.messages (
        id text COLLATE "C" PRIMARY KEY,
        conversation_id text COLLATE "C" NOT NULL REFERENCES ${s}.conversations (id) ON DELETE CASCADE,
        seq integer NOT NULL,
        role text NOT NULL,
        content json NOT NULL,
        usage jsonb,
        cost_nano_usd bigint NOT NULL,
        latency_ms double precision,
        provider text,
        model text,
        finish_reason text,
        status text NOT NULL,
        error text,
        request_id text,
        created_at timestamptz(3) NOT NULL,
        UNIQUE (conversation_id, seq)
      );

      CREATE TABLE ${s}.preferences (
        tenant_id text COLLATE "C" NOT NULL,
        user_id text COLLATE "C" NOT NULL,
        preferences jsonb NOT NULL,
        PRIMARY KEY (tenant_id, user_id)
      );

      CREATE TABLE ${s}.usage_records (
        request_id text COLLATE "C" PRIMARY KEY,
        created_at timestamptz(3) NOT NULL,
        tenant_id text COLLATE "C",
        user_id text COLLATE "C",
        project_id text COLLATE "C",
        provider text COLLATE "C" NOT NULL,
        model text COLLATE "C" NOT NULL,
        connection_id text,
        conversation_id text,
        input_tokens integer NOT NULL,
        cached_input_tokens integer NOT NULL,
        cache_write_tokens integer NOT NULL,
        output_tokens integer NOT NULL,
        reasoning_tokens integer NOT NULL,
        total_tokens integer NOT NULL,
        cost_nano_usd bigint NOT NULL,
        cost_source text NOT NULL,
        latency_ms double precision NOT NULL,
        time_to_first_token_ms double precision,
        success boolean NOT NULL,
        error_code text,
        stream boolean NOT NULL,
        steps integer NOT NULL
      );
      CREATE INDEX usage_by_time ON ${s}.usage_records (created_at);
      CREATE INDEX usage_by_tenant ON ${s}.usage_records (tenant_id, created_at);
      CREATE INDEX usage_by_user ON ${s}.usage_records (user_id, created_at);

      CREATE TABLE ${s}.models (
        provider text COLLATE "C" NOT NULL,
        id text COLLATE "C" NOT NULL,
        info jsonb NOT NULL,
        PRIMARY KEY (provider, id)
      );

      CREATE TABLE ${s}.prices (
        provider text COLLATE "C" NOT NULL,
        model text COLLATE "C" NOT NULL,
        effective_from timestamptz(3) NOT NULL,
        price jsonb NOT NULL,
        PRIMARY KEY (provider, model, effective_from)
      );

      CREATE TABLE ${s}.spend_counters (
        scope text COLLATE "C" NOT NULL,
        scope_id text COLLATE "C" NOT NULL,
        period text COLLATE "C" NOT NULL,
        period_start text COLLATE "C" NOT NULL,
        spent_nano_usd bigint NOT NULL,
        reserved_nano_usd bigint NOT NULL,
        PRIMARY KEY (scope, scope_id, period, period_start)
      );

      CREATE TABLE ${s}.spend_reservations (
        id text COLLATE "C" PRIMARY KEY,
        amount_nano_usd bigint NOT NULL,
        keys jsonb NOT NULL,
        created_at timestamptz(3) NOT NULL
      );

      CREATE TABLE ${s}.spend_thresholds (
        scope text COLLATE "C" NOT NULL,
        scope_id text COLLATE "C" NOT NULL,
        period text COLLATE "C" NOT NULL,
        period_start text COLLATE "C" NOT NULL,
        threshold double precision NOT NULL,
        PRIMARY KEY (scope, scope_id, period, period_start, threshold)
      );

      CREATE TABLE ${s}.connections (
        id text COLLATE "C" PRIMARY KEY,
        provider text COLLATE "C" NOT NULL,
        name text NOT NULL,
        ciphertext text NOT NULL,
        priority double precision NOT NULL,
        weight double precision NOT NULL,
        limits jsonb,
        status text NOT NULL,
        disabled_reason text,
        metadata jsonb,
        created_at timestamptz(3) NOT NULL,
        updated_at timestamptz(3) NOT NULL
      );
      CREATE INDEX connections_by_provider ON ${s}.connections (provider);

      CREATE TABLE ${s}.connection_health (
        connection_id text COLLATE "C" PRIMARY KEY REFERENCES ${s}.connections (id) ON DELETE CASCADE,
        successes bigint NOT NULL,
        failures bigint NOT NULL,
        consecutive_failures bigint NOT NULL,
        last_used_at timestamptz(3),
        last_error text,
        last_error_at timestamptz(3),
        latency_sum_ms double precision NOT NULL,
        latency_count bigint NOT NULL,
        cooldown_until timestamptz(3)
      );

      CREATE TABLE ${s}.connection_audit (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        at timestamptz(3) NOT NULL,
        connection_id text COLLATE "C" NOT NULL,
        action text NOT NULL,
        actor text,
        request_id text,
        detail text
      );
      CREATE INDEX connection_audit_by_time ON ${s}.connection_audit (at, id);
      CREATE INDEX connection_audit_by_connection ON ${s}.connection_audit (connection_id, at, id);
    `,
  },
  {
    version: 2,
    name: 'spend reservations expire',
    // A reservation pending from before this migration expires 15 minutes after it was made, the
    // longest the core holds one by default.
    sql: (s) => `
      ALTER TABLE ${s}.spend_reservations ADD COLUMN expires_at timestamptz(3);
      UPDATE ${s}.spend_reservations SET expires_at = created_at + interval '15 minutes';
      CREATE INDEX spend_reservations_by_expiry ON ${s}.spend_reservations (expires_at);
    `,
  },
  {
    version: 3,
    name: 'virtual keys',
    // A key is found by the hash of its secret (unique, so one secret can name one key only) and
    // listed newest first.
    sql: (s) => `
      CREATE TABLE ${s}.virtual_keys (
        id text COLLATE "C" PRIMARY KEY,
        hash text COLLATE "C" NOT NULL UNIQUE,
        prefix text NOT NULL,
        name text,
        tenant_id text COLLATE "C",
        user_id text COLLATE "C",
        project_id text COLLATE "C",
        models jsonb,
        limits jsonb NOT NULL,
        metadata jsonb,
        created_at timestamptz(3) NOT NULL,
        expires_at timestamptz(3),
        revoked_at timestamptz(3)
      );
      CREATE INDEX virtual_keys_by_time ON ${s}.virtual_keys (created_at, id);
    `,
  },
  {
    version: 4,
    name: 'usage per day',
    // What a usage query without exact percentiles reads for whole UTC days, instead of every
    // record: one row per day, provider, model, tenant, user and project ("" for none), with the
    // exact sums and counts of the records; and per day, provider and model, how many latencies
    // fell in each bucket of approximate percentiles. The store adds each new record in the
    // statement that writes it; here the records already stored are counted once.
    sql: (s) => `
      CREATE TABLE ${s}.usage_daily (
        day date NOT NULL,
        provider text COLLATE "C" NOT NULL,
        model text COLLATE "C" NOT NULL,
        tenant_id text COLLATE "C" NOT NULL,
        user_id text COLLATE "C" NOT NULL,
        project_id text COLLATE "C" NOT NULL,
        requests bigint NOT NULL,
        errors bigint NOT NULL,
        input_tokens bigint NOT NULL,
        cached_input_tokens bigint NOT NULL,
        cache_write_tokens bigint NOT NULL,
        output_tokens bigint NOT NULL,
        reasoning_tokens bigint NOT NULL,
        total_tokens bigint NOT NULL,
        cost_nano_usd bigint NOT NULL,
        PRIMARY KEY (day, provider, model, tenant_id, user_id, project_id)
      );
      INSERT INTO ${s}.usage_daily
      SELECT (created_at AT TIME ZONE 'UTC')::date, provider, model,
        coalesce(tenant_id, ''), coalesce(user_id, ''), coalesce(project_id, ''),
        count(*), count(*) FILTER (WHERE NOT success), sum(input_tokens), sum(cached_input_tokens),
        sum(cache_write_tokens), sum(output_tokens), sum(reasoning_tokens), sum(total_tokens),
        sum(cost_nano_usd)
      FROM ${s}.usage_records GROUP BY 1, 2, 3, 4, 5, 6;

      CREATE TABLE ${s}.usage_daily_latency (
        day date NOT NULL,
        provider text COLLATE "C" NOT NULL,
        model text COLLATE "C" NOT NULL,
        bucket integer NOT NULL,
        requests bigint NOT NULL,
        PRIMARY KEY (day, provider, model, bucket)
      );
      INSERT INTO ${s}.usage_daily_latency
      SELECT (created_at AT TIME ZONE 'UTC')::date, provider, model, ${latencyBucketSql}, count(*)
      FROM ${s}.usage_records GROUP BY 1, 2, 3, 4;
    `,
  },
  {
    version: 5,
    name: 'usage per day and model',
    // The same sums per day, provider and model only: what a query that groups and filters by
    // nothing finer reads (the dashboard's totals, series and cost by model), a few rows a day
    // where usage_daily has one per user. Kept by the statement that writes the records; here
    // summed once from usage_daily.
    sql: (s) => `
      CREATE TABLE ${s}.usage_daily_models (
        day date NOT NULL,
        provider text COLLATE "C" NOT NULL,
        model text COLLATE "C" NOT NULL,
        requests bigint NOT NULL,
        errors bigint NOT NULL,
        input_tokens bigint NOT NULL,
        cached_input_tokens bigint NOT NULL,
        cache_write_tokens bigint NOT NULL,
        output_tokens bigint NOT NULL,
        reasoning_tokens bigint NOT NULL,
        total_tokens bigint NOT NULL,
        cost_nano_usd bigint NOT NULL,
        PRIMARY KEY (day, provider, model)
      );
      INSERT INTO ${s}.usage_daily_models
      SELECT day, provider, model, sum(requests), sum(errors), sum(input_tokens),
        sum(cached_input_tokens), sum(cache_write_tokens), sum(output_tokens),
        sum(reasoning_tokens), sum(total_tokens), sum(cost_nano_usd)
      FROM ${s}.usage_daily GROUP BY 1, 2, 3;
    `,
  },
  {
    version: 6,
    name: 'usage operation',
    // What each usage record was for: 'chat' or 'embed'. Records written before are chat
    // requests. The per-day sums do not keep it: a query by operation reads the records.
    sql: (s) => `
      ALTER TABLE ${s}.usage_records ADD COLUMN operation text COLLATE "C" NOT NULL DEFAULT 'chat';
    `,
  },
  {
    version: 7,
    name: 'batch jobs',
    // The provider batch jobs ai.batch submitted: followed by id, listed newest first (by scope
    // or status too), settled once (settled_at set by the one caller whose UPDATE found it NULL).
    sql: (s) => `
      CREATE TABLE ${s}.batch_jobs (
        id text COLLATE "C" PRIMARY KEY,
        provider text COLLATE "C" NOT NULL,
        model text COLLATE "C" NOT NULL,
        provider_batch_id text NOT NULL,
        status text COLLATE "C" NOT NULL,
        counts jsonb NOT NULL,
        tenant_id text COLLATE "C",
        user_id text COLLATE "C",
        project_id text COLLATE "C",
        requests jsonb NOT NULL,
        reservation jsonb,
        created_at timestamptz(3) NOT NULL,
        updated_at timestamptz(3) NOT NULL,
        expires_at timestamptz(3),
        ended_at timestamptz(3),
        error text,
        settled_at timestamptz(3),
        cost_nano_usd bigint,
        metadata jsonb
      );
      CREATE INDEX batch_jobs_by_time ON ${s}.batch_jobs (created_at, id);
    `,
  },
  {
    version: 8,
    name: 'webhook outbox',
    // The webhook deliveries @aimux/webhooks writes when an event happens and delivers later:
    // claimed by due time with FOR UPDATE SKIP LOCKED and a lease per row, so two instances never
    // hold one at once; listed newest first by status or endpoint.
    sql: (s) => `
      CREATE TABLE ${s}.webhook_deliveries (
        id text COLLATE "C" PRIMARY KEY,
        endpoint_id text COLLATE "C" NOT NULL,
        event text COLLATE "C" NOT NULL,
        body text NOT NULL,
        status text COLLATE "C" NOT NULL,
        attempts integer NOT NULL,
        created_at timestamptz(3) NOT NULL,
        next_attempt_at timestamptz(3) NOT NULL,
        lease_owner text,
        lease_until timestamptz(3),
        delivered_at timestamptz(3),
        last_error text,
        last_status integer
      );
      CREATE INDEX webhook_deliveries_due ON ${s}.webhook_deliveries (status, next_attempt_at, created_at, id);
      CREATE INDEX webhook_deliveries_by_time ON ${s}.webhook_deliveries (created_at, id);
    `,
  },
  {
    version: 9,
    name: 'audit trail',
    // One record per request for @aimux/audit, read newest first (by scope, model or outcome too).
    // Append-only: the triggers refuse every UPDATE, DELETE and TRUNCATE, whoever sends them.
    sql: (s) => `
      CREATE TABLE ${s}.audit_records (
        id text COLLATE "C" PRIMARY KEY,
        created_at timestamptz(3) NOT NULL,
        request_id text COLLATE "C" NOT NULL,
        tenant_id text COLLATE "C",
        user_id text COLLATE "C",
        project_id text COLLATE "C",
        conversation_id text COLLATE "C",
        key_id text COLLATE "C",
        operation text COLLATE "C" NOT NULL,
        stream boolean NOT NULL,
        provider text COLLATE "C",
        model text COLLATE "C",
        requested_model text,
        prompt_sha256 text NOT NULL,
        answer_sha256 text,
        content jsonb,
        cost_nano_usd bigint NOT NULL,
        input_tokens bigint NOT NULL,
        output_tokens bigint NOT NULL,
        outcome text COLLATE "C" NOT NULL,
        error_code text,
        error text
      );
      CREATE INDEX audit_records_by_time ON ${s}.audit_records (created_at, id);
      CREATE INDEX audit_records_by_user ON ${s}.audit_records (user_id, created_at);
      CREATE OR REPLACE FUNCTION ${s}.audit_records_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION 'audit records are append-only'; END
      $$;
      CREATE TRIGGER audit_records_no_change BEFORE UPDATE OR DELETE ON ${s}.audit_records
        FOR EACH ROW EXECUTE FUNCTION ${s}.audit_records_append_only();
      CREATE TRIGGER audit_records_no_truncate BEFORE TRUNCATE ON ${s}.audit_records
        FOR EACH STATEMENT EXECUTE FUNCTION ${s}.audit_records_append_only();
    `,
  },
  {
    version: 10,
    name: 'scheduled jobs and retention',
    // Which instance runs each slot of a scheduled job (@aimux/schedule): one row per job and
    // slot, claimed by the one INSERT that made it (or took over an expired, unfinished lease).
    // Conversations a retention policy archived keep their rows with archived_at set; retention
    // finds conversations by their last activity.
    sql: (s) => `
      CREATE TABLE ${s}.job_runs (
        job text COLLATE "C" NOT NULL,
        slot timestamptz(3) NOT NULL,
        owner text COLLATE "C" NOT NULL,
        started_at timestamptz(3) NOT NULL,
        lease_until timestamptz(3) NOT NULL,
        finished_at timestamptz(3),
        error text,
        PRIMARY KEY (job, slot)
      );
      ALTER TABLE ${s}.conversations ADD COLUMN archived_at timestamptz(3);
      CREATE INDEX conversations_by_activity ON ${s}.conversations (updated_at);
    `,
  },
  {
    version: 11,
    name: 'usage counts',
    // What plugins counted for a request (guardrails' redactions and refusals, by detector), as
    // a JSON object of numbers; NULL when nothing was counted.
    sql: (s) => `
      ALTER TABLE ${s}.usage_records ADD COLUMN counts jsonb;
    `,
  },
]
