/*
 * test_aiact_api.c - the EU AI Act engine in the API, over HTTP against real PostgreSQL,
 * Redis and workers: the questionnaire, stateless classification (the engine's result
 * unchanged, bad answers named), stored classifications with history, regimes and
 * re-classification, the obligation items (catalog article, crosswalked controls, expected
 * evidence, survival across re-classification), the re-classification job after a rule-set
 * change, the compliance dossier (linked to real documents and evidence, to 100 %
 * completeness), contractual recommendations, and the roadmap and matrix
 * jobs with their files.
 *
 * The expected classification results are computed in-process by the same engine
 * (domain/aiact.c) from the shipped rule set, so the tests check the API's plumbing, not
 * the law (the engine's own tests do that). Bodies use single quotes, turned into double
 * quotes by J().
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "aiact.h"
#include "th.h"

static struct th_operator op;
static struct aiact_rules *rules;

static void setup(void)
{
	th_new_operator(&op);
	if (!rules) {
		char path[1024];
		const char *root = getenv("CONCORD_ROOT");
		snprintf(
		        path, sizeof path, "%s/catalog/aiact/rules-2026.1.json", root ? root : ".");
		struct err e = {0};
		ck_assert_msg(aiact_rules_load_file(path, &rules, &e) == 0, "%s", e.message);
	}
}

static void teardown(void)
{
	th_operator_free(&op);
}

#define J th_j
#define P th_p

static json_t *call_as(
        const char *tok, const char *method, char *path, char *body, const char *etag, long want)
{
	return th_call(tok, method, path, body, etag, want);
}

static json_t *call(const char *method, char *path, char *body, const char *etag, long want)
{
	return th_call(op.token, method, path, body, etag, want);
}

static void problem(const char *method, char *path, char *body, const char *etag, long status,
        const char *field)
{
	th_problem(op.token, method, path, body, etag, status, field);
}

static const char *str(const json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

#define count_sql th_count

static void new_object(const char *path, char *body, char id[37])
{
	json_t *o = call("POST", strdup(path), body, NULL, 201);
	snprintf(id, 37, "%s", str(o, "id"));
	json_decref(o);
}

static void new_system(const char *ref, char id[37])
{
	new_object("/v1/ai-systems",
	        J("{'ref': '%s', 'name': 'System %s', 'intended_purpose': 'p', 'sourcing': "
	          "'in_house'}",
	                ref, ref),
	        id);
}

/* PUT answers (JSON object text, single quotes) for a system; returns the stored body. */
static json_t *put_answers(const char *id, const char *answers, const char *etag, long want)
{
	return call(
	        "PUT", P("/v1/ai-systems/%s/aiact", id), J("{'answers': %s}", answers), etag, want);
}

/* The engine's own result for answers (single-quoted JSON text). */
static json_t *engine(const char *answers, enum aiact_regime regime)
{
	char *text = J("%s", answers);
	json_t *a = json_loads(text, 0, NULL), *res = NULL;
	free(text);
	struct err e = {0};
	ck_assert_msg(aiact_classify(rules, a, regime, &res, &e) == 0, "%s", e.message);
	json_decref(a);
	return res;
}

/* The obligation with key k of system id (active or not), or NULL. New reference. */
static json_t *obligation(const char *id, const char *key)
{
	json_t *l = call("GET", P("/v1/aiact/obligations?ai_system_id=%s&active=all&limit=200", id),
	        NULL, NULL, 200);
	json_t *found = NULL, *o;
	size_t i;
	json_array_foreach(json_object_get(l, "items"), i, o)
	{
		if (strcmp(str(o, "obligation_key"), key) == 0)
			found = json_incref(o);
	}
	json_decref(l);
	return found;
}

static json_t *wait_job(const char *id)
{
	char path[96];
	snprintf(path, sizeof path, "/v1/jobs/%s", id);
	bool ok = th_wait_json(path, op.token, NULL, "state", "succeeded", 90);
	json_t *j = call("GET", strdup(path), NULL, NULL, 200);
	ck_assert_msg(ok, "job %s: %s %s", id, str(j, "state"), str(j, "error"));
	return j;
}

static struct th_resp download(const char *artifact)
{
	char path[96];
	snprintf(path, sizeof path, "/v1/artifacts/%s", artifact);
	struct th_resp r;
	th_req("GET", path, op.token, NULL, NULL, &r);
	ck_assert_msg(r.status == 200, "download %s: %ld", artifact, r.status);
	return r;
}

static const char *const deployer_5b = "{'object': 'ai_system', 'role': 'deployer',"
                                       " 'annex_iii_point': '5(b)'}";

/* ---------------------------------------------------------------------- tests */

START_TEST(questionnaire_comes_from_the_rule_set)
{
	json_t *q = call("GET", P("/v1/aiact/questionnaire"), NULL, NULL, 200);
	ck_assert_str_eq(str(q, "rule_set_version"), aiact_rules_version(rules));
	json_t *mine = aiact_questionnaire(rules);
	ck_assert(json_equal(q, mine));
	json_t *first = json_array_get(json_object_get(q, "questions"), 0);
	ck_assert_str_eq(str(first, "key"), "object");
	json_decref(mine);
	json_decref(q);
}
END_TEST

START_TEST(classify_passes_the_engine_result_through_unchanged)
{
	static const char *const cases[] = {
	        "{'object': 'ai_system', 'role': 'deployer', 'annex_iii_point': '5(b)'}",
	        "{'object': 'ai_system', 'role': 'provider', 'annex_iii_point': '4(a)',"
	        " 'generates_synthetic_content': true}",
	        "{'object': 'gpai_model', 'role': 'provider', 'training_compute_flop': 2e25}",
	        "{'object': 'ai_system', 'role': 'deployer', 'prohibited_practice': '5(1)(c)'}",
	        "{'object': 'ai_system', 'role': 'deployer'}",
	};
	long long before = count_sql("SELECT count(*) FROM aiact_assessments", NULL);
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		for (int regime = 0; regime < 2; regime++) {
			json_t *got = call("POST",
			        P("/v1/aiact/classify%s", regime ? "?regime=original" : ""),
			        J("%s", cases[i]), NULL, 200);
			json_t *want = engine(cases[i], regime ? AIACT_ORIGINAL : AIACT_AMENDED);
			ck_assert_msg(
			        json_equal(got, want), "case %zu regime %d differs", i, regime);
			json_decref(got);
			json_decref(want);
		}
	}
	/* the Annex III deployer case: high-risk, FRIA, applying from the amended date */
	json_t *r = call("POST", P("/v1/aiact/classify"), J("%s", deployer_5b), NULL, 200);
	ck_assert_str_eq(str(r, "risk_category"), "high_risk");
	ck_assert(json_is_true(json_object_get(r, "fria_required")));
	ck_assert_str_eq(str(r, "applies_from"), "2027-12-02");
	json_decref(r);
	r = call("POST", P("/v1/aiact/classify?regime=original"), J("%s", deployer_5b), NULL, 200);
	ck_assert_str_eq(str(r, "applies_from"), "2026-08-02");
	json_decref(r);
	/* nothing is stored by classification alone */
	ck_assert_int_eq(count_sql("SELECT count(*) FROM aiact_assessments", NULL), before);
}
END_TEST

