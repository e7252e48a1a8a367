/*
 * routes.c - the registry of route tables. A new resource module adds its table here
 * and its paths to api/openapi.json (a test compares the two).
 */
#include "api.h"

const struct route *const route_tables[] = {
        health_routes,
        auth_routes,
        tenant_routes,
        user_routes,
        baseline_routes,
        token_routes,
        audit_routes,
        job_routes,
        sso_routes,
        mfa_routes,
        catalog_routes,
        control_routes,
        soa_routes,
        ai_system_routes,
        supplier_routes,
        aiact_routes,
        engagement_routes,
        context_routes,
        governance_routes,
        kpi_routes,
        risk_routes,
        asset_routes,
        portfolio_routes,
        document_routes,
        evidence_routes,
        NULL,
};
