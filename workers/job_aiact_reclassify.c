/*
 * job_aiact_reclassify.c - the job type "aiact.reclassify": every AI system of the tenant
 * whose current classification was made under another rule set than the process's (newest)
 * one is classified again from its stored answers, regime and rationale. Each gets a new
 * assessment (reason "rule_set_change") and its obligation items are brought in line in the
 * same transaction, by the SQL function aiact_record() that PUT /v1/ai-systems/{id}/aiact
 * also uses.
 *
 * A result depends only on the answers, the regime and the rule set, so the job classifies
 * each distinct (regime, answers) once and systems with the same answers share the result,
 * which is stored and sent to the database once (aiact_results, keyed by its SHA-256).
 * Systems are stored in batches
 * of BATCH: one call of aiact_record and one audit event aiact.reclassify per batch, which
 * records for each system the classification before (seq, category, date, rule set) and
 * after. The per-system history is the append-only aiact_assessments. Answers the new rule
 * set rejects (a question removed, an answer no longer allowed) are reported in the result
 * with the key and the message and left as they are: they stay stale until someone answers
 * again. Running the job twice changes nothing the second time: only stale classifications
 * are selected.
 *
 * Payload: {}. Result: {rule_set_version, examined, reclassified, category_changed,
 * classifications (engine runs), failed: [{ai_system_id, field, message}],
 * timings_ms: {read, classify, store}} (the timings tell where a slow run spent its time).
 * Runs in the worker's job transaction (app.tenant_id = the job's tenant).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aiact.h"
#include "baseline.h"
#include "db.h"
#include "job.h"
#include "jsonv.h"
#include "obligations.h"
#include "util.h"

#define BATCH 2500

/* the current classification of each system, read straight from the history */
static const char stale_sql[] =
        "SELECT ai_system_id, answers, regime, rationale, seq, risk_category, applies_from,"
        " rule_set_version FROM (SELECT DISTINCT ON (ai_system_id) * FROM aiact_assessments"
        " ORDER BY ai_system_id, seq DESC) c WHERE rule_set_version <> $1 ORDER BY ai_system_id";
static const char record_sql[] = "SELECT aiact_record($1::jsonb, $2::jsonb, 'rule_set_change')";
static const char audit_sql[] =
        "SELECT audit_append('aiact.reclassify', 'job', $1, $2::jsonb, $3::jsonb)";

static const struct jv_field payload_fields[] = {
        {NULL},
};

/* One batch: the distinct results, the rows for aiact_record, the audit before/after. */
struct batch {
	json_t *results; /* sha256 -> result, not yet sent in an earlier batch */
	json_t *sent;    /* sha256 -> true for every result already sent */
	json_t *items, *before, *after;
	double store_s; /* seconds spent storing (for the result's timings) */
};

static int store(struct job_ctx *ctx, struct batch *b, const char *version, struct err *e)
{
	double t0 = util_now_mono();
	json_t *results = json_array();
	const char *sha;
	json_t *res;
	json_object_foreach(b->results, sha, res)
	{
		json_array_append_new(
		        results, json_pack("{s:s, s:O}", "sha256", sha, "result", res));
		json_object_set_new(b->sent, sha, json_true());
	}
	char *rtext = json_dumps(results, JSON_COMPACT),
	     *itext = json_dumps(b->items, JSON_COMPACT);
	json_decref(results);
	PGresult *r = db_exec(ctx->db, ctx->arena, e, record_sql, 2, rtext, itext);
	free(rtext);
	free(itext);
	if (!r)
		return -1;
	json_t *before = json_pack("{s:O}", "systems", b->before);
	json_t *after = json_pack("{s:s, s:s, s:O}", "rule_set_version", version, "reason",
	        "rule_set_change", "systems", b->after);
	char *bt = json_dumps(before, JSON_COMPACT), *at = json_dumps(after, JSON_COMPACT);
	json_decref(before);
	json_decref(after);
	PGresult *a = db_exec(ctx->db, ctx->arena, e, audit_sql, 3, ctx->job_id, bt, at);
	free(bt);
	free(at);
	if (!a)
		return -1;
	json_object_clear(b->results);
	json_array_clear(b->items);
	json_array_clear(b->before);
	json_array_clear(b->after);
	b->store_s += util_now_mono() - t0;
	return 0;
}

/* The result for (regime, answers): from the cache, or classified (*classified += 1) and
 * cached. The cache maps "<regime>\n<answers text>" to {"sha256", "result"} or to
 * {"field", "message"}. */