START_TEST(bad_answers_are_400_naming_the_key)
{
	problem("POST", P("/v1/aiact/classify"),
	        J("{'object': 'ai_system', 'role': 'deployer', 'bogus': 1}"), NULL, 400, "bogus");
	problem("POST", P("/v1/aiact/classify"),
	        J("{'object': 'ai_system', 'role': 'deployer', 'annex_iii_point': '9(z)'}"), NULL,
	        400, "annex_iii_point");
	problem("POST", P("/v1/aiact/classify"),
	        J("{'object': 'ai_system', 'role': 'deployer', 'deepfake': 'yes'}"), NULL, 400,
	        "deepfake");
	problem("POST", P("/v1/aiact/classify"), J("{'object': 'ai_system'}"), NULL, 400, "role");
	problem("POST", P("/v1/aiact/classify?regime=future"), J("%s", deployer_5b), NULL, 400,
	        "regime");
	problem("POST", P("/v1/aiact/classify?colour=red"), J("%s", deployer_5b), NULL, 400,
	        "colour");
	/* the problem document is problem+json */
	struct th_resp r;
	char *body = J("{'object': 'robot', 'role': 'deployer'}");
	th_req("POST", "/v1/aiact/classify", op.token, body, NULL, &r);
	free(body);
	char *ct = th_header(&r, "Content-Type");
	ck_assert_str_eq(ct, "application/problem+json");
	ck_assert_str_eq(th_str(&r, "field"), "object");
	free(ct);
	th_free(&r);
}
END_TEST

START_TEST(stored_classification_keeps_history_and_reclassifies_on_change)
{
	char id[37];
	new_system("CL-1", id);
	json_decref(call("GET", P("/v1/ai-systems/%s/aiact", id), NULL, NULL, 404));
	json_t *a = put_answers(id, deployer_5b, NULL, 201);
	ck_assert_int_eq(json_integer_value(json_object_get(a, "seq")), 1);
	ck_assert_str_eq(str(a, "risk_category"), "high_risk");
	ck_assert(json_is_false(json_object_get(a, "stale")));
	json_t *want = engine(deployer_5b, AIACT_AMENDED);
	ck_assert(json_equal(json_object_get(a, "result"), want));
	json_decref(want);
	json_decref(a);
	/* the same answers again: nothing new */
	a = put_answers(id, deployer_5b, "1", 200);
	ck_assert_int_eq(json_integer_value(json_object_get(a, "seq")), 1);
	json_decref(a);
	problem("PUT", P("/v1/ai-systems/%s/aiact", id), J("{'answers': %s}", deployer_5b), NULL,
	        428, "If-Match");
	problem("PUT", P("/v1/ai-systems/%s/aiact", id), J("{'answers': %s}", deployer_5b), "9",
	        412, "If-Match");
	problem("PUT", P("/v1/ai-systems/%s/aiact", id),
	        J("{'answers': {'object': 'ai_system', 'role': 'deployer', 'bogus': true}}"), "1",
	        400, "answers.bogus");
	/* new answers: a new classification */
	a = put_answers(
	        id, "{'object': 'ai_system', 'role': 'deployer', 'deepfake': true}", "1", 200);
	ck_assert_int_eq(json_integer_value(json_object_get(a, "seq")), 2);
	ck_assert_str_eq(str(a, "risk_category"), "limited_risk_transparency");
	ck_assert_str_eq(str(a, "reason"), "answers");
	json_decref(a);
	/* the same answers under the original timeline: a new classification, reason regime */
	a = call("PUT", P("/v1/ai-systems/%s/aiact?regime=original", id),
	        J("{'answers': {'object': 'ai_system', 'role': 'deployer', 'deepfake': true}}"),
	        "2", 200);
	ck_assert_str_eq(str(a, "reason"), "regime");
	ck_assert_str_eq(str(a, "regime"), "original");
	json_decref(a);
	json_t *h = call("GET", P("/v1/ai-systems/%s/aiact/history", id), NULL, NULL, 200);
	json_t *items = json_object_get(h, "items");
	ck_assert_int_eq(json_array_size(items), 3);
	ck_assert_int_eq(json_integer_value(json_object_get(json_array_get(items, 0), "seq")), 3);
	ck_assert_str_eq(str(json_array_get(items, 2), "risk_category"), "high_risk");
	json_decref(h);
	ck_assert_int_eq(count_sql("SELECT count(*) FROM audit_events WHERE entity_id = $1"
	                           " AND action = 'aiact.classify'",
	                         id, NULL),
	        3);
	/* the system shows its current classification */
	json_t *s = call("GET", P("/v1/ai-systems/%s", id), NULL, NULL, 200);
	ck_assert_str_eq(
	        str(json_object_get(s, "aiact"), "risk_category"), "limited_risk_transparency");
	json_decref(s);
}
END_TEST

START_TEST(large_training_compute_answers_round_trip)
{
	char id[37];
	new_system("GPAI-1", id);
	json_t *a = put_answers(id,
	        "{'object': 'gpai_model', 'role': 'provider',"
	        " 'training_compute_flop': 2e25}",
	        NULL, 201);
	ck_assert_str_eq(str(a, "risk_category"), "gpai_systemic");
	ck_assert(json_real_value(json_object_get(
	                  json_object_get(a, "answers"), "training_compute_flop")) == 2e25);
	json_decref(a);
	/* a value at the threshold is not over it: read back exactly, still not systemic */
	char id2[37];
	new_system("GPAI-2", id2);
	a = put_answers(id2,
	        "{'object': 'gpai_model', 'role': 'provider', 'training_compute_flop': 1e25}", NULL,
	        201);
	ck_assert_str_eq(str(a, "risk_category"), "gpai");
	json_decref(a);
	a = call("GET", P("/v1/ai-systems/%s/aiact", id), NULL, NULL, 200);
	ck_assert_str_eq(str(a, "risk_category"), "gpai_systemic");
	json_decref(a);
}
END_TEST

