-- 0009 consultant access across tenants: the tenant switcher's list.
--
-- A consultant's memberships are visible to them (memberships_visible), but the names
-- of the client tenants are not: the tenants policy shows a tenant only to itself and
-- to its operator. This door returns, for the calling user only (app.user_id, set by
-- the API from the verified token, never from a parameter), the tenants they are a
-- member of with slug, name, kind, status and their role there.

CREATE FUNCTION me_tenants()
RETURNS TABLE (tenant_id uuid, slug text, name text, kind text, status text, role text,
	home boolean)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
	SELECT t.id, t.slug, t.name, t.kind, t.status, m.role, t.id = u.tenant_id
	FROM memberships m
	JOIN tenants t ON t.id = m.tenant_id
	JOIN users u ON u.id = m.user_id
	WHERE m.user_id = app_user()
$$;
REVOKE ALL ON FUNCTION me_tenants() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION me_tenants() TO concord_app;