static const json_t *classify_cached(const struct aiact_rules *rules, json_t *cache,
        const char *regime_s, const char *answers_text, int *classified)
{
	char *key = NULL;
	if (asprintf(&key, "%s\n%s", regime_s, answers_text) < 0)
		abort();
	json_t *hit = json_object_get(cache, key);
	if (!hit) {
		json_t *answers = json_loads(answers_text, JSON_DECODE_INT_AS_REAL, NULL),
		       *res = NULL;
		enum aiact_regime regime;
		struct err ce = {0};
		if (!answers || aiact_regime_parse(regime_s, &regime) ||
		        aiact_classify(rules, answers, regime, &res, &ce)) {
			hit = json_pack("{s:s, s:s}", "field", ce.field, "message",
			        answers ? ce.message : "stored answers unreadable");
		} else {
			char sha[65];
			baseline_hash(res, sha);
			hit = json_pack("{s:s, s:o}", "sha256", sha, "result", res);
		}
		json_decref(answers);
		json_object_set_new(cache, key, hit);
		(*classified)++;
	}
	free(key);
	return hit;
}

static int aiact_reclassify_run(
        struct job_ctx *ctx, const json_t *payload, json_t **result, struct err *e)
{
	const struct aiact_rules *rules;
	if (jv_check(payload, payload_fields, e) || oblig_rules(&rules, e))
		return -1;
	const char *version = aiact_rules_version(rules);
	double t0 = util_now_mono();
	/* bulk statements over JSON sets: JIT compilation would cost more than it saves */
	if (!db_exec(ctx->db, ctx->arena, e, "SELECT set_config('jit', 'off', true)", 0))
		return -1;
	PGresult *s = db_exec(ctx->db, ctx->arena, e, stale_sql, 1, version);
	if (!s)
		return -1;
	double t_read = util_now_mono() - t0;
	int n = PQntuples(s), done = 0, changed = 0, classified = 0, rc = -1;
	struct batch b = {
	        json_object(), json_object(), json_array(), json_array(), json_array(), 0};
	json_t *failed = json_array(), *cache = json_object();
	for (int i = 0; i < n; i++) {
		const char *id = PQgetvalue(s, i, 0), *regime_s = PQgetvalue(s, i, 2);
		const json_t *c =
		        classify_cached(rules, cache, regime_s, PQgetvalue(s, i, 1), &classified);
		const json_t *res = json_object_get(c, "result");
		if (!res) {
			json_array_append_new(
			        failed, json_pack("{s:s, s:O, s:O}", "ai_system_id", id, "field",
			                        json_object_get(c, "field"), "message",
			                        json_object_get(c, "message")));
			continue;
		}
		const char *sha = json_string_value(json_object_get(c, "sha256"));
		if (!json_object_get(b.sent, sha))
			json_object_set(b.results, sha, (json_t *)res);
		json_int_t seq = strtoll(PQgetvalue(s, i, 4), NULL, 10) + 1;
		const char *old_cat = PQgetvalue(s, i, 5);
		const char *new_cat = json_string_value(json_object_get(res, "risk_category"));
		changed += !new_cat || strcmp(old_cat, new_cat) != 0;
		json_array_append_new(
		        b.before, json_pack("{s:s, s:I, s:s, s:s?, s:s}", "ai_system_id", id, "seq",
		                          seq - 1, "risk_category", old_cat, "applies_from",
		                          PQgetisnull(s, i, 6) ? NULL : PQgetvalue(s, i, 6),
		                          "rule_set_version", PQgetvalue(s, i, 7)));
		json_array_append_new(
		        b.after, json_pack("{s:s, s:I, s:O, s:O}", "ai_system_id", id, "seq", seq,
		                         "risk_category", json_object_get(res, "risk_category"),
		                         "applies_from", json_object_get(res, "applies_from")));
		/* the stored answers go back unchanged: only the rule set changed */
		json_array_append_new(
		        b.items, json_pack("{s:s, s:I, s:s, s:s, s:s, s:s, s:s}", "ai_system_id",
		                         id, "seq", seq, "answers", PQgetvalue(s, i, 1), "regime",
		                         regime_s, "rule_set_version", version, "result_sha256",
		                         sha, "rationale", PQgetvalue(s, i, 3)));
		done++;
		if (json_array_size(b.items) >= BATCH) {
			if (store(ctx, &b, version, e))
				goto out;
			if (json_object_size(cache) >
			        BATCH) /* bound the memory of all-distinct answers */
				json_object_clear(cache);
		}
	}
	if (json_array_size(b.items) && store(ctx, &b, version, e))
		goto out;
	double total = util_now_mono() - t0;
	*result = json_pack("{s:s, s:i, s:i, s:i, s:i, s:O, s:{s:i, s:i, s:i}}", "rule_set_version",
	        version, "examined", n, "reclassified", done, "category_changed", changed,
	        "classifications", classified, "failed", failed, "timings_ms", "read",
	        (int)(t_read * 1000), "classify", (int)((total - t_read - b.store_s) * 1000),
	        "store", (int)(b.store_s * 1000));
	rc = 0;
out:
	json_decref(b.results);
	json_decref(b.sent);
	json_decref(b.items);
	json_decref(b.before);
	json_decref(b.after);
	json_decref(failed);
	json_decref(cache);
	return rc;
}

const struct job_type job_aiact_reclassify = {"aiact.reclassify", aiact_reclassify_run};