START_TEST(obligations_survive_reclassification_and_deactivate_when_dropped)
{
	char id[37];
	new_system("OB-1", id);
	json_decref(put_answers(id, deployer_5b, NULL, 201));
	json_t *lit = obligation(id, "art4_deployer"), *fria = obligation(id, "art27");
	ck_assert_ptr_nonnull(lit);
	ck_assert_ptr_nonnull(fria);
	ck_assert_str_eq(str(fria, "article"), "Art. 27");
	ck_assert_str_eq(str(fria, "applies_from"), "2027-12-02");
	ck_assert_str_eq(str(fria, "status"), "open");
	/* work on the literacy obligation */
	json_t *u = call("PATCH", P("/v1/aiact/obligations/%s", str(lit, "id")),
	        J("{'status': 'in_progress', 'owner_id': '%s', 'due_date': '2026-12-31',"
	          " 'notes': 'programme drafted'}",
	                op.user_id),
	        "1", 200);
	ck_assert_str_eq(str(u, "status"), "in_progress");
	json_decref(u);
	problem("PATCH", P("/v1/aiact/obligations/%s", str(lit, "id")), J("{'status': 'done'}"),
	        "2", 400, "status");
	problem("PATCH", P("/v1/aiact/obligations/%s", str(lit, "id")),
	        J("{'owner_id': '00000000-0000-4000-8000-000000000000'}"), "2", 400, "owner_id");
	problem("PATCH", P("/v1/aiact/obligations/%s", str(lit, "id")),
	        J("{'evidence_ids': ['00000000-0000-4000-8000-000000000000']}"), "2", 400,
	        "evidence_ids[0]");
	/* re-classified as minimal risk: Art. 27 is no longer due, literacy work is kept */
	json_decref(put_answers(id, "{'object': 'ai_system', 'role': 'deployer'}", "1", 200));
	json_t *lit2 = obligation(id, "art4_deployer"), *fria2 = obligation(id, "art27");
	ck_assert(json_is_true(json_object_get(lit2, "active")));
	ck_assert_str_eq(str(lit2, "status"), "in_progress");
	ck_assert_str_eq(str(lit2, "owner_id"), op.user_id);
	ck_assert_str_eq(str(lit2, "notes"), "programme drafted");
	ck_assert(json_is_false(json_object_get(fria2, "active")));
	json_t *open = call("GET", P("/v1/aiact/obligations?ai_system_id=%s", id), NULL, NULL, 200);
	ck_assert_int_eq(json_array_size(json_object_get(open, "items")), 1);
	json_decref(open);
	/* back to high-risk: the same item comes back active, with its history */
	json_decref(put_answers(id, deployer_5b, "2", 200));
	json_t *fria3 = obligation(id, "art27");
	ck_assert(json_is_true(json_object_get(fria3, "active")));
	ck_assert_str_eq(str(fria3, "id"), str(fria, "id"));
	json_decref(lit);
	json_decref(fria);
	json_decref(lit2);
	json_decref(fria2);
	json_decref(fria3);
}
END_TEST

START_TEST(obligations_link_the_article_crosswalked_controls_and_expected_evidence)
{
	char ctl[37], id[37];
	new_object("/v1/controls",
	        J("{'ref': 'AI-LOG', 'title': 'AI event logging', 'status': 'in_progress',"
	          " 'requirements': ['iso42001-2023:A.6.2.8']}"),
	        ctl);
	new_system("OB-2", id);
	json_decref(put_answers(id, deployer_5b, NULL, 201));
	json_t *o = obligation(id, "art26");
	ck_assert_str_eq(str(o, "requirement_ref"), "eu-ai-act:Art. 26");
	json_t *req = json_object_get(o, "requirement");
	ck_assert_str_eq(str(req, "title"), "Obligations of deployers of high-risk AI systems");
	ck_assert_int_gt(json_array_size(json_object_get(req, "typical_evidence")), 0);
	json_t *c = json_array_get(json_object_get(o, "controls"), 0);
	ck_assert_ptr_nonnull(c);
	ck_assert_str_eq(str(c, "id"), ctl);
	ck_assert_str_eq(str(c, "via"), "iso42001-2023:A.6.2.8");
	ck_assert_str_eq(str(c, "relation"), "intersects");
	ck_assert(json_is_true(json_object_get(c, "evidence_reuse")));
	/* implemented needs evidence: the control is not implemented yet */
	problem("PATCH", P("/v1/aiact/obligations/%s", str(o, "id")),
	        J("{'status': 'implemented'}"), "1", 422, "status");
	json_decref(
	        call("PATCH", P("/v1/controls/%s", ctl), J("{'status': 'implemented'}"), "1", 200));
	json_t *u = call("PATCH", P("/v1/aiact/obligations/%s", str(o, "id")),
	        J("{'status': 'implemented'}"), "1", 200);
	ck_assert_str_eq(str(u, "status"), "implemented");
	json_decref(u);
	/* the list filters by catalog requirement */
	json_t *l = call("GET", P("/v1/aiact/obligations?requirement_ref=eu-ai-act:Art.%%2026"),
	        NULL, NULL, 200);
	ck_assert_int_eq(json_array_size(json_object_get(l, "items")), 1);
	json_decref(l);
	json_decref(o);
}
END_TEST

START_TEST(stale_classification_is_redone_by_the_reclassify_job)
{
	char id[37];
	new_system("ST-1", id);
	json_decref(put_answers(id, deployer_5b, NULL, 201));
	/* as if made under an earlier rule set */
	char q[200];
	snprintf(q, sizeof q,
	        "UPDATE aiact_assessments SET rule_set_version = '2025.1' WHERE ai_system_id = "
	        "'%s'",
	        id);
	free(th_sql(q));
	json_t *a = call("GET", P("/v1/ai-systems/%s/aiact", id), NULL, NULL, 200);
	ck_assert(json_is_true(json_object_get(a, "stale")));
	ck_assert_str_eq(str(a, "rule_set_current"), aiact_rules_version(rules));
	json_decref(a);
	json_t *job = call("POST", P("/v1/aiact/reclassify"), NULL, NULL, 202);
	ck_assert_str_eq(str(job, "type"), "aiact.reclassify");
	json_t *done = wait_job(str(job, "id"));
	json_t *res = json_object_get(done, "result");
	ck_assert_int_eq(json_integer_value(json_object_get(res, "reclassified")), 1);
	ck_assert_int_eq(json_array_size(json_object_get(res, "failed")), 0);
	json_decref(done);
	json_decref(job);
	a = call("GET", P("/v1/ai-systems/%s/aiact", id), NULL, NULL, 200);
	ck_assert(json_is_false(json_object_get(a, "stale")));
	ck_assert_int_eq(json_integer_value(json_object_get(a, "seq")), 2);
	ck_assert_str_eq(str(a, "reason"), "rule_set_change");
	ck_assert_str_eq(str(a, "rule_set_version"), aiact_rules_version(rules));
	json_decref(a);
	ck_assert_int_eq(count_sql("SELECT count(*) FROM audit_events WHERE tenant_id = $1"
	                           " AND action = 'aiact.reclassify'"
	                           " AND after->'systems'->0->>'ai_system_id' = $2",
	                         op.tenant_id, id, NULL),
	        1);
	/* a second run finds nothing stale */
	job = call("POST", P("/v1/aiact/reclassify"), NULL, NULL, 202);
	done = wait_job(str(job, "id"));
	ck_assert_int_eq(
	        json_integer_value(json_object_get(json_object_get(done, "result"), "examined")),
	        0);
	json_decref(done);
	json_decref(job);
}
END_TEST

/* pg_locks row of the scheduler leader's advisory lock (workers/scheduler.c) */
#define SCHEDULER_LOCK_HOLDER                                                                      \
	"FROM pg_locks WHERE locktype = 'advisory' AND classid = 0 AND objid = 7242100"            \
	" AND objsubid = 1 AND granted"

/* Poll a single-cell query until it returns want (bounded). */
static bool sql_becomes(const char *want, int seconds, const char *sql)
{
	for (int i = 0; i < seconds * 10; i++) {
		char *v = th_sql(sql);
		bool ok = v && strcmp(v, want) == 0;
		free(v);
		if (ok)
			return true;
		usleep(100000);
	}
	return false;
}

START_TEST(new_rule_set_makes_the_scheduler_enqueue_reclassification)
{
	char id[37], q[400];
	new_system("RS-1", id);
	json_decref(put_answers(id, deployer_5b, NULL, 201));
	snprintf(q, sizeof q,
	        "UPDATE aiact_assessments SET rule_set_version = '2024.9' WHERE ai_system_id = "
	        "'%s'",
	        id);
	free(th_sql(q));
	/* a worker that becomes scheduler leader checks for stale classifications at once:
	 * end the current leader's lock session so another worker takes over */
	ck_assert(sql_becomes("1", 30, "SELECT count(*) " SCHEDULER_LOCK_HOLDER));
	char *pid = th_sql("SELECT pid " SCHEDULER_LOCK_HOLDER);
	snprintf(q, sizeof q, "SELECT pg_terminate_backend(%s)", pid);
	free(th_sql(q));
	free(pid);
	snprintf(q, sizeof q,
	        "SELECT state FROM jobs WHERE tenant_id = '%s' AND type = 'aiact.reclassify'"
	        " AND idempotency_key = 'rule-set:%s'",
	        op.tenant_id, aiact_rules_version(rules));
	ck_assert_msg(sql_becomes("succeeded", 60, q),
	        "no aiact.reclassify job was enqueued and run after the leader changed");
	json_t *a = call("GET", P("/v1/ai-systems/%s/aiact", id), NULL, NULL, 200);
	ck_assert(json_is_false(json_object_get(a, "stale")));
	ck_assert_str_eq(str(a, "reason"), "rule_set_change");
	json_decref(a);
	/* one job per tenant and rule set, however often the check runs */
	snprintf(q, sizeof q,
	        "SELECT count(*) FROM jobs WHERE tenant_id = '%s' AND type = 'aiact.reclassify'"
	        " AND idempotency_key = 'rule-set:%s'",
	        op.tenant_id, aiact_rules_version(rules));
	char *n = th_sql(q);
	ck_assert_str_eq(n, "1");
	free(n);
}
END_TEST

static const json_t *section(const json_t *d, const char *id)
{
	size_t i;
	const json_t *s;
	json_array_foreach(json_object_get(d, "sections"), i, s)
	{
		if (strcmp(str(s, "id"), id) == 0)
			return s;
	}
	return NULL;
}

START_TEST(dossier_sections_follow_role_and_triggers_with_completeness)
{
	char dep[37], prov[37], low[37];
	new_system("DOS-1", dep);
	new_system("DOS-2", prov);
	new_system("DOS-3", low);
	json_decref(put_answers(dep, deployer_5b, NULL, 201));
	json_decref(put_answers(prov,
	        "{'object': 'ai_system', 'role': 'provider', 'annex_iii_point':"
	        " '4(a)'}",
	        NULL, 201));
	json_decref(put_answers(low, "{'object': 'ai_system', 'role': 'deployer'}", NULL, 201));
	json_t *d = call("GET", P("/v1/ai-systems/%s/aiact/dossier", dep), NULL, NULL, 200);
	ck_assert(json_is_true(json_object_get(d, "applicable")));
	ck_assert_ptr_nonnull(section(d, "deployer.fria"));
	ck_assert_ptr_nonnull(section(d, "deployer.logs"));
	ck_assert_ptr_nonnull(section(d, "deployer.oversight"));
	ck_assert_ptr_null(section(d, "annex_iv.1"));
	int n = (int)json_integer_value(
	        json_object_get(json_object_get(d, "completeness"), "sections"));
	ck_assert_int_eq(
	        json_integer_value(json_object_get(json_object_get(d, "completeness"), "percent")),
	        0);
	json_decref(d);
	d = call("GET", P("/v1/ai-systems/%s/aiact/dossier", prov), NULL, NULL, 200);
	ck_assert_ptr_nonnull(section(d, "annex_iv.1"));
	ck_assert_ptr_nonnull(section(d, "annex_iv.9"));
	ck_assert_ptr_nonnull(section(d, "provider.registration"));
	ck_assert_ptr_null(section(d, "deployer.fria"));
	json_decref(d);
	d = call("GET", P("/v1/ai-systems/%s/aiact/dossier", low), NULL, NULL, 200);
	ck_assert(json_is_false(json_object_get(d, "applicable")));
	json_decref(d);
	/* a section is complete only with evidence; not applicable sections leave the count */
	problem("PUT", P("/v1/ai-systems/%s/aiact/dossier/deployer.logs", dep),
	        J("{'status': 'complete'}"), NULL, 422, "status");
	problem("PUT", P("/v1/ai-systems/%s/aiact/dossier/deployer.logs", dep),
	        J("{'document_ids': ['00000000-0000-4000-8000-000000000000']}"), NULL, 400,
	        "document_ids[0]");
	json_t *s = call("PUT", P("/v1/ai-systems/%s/aiact/dossier/deployer.workers", dep),
	        J("{'status': 'not_applicable', 'notes': 'not used at the workplace'}"), NULL, 200);
	ck_assert_str_eq(str(json_object_get(s, "section"), "status"), "not_applicable");
	ck_assert_int_eq(json_integer_value(json_object_get(
	                         json_object_get(s, "completeness"), "not_applicable")),
	        1);
	json_decref(s);
	problem("PUT", P("/v1/ai-systems/%s/aiact/dossier/deployer.workers", dep),
	        J("{'status': 'in_progress'}"), NULL, 428, "If-Match");
	s = call("PUT", P("/v1/ai-systems/%s/aiact/dossier/deployer.workers", dep),
	        J("{'status': 'in_progress'}"), "1", 200);
	ck_assert_int_eq(
	        json_integer_value(json_object_get(json_object_get(s, "section"), "version")), 2);
	json_decref(s);
	/* a provider section does not exist in a deployer's dossier */
	json_decref(call("PUT", P("/v1/ai-systems/%s/aiact/dossier/annex_iv.1", dep),
	        J("{'status': 'in_progress'}"), NULL, 404));
	d = call("GET", P("/v1/ai-systems/%s/aiact/dossier", dep), NULL, NULL, 200);
	ck_assert_int_eq(
	        json_integer_value(json_object_get(json_object_get(d, "completeness"), "sections")),
	        n);
	ck_assert_str_eq(str(section(d, "deployer.workers"), "notes"), "not used at the workplace");
	json_decref(d);
}
END_TEST

START_TEST(dossier_and_obligations_link_documents_and_evidence_to_full_completeness)
{
	char sys[37], doc[37], ev[37], old_ev[37];
	new_system("DOS-9", sys);
	json_decref(put_answers(sys, deployer_5b, NULL, 201));
	new_object("/v1/documents",
	        J("{'ref': 'PRC-OVS', 'kind': 'procedure', 'title': 'Human oversight procedure',"
	          " 'location': 'dms:/procedures/oversight.pdf'}"),
	        doc);
	new_object("/v1/evidence",
	        J("{'title': 'Log retention configuration', 'kind': 'configuration', 'location':"
	          " 'git:/infra/logging.yaml', 'collected_on': '2026-11-01'}"),
	        ev);
	new_object("/v1/evidence",
	        J("{'title': 'FRIA 2024', 'kind': 'report', 'location': 'dms:/fria-2024.pdf',"
	          " 'collected_on': '2024-01-10', 'valid_until': '2025-01-10'}"),
	        old_ev);
	/* every section complete, each with a document or evidence behind it */
	json_t *d = call("GET", P("/v1/ai-systems/%s/aiact/dossier", sys), NULL, NULL, 200);
	size_t i, n = json_array_size(json_object_get(d, "sections"));
	ck_assert_int_gt(n, 2);
	for (i = 0; i < n; i++) {
		const char *sid = str(json_array_get(json_object_get(d, "sections"), i), "id");
		json_decref(call("PUT", P("/v1/ai-systems/%s/aiact/dossier/%s", sys, sid),
		        J("{'status': 'complete', '%s': ['%s']}",
		                i % 2 ? "evidence_ids" : "document_ids", i % 2 ? ev : doc),
		        NULL, 200));
	}
	json_decref(d);
	d = call("GET", P("/v1/ai-systems/%s/aiact/dossier", sys), NULL, NULL, 200);
	json_t *c = json_object_get(d, "completeness");
	ck_assert_int_eq(json_integer_value(json_object_get(c, "percent")), 100);
	ck_assert_int_eq(json_integer_value(json_object_get(c, "complete")), (json_int_t)n);
	/* the linked document is shown with its state: a draft needs attention */
	const json_t *first = json_array_get(json_object_get(d, "sections"), 0);
	ck_assert_str_eq(
	        str(json_array_get(json_object_get(first, "documents"), 0), "ref"), "PRC-OVS");
	ck_assert_str_eq(json_string_value(json_array_get(json_object_get(first, "attention"), 0)),
	        "document PRC-OVS is draft, not approved");
	ck_assert_int_eq(
	        json_integer_value(json_object_get(c, "needs_attention")), (json_int_t)(n + 1) / 2);
	const json_t *second = json_array_get(json_object_get(d, "sections"), 1);
	ck_assert_str_eq(str(json_array_get(json_object_get(second, "evidence"), 0), "title"),
	        "Log retention configuration");
	ck_assert_int_eq(json_array_size(json_object_get(second, "attention")), 0);
	char *second_id = strdup(str(second, "id"));
	json_decref(d);
	json_decref(call("POST", P("/v1/documents/%s/approve", doc), NULL, "1", 200));
	/* expired evidence is flagged */
	json_decref(call("PUT", P("/v1/ai-systems/%s/aiact/dossier/%s", sys, second_id),
	        J("{'evidence_ids': ['%s', '%s']}", ev, old_ev), "1", 200));
	d = call("GET", P("/v1/ai-systems/%s/aiact/dossier", sys), NULL, NULL, 200);
	c = json_object_get(d, "completeness");
	ck_assert_int_eq(json_integer_value(json_object_get(c, "needs_attention")), 1);
	second = json_array_get(json_object_get(d, "sections"), 1);
	ck_assert_str_eq(json_string_value(json_array_get(json_object_get(second, "attention"), 0)),
	        "evidence \"FRIA 2024\" expired on 2025-01-10");
	json_decref(d);
	free(second_id);
	/* an obligation is implemented with its evidence, shown with the item */
	json_t *o = obligation(sys, "art27");
	problem("PATCH", P("/v1/aiact/obligations/%s", str(o, "id")),
	        J("{'status': 'implemented'}"), "1", 422, "status");
	json_t *u = call("PATCH", P("/v1/aiact/obligations/%s", str(o, "id")),
	        J("{'status': 'implemented', 'evidence_ids': ['%s'], 'document_ids': ['%s']}", ev,
	                doc),
	        "1", 200);
	ck_assert_str_eq(str(u, "status"), "implemented");
	ck_assert_str_eq(str(json_array_get(json_object_get(u, "evidence"), 0), "id"), ev);
	ck_assert_str_eq(
	        str(json_array_get(json_object_get(u, "documents"), 0), "status"), "approved");
	json_decref(u);
	json_decref(o);
	/* what the dossier and the obligation rely on cannot be deleted from under them */
	json_t *p = call("DELETE", P("/v1/evidence/%s", ev), NULL, "1", 409);
	ck_assert_ptr_nonnull(strstr(str(p, "detail"), "aiact_obligations"));
	ck_assert_ptr_nonnull(strstr(str(p, "detail"), "aiact_dossier_sections"));
	json_decref(p);
}
END_TEST

static const json_t *recommendation(const json_t *rel, const char *id)
{
	size_t i;
	const json_t *r;
	json_array_foreach(json_object_get(rel, "recommendations"), i, r)
	{
		if (strcmp(str(r, "id"), id) == 0)
			return r;
	}
	return NULL;
}

START_TEST(contract_recommendations_follow_role_and_classification)
{
	char us[37], eu[37], model[37], ds[37], hr[37], low[37];
	new_object("/v1/suppliers",
	        J("{'name': 'Model Corp', 'country': 'US', 'eu_established': false}"), us);
	new_object("/v1/suppliers",
	        J("{'name': 'Open Data eV', 'country': 'DE', 'eu_established': true}"), eu);
	new_object("/v1/ai-components",
	        J("{'kind': 'model', 'name': 'LLM', 'origin': 'third_party', 'gpai': true,"
	          " 'supplier_id': '%s'}",
	                us),
	        model);
	new_object("/v1/ai-components",
	        J("{'kind': 'dataset', 'name': 'Open corpus', 'open_source': true, 'supplier_id': "
	          "'%s'}",
	                eu),
	        ds);
	new_object("/v1/ai-systems",
	        J("{'ref': 'CR-1', 'name': 'Hiring assistant', 'intended_purpose': 'p', 'sourcing':"
	          " 'in_house', 'component_ids': ['%s', '%s']}",
	                model, ds),
	        hr);
	new_object("/v1/ai-systems",
	        J("{'ref': 'CR-2', 'name': 'Spell checker', 'intended_purpose': 'p', 'sourcing':"
	          " 'in_house', 'component_ids': ['%s']}",
	                ds),
	        low);
	json_decref(put_answers(hr,
	        "{'object': 'ai_system', 'role': 'provider', 'annex_iii_point': '4(a)'}", NULL,
	        201));
	json_decref(put_answers(low, "{'object': 'ai_system', 'role': 'provider'}", NULL, 201));
	json_decref(call("POST", P("/v1/ai-flows"),
	        J("{'from': {'kind': 'system', 'id': '%s'}, 'to': {'kind': 'supplier', 'id': '%s'},"
	          " 'personal_data': true, 'leaves_eu': true, 'destination_country': 'US'}",
	                hr, us),
	        NULL, 201));
	json_t *r =
	        call("GET", P("/v1/suppliers/%s/contract-recommendations", us), NULL, NULL, 200);
	json_t *rels = json_object_get(r, "relationships");
	ck_assert_int_eq(json_array_size(rels), 1);
	json_t *rel = json_array_get(rels, 0);
	ck_assert_str_eq(str(json_object_get(rel, "ai_system"), "ref"), "CR-1");
	ck_assert_ptr_nonnull(recommendation(rel, "art25_4_written_agreement"));
	ck_assert_ptr_nonnull(recommendation(rel, "art53_1_b_downstream_information"));
	ck_assert_ptr_nonnull(recommendation(rel, "authorised_representative"));
	ck_assert_ptr_nonnull(recommendation(rel, "third_country_transfers"));
	ck_assert_ptr_null(recommendation(rel, "instructions_for_use")); /* not a bought system */
	ck_assert_str_eq(
	        str(recommendation(rel, "art25_4_written_agreement"), "basis"), "Art. 25(4)");
	json_decref(r);
	/* the open-source dataset supplier: Art. 25(4) exempts it, only the baseline applies */
	r = call("GET", P("/v1/suppliers/%s/contract-recommendations", eu), NULL, NULL, 200);
	rels = json_object_get(r, "relationships");
	ck_assert_int_eq(json_array_size(rels), 2);
	for (size_t i = 0; i < 2; i++) {
		rel = json_array_get(rels, i);
		ck_assert_ptr_nonnull(recommendation(rel, "baseline_ai_supplier"));
		ck_assert_ptr_null(recommendation(rel, "art25_4_written_agreement"));
	}
	json_decref(r);
	json_decref(call("GET",
	        P("/v1/suppliers/00000000-0000-4000-8000-000000000000/contract-recommendations"),
	        NULL, NULL, 404));
}
END_TEST

START_TEST(roadmap_job_writes_json_xlsx_html_matching_the_preview)
{
	char id[37], ctl[37];
	new_system("RM-1", id);
	json_decref(put_answers(id,
	        "{'object': 'ai_system', 'role': 'provider', 'annex_iii_point': '4(a)'}", NULL,
	        201));
	new_object("/v1/controls",
	        J("{'ref': 'AI-QMS', 'title': 'AI quality management', 'requirements':"
	          " ['iso42001-2023:A.6.1.3']}"),
	        ctl);
	json_t *preview = call("GET", P("/v1/aiact/roadmap?as_of=2026-09-01"), NULL, NULL, 200);
	json_t *summary = json_object_get(preview, "summary");
	ck_assert_int_gt(json_integer_value(json_object_get(summary, "quick_wins")), 0);
	ck_assert_int_gt(json_integer_value(json_object_get(summary, "structural_initiatives")), 0);
	ck_assert_int_eq(json_integer_value(json_object_get(summary, "systems")), 1);
	/* every deadline respects the obligations' applies_from */
	static const char *const lists[] = {"quick_wins", "structural_initiatives"};
	for (int l = 0; l < 2; l++) {
		size_t i, j;
		json_t *p, *o;
		json_array_foreach(json_object_get(preview, lists[l]), i, p)
		{
			json_array_foreach(json_object_get(p, "obligations"), j, o)
			{
				if (!str(o, "applies_from") || !str(p, "deadline"))
					continue;
				ck_assert_msg(
				        strcmp(str(p, "deadline"), str(o, "applies_from")) <= 0 ||
				                json_is_true(json_object_get(p, "overdue")),
				        "%s due %s after %s", str(p, "title"), str(p, "deadline"),
				        str(o, "applies_from"));
			}
		}
	}
	json_t *job = call("POST", P("/v1/aiact/roadmap"), J("{'as_of': '2026-09-01'}"), NULL, 202);
	json_t *done = wait_job(str(job, "id"));
	json_t *arts = json_object_get(json_object_get(done, "result"), "artifacts");
	struct th_resp r = download(str(arts, "json"));
	ck_assert(json_equal(r.json, preview));
	th_free(&r);
	r = download(str(arts, "xlsx"));
	ck_assert_int_gt(r.len, 100);
	ck_assert_int_eq(memcmp(r.body, "PK", 2), 0);
	th_free(&r);
	r = download(str(arts, "html"));
	char *ct = th_header(&r, "Content-Type");
	ck_assert_ptr_nonnull(strstr(ct, "text/html"));
	free(ct);
	ck_assert_ptr_nonnull(strstr(r.body, "<h1>AI Act compliance roadmap</h1>"));
	ck_assert_ptr_nonnull(strstr(r.body, "AI quality management"));
	th_free(&r);
	json_decref(done);
	json_decref(job);
	json_decref(preview);
	problem("POST", P("/v1/aiact/roadmap"), J("{'quick_win_horizon_days': 0}"), NULL, 400,
	        "quick_win_horizon_days");
	problem("GET", P("/v1/aiact/roadmap?as_of=tomorrow"), NULL, NULL, 400, "as_of");
}
END_TEST

START_TEST(matrix_export_lists_every_system)
{
	char a[37], b[37];
	new_system("MX-1", a);
	new_system("MX-2", b);
	json_decref(put_answers(a, deployer_5b, NULL, 201));
	json_t *m = call("GET", P("/v1/aiact/matrix"), NULL, NULL, 200);
	json_t *systems = json_object_get(m, "systems");
	ck_assert_int_eq(json_array_size(systems), 2);
	json_t *first = json_array_get(systems, 0);
	ck_assert_str_eq(str(json_object_get(first, "assessment"), "risk_category"), "high_risk");
	ck_assert_str_eq(str(json_object_get(first, "assessment"), "annex_iii_point"), "5(b)");
	ck_assert(json_is_null(json_object_get(json_array_get(systems, 1), "assessment")));
	json_decref(m);
	json_t *job = call("POST", P("/v1/aiact/matrix"), NULL, NULL, 202);
	json_t *done = wait_job(str(job, "id"));
	json_t *res = json_object_get(done, "result");
	ck_assert_int_eq(json_integer_value(json_object_get(res, "systems")), 2);
	ck_assert_int_eq(json_integer_value(json_object_get(res, "classified")), 1);
	struct th_resp r = download(str(json_object_get(res, "artifacts"), "xlsx"));
	ck_assert_int_eq(memcmp(r.body, "PK", 2), 0);
	th_free(&r);
	json_decref(done);
	json_decref(job);
}
END_TEST

START_TEST(roles_decide_who_classifies_and_who_approves_releases)
{
	char id[37];
	new_system("RB-1", id);
	char *viewer = th_new_user(&op, op.tenant_id, "viewer", NULL, 0);
	char *product = th_new_user(&op, op.tenant_id, "product_ai_lead", NULL, 0);
	json_decref(call_as(viewer, "PUT", P("/v1/ai-systems/%s/aiact", id),
	        J("{'answers': %s}", deployer_5b), NULL, 403));
	json_decref(
	        call_as(viewer, "POST", P("/v1/aiact/classify"), J("%s", deployer_5b), NULL, 200));
	json_decref(call_as(product, "PUT", P("/v1/ai-systems/%s/aiact", id),
	        J("{'answers': %s}", deployer_5b), NULL, 201));
	/* the product lead moves the system but cannot approve its own release */
	json_decref(call_as(product, "POST", P("/v1/ai-systems/%s/transitions", id),
	        J("{'to': 'validation'}"), "1", 201));
	json_decref(call_as(product, "POST", P("/v1/ai-systems/%s/records", id),
	        J("{'kind': 'release_approval', 'decision': 'approved', 'summary': 's'}"), NULL,
	        403));
	free(viewer);
	free(product);
}
END_TEST

/* the number of times needle occurs in hay */
static int occurrences(const char *hay, const char *needle)
{
	int n = 0;
	for (const char *p = strstr(hay, needle); p; p = strstr(p + 1, needle))
		n++;
	return n;
}

START_TEST(dossier_export_renders_the_dossier_as_html_and_json)
{
	char sys[37], low[37], none[37], doc[37], old_ev[37];
	new_system("DX-1", sys);
	new_system("DX-2", low);
	new_system("DX-3", none);
	json_decref(put_answers(sys, deployer_5b, NULL, 201));
	json_decref(put_answers(low, "{'object': 'ai_system', 'role': 'deployer'}", NULL, 201));
	new_object("/v1/documents",
	        J("{'ref': 'PRC-DX', 'kind': 'procedure', 'title': 'Oversight <procedure> & roles',"
	          " 'doc_version': '2.1', 'location': 'dms:/procedures/dx.pdf'}"),
	        doc);
	json_decref(call("POST", P("/v1/documents/%s/approve", doc), NULL, "1", 200));
	new_object("/v1/evidence",
	        J("{'title': 'FRIA 2024', 'kind': 'report', 'location': 'dms:/fria-2024.pdf',"
	          " 'collected_on': '2024-01-10', 'valid_until': '2025-01-10'}"),
	        old_ev);
	json_decref(call("PUT", P("/v1/ai-systems/%s/aiact/dossier/deployer.oversight", sys),
	        J("{'status': 'complete', 'document_ids': ['%s']}", doc), NULL, 200));
	json_decref(call("PUT", P("/v1/ai-systems/%s/aiact/dossier/deployer.logs", sys),
	        J("{'status': 'in_progress', 'evidence_ids': ['%s'], 'notes': 'retention under"
	          " review'}",
	                old_ev),
	        NULL, 200));
	json_t *d = call("GET", P("/v1/ai-systems/%s/aiact/dossier", sys), NULL, NULL, 200);
	const json_t *c = json_object_get(d, "completeness");
	ck_assert_int_eq(json_integer_value(json_object_get(c, "complete")), 1);

	json_t *job = call(
	        "POST", P("/v1/aiact/dossier-export"), J("{'ai_system_id': '%s'}", sys), NULL, 202);
	json_t *done = wait_job(str(job, "id"));
	json_t *res = json_object_get(done, "result");
	json_t *line = json_array_get(json_object_get(res, "systems"), 0);
	ck_assert_int_eq(json_array_size(json_object_get(res, "systems")), 1);
	ck_assert_str_eq(str(line, "ai_system_id"), sys);
	ck_assert(json_equal(json_object_get(line, "sections"), json_object_get(c, "sections")));
	ck_assert(json_equal(json_object_get(line, "complete"), json_object_get(c, "complete")));
	ck_assert(json_equal(json_object_get(line, "percent"), json_object_get(c, "percent")));
	json_t *arts = json_object_get(res, "artifacts");

	/* the JSON holds the API's dossier, each linked item with its location added */
	struct th_resp r = download(str(arts, "json"));
	json_t *x = json_array_get(json_object_get(r.json, "systems"), 0);
	json_t *xd = json_object_get(x, "dossier");
	ck_assert_str_eq(str(json_object_get(x, "system"), "name"), "System DX-1");
	ck_assert_str_eq(str(json_object_get(x, "classification"), "annex_iii_point"), "5(b)");
	size_t i, k;
	json_t *s, *item;
	json_array_foreach(json_object_get(xd, "sections"), i, s)
	{
		json_array_foreach(json_object_get(s, "documents"), k, item)
		{
			ck_assert_str_eq(str(item, "location"), "dms:/procedures/dx.pdf");
			json_object_del(item, "location");
		}
		json_array_foreach(json_object_get(s, "evidence"), k, item)
		{
			ck_assert_str_eq(str(item, "location"), "dms:/fria-2024.pdf");
			json_object_del(item, "location");
		}
	}
	ck_assert(json_equal(xd, d));
	ck_assert_int_gt(json_array_size(json_object_get(x, "to_compile")), 0);
	th_free(&r);

	/* the HTML: the system, sections with their basis, links, completeness, to compile */
	r = download(str(arts, "html"));
	char *ct = th_header(&r, "Content-Type");
	ck_assert_ptr_nonnull(strstr(ct, "text/html"));
	free(ct);
	const char *html = r.body;
	ck_assert_ptr_nonnull(strstr(html, "<h2>DX-1 &#8212; System DX-1</h2>"));
	ck_assert_ptr_nonnull(
	        strstr(html, "<dt>High-risk basis</dt><dd>Annex III, point 5(b)</dd>"));
	ck_assert_ptr_nonnull(strstr(html, "<h4><span class=\"basis\">Art. 26(2)</span> Human "
	                                   "oversight by competent persons</h4>"));
	ck_assert_ptr_nonnull(strstr(html, "<td>PRC-DX</td><td>Oversight &lt;procedure&gt; &amp;"
	                                   " roles</td><td>2.1</td><td>approved</td>"
	                                   "<td>dms:/procedures/dx.pdf</td>"));
	ck_assert_ptr_nonnull(strstr(html, "<tr class=\"expired\"><td>FRIA 2024</td><td>2024-01-10"
	                                   "</td><td>2025-01-10</td><td><strong>expired</strong>"
	                                   "</td><td>dms:/fria-2024.pdf</td></tr>"));
	ck_assert_ptr_nonnull(strstr(html, "<li>Needs attention: evidence &quot;FRIA 2024&quot; "
	                                   "expired on 2025-01-10</li>"));
	ck_assert_ptr_nonnull(strstr(html, "Notes: retention under review"));
	char *want = P("Completeness: <strong>%lld %%</strong>",
	        (long long)json_integer_value(json_object_get(c, "percent")));
	ck_assert_ptr_nonnull(strstr(html, want));
	free(want);
	static const char *const keys[] = {"sections", "complete", "in_progress", "missing",
	        "not_applicable", "needs_attention"};
	char row[256] = "<tr>";
	for (i = 0; i < 6; i++)
		snprintf(row + strlen(row), sizeof row - strlen(row), "<td>%lld</td>",
		        (long long)json_integer_value(json_object_get(c, keys[i])));
	snprintf(row + strlen(row), sizeof row - strlen(row), "<td>%lld %%</td></tr>",
	        (long long)json_integer_value(json_object_get(c, "percent")));
	ck_assert_msg(strstr(html, row), "no completeness row %s", row);
	ck_assert_ptr_null(strstr(html, "<script"));
	/* documents to compile: every expected item of the missing and in-progress sections */
	const char *tc = strstr(html, "<section id=\"to-compile\"><h2>Documents to compile</h2>");
	ck_assert_ptr_nonnull(tc);
	int expected = 0;
	json_array_foreach(json_object_get(d, "sections"), i, s)
	{
		const char *st = str(s, "status");
		if (strcmp(st, "missing") == 0 || strcmp(st, "in_progress") == 0)
			expected += (int)json_array_size(json_object_get(s, "expects"));
	}
	ck_assert_int_gt(expected, 0);
	ck_assert_int_eq(occurrences(tc, "<tr><td><span class=\"basis\">"), expected);
	ck_assert_ptr_nonnull(strstr(tc, "<td>in progress</td><td>Log samples</td></tr>"));
	ck_assert_ptr_nonnull(strstr(tc, "<tr><td><span class=\"basis\">Art. 27</span> Fundamental "
	                                 "rights impact assessment</td><td>missing</td>"
	                                 "<td>Notification to the market surveillance authority"
	                                 "</td></tr>"));
	ck_assert_ptr_null(strstr(tc, "Oversight role assignments")); /* that section is complete */
	th_free(&r);
	json_decref(done);
	json_decref(job);

	/* without a system: every system whose dossier applies, and only those */
	job = call("POST", P("/v1/aiact/dossier-export"), NULL, NULL, 202);
	done = wait_job(str(job, "id"));
	res = json_object_get(done, "result");
	ck_assert_int_eq(json_array_size(json_object_get(res, "systems")), 1);
	ck_assert_str_eq(str(json_array_get(json_object_get(res, "systems"), 0), "ref"), "DX-1");
	json_decref(done);
	json_decref(job);

	/* bad payloads are named; a viewer may not export */
	problem("POST", P("/v1/aiact/dossier-export"),
	        J("{'ai_system_id': '%s', 'format': 'pdf'}", sys), NULL, 400, "format");
	problem("POST", P("/v1/aiact/dossier-export"),
	        J("{'ai_system_id': '00000000-0000-4000-8000-000000000000'}"), NULL, 400,
	        "ai_system_id");
	problem("POST", P("/v1/aiact/dossier-export"), J("{'ai_system_id': 'DX-1'}"), NULL, 400,
	        "ai_system_id");
	/* a job whose system is gone by the time it runs (enqueued behind the API's back) */
	char *bad =
	        th_sqlp("INSERT INTO jobs (tenant_id, type, payload) VALUES ($1, 'aiact.dossier',"
	                " '{\"ai_system_id\": \"00000000-0000-4000-8000-000000000000\"}')"
	                " RETURNING id",
	                op.tenant_id, NULL);
	char *path = P("/v1/jobs/%s", bad);
	ck_assert_msg(th_wait_json(path, op.token, NULL, "error",
	                      "payload.ai_system_id: no such AI system", 60),
	        "the job did not fail naming payload.ai_system_id");
	json_t *j = call("GET", path, NULL, NULL, 200);
	ck_assert(strcmp(str(j, "state"), "succeeded") != 0);
	json_decref(j);
	free(bad);
	char *viewer = th_new_user(&op, op.tenant_id, "viewer", NULL, 0);
	json_decref(call_as(viewer, "POST", P("/v1/aiact/dossier-export"),
	        J("{'ai_system_id': '%s'}", sys), NULL, 403));
	free(viewer);
	json_decref(d);
}
END_TEST

static Suite *aiact_suite(void)
{
	Suite *s = suite_create("aiact_api");
	TCase *tc = tcase_create("aiact");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 180);
	tcase_add_test(tc, questionnaire_comes_from_the_rule_set);
	tcase_add_test(tc, classify_passes_the_engine_result_through_unchanged);
	tcase_add_test(tc, bad_answers_are_400_naming_the_key);
	tcase_add_test(tc, stored_classification_keeps_history_and_reclassifies_on_change);
	tcase_add_test(tc, large_training_compute_answers_round_trip);
	tcase_add_test(tc, obligations_survive_reclassification_and_deactivate_when_dropped);
	tcase_add_test(tc, obligations_link_the_article_crosswalked_controls_and_expected_evidence);
	tcase_add_test(tc, stale_classification_is_redone_by_the_reclassify_job);
	tcase_add_test(tc, new_rule_set_makes_the_scheduler_enqueue_reclassification);
	tcase_add_test(tc, dossier_sections_follow_role_and_triggers_with_completeness);
	tcase_add_test(
	        tc, dossier_and_obligations_link_documents_and_evidence_to_full_completeness);
	tcase_add_test(tc, contract_recommendations_follow_role_and_classification);
	tcase_add_test(tc, roadmap_job_writes_json_xlsx_html_matching_the_preview);
	tcase_add_test(tc, matrix_export_lists_every_system);
	tcase_add_test(tc, roles_decide_who_classifies_and_who_approves_releases);
	tcase_add_test(tc, dossier_export_renders_the_dossier_as_html_and_json);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(aiact_suite());
	srunner_run_all(sr, CK_NORMAL);
	int nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	aiact_rules_free(rules);
	return nf == 0 ? 0 : 1;
}
